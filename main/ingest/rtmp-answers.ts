// Owns the bytes of the answers an encoder waits for before it may publish: the simple handshake's S0S1S2, the
// connect and createStream results and NetStream.Publish.Start. They are the messages node-media-server 4.4.3 sends
// (test/unit/ingest/rtmp-answers.test.ts compares them byte for byte), written by a small AMF0 writer instead of NMS's
// general one, which concatenates a buffer per value: each answer is one round trip of the encoder's publish. The
// connect answer, the same for every encoder, is built once; Publish.Start is kept for the last 64 stream names, so
// an encoder that reconnects gets it ready. Answers are written as they are, never changed after they are built.

/** RTMP's handshake version byte (C0/S0), the only one there is */
export const RTMP_VERSION = 3;
export const HANDSHAKE_BYTES = 1536;

/**
 * The S0S1S2 of the simple handshake when C0C1 asks for it, else null (the caller lets NMS answer). A client asks for
 * the digest handshake by a non-zero version in C1's bytes 4-7 (Flash Player, FFmpeg: 9.0.124.2); librtmp's simple
 * handshake (OBS) and GStreamer's rtmp2 send zeros there, and the answer is S1 = S2 = C1, as NMS gives them after
 * finding no digest. `c0c1` must hold at least 1 + 1536 bytes.
 */
export function simpleHandshakeAnswer(c0c1: Buffer): Buffer | null {
  if (c0c1.length < 1 + HANDSHAKE_BYTES || c0c1[0] !== RTMP_VERSION) return null;
  if (c0c1.readUInt32BE(1 + 4) !== 0) return null;
  const c1 = c0c1.subarray(1, 1 + HANDSHAKE_BYTES);
  const out = Buffer.allocUnsafe(1 + 2 * HANDSHAKE_BYTES);
  out[0] = RTMP_VERSION;
  c1.copy(out, 1);
  c1.copy(out, 1 + HANDSHAKE_BYTES);
  return out;
}

type Amf0Value = string | number | null | { [key: string]: string | number };

/** Bytes of one AMF0 value; strings are UTF-8 with their byte length (a long string past 65535 bytes). */
function amf0Size(v: Amf0Value): number {
  if (v === null) return 1;
  if (typeof v === 'number') return 9;
  if (typeof v === 'string') {
    const n = Buffer.byteLength(v, 'utf8');
    return (n > 0xffff ? 5 : 3) + n;
  }
  let size = 1 + 3;
  for (const [key, value] of Object.entries(v)) size += 2 + Buffer.byteLength(key, 'utf8') + amf0Size(value);
  return size;
}

function writeAmf0(buf: Buffer, at: number, v: Amf0Value): number {
  if (v === null) {
    buf[at] = 0x05;
    return at + 1;
  }
  if (typeof v === 'number') {
    buf[at] = 0x00;
    buf.writeDoubleBE(v, at + 1);
    return at + 9;
  }
  if (typeof v === 'string') {
    const n = Buffer.byteLength(v, 'utf8');
    if (n > 0xffff) {
      buf[at] = 0x0c;
      buf.writeUInt32BE(n, at + 1);
      return at + 5 + buf.write(v, at + 5, 'utf8');
    }
    buf[at] = 0x02;
    buf.writeUInt16BE(n, at + 1);
    return at + 3 + buf.write(v, at + 3, 'utf8');
  }
  buf[at++] = 0x03;
  for (const [key, value] of Object.entries(v)) {
    at = buf.writeUInt16BE(Buffer.byteLength(key, 'utf8'), at);
    at += buf.write(key, at, 'utf8');
    at = writeAmf0(buf, at, value);
  }
  buf[at] = 0x00;
  buf[at + 1] = 0x00;
  buf[at + 2] = 0x09;
  return at + 3;
}

/** NMS's channel for commands, and the AMF0 command message type */
const INVOKE_CHUNK_STREAM = 3;
const AMF0_COMMAND = 20;
/** NMS announces (and chunks at) 65535 bytes; an answer past that would need more chunks */
const MAX_SINGLE_CHUNK = 0xffff;

/**
 * One command message in one chunk (format 0, timestamp 0) on NMS's command channel. Returns null past 65535 bytes of
 * payload (only a publish name that long gets there; the caller lets NMS chunk it).
 */
export function commandMessage(messageStreamId: number, values: Amf0Value[]): Buffer | null {
  const payloadBytes = values.reduce<number>((sum, v) => sum + amf0Size(v), 0);
  if (payloadBytes > MAX_SINGLE_CHUNK) return null;
  const buf = Buffer.allocUnsafe(12 + payloadBytes);
  buf[0] = INVOKE_CHUNK_STREAM;
  buf.writeUIntBE(0, 1, 3);
  buf.writeUIntBE(payloadBytes, 4, 3);
  buf[7] = AMF0_COMMAND;
  buf.writeUInt32LE(messageStreamId, 8);
  let at = 12;
  for (const v of values) at = writeAmf0(buf, at, v);
  return buf;
}

/** NMS's flow-control window and peer bandwidth (bytes), announced before the connect answer */
const WINDOW_ACK_BYTES = 5_000_000;
const PEER_BANDWIDTH_DYNAMIC = 2;
const preambles = new Map<number, Buffer>();

/**
 * The protocol control messages NMS sends before its connect answer, in its order: Window Acknowledgement Size,
 * Set Peer Bandwidth and Set Chunk Size (`outChunkSize`, the size NMS then chunks at).
 */
export function connectPreamble(outChunkSize: number): Buffer {
  let preamble = preambles.get(outChunkSize);
  if (!preamble) {
    const control = (type: number, body: Buffer): Buffer => {
      const head = Buffer.alloc(12);
      head[0] = 2; // chunk stream 2, message stream 0: protocol control
      head.writeUIntBE(body.length, 4, 3);
      head[7] = type;
      return Buffer.concat([head, body]);
    };
    const u32 = (v: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(v >>> 0, 0);
      return b;
    };
    preamble = Buffer.concat([
      control(5, u32(WINDOW_ACK_BYTES)),
      control(6, Buffer.concat([u32(WINDOW_ACK_BYTES), Buffer.from([PEER_BANDWIDTH_DYNAMIC])])),
      control(1, u32(outChunkSize)),
    ]);
    if (preambles.size < 4) preambles.set(outChunkSize, preamble);
  }
  return preamble;
}

const connectAnswers = new Map<string, Buffer>();

/** The connect command's _result, as NMS words it; built once per (transaction id, object encoding). */
export function connectResult(transactionId: number, objectEncoding: number): Buffer {
  const key = `${transactionId}|${objectEncoding}`;
  let answer = connectAnswers.get(key);
  if (!answer) {
    answer = commandMessage(0, [
      '_result',
      transactionId,
      { fmsVer: 'FMS/3,0,1,123', capabilities: 31 },
      {
        level: 'status',
        code: 'NetConnection.Connect.Success',
        description: 'Connection succeeded.',
        objectEncoding,
      },
    ]) as Buffer;
    // encoders send 1 and 0 or 3; anything else is answered but not kept
    if (connectAnswers.size < 16) connectAnswers.set(key, answer);
  }
  return answer;
}

/** createStream's _result: the new message stream's id. */
export function createStreamResult(transactionId: number, messageStreamId: number): Buffer {
  return commandMessage(0, ['_result', transactionId, null, messageStreamId]) as Buffer;
}

/** the last Publish.Start answers: an encoder that reconnects gets its answer without building it again */
const publishAnswers = new Map<string, Buffer>();
const PUBLISH_ANSWERS_KEPT = 64;

/** NetStream.Publish.Start on the publisher's message stream, worded as NMS words it; null past one chunk. */
export function publishStart(messageStreamId: number, app: string, streamName: string): Buffer | null {
  const key = `${messageStreamId}/${app}/${streamName}`;
  const kept = publishAnswers.get(key);
  if (kept) return kept;
  const answer = commandMessage(messageStreamId, [
    'onStatus',
    0,
    null,
    { level: 'status', code: 'NetStream.Publish.Start', description: `/${app}/${streamName} is now published.` },
  ]);
  if (answer && answer.length <= 1024) {
    publishAnswers.set(key, answer);
    if (publishAnswers.size > PUBLISH_ANSWERS_KEPT) publishAnswers.delete(publishAnswers.keys().next().value as string);
  }
  return answer;
}
