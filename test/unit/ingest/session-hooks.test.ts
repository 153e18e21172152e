// The per-connection overrides on node-media-server's session answer as NMS does: the connect exchange (control
// messages and _result) is NMS's byte for byte, a simple handshake gets S1 = S2 = C1 with what follows C0C1 parsed,
// and an answer decided inside a read leaves at once while the socket stays corked for the rest of that read.
import type net from 'node:net';
import { Writable } from 'node:stream';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { loadNms, type NmsRtmp } from '../../../main/ingest/nms-internals.js';
import { learnPeer, moveConn, newConn, type Conn } from '../../../main/ingest/conn.js';
import {
  EAGER_READS,
  flushCorked,
  installSessionHooks,
  type SessionEvents,
} from '../../../main/ingest/session-hooks.js';
import { connectMessage, CREATE_STREAM, decodeAmf0, publishMessage } from '../../bench/rtmp-client.js';

const require = createRequire(import.meta.url);
const NmsRtmpClass = require('node-media-server/src/protocol/rtmp.js') as new () => NmsRtmp;

/** a socket whose writes are collected, as the session's writer sees it */
function fakeSocket(): { socket: net.Socket; written: Buffer[] } {
  const written: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      written.push(Buffer.from(chunk));
      done();
    },
  });
  Object.assign(sink, { remoteAddress: '127.0.0.1', remotePort: 5000, destroyed: false });
  return { socket: sink as unknown as net.Socket, written };
}

const events: SessionEvents = {
  now: () => 0,
  onPush: () => {},
  onPlay: () => {},
  onPacket: () => {},
  onParsedBatch: () => {},
  onClosed: () => {},
  kill: (_c, why) => {
    throw new Error(`killed: ${why}`);
  },
  readQueued: () => null,
  debug: () => {},
};

function hookedSession(overrides: Partial<SessionEvents> = {}) {
  const nms = loadNms();
  const { socket, written } = fakeSocket();
  const session = new nms.RtmpSession(socket);
  const conn = newConn(session, socket, 0);
  installSessionHooks(
    conn,
    nms.rtmpProto,
    { maxMessageBytes: 1 << 20, maxChunkStreams: 8 },
    { ...events, ...overrides },
  );
  session.rtmp.onOutputCallback = (b: Buffer) => socket.write(b);
  return { conn, session, written };
}

const CONNECT = {
  cmd: 'connect',
  transId: 1,
  cmdObj: {
    app: 'kLive/?p=102&e=0_abcdefgh&i=0&t=secret',
    tcUrl: 'rtmp://studio.local:1935/kLive/?p=102',
    objectEncoding: 0,
  },
};

describe('session hooks', () => {
  it('answer connect with the bytes NMS sends, and keep the full application for the gate', () => {
    const { conn, session, written } = hookedSession();
    session.rtmp.onConnect(structuredClone(CONNECT));

    const reference = new NmsRtmpClass();
    const out: Buffer[] = [];
    reference.onOutputCallback = (b: Buffer) => out.push(Buffer.from(b));
    reference.onConnect({ ...structuredClone(CONNECT), cmdObj: { ...CONNECT.cmdObj, app: 'kLive' } });

    expect(Buffer.concat(written).equals(Buffer.concat(out))).toBe(true);
    expect(conn.app).toBe(CONNECT.cmdObj.app);
    expect(session.rtmp.streamApp).toBe('kLive');
    expect(session.rtmp.streamHost).toBe('studio.local');
  });

  it('take a connect without a usable tcUrl as localhost, as before', () => {
    const { session } = hookedSession();
    session.rtmp.onConnect({ ...CONNECT, cmdObj: { app: 'kLive', tcUrl: 'not a url' } });
    expect(session.rtmp.streamHost).toBe('localhost');
    expect(session.rtmp.objectEncoding).toBe(0);
  });

  it('answer a simple handshake itself and hand what follows C0C1 to NMS', () => {
    const { session, written } = hookedSession();
    const c0c1 = Buffer.alloc(1537, 7);
    c0c1[0] = 3;
    c0c1.writeUInt32BE(0, 5);
    const c2 = Buffer.alloc(1536, 1);
    session.onData(Buffer.concat([c0c1, c2.subarray(0, 100)]));
    expect(written).toHaveLength(1);
    expect((written[0] as Buffer).subarray(1, 1537).equals(c0c1.subarray(1))).toBe(true);
    expect((written[0] as Buffer).subarray(1537).equals(c0c1.subarray(1))).toBe(true);
    // NMS counted the 100 bytes of C2 it was given
    expect((session.rtmp as unknown as { handshakeBytes: number }).handshakeBytes).toBe(100);
  });

  it('never ask the socket for the peer address while answering, and ask it once when it is needed', () => {
    const { conn, session, written } = hookedSession();
    let reads = 0;
    Object.defineProperty(conn.socket, 'remoteAddress', {
      get() {
        reads++;
        return '::ffff:192.168.1.20';
      },
    });
    const c0c1 = Buffer.alloc(1537, 7);
    c0c1[0] = 3;
    c0c1.writeUInt32BE(0, 5);
    session.onData(c0c1);
    session.onData(Buffer.alloc(100, 1));
    expect(written).toHaveLength(1);
    expect(reads).toBe(0);
    expect(conn.peerKnown).toBe(false);
    expect(learnPeer(conn)).toBe('192.168.1.20');
    expect(session.ip).toBe('::ffff:192.168.1.20:5000');
    expect(learnPeer(conn)).toBe('192.168.1.20');
    expect(conn.sourceAddress).toBe('192.168.1.20');
    expect(reads).toBe(1);
  });

  it('before the publish, read what the encoder queued after each answer at once, and stop at the publish', () => {
    const queue: Buffer[] = [];
    let asked = 0;
    const pushed: Conn[] = [];
    const writesAtRead: number[] = [];
    const { session, written } = hookedSession({
      readQueued: () => {
        asked++;
        writesAtRead.push(written.length);
        return queue.shift() ?? null;
      },
      onPush: (c) => {
        moveConn(c, 'gate');
        pushed.push(c);
      },
    });
    // NMS's session wires this in run(), which also listens on the socket
    (session.rtmp as unknown as { onPushCallback: () => void }).onPushCallback = () => session.onPush();
    const c0c1 = simpleC0C1();
    const target = { port: 1935, app: 'kLive/?p=102&e=0_abcdefgh&i=0&t=secret', streamName: '0_abcdefgh_1' };
    queue.push(
      Buffer.concat([c0c1.subarray(1), connectMessage(target)]),
      CREATE_STREAM,
      publishMessage(target.streamName, 1),
      Buffer.from('media that waits for the gate'),
    );
    session.onData(c0c1);
    // S0S1S2, then the answers to connect and to createStream, each written before the next read
    expect((written[0] as Buffer).length).toBe(1 + 2 * 1536);
    expect(commandsIn(Buffer.concat(written.slice(1)))).toEqual(['_result', '_result']);
    expect(writesAtRead[0]).toBe(1);
    expect(writesAtRead[1]).toBeGreaterThan(1);
    expect(writesAtRead[2]).toBe(written.length);
    expect(pushed).toHaveLength(1);
    expect(session.rtmp.streamName).toBe('0_abcdefgh_1');
    // the publish moved the connection on: what follows it is read the ordinary way, when the gate lets it
    expect(asked).toBe(3);
    expect(queue).toHaveLength(1);
  });

  it("decode the commands before a publish in place, and leave NMS's decoder the others", () => {
    const proto = loadNms().rtmpProto;
    const nmsDecodes = vi.spyOn(proto, 'invokeHandler');
    try {
      const { session, written } = hookedSession();
      const target = { port: 1935, app: 'kLive', streamName: '0_abcdefgh_1' };
      const c0c1 = simpleC0C1();
      session.onData(c0c1);
      session.onData(Buffer.concat([c0c1.subarray(1), connectMessage(target), CREATE_STREAM]));
      expect(commandsIn(Buffer.concat(written.slice(1)))).toEqual(['_result', '_result']);
      expect(session.rtmp.streamApp).toBe('kLive');
      expect(nmsDecodes).not.toHaveBeenCalled();
      // FFmpeg's releaseStream (NMS only logs it)
      const release = Buffer.from(
        '0300000000001e140000000002000d72656c6561736553747265616d004000000000000000050200016b',
        'hex',
      );
      session.onData(release);
      expect(nmsDecodes).toHaveBeenCalledTimes(1);
    } finally {
      nmsDecodes.mockRestore();
    }
  });

  it('read at most EAGER_READS times after one read, so a peer that trickles bytes cannot hold the loop', () => {
    let asked = 0;
    const { session } = hookedSession({
      readQueued: () => {
        asked++;
        return Buffer.alloc(1, 1);
      },
    });
    session.onData(simpleC0C1());
    expect(asked).toBe(EAGER_READS);
  });

  it('not read on after input that closes the connection', () => {
    let asked = 0;
    let killed = '';
    const { session } = hookedSession({
      readQueued: () => {
        asked++;
        // a message that announces 16 MiB
        return Buffer.from([0x03, 0, 0, 0, 0xff, 0xff, 0xff, 20, 0, 0, 0, 0, 2]);
      },
      kill: (c, why) => {
        killed = why;
        c.socket.destroy();
      },
    });
    session.onData(Buffer.concat([simpleC0C1(), Buffer.alloc(1536, 1)]));
    expect(killed).toMatch(/larger than/);
    expect(asked).toBe(1);
  });

  it('flushCorked sends what is corked and keeps the cork', () => {
    const { socket, written } = fakeSocket();
    socket.cork();
    socket.write(Buffer.from('answer'));
    expect(written).toHaveLength(0);
    flushCorked(socket);
    expect(Buffer.concat(written).toString()).toBe('answer');
    expect(socket.writableCorked).toBe(1);
    socket.write(Buffer.from('later'));
    expect(written).toHaveLength(1);
    socket.uncork();
    expect(Buffer.concat(written).toString()).toBe('answerlater');
  });
});

/** C0C1 of a simple handshake (zero version in C1) */
function simpleC0C1(): Buffer {
  const c0c1 = Buffer.alloc(1537, 7);
  c0c1[0] = 3;
  c0c1.writeUInt32BE(0, 5);
  return c0c1;
}

/** the AMF0 command names in the RTMP messages of one write (single-chunk command messages, as answered here) */
function commandsIn(bytes: Buffer): string[] {
  const names: string[] = [];
  let p = 0;
  while (p < bytes.length) {
    const fmt = (bytes[p] ?? 0) >> 6;
    const header = [12, 8, 4, 1][fmt] ?? 1;
    const length = fmt <= 1 ? bytes.readUIntBE(p + 4, 3) : 0;
    const type = fmt <= 1 ? bytes[p + 7] : 0;
    if (type === 20) names.push(String(decodeAmf0(bytes.subarray(p + header, p + header + length))[0]));
    p += header + length;
  }
  return names;
}
