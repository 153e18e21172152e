// Pins the bug where a backup (i=1) or a second ingest (_2) of an entry wrote into the primary's HLS folder.
import { describe, expect, it } from 'vitest';
import { hlsOutputId } from '../../../main/station/stream-pipeline.js';
import { resolveHlsPath } from '../../../main/http/hls-route.js';

describe('hlsOutputId', () => {
  it('gives the primary source the entry folder and every other ingest its own', () => {
    expect(hlsOutputId({ entryId: '0_rkij47dr', mediaServerIndex: 0, suffix: 1 })).toBe('0_rkij47dr');
    expect(hlsOutputId({ entryId: '0_rkij47dr', mediaServerIndex: 1, suffix: 1 })).toBe('0_rkij47dr-b1');
    expect(hlsOutputId({ entryId: '0_rkij47dr', mediaServerIndex: 0, suffix: 2 })).toBe('0_rkij47dr-p2');
  });

  it('is served by the HLS route, and nothing else that looks like it is', () => {
    expect(resolveHlsPath('/data/hls', '/hls/0_rkij47dr-b1/master.m3u8')?.file).toBe(
      '/data/hls/0_rkij47dr-b1/master.m3u8',
    );
    expect(resolveHlsPath('/data/hls', '/hls/0_rkij47dr-x1/master.m3u8')).toBeNull();
    expect(resolveHlsPath('/data/hls', '/hls/0_rkij47dr-b1/..%2f..%2fetc/passwd')).toBeNull();
  });
});
