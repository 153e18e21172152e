// What a late reader starts with: header and codec headers always, the current GOP only while it fits, and the FLV
// header's stream flags from the metadata when there is some, else from the tags seen.
import { describe, expect, it } from 'vitest';
import { GopCache } from '../../../main/media/gop-cache.js';
import { flvHeader, flvTag } from '../../../main/media/flv-tags.js';

const VIDEO_HEADER = flvTag(9, 0, Buffer.from([0x17, 0, 0, 0, 0]));
const KEY = flvTag(9, 40, Buffer.from([0x17, 1, 0, 0, 0, 1, 2, 3]));
const INTER = flvTag(9, 80, Buffer.from([0x27, 1, 0, 0, 0, 4, 5]));

describe('GopCache', () => {
  it('starts a reader without a GOP before the first key frame, with the streams seen so far', () => {
    const cache = new GopCache(1024);
    cache.remember('video-header', 9, VIDEO_HEADER);
    const start = cache.start();
    expect(start.fromGop).toBe(false);
    expect(cache.hasVideo).toBe(true);
    expect(start.bytes).toEqual(Buffer.concat([flvHeader({ audio: false, video: true }), VIDEO_HEADER]));
  });

  it('starts a reader on the current GOP once a key frame arrived', () => {
    const cache = new GopCache(1024);
    cache.remember('video-header', 9, VIDEO_HEADER);
    cache.remember('video-key', 9, KEY);
    cache.remember('video', 9, INTER);
    const start = cache.start();
    expect(start.fromGop).toBe(true);
    expect(start.bytes).toEqual(Buffer.concat([flvHeader({ audio: false, video: true }), VIDEO_HEADER, KEY, INTER]));
  });

  it('drops a GOP that outgrows its limit until the next key frame', () => {
    const cache = new GopCache(KEY.length + INTER.length - 1);
    cache.remember('video-key', 9, KEY);
    cache.remember('video', 9, INTER);
    expect(cache.start().fromGop).toBe(false);
    cache.remember('video-key', 9, KEY);
    expect(cache.start().fromGop).toBe(true);
  });
});
