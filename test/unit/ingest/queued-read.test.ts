// Reading what a socket has queued, on a real loopback connection: the bytes the peer sent and nothing more, "nothing
// queued" without waiting, the peer's end, and a failed read that closes the socket.
import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOTHING_QUEUED, readQueued, socketFd, takeQueued } from '../../../main/ingest/queued-read.js';

const open: net.Socket[] = [];
let server: net.Server | null = null;

afterEach(() => {
  for (const s of open.splice(0)) s.destroy();
  server?.close();
  server = null;
});

/** a connected pair; the accepted side is not read by libuv (pauseOnConnect), as a test of reads needs */
async function pair(): Promise<{ accepted: net.Socket; client: net.Socket }> {
  const accepted = new Promise<net.Socket>((resolve) => {
    server = net.createServer({ pauseOnConnect: true }, resolve);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server?.address() as net.AddressInfo;
  const client = net.connect(address.port, '127.0.0.1');
  const a = await accepted;
  open.push(a, client);
  return { accepted: a, client };
}

/** waits until `fd` has something to read (the peer's bytes cross loopback asynchronously) */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 30));
}

// a socket's descriptor is what these read: Linux and macOS (Windows keeps to libuv's reads, tested last)
describe('queued reads', () => {
  it('return what the peer sent, then "nothing queued" at once, then 0 at its end', async () => {
    const { accepted, client } = await pair();
    const fd = socketFd(accepted);
    expect(fd).not.toBeNull();
    const buffer = Buffer.alloc(64);
    expect(readQueued(fd as number, buffer)).toBe(NOTHING_QUEUED);
    client.write('connect');
    await settle();
    const n = readQueued(fd as number, buffer);
    expect(buffer.toString('latin1', 0, n)).toBe('connect');
    expect(readQueued(fd as number, buffer)).toBe(NOTHING_QUEUED);
    client.end();
    await settle();
    expect(readQueued(fd as number, buffer)).toBe(0);
  });

  it('takeQueued hands the bytes over in the given buffer, and null when nothing is queued or at the end', async () => {
    const { accepted, client } = await pair();
    const buffer = Buffer.alloc(64);
    expect(takeQueued(accepted, buffer)).toBeNull();
    client.write('createStream');
    await settle();
    const got = takeQueued(accepted, buffer);
    expect(got?.toString('latin1')).toBe('createStream');
    expect(got?.buffer).toBe(buffer.buffer);
    client.end();
    await settle();
    expect(takeQueued(accepted, buffer)).toBeNull();
    // the end is left in the socket for libuv, which ends it as always
    expect(accepted.destroyed).toBe(false);
  });

  it('takeQueued reads nothing from a socket without a descriptor (Windows, or closed)', () => {
    const socket = { _handle: null, destroy: vi.fn() } as unknown as net.Socket;
    expect(socketFd(socket)).toBeNull();
    expect(takeQueued(socket, Buffer.alloc(8))).toBeNull();
    expect(socket.destroy).not.toHaveBeenCalled();
  });

  it('a failed read destroys the socket with its error', () => {
    const writeOnly = fs.openSync('/dev/null', 'w');
    try {
      const destroy = vi.fn();
      const socket = { _handle: { fd: writeOnly }, destroy } as unknown as net.Socket;
      expect(() => readQueued(writeOnly, Buffer.alloc(8))).toThrow(/EBADF/);
      expect(takeQueued(socket, Buffer.alloc(8))).toBeNull();
      expect(destroy).toHaveBeenCalledWith(expect.objectContaining({ code: 'EBADF' }));
    } finally {
      fs.closeSync(writeOnly);
    }
  });
});
