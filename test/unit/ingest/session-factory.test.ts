// NMS sessions are built and prepared ahead of the connection that takes them: the spare gets the connection's socket
// (its address is asked for later, by the adapter), holds no FLV parser buffer (NMS's RTMP protocol never uses it: 1 MiB per connection), is prepared once,
// before any socket, and is rebuilt only when refilled while started.
import type net from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadNms, type NmsRtmpSession } from '../../../main/ingest/nms-internals.js';
import { SessionFactory } from '../../../main/ingest/session-factory.js';

/** a socket that counts how often its address is asked for (each is a getpeername(2) on a real one) */
let addressReads = 0;
const socketFrom = (port: number): net.Socket =>
  ({
    get remoteAddress() {
      addressReads++;
      return '127.0.0.1';
    },
    remotePort: port,
  }) as unknown as net.Socket;

describe('SessionFactory', () => {
  it('hands out the spare session with the connection socket, and builds the next one only on refill', () => {
    const prepared: NmsRtmpSession[] = [];
    const factory = new SessionFactory(loadNms(), (session) => {
      // what the adapter prepares runs before the socket is known
      expect(session.socket.remotePort).toBe(0);
      prepared.push(session);
      return { session, mark: prepared.length };
    });
    factory.start();
    expect(prepared).toHaveLength(1);
    const taken = factory.take(socketFrom(5001));
    expect(taken.mark).toBe(1);
    const first = taken.session;
    expect(first.socket.remotePort).toBe(5001);
    expect(first.socket.remotePort).toBe(5001);
    expect((first.rtmp as unknown as { flv: unknown }).flv).toBeNull();

    const built = factory.take(socketFrom(5002)).session;
    expect(built).not.toBe(first);
    expect(built.socket.remotePort).toBe(5002);
    expect((built.rtmp as unknown as { flv: unknown }).flv).toBeNull();

    factory.refill();
    expect(prepared).toHaveLength(3);
    const spare = factory.take(socketFrom(5003)).session;
    expect(prepared).toHaveLength(3);
    expect(spare.socket.remotePort).toBe(5003);
    // the address is the adapter's to ask for, after the first answer (learnPeer): not while the encoder waits
    expect(addressReads).toBe(0);
    expect(spare.id).not.toBe(built.id);
  });

  it('builds nothing ahead once stopped, and only on demand', () => {
    const nms = loadNms();
    let built = 0;
    const Counted = class extends nms.RtmpSession {
      constructor(socket: net.Socket) {
        super(socket);
        built++;
      }
    };
    const factory = new SessionFactory({ ...nms, RtmpSession: Counted }, (session) => ({ session }));
    factory.start();
    expect(built).toBe(1);
    factory.stop();
    factory.refill();
    expect(built).toBe(1);
    expect(factory.take(socketFrom(5004)).session.socket.remotePort).toBe(5004);
    expect(built).toBe(2);
  });
});
