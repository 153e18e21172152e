// A FeedSink that keeps what it was given (copied: the feed writes views of its reused slabs), for tests of the
// ingest feed and of whatever attaches FFmpeg to it.
import type { FeedSink } from '../../main/media/flv-feed.js';

export class RecordingSink implements FeedSink {
  writes: Buffer[] = [];
  ended = false;
  destroyed = false;
  writableLength = 0;
  write(chunk: Buffer): boolean {
    this.writes.push(Buffer.from(chunk));
    return true;
  }
  end(): void {
    this.ended = true;
  }
  bytes(): Buffer {
    return Buffer.concat(this.writes);
  }
}
