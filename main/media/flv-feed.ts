// Owns the station's own readers of one accepted stream (its transcoder and recorder): the stream as FLV bytes
// written to a pipe that FFmpeg reads with `-f flv -i pipe:3`. Against a loopback RTMP pull this saves the RTMP
// chunking, the TCP round trip, and FFmpeg's per-chunk reads (hundreds of syscalls a second per reader).
// Tags are buffered until flush(), which the ingest calls after each read of the publisher's socket: a reader gets
// one write (and wakes once) per batch, not per frame.
// A reader that joins late (a restarted FFmpeg) first gets the FLV header, metadata, sequence headers and the
// current GOP, so it starts decoding on a key frame at once. A reader that falls too far behind loses frames up to
// the next key frame instead of making the station buffer without bound. Tag bytes: flv-tags.ts; what a late
// reader starts with: gop-cache.ts.
import { GopCache } from './gop-cache.js';
import {
  classifyTag,
  joinTags,
  PREVIOUS_TAG_SIZE,
  stripSetDataFrame,
  TAG_HEADER_SIZE,
  TAG_SCRIPT,
  writeFlvTag,
  type TagKind,
} from './flv-tags.js';

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

const DEFAULT_MAX_BACKLOG_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_GOP_BYTES = 24 * 1024 * 1024;
/**
 * Tags are copied into shared slabs of this size rather than a buffer each: fresh buffers are what a station
 * pays for per frame (allocation, page faults, GC), and the tags of one batch then leave as one contiguous write.
 */
const SLAB_BYTES = 64 * 1024;

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
  private readonly readers = new Set<Reader>();
  private readonly cache: GopCache;
  private slab: Buffer | null = null;
  private slabUsed = 0;
  private pending: Buffer[] = [];
  private pendingKinds: TagKind[] = [];
  private ended = false;

  constructor(private readonly options: FlvFeedOptions = {}) {
    this.maxBacklogBytes = options.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES;
    this.cache = new GopCache(options.maxGopBytes ?? DEFAULT_MAX_GOP_BYTES);
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
    this.cache.remember(kind, type, tag);
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
    const start = this.cache.start();
    if (!start.fromGop && this.cache.hasVideo) reader.state = 'waiting';
    sink.write(start.bytes);
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
    this.cache.dropGop();
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
        const startsHere = kind === 'video-key' || (kind === 'audio' && !this.cache.hasVideo);
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
}
