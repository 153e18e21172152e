// Owns writing the feed into a child's pipe with as little work per batch as the platform allows. While nothing is
// queued, a batch goes to the pipe's file descriptor with write(2) straight from the feed's buffer (the descriptor is
// non-blocking: a full pipe answers EAGAIN at once); what the pipe cannot take now, and everything after it until the
// queue drained, goes through the stream's own asynchronous write, so the order never changes. Without a descriptor
// (Windows) every write is the stream's.
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { FeedSink } from './flv-feed.js';

/**
 * The feed's sink on a child's fd 3 (stdio[3] of a spawn with a fourth 'pipe'), or null when there is none. A
 * write after the child closed it raises EPIPE on the stream: the child's exit is handled by whoever spawned it.
 */
export function childFeedSink(stdio3: unknown): FeedSink | null {
  const stream = (stdio3 as Writable | null | undefined) ?? null;
  if (!stream) return null;
  stream.on('error', () => undefined);
  return pipeSink(stream);
}

export function pipeSink(stream: Writable): FeedSink {
  const fdOf = (): number => {
    const fd = (stream as unknown as { _handle?: { fd?: number } | null })._handle?.fd;
    return typeof fd === 'number' && fd >= 0 ? fd : -1;
  };
  return {
    write(chunk: Buffer): boolean {
      if (stream.destroyed) return false;
      const fd = stream.writableLength === 0 ? fdOf() : -1;
      let offset = 0;
      if (fd >= 0) {
        try {
          while (offset < chunk.length) offset += fs.writeSync(fd, chunk, offset, chunk.length - offset);
          return true;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') {
            // EPIPE and the like: the reader is gone; its exit is handled by whoever spawned it
            stream.destroy();
            return false;
          }
        }
      }
      return stream.write(offset === 0 ? chunk : chunk.subarray(offset));
    },
    end(): void {
      if (!stream.destroyed) stream.end();
    },
    get writableLength(): number {
      return stream.writableLength;
    },
    get destroyed(): boolean {
      return stream.destroyed;
    },
  };
}
