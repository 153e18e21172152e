// Owns reading what a socket has queued, without waiting and without libuv: one read(2) on its file descriptor. Used
// by the paced batches of an accepted publisher (paced-reader.ts) and by the eager reads of a connection that has not
// published yet (session-hooks.ts). Windows sockets have no descriptor: there, callers keep to libuv's reads.
import fs from 'node:fs';
import type net from 'node:net';

/** the parts of Node's libuv handle of a socket that are read here (net.js's `_handle`) */
export interface LibuvHandle {
  fd?: number;
  reading?: boolean;
  readStop?: () => number;
}

export function handleOf(socket: net.Socket): LibuvHandle | null {
  return (socket as unknown as { _handle?: LibuvHandle | null })._handle ?? null;
}

/** The socket's file descriptor, or null (Windows, or closed). */
export function socketFd(socket: net.Socket): number | null {
  const fd = handleOf(socket)?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : null;
}

/** Nothing was queued (EAGAIN): the socket is open and has nothing to read now. */
export const NOTHING_QUEUED = -1;

/**
 * Reads what `fd` has queued into `buffer`: the byte count, 0 at the peer's end of the stream, or NOTHING_QUEUED.
 * Throws the error of the read for any other failure (a reset connection).
 */
export function readQueued(fd: number, buffer: Buffer): number {
  try {
    return fs.readSync(fd, buffer, 0, buffer.length, null);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return NOTHING_QUEUED;
    throw error;
  }
}

/**
 * What `socket` has queued now, read into `buffer` (the bytes are valid until its next use): null when nothing is,
 * at the peer's end (libuv's own read finds that too, and ends the socket as it always does), or without a
 * descriptor. A failed read destroys the socket with its error.
 */
export function takeQueued(socket: net.Socket, buffer: Buffer): Buffer | null {
  const fd = socketFd(socket);
  if (fd === null) return null;
  let n: number;
  try {
    n = readQueued(fd, buffer);
  } catch (error) {
    socket.destroy(error as Error);
    return null;
  }
  return n > 0 ? buffer.subarray(0, n) : null;
}
