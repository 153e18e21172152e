// Owns reading one accepted publisher's socket in paced batches (read-pacer.ts decides how often). A libuv read
// costs a wakeup, two epoll changes, a fresh 64 KiB buffer and two entries into JavaScript per batch. Where the
// socket has a file descriptor (Linux, macOS) the libuv handle is stopped instead and each batch is read(2) calls
// straight into one shared buffer, handed to `onData` synchronously (the RTMP parser copies what it keeps): one
// wakeup and one entry into JavaScript per batch, shared by every stream on the same grid step. Such a read returns
// all that was queued, which is what lets the pacer learn the connection's receive window. Without a descriptor
// (Windows) the socket is paused and resumed around each batch, and the pacer keeps to its smallest budget.
import type net from 'node:net';
import { handleOf, NOTHING_QUEUED, readQueued, socketFd } from './queued-read.js';
import type { ReadPacer } from './read-pacer.js';

/** one batch of a 20 Mbps stream at the longest pause fits; a larger backlog is read in several passes */
const SHARED_BUFFER_BYTES = 256 * 1024;

export interface PacedReaderOptions {
  socket: net.Socket;
  pacer: ReadPacer;
  /** the RTMP session's data handler: parses `chunk` before it returns */
  onData(chunk: Buffer): void;
  now(): number;
  /** the shared buffer of batch reads (one per event loop is enough: reads are synchronous) */
  buffer: Buffer;
}

export function sharedReadBuffer(): Buffer {
  return Buffer.allocUnsafe(SHARED_BUFFER_BYTES);
}

export class PacedReader {
  private timer: NodeJS.Timeout | null = null;
  /** true while batches are read from the descriptor (the libuv handle is stopped) */
  private direct = false;
  private stopped = false;

  constructor(private readonly o: PacedReaderOptions) {}

  /** After data arrived the ordinary way: from now on read in batches if the pacer says so. */
  afterData(nowMs: number): void {
    if (this.stopped || this.direct || this.timer) return;
    const pauseMs = this.o.pacer.pauseMs(nowMs);
    if (pauseMs <= 0) return;
    const socket = this.o.socket;
    // paused with highWaterMark 0, Node's stream machinery asks the handle for nothing until resume()
    socket.pause();
    // Node stops the handle like this on pause() for its `onread` sockets (net.js); resume() starts it again
    const handle = handleOf(socket);
    const stopped = handle?.reading === true && typeof handle.readStop === 'function';
    if (stopped) {
      handle.reading = false;
      handle.readStop?.();
    }
    if (stopped && typeof handle.fd === 'number' && handle.fd >= 0) {
      this.direct = true;
      this.schedule(pauseMs);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!socket.destroyed && !this.stopped) socket.resume();
    }, pauseMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(pauseMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.readBatch();
    }, pauseMs);
  }

  private readBatch(): void {
    const { socket, buffer } = this.o;
    if (this.stopped || socket.destroyed) return;
    const fd = socketFd(socket);
    if (fd === null) return;
    for (;;) {
      let n: number;
      try {
        n = readQueued(fd, buffer);
      } catch (error) {
        socket.destroy(error as Error);
        return;
      }
      if (n === NOTHING_QUEUED) break;
      if (n === 0) {
        // the publisher closed its side: what a libuv read would have reported as the end
        socket.destroy();
        return;
      }
      this.o.onData(buffer.subarray(0, n));
      if (this.stopped || socket.destroyed) return;
      if (n < buffer.length) break;
    }
    const pauseMs = this.o.pacer.pauseMs(this.o.now(), true);
    if (pauseMs > 0) {
      this.schedule(pauseMs);
      return;
    }
    // the stream got too fast for batches: back to reading every arrival
    this.direct = false;
    socket.resume();
  }
}
