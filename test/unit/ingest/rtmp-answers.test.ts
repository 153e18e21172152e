// The answers an encoder waits for are node-media-server's own, byte for byte: each is compared with what NMS 4.4.3's
// protocol object writes for the same input. The simple handshake is answered only when C1 asks for it.
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  commandMessage,
  connectResult,
  createStreamResult,
  publishStart,
  simpleHandshakeAnswer,
} from '../../../main/ingest/rtmp-answers.js';

const require = createRequire(import.meta.url);
const NmsRtmp = require('node-media-server/src/protocol/rtmp.js') as new () => Record<string, unknown>;
const nmsAmf = require('node-media-server/src/protocol/amf.js') as {
  decodeAmf0Cmd(b: Buffer): Record<string, unknown>;
};

/** An NMS protocol object whose writes are collected. */
function nms(fields: Record<string, unknown> = {}): { rtmp: Record<string, unknown>; out: Buffer[] } {
  const rtmp = new NmsRtmp();
  const out: Buffer[] = [];
  rtmp['onOutputCallback'] = (b: Buffer) => out.push(Buffer.from(b));
  Object.assign(rtmp, fields);
  return { rtmp, out };
}

const call = (rtmp: Record<string, unknown>, method: string, ...args: unknown[]): void =>
  (rtmp[method] as (...a: unknown[]) => void).apply(rtmp, args);

function c0c1(version: number, fill: (c1: Buffer) => void = () => {}): Buffer {
  const b = Buffer.alloc(1537);
  b[0] = 3;
  b.writeUInt32BE(1234, 1);
  b.writeUInt32BE(version, 5);
  for (let i = 9; i < 1537; i++) b[i] = (i * 7) & 0xff;
  fill(b.subarray(1));
  return b;
}

describe('rtmp answers', () => {
  it.each([
    [1, 0],
    [1, 3],
    [7, 0],
  ])('connect _result (transaction %d, object encoding %d) is the bytes NMS sends', (tid, encoding) => {
    const { rtmp, out } = nms({ objectEncoding: encoding });
    call(rtmp, 'respondConnect', tid);
    expect(connectResult(tid, encoding).equals(out[0] as Buffer)).toBe(true);
  });

  it('connect _result is built once per transaction id and encoding', () => {
    expect(connectResult(1, 0)).toBe(connectResult(1, 0));
    expect(connectResult(1, 3)).not.toBe(connectResult(1, 0));
  });

  it.each([
    [2, 1],
    [4, 3],
  ])('createStream _result (transaction %d, stream %d) is the bytes NMS sends', (tid, streams) => {
    const { rtmp, out } = nms({ streams: streams - 1 });
    call(rtmp, 'respondCreateStream', tid);
    expect(createStreamResult(tid, streams).equals(out[0] as Buffer)).toBe(true);
  });

  it('NetStream.Publish.Start is the bytes NMS sends', () => {
    const { rtmp, out } = nms({ streamId: 1, streamApp: 'kLive', streamName: '0_abc123_1' });
    call(rtmp, 'respondPublish');
    const ours = publishStart(1, 'kLive', '0_abc123_1') as Buffer;
    expect(ours.equals(out[0] as Buffer)).toBe(true);
  });

  it('NetStream.Publish.Start is kept for a reconnecting encoder, per stream id, app and name', () => {
    const first = publishStart(1, 'kLive', '0_keptname_1');
    expect(publishStart(1, 'kLive', '0_keptname_1')).toBe(first);
    expect(publishStart(1, 'kLive', '0_keptname_2')).not.toBe(first);
    expect(publishStart(2, 'kLive', '0_keptname_1')?.readUInt32LE(8)).toBe(2);
  });

  it('a non-ASCII stream name carries its UTF-8 byte length (NMS writes the UTF-16 length) and decodes whole', () => {
    const ours = publishStart(1, 'kLive', 'café_1') as Buffer;
    const decoded = nmsAmf.decodeAmf0Cmd(ours.subarray(12));
    expect(decoded['cmd']).toBe('onStatus');
    expect((decoded['info'] as Record<string, unknown>)['description']).toBe('/kLive/café_1 is now published.');
    expect(ours.readUIntBE(4, 3)).toBe(ours.length - 12);
  });

  it('a command past one 65535-byte chunk is left to NMS', () => {
    expect(publishStart(1, 'kLive', 'x'.repeat(70_000))).toBeNull();
    expect(commandMessage(0, ['_result', 1, null])).not.toBeNull();
  });

  it('the simple handshake (zero version in C1) is answered as NMS answers it: S1 = S2 = C1', () => {
    const hello = c0c1(0);
    const { rtmp, out } = nms();
    call(rtmp, 'parserData', hello);
    const ours = simpleHandshakeAnswer(hello) as Buffer;
    expect(ours.length).toBe(1 + 1536 * 2);
    expect(ours.equals(out[0] as Buffer)).toBe(true);
  });

  it('a C1 asking for the digest handshake (FFmpeg: 9.0.124.2) is left to NMS, which signs its answer', () => {
    // the client's digest at the offset its first four key bytes give, as FFmpeg writes it
    const hello = c0c1(0x09007c02, (c1) => {
      const offset = (((c1[8] ?? 0) + (c1[9] ?? 0) + (c1[10] ?? 0) + (c1[11] ?? 0)) % 728) + 12;
      const msg = Buffer.concat([c1.subarray(0, offset), c1.subarray(offset + 32)]);
      createHmac('sha256', 'Genuine Adobe Flash Player 001').update(msg).digest().copy(c1, offset);
    });
    expect(simpleHandshakeAnswer(hello)).toBeNull();
    const { rtmp, out } = nms();
    call(rtmp, 'parserData', hello);
    // NMS found the digest: its S1 is not an echo of C1
    expect((out[0] as Buffer).subarray(1, 1537).equals(hello.subarray(1))).toBe(false);
  });

  it('an incomplete C0C1 or another version is left to NMS', () => {
    expect(simpleHandshakeAnswer(c0c1(0).subarray(0, 1000))).toBeNull();
    const v6 = c0c1(0);
    v6[0] = 6;
    expect(simpleHandshakeAnswer(v6)).toBeNull();
  });
});
