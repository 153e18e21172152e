// The in-place decoder of the commands before a publish gives what node-media-server's own decoder gives, on the
// commands real encoders send, on random commands, and on damaged ones: where it decodes at all, the message is equal
// (deep, strict) to NMS's; where NMS fails or reads something its own way, it declines and leaves the bytes to NMS.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeCommand } from '../../../main/ingest/rtmp-command.js';

const require = createRequire(import.meta.url);
const AMF = require('node-media-server/src/protocol/amf.js') as {
  decodeAmf0Cmd(buf: Buffer): Record<string, unknown>;
};

/** AMF0 of the plain values (NMS's own encoder writes a string's length in characters, not bytes) */
function amf0(v: unknown): Buffer {
  const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
  if (typeof v === 'number') {
    const b = Buffer.alloc(9);
    b.writeDoubleBE(v, 1);
    return b;
  }
  if (typeof v === 'boolean') return Buffer.from([1, v ? 1 : 0]);
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([Buffer.from([2]), u16(b.length), b]);
  }
  if (v === null) return Buffer.from([5]);
  if (v === undefined) return Buffer.from([6]);
  const parts: Buffer[] = [Buffer.from([3])];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const key = Buffer.from(k, 'utf8');
    parts.push(u16(key.length), key, amf0(x));
  }
  parts.push(Buffer.from([0, 0, 9]));
  return Buffer.concat(parts);
}

/** a command's AMF0: its name, then its values in the order NMS reads them */
function encode(command: Record<string, unknown>): Buffer {
  const order = ['transId', 'cmdObj', 'args', 'streamName', 'type', 'start', 'duration', 'reset', 'streamId'];
  return Buffer.concat([amf0(command['cmd']), ...order.filter((k) => k in command).map((k) => amf0(command[k]))]);
}

/** NMS's decoding of `payload`, or 'throws' */
function nms(payload: Buffer): Record<string, unknown> | 'throws' {
  try {
    return AMF.decodeAmf0Cmd(payload);
  } catch {
    return 'throws';
  }
}

const OBS_CONNECT = {
  cmd: 'connect',
  transId: 1,
  cmdObj: {
    app: 'kLive/?p=102&e=0_abcdefgh&i=0&t=secret',
    type: 'nonprivate',
    flashVer: 'FMLE/3.0 (compatible; FMSc/1.0)',
    swfUrl: 'rtmp://localhost/kLive/?p=102&e=0_abcdefgh&i=0&t=secret',
    tcUrl: 'rtmp://localhost/kLive/?p=102&e=0_abcdefgh&i=0&t=secret',
  },
};
const FFMPEG_CONNECT = {
  cmd: 'connect',
  transId: 1,
  cmdObj: {
    app: 'kLive',
    flashVer: 'FMLE/3.0 (compatible; Lavf59.27.100)',
    tcUrl: 'rtmp://127.0.0.1:1935/kLive',
    fpad: false,
    capabilities: 15,
    audioCodecs: 4071,
    videoCodecs: 252,
    videoFunction: 1,
  },
};
/** GStreamer's rtmp2sink: no swfUrl, another flashVer, and an objectEncoding */
const GST_CONNECT = {
  cmd: 'connect',
  transId: 1,
  cmdObj: {
    app: 'kLive',
    type: 'nonprivate',
    flashVer: 'LNX 10,0,32,18',
    tcUrl: 'rtmp://localhost:1935/kLive',
    objectEncoding: 0,
    nested: { deeper: { yes: true, n: null } },
  },
  args: { extra: 'x' },
};
const REAL = [
  OBS_CONNECT,
  FFMPEG_CONNECT,
  GST_CONNECT,
  { cmd: 'createStream', transId: 4, cmdObj: null },
  { cmd: 'publish', transId: 5, cmdObj: null, streamName: '0_abcdefgh_1', type: 'live' },
  { cmd: 'publish', transId: 5, cmdObj: null, streamName: '0_abcdefgh_1?p=102&t=tok' },
  { cmd: 'play', transId: 0, cmdObj: null, streamName: 'live', start: -2000, duration: -1, reset: true },
  { cmd: 'deleteStream', transId: 0, cmdObj: null, streamId: 1 },
  { cmd: 'connect', transId: 1, cmdObj: { app: 'ünïcødé', tcUrl: 'rtmp://höst/ünïcødé', empty: '' } },
];

describe('RTMP command decoding', () => {
  it('decode what real encoders send exactly as NMS does', () => {
    for (const command of REAL) {
      const payload = encode(command);
      const ours = decodeCommand(payload, 0, payload.length);
      expect(ours).not.toBeNull();
      expect(ours).toStrictEqual(nms(payload));
      expect(ours).toStrictEqual(command);
    }
  });

  it('read only [start, end) of a larger buffer (NMS keeps a message in a buffer with room to spare)', () => {
    const body = encode(FFMPEG_CONNECT);
    const roomy = Buffer.concat([Buffer.from([0]), body, Buffer.alloc(1024, 0xff)]);
    expect(decodeCommand(roomy, 1, 1 + body.length)).toStrictEqual(FFMPEG_CONNECT);
  });

  it('leave to NMS the commands it does not serve and values it does not read (null)', () => {
    for (const command of [
      { cmd: 'releaseStream', transId: 2, cmdObj: null, streamName: 'x' },
      { cmd: 'FCPublish', transId: 3, cmdObj: null, streamName: 'x' },
      { cmd: 'toString', transId: 3 },
    ]) {
      const payload = encode(command);
      expect(decodeCommand(payload, 0, payload.length)).toBeNull();
    }
    // an ECMA array (NMS reads one byte too many after it), a date, a strict array: NMS's way, not ours
    const connect = encode({ cmd: 'connect', transId: 1 });
    for (const value of ['080000000000000009', '0b00000000000000000000', '0a00000000']) {
      const payload = Buffer.concat([connect, Buffer.from(value, 'hex')]);
      expect(decodeCommand(payload, 0, payload.length)).toBeNull();
    }
    // a name that is not a string
    const numberFirst = Buffer.from('00' + '3ff0000000000000', 'hex');
    expect(decodeCommand(numberFirst, 0, numberFirst.length)).toBeNull();
  });

  it('equal NMS on random commands, and on every truncation and many corruptions of them', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const text = (): string => pick(['', 'a', 'kLive', 'rtmp://h/kLive/?p=1', 'é€😀', 'x'.repeat(300)]);
    const value = (depth: number): unknown => {
      switch (pick(['n', 'b', 's', 'null', 'o', 'u'])) {
        case 'n':
          return pick([0, 1, -1.5, 1e300, 2 ** 53 + 2]);
        case 'b':
          return random() < 0.5;
        case 's':
          return text();
        case 'null':
          return null;
        case 'u':
          return undefined;
        default: {
          if (depth > 2) return 'leaf';
          const o: Record<string, unknown> = {};
          const n = Math.floor(random() * 5);
          for (let i = 0; i < n; i++)
            o[pick(['app', 'tcUrl', 'k', 'ü', 'x'.repeat(40)]) + String(i)] = value(depth + 1);
          return o;
        }
      }
    };
    let decoded = 0;
    let declined = 0;
    for (let i = 0; i < 400; i++) {
      const cmd = pick(['connect', 'createStream', 'publish', 'play', 'deleteStream']);
      const command: Record<string, unknown> = { cmd, transId: pick([1, 2, 3, 4.5]) };
      for (const name of ['cmdObj', 'streamName', 'type', 'start', 'args', 'streamId']) {
        if (random() < 0.7) command[name] = value(0);
      }
      const payload = encode(command);
      const variants = [payload];
      for (let cut = 1; cut < payload.length; cut += Math.max(1, Math.floor(payload.length / 25)))
        variants.push(payload.subarray(0, cut));
      for (let k = 0; k < 10; k++) {
        const broken = Buffer.from(payload);
        broken[Math.floor(random() * broken.length)] = pick([0, 2, 3, 5, 6, 9, 0xff, Math.floor(random() * 256)]);
        variants.push(broken);
      }
      for (const v of variants) {
        const ours = decodeCommand(v, 0, v.length);
        if (ours === null) {
          declined++;
          continue;
        }
        decoded++;
        expect(ours).toStrictEqual(nms(v));
      }
    }
    // both sides of the comparison were exercised
    expect(decoded).toBeGreaterThan(1000);
    expect(declined).toBeGreaterThan(1000);
  });
});
