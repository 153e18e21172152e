// Owns the bench's tiny RTMP publisher handshake: handshake, connect, createStream, publish, and the
// time until the server answers NetStream.Publish.Start (the ingest holds it until the Kaltura gate
// accepts), so the authentication decision is measured on the wire as an encoder sees it.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface RtmpPublishTarget {
  port: number;
  /** the RTMP application with its query, e.g. kLive/?p=102&e=0_x&i=0&t=... */
  app: string;
  streamName: string;
}

export interface RtmpPublishResult {
  /** 'NetStream.Publish.Start' when accepted, else the status code or 'closed' */
  code: string;
  /** from the first byte sent to the publish answer */
  elapsedMs: number;
  /** from sending publish to the answer: the gate's decision as the encoder waits for it */
  publishToAnswerMs: number;
  /** the open socket (still publishing when accepted); the caller closes it */
  socket: net.Socket;
  /** where the elapsed time went, each from the step before: TCP connect, handshake (C0C1 -> S0S1S2), connect
   * command -> _result, createStream -> _result, publish -> onStatus */
  stepsMs: { tcp: number; handshake: number; connect: number; createStream: number; publish: number };
}

/** what the auth bench reads of any client's publish (rtmp-client.ts, encoder-client.c) */
export type TimedPublish = Pick<RtmpPublishResult, 'code' | 'elapsedMs' | 'stepsMs'>;

type Amf = string | number | boolean | null | Record<string, unknown>;

function amfString(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const head = Buffer.alloc(3);
  head[0] = 0x02;
  head.writeUInt16BE(b.length, 1);
  return Buffer.concat([head, b]);
}

function amfNumber(n: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = 0x00;
  b.writeDoubleBE(n, 1);
  return b;
}

function amfObject(o: Record<string, string | number>): Buffer {
  const parts: Buffer[] = [Buffer.from([0x03])];
  for (const [k, v] of Object.entries(o)) {
    const key = Buffer.from(k, 'utf8');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(key.length, 0);
    parts.push(len, key, typeof v === 'number' ? amfNumber(v) : amfString(v));
  }
  parts.push(Buffer.from([0x00, 0x00, 0x09]));
  return Buffer.concat(parts);
}

const AMF_NULL = Buffer.from([0x05]);

/** Decodes the top-level AMF0 values of a command message (strings, numbers, booleans, null, flat objects). */
export function decodeAmf0(buf: Buffer): Amf[] {
  const out: Amf[] = [];
  let i = 0;
  const str = (): string => {
    const n = buf.readUInt16BE(i);
    const s = buf.toString('utf8', i + 2, i + 2 + n);
    i += 2 + n;
    return s;
  };
  const value = (): Amf => {
    const type = buf[i++];
    if (type === 0x00) {
      const v = buf.readDoubleBE(i);
      i += 8;
      return v;
    }
    if (type === 0x01) return buf[i++] !== 0;
    if (type === 0x02) return str();
    if (type === 0x05 || type === 0x06) return null;
    if (type === 0x03 || type === 0x08) {
      if (type === 0x08) i += 4;
      const o: Record<string, unknown> = {};
      for (;;) {
        const key = str();
        if (key === '' && buf[i] === 0x09) {
          i += 1;
          return o;
        }
        o[key] = value();
      }
    }
    throw new Error(`AMF0 type ${String(type)} is not supported by the bench client`);
  };
  while (i < buf.length) out.push(value());
  return out;
}

/** One RTMP message in a single chunk (basic header fmt 0); fine for the small commands we send. */
function chunkMessage(csid: number, typeId: number, streamId: number, payload: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(12);
  header[0] = csid & 0x3f;
  header.writeUIntBE(0, 1, 3);
  header.writeUIntBE(payload.length, 4, 3);
  header[7] = typeId;
  header.writeUInt32LE(streamId, 8);
  parts.push(header);
  const chunkSize = 128;
  for (let off = 0; off < payload.length; off += chunkSize) {
    if (off > 0) parts.push(Buffer.from([0xc0 | (csid & 0x3f)]));
    parts.push(payload.subarray(off, off + chunkSize));
  }
  return Buffer.concat(parts);
}

interface ChunkState {
  length: number;
  typeId: number;
  streamId: number;
  timestamp: number;
  body: Buffer[];
  received: number;
}

/** Reassembles the server's chunk stream into messages. */
class ChunkReader {
  private buf: Buffer = Buffer.alloc(0);
  private chunkSize = 128;
  private readonly streams = new Map<number, ChunkState>();

  constructor(private readonly onMessage: (typeId: number, payload: Buffer) => void) {}

  push(data: Buffer): void {
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    while (this.step()) {
      // keep reading whole chunks
    }
  }

  private step(): boolean {
    const b = this.buf;
    if (b.length < 1) return false;
    const first = b[0] ?? 0;
    const fmt = first >> 6;
    let csid = first & 0x3f;
    let p = 1;
    if (csid === 0) {
      if (b.length < 2) return false;
      csid = (b[1] ?? 0) + 64;
      p = 2;
    } else if (csid === 1) {
      if (b.length < 3) return false;
      csid = (b[2] ?? 0) * 256 + (b[1] ?? 0) + 64;
      p = 3;
    }
    const headerLen = [11, 7, 3, 0][fmt] ?? 0;
    if (b.length < p + headerLen) return false;
    const prev = this.streams.get(csid);
    const st: ChunkState = prev ?? { length: 0, typeId: 0, streamId: 0, timestamp: 0, body: [], received: 0 };
    let ts = st.timestamp;
    if (fmt <= 2) ts = b.readUIntBE(p, 3);
    if (fmt <= 1) {
      st.length = b.readUIntBE(p + 3, 3);
      st.typeId = b[p + 6] ?? 0;
    }
    if (fmt === 0) st.streamId = b.readUInt32LE(p + 7);
    p += headerLen;
    if (ts === 0xffffff) {
      if (b.length < p + 4) return false;
      p += 4;
    }
    const want = Math.min(this.chunkSize, st.length - st.received);
    if (b.length < p + want) return false;
    st.timestamp = ts;
    st.body.push(b.subarray(p, p + want));
    st.received += want;
    this.buf = b.subarray(p + want);
    this.streams.set(csid, st);
    if (st.received >= st.length) {
      const payload = Buffer.concat(st.body);
      st.body = [];
      st.received = 0;
      if (st.typeId === 1 && payload.length >= 4) this.chunkSize = payload.readUInt32BE(0) & 0x7fffffff;
      this.onMessage(st.typeId, payload);
    }
    return true;
  }
}

const C0C1 = Buffer.concat([Buffer.from([0x03]), Buffer.alloc(1536)]);
/** createStream (transaction 2) as one chunk on chunk stream 3 */
export const CREATE_STREAM = chunkMessage(3, 20, 0, Buffer.concat([amfString('createStream'), amfNumber(2), AMF_NULL]));

/** the connect command (transaction 1) of a publish to `target`, as this client sends it */
export function connectMessage(target: RtmpPublishTarget): Buffer {
  const tcUrl = `rtmp://127.0.0.1:${target.port}/${target.app}`;
  const payload = Buffer.concat([
    amfString('connect'),
    amfNumber(1),
    amfObject({ app: target.app, type: 'nonprivate', flashVer: 'FMLE/3.0 (compatible; klive-bench)', tcUrl }),
  ]);
  return chunkMessage(3, 20, 0, payload);
}

/** the publish command (transaction 3) of `streamName` on message stream `streamId` */
export function publishMessage(streamName: string, streamId: number): Buffer {
  const payload = Buffer.concat([
    amfString('publish'),
    amfNumber(3),
    AMF_NULL,
    amfString(streamName),
    amfString('live'),
  ]);
  return chunkMessage(8, 20, streamId, payload);
}

/**
 * Connects and publishes; resolves when the server answers the publish (or closes), or rejects on timeout.
 * The commands are encoded before the clock starts, so what is timed is the exchange with the server (an encoder
 * written in C spends microseconds on its side), not this client's AMF encoding.
 */
export function rtmpPublish(target: RtmpPublishTarget, timeoutMs = 15_000): Promise<RtmpPublishResult> {
  const connect = connectMessage(target);
  const publishOnStream1 = publishMessage(target.streamName, 1);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let publishSentAt = 0;
    const marks = { tcp: 0, handshake: 0, connect: 0, createStream: 0 };
    const socket = net.connect(target.port, '127.0.0.1');
    socket.setNoDelay(true);
    let phase: 'handshake' | 'commands' | 'done' = 'handshake';
    let hs: Buffer = Buffer.alloc(0);
    const finish = (code: string): void => {
      if (phase === 'done') return;
      phase = 'done';
      clearTimeout(timer);
      const now = performance.now();
      const step = (to: number, from: number): number => (to && from ? to - from : Number.NaN);
      resolve({
        code,
        elapsedMs: now - t0,
        publishToAnswerMs: publishSentAt ? now - publishSentAt : Number.NaN,
        socket,
        stepsMs: {
          tcp: step(marks.tcp, t0),
          handshake: step(marks.handshake, marks.tcp),
          connect: step(marks.connect, marks.handshake),
          createStream: step(marks.createStream, marks.connect),
          publish: step(now, marks.createStream),
        },
      });
    };
    const timer = setTimeout(() => {
      phase = 'done';
      socket.destroy();
      reject(new Error(`no publish answer from 127.0.0.1:${target.port} within ${timeoutMs} ms`));
    }, timeoutMs);
    const reader = new ChunkReader((typeId, payload) => {
      if (typeId !== 20) return;
      const values = decodeAmf0(payload);
      const [name, txn] = values;
      if (name === '_result' && txn === 1) {
        marks.connect = performance.now();
        socket.write(CREATE_STREAM);
      } else if (name === '_result' && txn === 2) {
        const streamId = typeof values[3] === 'number' ? values[3] : 1;
        publishSentAt = performance.now();
        marks.createStream = publishSentAt;
        socket.write(streamId === 1 ? publishOnStream1 : publishMessage(target.streamName, streamId));
      } else if (name === 'onStatus') {
        const info = values[3];
        const code = info && typeof info === 'object' ? String((info as Record<string, unknown>)['code']) : 'unknown';
        finish(code);
      } else if (name === '_error') {
        finish('_error');
      }
    });
    socket.on('connect', () => {
      marks.tcp = performance.now();
      socket.write(C0C1);
    });
    socket.on('data', (data: Buffer) => {
      if (phase === 'handshake') {
        hs = hs.length === 0 ? data : Buffer.concat([hs, data]);
        if (hs.length < 1 + 1536 + 1536) return;
        const s1 = hs.subarray(1, 1537);
        const rest = hs.subarray(1 + 1536 + 1536);
        phase = 'commands';
        marks.handshake = performance.now();
        socket.write(Buffer.concat([s1, connect]));
        if (rest.length > 0) reader.push(rest);
        return;
      }
      if (phase === 'commands') reader.push(data);
    });
    socket.on('error', () => finish('error'));
    socket.on('close', () => finish('closed'));
  });
}
