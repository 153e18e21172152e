// The FLV probe on synthetic tags with a fake clock: codecs, resolution from SPS and onMetaData,
// AAC config, frame rate, bitrates, keyframe intervals, stalls, drift, enhanced RTMP, bad metadata.
import { describe, expect, it } from 'vitest';
import { decodeScriptData } from '../../../main/media/amf0.js';
import { FlvProbe } from '../../../main/media/flv-probe.js';
import { parseH264SpsSize } from '../../../main/media/h264-sps.js';
import { AAC_HEADER, AVC_HEADER_320x180, amfString } from '../../helpers/flv.js';

// SPS NAL units written by libx264 (ffmpeg testsrc2, -preset ultrafast)
const SPS_320x180 = Buffer.from('6742c00cda05067e7c0440000003004000000783c50aa8', 'hex');
const SPS_1920x1080 = Buffer.from('6742c028da01e0089f970110000003001000000301e0f1832a', 'hex');
const AVC_HEADER = AVC_HEADER_320x180;

function amfKey(s: string): Buffer {
  return amfString(s).subarray(1);
}
function amfNumber(n: number): Buffer {
  const b = Buffer.alloc(9);
  b.writeDoubleBE(n, 1);
  return b;
}
function metadata(values: Record<string, number | string | boolean>): Buffer {
  const parts: Buffer[] = [
    amfString('@setDataFrame'),
    amfString('onMetaData'),
    Buffer.from([8, 0, 0, 0, Object.keys(values).length]),
  ];
  for (const [k, v] of Object.entries(values)) {
    parts.push(amfKey(k));
    parts.push(
      typeof v === 'number' ? amfNumber(v) : typeof v === 'boolean' ? Buffer.from([1, v ? 1 : 0]) : amfString(v),
    );
  }
  parts.push(amfKey('nested'), Buffer.from([3]), amfKey('x'), amfNumber(1), Buffer.from([0, 0, 9]));
  parts.push(Buffer.from([0, 0, 9]));
  return Buffer.concat(parts);
}
function avcFrame(key: boolean, bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  b[0] = key ? 0x17 : 0x27;
  b[1] = 1;
  return b;
}
function aacFrame(bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  b[0] = 0xaf;
  b[1] = 1;
  return b;
}

function feed(probe: FlvProbe, type: number, dts: number, body: Buffer): void {
  // NMS hands a reused buffer that is longer than the tag: the probe must honour `size`.
  const reused = Buffer.concat([body, Buffer.alloc(64, 0xff)]);
  probe.onTag(type, dts, body.length, reused);
}

describe('parseH264SpsSize', () => {
  it('reads cropped sizes', () => {
    expect(parseH264SpsSize(SPS_320x180)).toEqual({ width: 320, height: 180 });
    expect(parseH264SpsSize(SPS_1920x1080)).toEqual({ width: 1920, height: 1080 });
  });
  it('returns null for garbage', () => {
    expect(parseH264SpsSize(Buffer.from([0x67]))).toBeNull();
  });
});

describe('decodeScriptData', () => {
  it('returns scalars of onMetaData and skips nested objects', () => {
    const d = decodeScriptData(metadata({ width: 1280, encoder: 'obs-output module', stereo: true }));
    expect(d).toEqual({ name: 'onMetaData', values: { width: 1280, encoder: 'obs-output module', stereo: true } });
  });
  it('returns null for malformed AMF instead of throwing', () => {
    expect(decodeScriptData(Buffer.from([2, 0xff, 0xff, 0x41]))).toBeNull();
    expect(decodeScriptData(Buffer.from([0x42]))).toBeNull();
    const deep = Buffer.concat([
      amfString('onMetaData'),
      ...Array.from({ length: 20 }, () => Buffer.concat([Buffer.from([3]), amfKey('a')])),
    ]);
    expect(decodeScriptData(deep)).toBeNull();
  });
});

describe('FlvProbe', () => {
  function run(): { probe: FlvProbe; tick: (ms: number) => void } {
    let nowMs = 0;
    const probe = new FlvProbe({ now: () => nowMs, windowMs: 5000, stallAfterMs: 3000 });
    return { probe, tick: (ms) => (nowMs += ms) };
  }

  it('measures a 30 fps, 2 s GOP, 1 Mbps video + 128 kbps audio stream', () => {
    const { probe, tick } = run();
    feed(probe, 18, 0, metadata({ width: 640, height: 360, framerate: 30, videodatarate: 1000 }));
    feed(probe, 9, 0, AVC_HEADER);
    feed(probe, 8, 0, AAC_HEADER);
    probe.sample();
    let frame = 0;
    let audioDts = 0;
    for (let second = 0; second < 8; second++) {
      for (let i = 0; i < 30; i++, frame++) {
        const dts = Math.round((frame * 1000) / 30);
        // 1 Mbps = 125000 bytes/s over 30 frames
        feed(probe, 9, dts, avcFrame(frame % 60 === 0, Math.round(125_000 / 30)));
        while (audioDts <= dts) {
          feed(probe, 8, audioDts, aacFrame(Math.round(16_000 / 43)));
          audioDts += 1000 / 43;
        }
        tick(1000 / 30);
      }
      if (second > 0) probe.sample();
    }
    const p = probe.sample();
    expect(p.videoCodec).toBe('H.264');
    expect(p.audioCodec).toBe('AAC');
    // SPS wins over the declared 640x360
    expect([p.width, p.height]).toEqual([320, 180]);
    expect(p.declared).toMatchObject({ width: 640, framerate: 30 });
    expect(p.frameRateFps).toBeCloseTo(30, 0);
    expect((p.videoBitrateBps ?? 0) / 1_000_000).toBeCloseTo(1, 1);
    expect((p.audioBitrateBps ?? 0) / 128_000).toBeCloseTo(1, 1);
    expect(p.keyframeIntervalSeconds).toMatchObject({ last: 2, min: 2, max: 2 });
    expect(p.audioSampleRateHz).toBe(44100);
    expect(p.audioChannels).toBe(1);
    expect(Math.abs(p.timestampDriftMs ?? 99)).toBeLessThan(50);
    expect(probe.stalls()).toEqual({ videoStalled: false, audioStalled: false });
  });

  it('reports keyframe interval min/max and a stalled audio track', () => {
    const { probe, tick } = run();
    const keys = [0, 2000, 3000, 7000];
    for (const dts of keys) {
      feed(probe, 9, dts, avcFrame(true, 100));
    }
    feed(probe, 8, 0, aacFrame(10));
    tick(4000);
    feed(probe, 9, 8000, avcFrame(false, 100));
    const p = probe.sample();
    // a long GOP shows as the media time since the last key frame before the next one comes
    expect(p.keyframeIntervalSeconds).toEqual({ last: 4, min: 1, max: 4, sinceLast: 1, count: 4 });
    expect(probe.stalls()).toEqual({ videoStalled: false, audioStalled: true });
  });

  it('sees the stream run ahead of the wall clock as positive drift', () => {
    const { probe, tick } = run();
    feed(probe, 9, 0, avcFrame(true, 10));
    tick(1000);
    feed(probe, 9, 1500, avcFrame(false, 10));
    expect(probe.sample().timestampDriftMs).toBe(500);
  });

  it('names enhanced RTMP codecs (HEVC, Opus) and finds HEVC keyframes', () => {
    const { probe } = run();
    const hevc = (key: boolean, dts: number): void => {
      const b = Buffer.alloc(20);
      b[0] = 0x80 | ((key ? 1 : 2) << 4) | 1; // ex-header, frame type, CodedFrames
      b.write('hvc1', 1, 'latin1');
      feed(probe, 9, dts, b);
    };
    hevc(true, 0);
    hevc(false, 33);
    hevc(true, 1000);
    const opus = Buffer.alloc(10);
    opus[0] = 0x91;
    opus.write('Opus', 1, 'latin1');
    feed(probe, 8, 0, opus);
    const p = probe.sample();
    expect(p.videoCodec).toBe('HEVC');
    expect(p.audioCodec).toBe('Opus');
    expect(p.keyframeIntervalSeconds.last).toBe(1);
  });

  it('counts bytes in and survives empty and truncated tags', () => {
    const { probe } = run();
    probe.onTag(9, 0, 0, Buffer.alloc(0));
    probe.onTag(9, 0, 3, Buffer.from([0x17, 0, 0]));
    probe.onTag(8, 0, 1, Buffer.from([0xaf]));
    probe.onTag(18, 0, 2, Buffer.from([2, 0]));
    const p = probe.sample();
    expect(p.bytesIn).toBe(6);
    expect(p.width).toBeNull();
  });
});
