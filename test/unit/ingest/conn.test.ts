// A connection's record: prepared on a session before its socket exists, given its socket, and its peer's address
// read of the socket once, only when something asks (the publish request the ingest gets reads it lazily).
import type net from 'node:net';
import { describe, expect, it } from 'vitest';
import { attachSocket, ConnPublishRequest, learnPeer, newConn } from '../../../main/ingest/conn.js';
import { loadNms } from '../../../main/ingest/nms-internals.js';

/** a socket that counts how often its address is asked for (each is a getpeername(2) on a real one) */
function countingSocket(address: string, port: number): { socket: net.Socket; reads: () => number } {
  let reads = 0;
  const socket = {
    get remoteAddress() {
      reads++;
      return address;
    },
    remotePort: port,
  } as unknown as net.Socket;
  return { socket, reads: () => reads };
}

describe('Conn', () => {
  it('is prepared without a socket, then attached to one without asking its address', () => {
    const nms = loadNms();
    const placeholder = countingSocket('', 0);
    const session = new nms.RtmpSession(placeholder.socket);
    const conn = newConn(session, placeholder.socket, 5);
    expect(conn).toMatchObject({ id: session.id, phase: 'handshake', sourceAddress: '', peerKnown: false });

    const real = countingSocket('::ffff:10.0.0.7', 50123);
    attachSocket(conn, real.socket, 1234);
    expect(conn.socket).toBe(real.socket);
    expect(conn.lastDataAtMs).toBe(1234);
    expect(real.reads()).toBe(0);

    expect(learnPeer(conn)).toBe('10.0.0.7');
    expect(session.ip).toBe('::ffff:10.0.0.7:50123');
    expect(learnPeer(conn)).toBe('10.0.0.7');
    expect(real.reads()).toBe(1);
  });

  it('hands the ingest a publish request whose address is read only when the ingest reads it', () => {
    const nms = loadNms();
    const { socket, reads } = countingSocket('127.0.0.1', 40000);
    const conn = newConn(new nms.RtmpSession(socket), socket, 0);
    conn.app = 'kLive/?p=102&e=0_rkij47dr&i=0&t=dj94kfit';
    conn.tcUrl = 'rtmp://localhost/kLive/?p=102&e=0_rkij47dr&i=0&t=dj94kfit';
    conn.publishName = '0_rkij47dr_1';
    const before = reads();

    const request = new ConnPublishRequest(conn);
    expect(request).toMatchObject({
      connectionId: conn.id,
      app: conn.app,
      tcUrl: conn.tcUrl,
      publishName: '0_rkij47dr_1',
    });
    expect(reads()).toBe(before);
    expect(request.sourceAddress).toBe('127.0.0.1');
    expect(request.sourceAddress).toBe('127.0.0.1');
    expect(reads()).toBe(before + 1);
  });

  it('gives a connection that never sent app or publish name empty strings, as the ingest expects', () => {
    const nms = loadNms();
    const { socket } = countingSocket('127.0.0.1', 1);
    const request = new ConnPublishRequest(newConn(new nms.RtmpSession(socket), socket, 0));
    expect(request).toMatchObject({ app: '', tcUrl: null, publishName: '' });
  });
});
