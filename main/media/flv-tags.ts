// Owns the bytes of FLV tags: what kind a tag is (headers, key frames, media; legacy FLV and Enhanced RTMP), the FLV
// file header, writing a tag (header, body, PreviousTagSize), and joining the tags of one batch into one write.

export type TagKind = 'metadata' | 'audio-header' | 'video-header' | 'video-key' | 'video' | 'audio' | 'other';

export const TAG_AUDIO = 8;
export const TAG_VIDEO = 9;
export const TAG_SCRIPT = 18;
const FLV_HEADER_SIZE = 9;
export const TAG_HEADER_SIZE = 11;
export const PREVIOUS_TAG_SIZE = 4;
/** AMF0 string "@setDataFrame": RTMP publishers wrap onMetaData in it; FLV files carry onMetaData bare */
const SET_DATA_FRAME = amf0Key('@setDataFrame', 0x02);
/** onMetaData keys (AMF0 object/ECMA array property names) */
export const AUDIO_CODEC_KEY = amf0Key('audiocodecid');
export const VIDEO_CODEC_KEY = amf0Key('videocodecid');

/** Reads the kind of an FLV tag body from its first bytes (legacy FLV and Enhanced RTMP). */
export function classifyTag(type: number, data: Buffer, size: number): TagKind {
  const b0 = data[0] ?? 0;
  if (type === TAG_SCRIPT) return isMetadata(data, size) ? 'metadata' : 'other';
  if (type === TAG_AUDIO) {
    const format = b0 >> 4;
    // Enhanced RTMP audio (format 9 = ExHeader): the low nibble is the packet type, 0 = sequence start
    if (format === 9) return (b0 & 0x0f) === 0 ? 'audio-header' : 'audio';
    return format === 10 && size >= 2 && data[1] === 0 ? 'audio-header' : 'audio';
  }
  if (type !== TAG_VIDEO) return 'other';
  const frameType = (b0 >> 4) & 0x07;
  if ((b0 & 0x80) !== 0) {
    const packetType = b0 & 0x0f;
    if (packetType === 0) return 'video-header';
    const coded = packetType === 1 || packetType === 3;
    return coded && frameType === 1 ? 'video-key' : 'video';
  }
  const codecId = b0 & 0x0f;
  // AVC (7) and the legacy HEVC id (12) carry an AVCPacketType: 0 = sequence header, 1 = NALUs, 2 = end
  if (codecId === 7 || codecId === 12) {
    const packetType = size >= 2 ? data[1] : -1;
    if (packetType === 0) return 'video-header';
    return packetType === 1 && frameType === 1 ? 'video-key' : 'video';
  }
  return frameType === 1 ? 'video-key' : 'video';
}

function isMetadata(data: Buffer, size: number): boolean {
  const body = stripSetDataFrame(data.subarray(0, size));
  return (
    body.length >= 13 &&
    body[0] === 0x02 &&
    body.readUInt16BE(1) === 10 &&
    body.toString('latin1', 3, 13) === 'onMetaData'
  );
}

export function stripSetDataFrame(body: Buffer): Buffer {
  return body.length > SET_DATA_FRAME.length && body.subarray(0, SET_DATA_FRAME.length).equals(SET_DATA_FRAME)
    ? body.subarray(SET_DATA_FRAME.length)
    : body;
}

/** The 9-byte FLV file header plus the first PreviousTagSize (0). */
export function flvHeader(streams: { audio: boolean; video: boolean }): Buffer {
  const b = Buffer.alloc(FLV_HEADER_SIZE + PREVIOUS_TAG_SIZE);
  b.write('FLV', 0, 'latin1');
  b[3] = 1;
  b[4] = (streams.audio ? 0x04 : 0) | (streams.video ? 0x01 : 0);
  b.writeUInt32BE(FLV_HEADER_SIZE, 5);
  return b;
}

/** One FLV tag (header, body, PreviousTagSize) in a new buffer. The timestamp is 32-bit: 24 bits + extension. */
export function flvTag(type: number, timestampMs: number, body: Buffer): Buffer {
  return writeFlvTag(Buffer.allocUnsafe(TAG_HEADER_SIZE + body.length + PREVIOUS_TAG_SIZE), type, timestampMs, body);
}

/** Writes one FLV tag into `tag`, which is exactly 11 + body + 4 bytes long. */
export function writeFlvTag(tag: Buffer, type: number, timestampMs: number, body: Buffer): Buffer {
  const size = body.length;
  const ts = timestampMs >>> 0;
  tag[0] = type;
  tag.writeUIntBE(size, 1, 3);
  tag.writeUIntBE(ts & 0xffffff, 4, 3);
  tag[7] = (ts >>> 24) & 0xff;
  tag.writeUIntBE(0, 8, 3);
  body.copy(tag, TAG_HEADER_SIZE);
  tag.writeUInt32BE(TAG_HEADER_SIZE + size, TAG_HEADER_SIZE + size);
  return tag;
}

/** An AMF0 UTF-8 string as a property name (u16 length + bytes), or as a value with its type marker. */
function amf0Key(name: string, marker?: number): Buffer {
  const text = Buffer.from(name, 'latin1');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(text.length);
  return Buffer.concat([...(marker === undefined ? [] : [Buffer.from([marker])]), length, text]);
}

/** Tags that sit side by side in one slab leave as one view of it; others are copied together. */
export function joinTags(tags: Buffer[]): Buffer {
  const first = tags[0] as Buffer;
  if (tags.length === 1) return first;
  let end = first.byteOffset + first.length;
  for (let i = 1; i < tags.length; i++) {
    const tag = tags[i] as Buffer;
    if (tag.buffer !== first.buffer || tag.byteOffset !== end) return Buffer.concat(tags);
    end += tag.length;
  }
  return Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset);
}
