// The FLV feed of the station's own FFmpeg readers, on synthetic tags: the bytes parse back as FLV (header flags as
// FFmpeg's RTMP client sets them, metadata without @setDataFrame, 32-bit timestamps), one write per batch, a late
// reader starts on the current GOP, a reader that falls behind loses frames up to a key frame and recovers, and the
// end of the publisher ends every reader.
import { describe, expect, it } from 'vitest';
import { FlvFeed } from '../../../main/media/flv-feed.js';
import { classifyTag, flvHeader, flvTag } from '../../../main/media/flv-tags.js';
import { AAC_HEADER, AVC_HEADER_320x180, amfString } from '../../helpers/flv.js';
import { RecordingSink } from '../../helpers/feed-sink.js';

const AVC_HEADER = AVC_HEADER_320x180;

function metadata(keys: string[], wrapped = true): Buffer {
  const parts = [
    ...(wrapped ? [amfString('@setDataFrame')] : []),
    amfString('onMetaData'),
    Buffer.from([8, 0, 0, 0, keys.length]),
  ];
  for (const k of keys) {
    const n = Buffer.alloc(9);
    n.writeDoubleBE(7, 1);
    parts.push(amfString(k).subarray(1), n);
  }
  parts.push(Buffer.from([0, 0, 9]));
  return Buffer.concat(parts);
}
function avc(key: boolean, bytes: number, fill = 0): Buffer {
  const b = Buffer.alloc(bytes, fill);
  b[0] = key ? 0x17 : 0x27;
  b[1] = 1;
  return b;
}
function aac(bytes: number, fill = 0): Buffer {
  const b = Buffer.alloc(bytes, fill);
  b[0] = 0xaf;
  b[1] = 1;
  return b;
}

interface Tag {
  type: number;
  timestampMs: number;
  body: Buffer;
}

/** An FLV byte stream back into its header flags and tags; checks every PreviousTagSize. */
function parseFlv(bytes: Buffer): { flags: number; tags: Tag[] } {
  expect(bytes.toString('latin1', 0, 3)).toBe('FLV');
  expect(bytes.readUInt32BE(5)).toBe(9);
  expect(bytes.readUInt32BE(9)).toBe(0);
  const tags: Tag[] = [];
  let o = 13;
  while (o < bytes.length) {
    const size = bytes.readUIntBE(o + 1, 3);
    const timestampMs = (bytes.readUIntBE(o + 4, 3) | ((bytes[o + 7] as number) << 24)) >>> 0;
    expect(bytes.readUIntBE(o + 8, 3)).toBe(0);
    tags.push({ type: bytes[o] as number, timestampMs, body: bytes.subarray(o + 11, o + 11 + size) });
    expect(bytes.readUInt32BE(o + 11 + size)).toBe(11 + size);
    o += 11 + size + 4;
  }
  expect(o).toBe(bytes.length);
  return { flags: bytes[4] as number, tags };
}

/** NMS hands a reused buffer longer than the tag, and overwrites it with the next message. */
function push(feed: FlvFeed, type: number, ts: number, body: Buffer): void {
  const reused = Buffer.concat([body, Buffer.alloc(32, 0xee)]);
  feed.push(type, ts, reused, body.length);
  reused.fill(0xdd);
}

describe('classifyTag', () => {
  it('reads legacy FLV and Enhanced RTMP kinds from the first bytes', () => {
    expect(classifyTag(9, AVC_HEADER, AVC_HEADER.length)).toBe('video-header');
    expect(classifyTag(9, avc(true, 8), 8)).toBe('video-key');
    expect(classifyTag(9, avc(false, 8), 8)).toBe('video');
    expect(classifyTag(9, Buffer.from([0x17, 2, 0, 0, 0]), 5)).toBe('video'); // AVC end of sequence
    expect(classifyTag(9, Buffer.from([0x12, 0, 0]), 3)).toBe('video-key'); // Sorenson H.263 key frame
    expect(classifyTag(8, AAC_HEADER, AAC_HEADER.length)).toBe('audio-header');
    expect(classifyTag(8, aac(8), 8)).toBe('audio');
    expect(classifyTag(8, Buffer.from([0x2f, 0xff]), 2)).toBe('audio'); // MP3
    // Enhanced RTMP: [1|frameType|packetType] + FourCC
    expect(classifyTag(9, Buffer.from([0x90, 0x68, 0x76, 0x63, 0x31]), 5)).toBe('video-header');
    expect(classifyTag(9, Buffer.from([0x91, 0x68, 0x76, 0x63, 0x31, 0, 0, 0]), 8)).toBe('video-key');
    expect(classifyTag(9, Buffer.from([0x93, 0x61, 0x76, 0x30, 0x31]), 5)).toBe('video-key');
    expect(classifyTag(9, Buffer.from([0xa1, 0x68, 0x76, 0x63, 0x31, 0, 0, 0]), 8)).toBe('video');
    expect(classifyTag(8, Buffer.from([0x90, 0x4f, 0x70, 0x75, 0x73]), 5)).toBe('audio-header');
    expect(classifyTag(18, metadata(['width']), metadata(['width']).length)).toBe('metadata');
    expect(classifyTag(18, amfString('onCuePoint'), 13)).toBe('other');
  });
});

describe('flvTag / flvHeader', () => {
  it('write a 32-bit timestamp as 24 bits plus the extension byte, and the flags', () => {
    const tag = flvTag(9, 0x12345678, Buffer.from([1, 2, 3]));
    expect(tag.toString('hex')).toBe('09000003345678120000000102030000000e');
    expect(flvHeader({ audio: true, video: true })[4]).toBe(5);
    expect(flvHeader({ audio: false, video: true })[4]).toBe(1);
    expect(flvHeader({ audio: false, video: false })[4]).toBe(0);
  });
});

describe('FlvFeed', () => {
  it('gives a reader the header, metadata without @setDataFrame and the sequence headers, then live tags as FLV', () => {
    const feed = new FlvFeed();
    push(feed, 18, 0, metadata(['width', 'videocodecid', 'audiocodecid']));
    push(feed, 9, 0, AVC_HEADER);
    push(feed, 8, 0, AAC_HEADER);
    const sink = new RecordingSink();
    feed.attach(sink);
    push(feed, 9, 0, avc(true, 300, 1));
    push(feed, 8, 23, aac(20, 2));
    push(feed, 9, 0xfffffff0 + 33, avc(false, 100, 3)); // past 2^32 ms: the tag keeps the low 32 bits
    feed.flush();
    const { flags, tags } = parseFlv(sink.bytes());
    expect(flags).toBe(5);
    // headers in the order node-media-server replays them to a new RTMP reader: metadata, audio, video
    expect(tags.map((t) => [t.type, t.timestampMs, t.body.length])).toEqual([
      [18, 0, metadata(['width', 'videocodecid', 'audiocodecid'], false).length],
      [8, 0, AAC_HEADER.length],
      [9, 0, AVC_HEADER.length],
      [9, 0, 300],
      [8, 23, 20],
      [9, 0x11, 100],
    ]);
    expect(tags[0]?.body.equals(metadata(['width', 'videocodecid', 'audiocodecid'], false))).toBe(true);
    expect(tags[3]?.body.equals(avc(true, 300, 1))).toBe(true);
    expect(tags[4]?.body.equals(aac(20, 2))).toBe(true);
  });

  it('sets the header flags from onMetaData as FFmpeg does, else from the tags seen, else none', () => {
    const videoOnly = new FlvFeed();
    push(videoOnly, 18, 0, metadata(['videocodecid', 'width']));
    push(videoOnly, 8, 0, AAC_HEADER); // metadata wins: FFmpeg's RTMP client would not flag audio either
    const a = new RecordingSink();
    videoOnly.attach(a);
    expect(a.bytes()[4]).toBe(1);

    const noMeta = new FlvFeed();
    push(noMeta, 8, 0, AAC_HEADER);
    const b = new RecordingSink();
    noMeta.attach(b);
    expect(b.bytes()[4]).toBe(4);

    const nothing = new FlvFeed();
    const c = new RecordingSink();
    nothing.attach(c);
    expect(c.bytes()[4]).toBe(0);
  });

  it('writes the tags pushed since the last flush (one read of the publisher) as one chunk', () => {
    const feed = new FlvFeed();
    const sink = new RecordingSink();
    feed.attach(sink);
    sink.writes = [];
    for (let i = 0; i < 10; i++) push(feed, 8, i * 23, aac(200, i));
    expect(sink.writes).toHaveLength(0);
    feed.flush();
    feed.flush();
    feed.flush();
    expect(sink.writes).toHaveLength(1);
    push(feed, 8, 230, aac(200));
    feed.flush();
    expect(sink.writes).toHaveLength(2);
    // bigger than a slab and mixed with small ones: still every byte, in order
    push(feed, 9, 0, avc(true, 100_000, 7));
    push(feed, 8, 253, aac(300, 8));
    push(feed, 9, 33, avc(false, 70_000, 9));
    feed.flush();
    const { tags } = parseFlv(Buffer.concat([flvHeader({ audio: true, video: true }), ...sink.writes]));
    expect(tags.slice(-3).map((t) => [t.type, t.body.length, t.body[5]])).toEqual([
      [9, 100_000, 7],
      [8, 300, 8],
      [9, 70_000, 9],
    ]);
  });

  it('starts a late reader (a restarted FFmpeg) on the current GOP: key frame first, audio of the GOP included', () => {
    const feed = new FlvFeed();
    push(feed, 9, 0, AVC_HEADER);
    push(feed, 8, 0, AAC_HEADER);
    push(feed, 9, 0, avc(true, 50, 1));
    push(feed, 9, 33, avc(false, 20, 2));
    push(feed, 9, 2000, avc(true, 50, 3));
    push(feed, 8, 2010, aac(10, 4));
    push(feed, 9, 2033, avc(false, 20, 5));
    feed.flush();
    const sink = new RecordingSink();
    feed.attach(sink);
    const { tags } = parseFlv(sink.bytes());
    expect(tags.map((t) => [t.type, t.timestampMs])).toEqual([
      [8, 0],
      [9, 0],
      [9, 2000],
      [8, 2010],
      [9, 2033],
    ]);
    expect(tags[2]?.body[5]).toBe(3);
  });

  it('makes a reader that joins without a usable GOP wait for the next key frame', () => {
    const feed = new FlvFeed({ maxGopBytes: 100 });
    push(feed, 9, 0, AVC_HEADER);
    push(feed, 9, 0, avc(true, 60));
    push(feed, 9, 33, avc(false, 60)); // the GOP passed 100 bytes: no use to a late reader
    const sink = new RecordingSink();
    feed.attach(sink);
    push(feed, 9, 66, avc(false, 10));
    push(feed, 8, 70, aac(10));
    push(feed, 9, 100, avc(true, 10, 6));
    push(feed, 8, 110, aac(10));
    feed.flush();
    const { tags } = parseFlv(sink.bytes());
    expect(tags.map((t) => [t.type, t.timestampMs])).toEqual([
      [9, 0],
      [9, 100],
      [8, 110],
    ]);
  });

  it('drops frames for a reader that fell behind until a key frame once half its backlog drained, and says so once', () => {
    const events: Array<{ lagging: boolean; droppedTags: number }> = [];
    const feed = new FlvFeed({
      maxBacklogBytes: 1000,
      onReaderLagging: (e) => events.push({ lagging: e.lagging, droppedTags: e.droppedTags }),
    });
    push(feed, 9, 0, AVC_HEADER);
    const sink = new RecordingSink();
    feed.attach(sink);
    sink.writes = [];
    sink.writableLength = 5000; // FFmpeg stopped reading
    push(feed, 9, 0, avc(true, 50));
    push(feed, 8, 10, aac(10));
    feed.flush();
    expect(sink.writes).toEqual([]);
    expect(events).toEqual([{ lagging: true, droppedTags: 0 }]);
    push(feed, 9, 33, avc(false, 50));
    push(feed, 9, 2000, avc(true, 50)); // a key frame, but the backlog is still high
    feed.flush();
    sink.writableLength = 400; // drained below half
    push(feed, 9, 2033, avc(false, 50)); // not a key frame: still dropped
    push(feed, 9, 4000, avc(true, 50, 9));
    push(feed, 8, 4010, aac(10));
    feed.flush();
    const tags = parseFlv(Buffer.concat([flvHeader({ audio: true, video: true }), ...sink.writes])).tags;
    expect(tags.map((t) => t.timestampMs)).toEqual([4000, 4010]);
    expect(events).toEqual([
      { lagging: true, droppedTags: 0 },
      { lagging: false, droppedTags: 5 },
    ]);
  });

  it('passes sequence headers to a lagging reader (a new encoder configuration must not be lost)', () => {
    const feed = new FlvFeed({ maxBacklogBytes: 10 });
    const sink = new RecordingSink();
    feed.attach(sink);
    sink.writes = [];
    sink.writableLength = 100;
    push(feed, 9, 0, AVC_HEADER);
    push(feed, 9, 0, avc(false, 10));
    feed.flush();
    const tags = parseFlv(Buffer.concat([flvHeader({ audio: false, video: true }), ...sink.writes])).tags;
    expect(tags.map((t) => t.body.length)).toEqual([AVC_HEADER.length]);
  });

  it('ends every reader when the publisher leaves, after what was pending, and ends a reader attaching later at once', () => {
    const feed = new FlvFeed();
    const sink = new RecordingSink();
    const detach = feed.attach(sink);
    push(feed, 8, 0, aac(10));
    feed.end();
    expect(sink.ended).toBe(true);
    expect(parseFlv(sink.bytes()).tags).toHaveLength(1);
    push(feed, 8, 23, aac(10));
    feed.flush();
    expect(parseFlv(sink.bytes()).tags).toHaveLength(1);
    detach();
    const late = new RecordingSink();
    feed.attach(late);
    expect(late.ended).toBe(true);
    expect(late.writes).toEqual([]);
    expect(feed.readerCount).toBe(0);
  });

  it('forgets a detached or destroyed reader', () => {
    const feed = new FlvFeed();
    const a = new RecordingSink();
    const b = new RecordingSink();
    const detachA = feed.attach(a);
    feed.attach(b);
    detachA();
    b.destroyed = true;
    push(feed, 8, 0, aac(10));
    feed.flush();
    expect(feed.readerCount).toBe(0);
    expect(a.writes).toHaveLength(1);
    expect(b.writes).toHaveLength(1);
  });
});
