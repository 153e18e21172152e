// Owns the station's own readers of one accepted stream (its transcoder and recorder): the stream as FLV bytes
// written to a pipe that FFmpeg reads with `-f flv -i pipe:3`. Against a loopback RTMP pull this saves the RTMP
// chunking, the TCP round trip, and FFmpeg's per-chunk reads (hundreds of syscalls a second per reader).
// Tags are buffered until flush(), which the ingest calls after each read of the publisher's socket: a reader gets
// one write (and wakes once) per batch, not per frame.
// A reader that joins late (a restarted FFmpeg) first gets the FLV header, metadata, sequence headers and the
// current GOP, so it starts decoding on a key frame at once. A reader that falls too far behind loses frames up to
// the next key frame instead of making the station buffer without bound.

/** FFmpeg's input URL for the feed: fd 3 of the child (stdin stays free for 'q'). */
export const FEED_INPUT_URL = 'pipe:3';

/** The writable end of a pipe (a child's stdio stream); `end()` is how a reader learns the stream ended. */
export interface FeedSink {
  write(chunk: Buffer): boolean;
  end(): void;
  readonly writableLength: number;
  readonly destroyed: boolean;
}

/** What a transcoder or recorder attaches to: returns the detach function. */
export interface MediaFeed {
  attach(sink: FeedSink): () => void;
}

export interface FlvFeedOptions {
  /** a reader whose unwritten backlog passes this loses frames until the next key frame (default 16 MiB) */
  maxBacklogBytes?: number;
  /** the GOP kept for late readers is dropped past this size (default 24 MiB: 20 s at ~10 Mbps) */
  maxGopBytes?: number;
  /** told once per episode when a reader starts losing frames, and when it recovers */
  onReaderLagging?: (event: { lagging: boolean; backlogBytes: number; droppedTags: number }) => void;
}

export type TagKind = 'metadata' | 'audio-header' | 'video-header' | 'video-key' | 'video' | 'audio' | 'other';

const TAG_AUDIO = 8;
const TAG_VIDEO = 9;
const TAG_SCRIPT = 18;
const FLV_HEADER_SIZE = 9;
const TAG_HEADER_SIZE = 11;
const PREVIOUS_TAG_SIZE = 4;
const DEFAULT_MAX_BACKLOG_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_GOP_BYTES = 24 * 1024 * 1024;
/**
 * Tags are copied into shared slabs of this size rather than a buffer each: fresh buffers are what a station
 * pays for per frame (allocation, page faults, GC), and the tags of one batch then leave as one contiguous write.
 */
const SLAB_BYTES = 64 * 1024;
/** AMF0 string "@setDataFrame": RTMP publishers wrap onMetaData in it; FLV files carry onMetaData bare */
const SET_DATA_FRAME = amf0Key('@setDataFrame', 0x02);
/** onMetaData keys (AMF0 object/ECMA array property names) */
const AUDIO_CODEC_KEY = amf0Key('audiocodecid');
const VIDEO_CODEC_KEY = amf0Key('videocodecid');

interface Reader {
  sink: FeedSink;
  /**
   * live: gets every tag. waiting: joined without a GOP to start from, media starts at the next key frame.
   * lagging: fell behind past the backlog limit, media resumes at a key frame once half of it drained.
   */
  state: 'live' | 'waiting' | 'lagging';
  droppedTags: number;
}

export class FlvFeed implements MediaFeed {
  private readonly maxBacklogBytes: number;
  private readonly maxGopBytes: number;
  private readonly readers = new Set<Reader>();
  private metadata: Buffer | null = null;
  private audioHeader: Buffer | null = null;
  private videoHeader: Buffer | null = null;
  private gop: Buffer[] = [];
  private gopBytes = 0;
  /** false until a key frame started a GOP that fits: late readers then wait for the next one */
  private gopValid = false;
  private slab: Buffer | null = null;
  private slabUsed = 0;
  private pending: Buffer[] = [];
  private pendingKinds: TagKind[] = [];
  private ended = false;
  private hasAudio = false;
  private hasVideo = false;

  constructor(private readonly options: FlvFeedOptions = {}) {
    this.maxBacklogBytes = options.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES;
    this.maxGopBytes = options.maxGopBytes ?? DEFAULT_MAX_GOP_BYTES;
  }

  get readerCount(): number {
    return this.readers.size;
  }

  /**
   * One tag of the publisher (type 8 audio, 9 video, 18 script) with its RTMP timestamp in ms. `data` may be a
   * reused buffer longer than `size`: it is copied here. It reaches the readers at the next flush().
   */
  push(type: number, timestampMs: number, data: Buffer, size: number): void {
    if (this.ended || size < 1) return;
    const kind = classifyTag(type, data, size);
    const body = kind === 'metadata' ? stripSetDataFrame(data.subarray(0, size)) : data.subarray(0, size);
    const tag = writeFlvTag(
      this.take(TAG_HEADER_SIZE + body.length + PREVIOUS_TAG_SIZE),
      kind === 'metadata' ? TAG_SCRIPT : type,
      kind === 'metadata' ? 0 : timestampMs,
      body,
    );
    this.remember(kind, type, tag);
    if (this.readers.size === 0) return;
    this.pending.push(tag);
    this.pendingKinds.push(kind);
  }

  /** Adds a reader: it gets the header, metadata, sequence headers and current GOP, then the live tags. */
  attach(sink: FeedSink): () => void {
    if (this.ended || sink.destroyed) {
      if (!sink.destroyed) sink.end();
      return () => undefined;
    }
    this.flush();
    const reader: Reader = { sink, state: 'live', droppedTags: 0 };
    const start: Buffer[] = [flvHeader(this.declaredStreams())];
    if (this.metadata) start.push(this.metadata);
    if (this.audioHeader) start.push(this.audioHeader);
    if (this.videoHeader) start.push(this.videoHeader);
    if (this.gopValid) start.push(...this.gop);
    else if (this.hasVideo) reader.state = 'waiting';
    sink.write(Buffer.concat(start));
    this.readers.add(reader);
    return () => {
      this.readers.delete(reader);
    };
  }

  /** The publisher left: every reader gets what is pending and then the end of its input. */
  end(): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    for (const reader of this.readers) if (!reader.sink.destroyed) reader.sink.end();
    this.readers.clear();
    this.gop = [];
    this.gopBytes = 0;
  }

  /** Writes the tags pushed since the last flush: one chunk per reader. */
  flush(): void {
    if (this.pending.length === 0) return;
    const tags = this.pending;
    const kinds = this.pendingKinds;
    this.pending = [];
    this.pendingKinds = [];
    let whole: Buffer | null = null;
    for (const reader of this.readers) {
      if (reader.sink.destroyed) {
        this.readers.delete(reader);
        continue;
      }
      if (reader.state !== 'lagging' && reader.sink.writableLength > this.maxBacklogBytes)
        this.setState(reader, 'lagging');
      if (reader.state === 'live') {
        whole ??= joinTags(tags);
        reader.sink.write(whole);
        continue;
      }
      const kept = this.keptUntilKeyFrame(reader, tags, kinds);
      if (kept.length > 0) reader.sink.write(joinTags(kept));
    }
  }

  /** `bytes` of the current slab (a new slab when it is full; a buffer of its own for a tag larger than a slab). */
  private take(bytes: number): Buffer {
    if (bytes > SLAB_BYTES) return Buffer.allocUnsafe(bytes);
    if (!this.slab || this.slab.length - this.slabUsed < bytes) {
      this.slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.slabUsed = 0;
    }
    const out = this.slab.subarray(this.slabUsed, this.slabUsed + bytes);
    this.slabUsed += bytes;
    return out;
  }

  /** Headers always pass; media starts again on a key frame (a lagging reader: once half its backlog drained). */
  private keptUntilKeyFrame(reader: Reader, tags: Buffer[], kinds: TagKind[]): Buffer[] {
    const kept: Buffer[] = [];
    for (let i = 0; i < tags.length; i++) {
      const kind = kinds[i] as TagKind;
      const media = kind !== 'metadata' && kind !== 'audio-header' && kind !== 'video-header';
      if (reader.state !== 'live' && media) {
        const startsHere = kind === 'video-key' || (kind === 'audio' && !this.hasVideo);
        const drained = reader.state === 'waiting' || reader.sink.writableLength <= this.maxBacklogBytes / 2;
        if (!startsHere || !drained) {
          reader.droppedTags += 1;
          continue;
        }
        this.setState(reader, 'live');
      }
      kept.push(tags[i] as Buffer);
    }
    return kept;
  }

  private setState(reader: Reader, state: Reader['state']): void {
    const was = reader.state;
    reader.state = state;
    if (was === 'lagging' || state === 'lagging') {
      this.options.onReaderLagging?.({
        lagging: state === 'lagging',
        backlogBytes: reader.sink.writableLength,
        droppedTags: reader.droppedTags,
      });
    }
    if (state === 'live') reader.droppedTags = 0;
  }

  /**
   * The FLV header's audio/video flags, as FFmpeg's own RTMP client sets them: from onMetaData's codec ids when
   * there was metadata, else from the tags seen so far; none when nothing is known yet (FFmpeg then finds the
   * streams while probing). A flagged stream lets FFmpeg stop probing as soon as it has seen it.
   */
  private declaredStreams(): { audio: boolean; video: boolean } {
    if (this.metadata)
      return { audio: this.metadata.includes(AUDIO_CODEC_KEY), video: this.metadata.includes(VIDEO_CODEC_KEY) };
    return { audio: this.hasAudio, video: this.hasVideo };
  }

  private remember(kind: TagKind, type: number, tag: Buffer): void {
    if (type === TAG_AUDIO) this.hasAudio = true;
    if (type === TAG_VIDEO) this.hasVideo = true;
    switch (kind) {
      case 'metadata':
        this.metadata = tag;
        return;
      case 'audio-header':
        this.audioHeader = tag;
        return;
      case 'video-header':
        this.videoHeader = tag;
        return;
      case 'video-key':
        this.gop = [tag];
        this.gopBytes = tag.length;
        this.gopValid = tag.length <= this.maxGopBytes;
        return;
      default:
        if (!this.gopValid) return;
        this.gop.push(tag);
        this.gopBytes += tag.length;
        if (this.gopBytes > this.maxGopBytes) {
          // a GOP this long is no use to a late reader: it waits for the next key frame
          this.gop = [];
          this.gopBytes = 0;
          this.gopValid = false;
        }
    }
  }
}

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

function stripSetDataFrame(body: Buffer): Buffer {
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
function writeFlvTag(tag: Buffer, type: number, timestampMs: number, body: Buffer): Buffer {
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
function joinTags(tags: Buffer[]): Buffer {
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
