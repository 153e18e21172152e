// Owns the input health of one ingest stream, measured from its FLV tags as they pass: bitrates,
// frame rate, keyframe interval, codecs, resolution, audio format, declared onMetaData, A/V stalls
// and timestamp drift. It reads a few header bytes of each tag in place and never copies media.
import type { InputProbe } from '../../shared/state.js';
import { decodeScriptData, type Scalar } from './amf0.js';
import { parseH264SpsSize, spsFromAvcConfig } from './h264-sps.js';
import { AAC_RATES, FLV_RATES, fourccName, LEGACY_AUDIO, LEGACY_VIDEO } from './flv-codecs.js';

export interface FlvProbeOptions {
  now?: () => number;
  /** bitrate and frame-rate averaging window (default 5 s) */
  windowMs?: number;
  /** keyframe intervals remembered for min/max (default 30) */
  keyframeHistory?: number;
  /** no video (or audio) for this long is a stall (default 5 s) */
  stallAfterMs?: number;
}

export interface StallState {
  videoStalled: boolean;
  audioStalled: boolean;
}

interface Sample {
  atMs: number;
  videoBytes: number;
  audioBytes: number;
  videoFrames: number;
  videoDts: number | null;
}

export class FlvProbe {
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly keyframeHistory: number;
  private readonly stallAfterMs: number;
  private readonly startedAtMs: number;

  private videoBytes = 0;
  private audioBytes = 0;
  private videoFrames = 0;
  private bytesIn = 0;
  private lastVideoDts: number | null = null;
  private samples: Sample[] = [];

  private videoCodec: string | null = null;
  private audioCodec: string | null = null;
  private spsSize: { width: number; height: number } | null = null;
  private ascRateHz: number | null = null;
  private ascChannels: number | null = null;
  private flvRateHz: number | null = null;
  private flvChannels: number | null = null;
  private declared: Record<string, Scalar> = {};

  private lastKeyDts: number | null = null;
  private keyframes = 0;
  private keyIntervalsSeconds: number[] = [];
  private lastVideoAtMs: number | null = null;
  private lastAudioAtMs: number | null = null;
  private baseDts: number | null = null;
  private baseWallMs = 0;
  private lastMediaDts: number | null = null;
  private lastMediaWallMs = 0;

  constructor(options: FlvProbeOptions = {}) {
    this.now = options.now ?? Date.now;
    this.windowMs = options.windowMs ?? 5000;
    this.keyframeHistory = options.keyframeHistory ?? 30;
    this.stallAfterMs = options.stallAfterMs ?? 5000;
    this.startedAtMs = this.now();
  }

  /** One FLV tag: type 8 audio, 9 video, 18 script; `data` may be longer than `size` (a reused buffer). */
  onTag(type: number, dts: number, size: number, data: Buffer): void {
    this.bytesIn += size;
    if (size < 1) return;
    if (type === 9) this.onVideo(dts, size, data);
    else if (type === 8) this.onAudio(dts, size, data);
    else if (type === 18) this.onScript(size, data);
  }

  private onVideo(dts: number, size: number, data: Buffer): void {
    const b0 = data[0] ?? 0;
    const nowMs = this.now();
    this.videoBytes += size;
    this.lastVideoAtMs = nowMs;
    let isFrame: boolean;
    let isKey: boolean;
    if ((b0 & 0x80) !== 0) {
      // Enhanced RTMP: [isExHeader|frameType(3)|packetType(4)] + FourCC
      const frameType = (b0 >> 4) & 0x07;
      const packetType = b0 & 0x0f;
      if (size >= 5) this.videoCodec = fourccName(data.readUInt32BE(1));
      isFrame = (packetType === 1 || packetType === 3) && frameType !== 5;
      isKey = isFrame && frameType === 1;
    } else {
      const frameType = b0 >> 4;
      const codecId = b0 & 0x0f;
      this.videoCodec = LEGACY_VIDEO[codecId] ?? `FLV video codec ${codecId}`;
      if (codecId === 7 || codecId === 12) {
        const packetType = data[1];
        if (codecId === 7 && packetType === 0) {
          const sps = spsFromAvcConfig(data, size);
          if (sps) this.spsSize = parseH264SpsSize(sps) ?? this.spsSize;
        }
        isFrame = packetType === 1 && frameType !== 5;
      } else {
        isFrame = frameType !== 5;
      }
      isKey = isFrame && frameType === 1;
    }
    if (!isFrame) return;
    this.videoFrames += 1;
    this.lastVideoDts = dts;
    this.markMedia(dts, nowMs);
    if (isKey) {
      this.keyframes += 1;
      if (this.lastKeyDts !== null && dts > this.lastKeyDts) {
        this.keyIntervalsSeconds.push((dts - this.lastKeyDts) / 1000);
        if (this.keyIntervalsSeconds.length > this.keyframeHistory) this.keyIntervalsSeconds.shift();
      }
      this.lastKeyDts = dts;
    }
  }

  private onAudio(dts: number, size: number, data: Buffer): void {
    const b0 = data[0] ?? 0;
    const nowMs = this.now();
    this.audioBytes += size;
    this.lastAudioAtMs = nowMs;
    const soundFormat = b0 >> 4;
    if (soundFormat === 9) {
      // Enhanced RTMP audio: [9|packetType(4)] + FourCC
      if (size >= 5) this.audioCodec = fourccName(data.readUInt32BE(1));
      if ((b0 & 0x0f) === 1) this.markMedia(dts, nowMs);
      return;
    }
    this.audioCodec = LEGACY_AUDIO[soundFormat] ?? `FLV audio codec ${soundFormat}`;
    this.flvRateHz = FLV_RATES[(b0 >> 2) & 0x03] ?? null;
    this.flvChannels = (b0 & 0x01) === 1 ? 2 : 1;
    if (soundFormat === 10 && data[1] === 0) {
      // AudioSpecificConfig: objectType(5) freqIndex(4) channelConfig(4)
      if (size >= 4) {
        const b2 = data[2] ?? 0;
        const b3 = data[3] ?? 0;
        const freqIndex = ((b2 & 0x07) << 1) | (b3 >> 7);
        this.ascRateHz = AAC_RATES[freqIndex] ?? this.ascRateHz;
        const channels = (b3 >> 3) & 0x0f;
        this.ascChannels = channels > 0 && channels < 8 ? channels : this.ascChannels;
      }
      return;
    }
    this.markMedia(dts, nowMs);
  }

  private onScript(size: number, data: Buffer): void {
    const script = decodeScriptData(data, size);
    if (script?.name === 'onMetaData') this.declared = script.values;
  }

  private markMedia(dts: number, nowMs: number): void {
    if (this.baseDts === null) {
      this.baseDts = dts;
      this.baseWallMs = nowMs;
    }
    this.lastMediaDts = dts;
    this.lastMediaWallMs = nowMs;
  }

  /** Takes a sample (call once a second) and returns the probe over the recent window. */
  sample(): InputProbe {
    const nowMs = this.now();
    const current: Sample = {
      atMs: nowMs,
      videoBytes: this.videoBytes,
      audioBytes: this.audioBytes,
      videoFrames: this.videoFrames,
      videoDts: this.lastVideoDts,
    };
    this.samples.push(current);
    while (this.samples.length > 2 && nowMs - (this.samples[1]?.atMs ?? nowMs) >= this.windowMs) this.samples.shift();
    const first = this.samples.length > 1 ? this.samples[0] : undefined;
    return this.build(current, first);
  }

  /** The probe without taking a sample. */
  peek(): InputProbe {
    const current: Sample = {
      atMs: this.now(),
      videoBytes: this.videoBytes,
      audioBytes: this.audioBytes,
      videoFrames: this.videoFrames,
      videoDts: this.lastVideoDts,
    };
    return this.build(current, this.samples[0]);
  }

  stalls(): StallState {
    const nowMs = this.now();
    const stalled = (last: number | null): boolean => nowMs - (last ?? this.startedAtMs) > this.stallAfterMs;
    return { videoStalled: stalled(this.lastVideoAtMs), audioStalled: stalled(this.lastAudioAtMs) };
  }

  private build(current: Sample, first: Sample | undefined): InputProbe {
    const spanSeconds = first ? (current.atMs - first.atMs) / 1000 : 0;
    const rate = (now: number, then: number): number | null =>
      first && spanSeconds > 0 ? Math.round(((now - then) * 8) / spanSeconds) : null;
    let frameRateFps: number | null = null;
    if (first && first.videoDts !== null && current.videoDts !== null && current.videoDts > first.videoDts) {
      frameRateFps = round2(((current.videoFrames - first.videoFrames) * 1000) / (current.videoDts - first.videoDts));
    }
    const intervals = this.keyIntervalsSeconds;
    const num = (key: string): number | null => {
      const v = this.declared[key];
      return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
    };
    const declaredStereo = this.declared['stereo'];
    return {
      videoCodec: this.videoCodec,
      audioCodec: this.audioCodec,
      width: this.spsSize?.width ?? num('width'),
      height: this.spsSize?.height ?? num('height'),
      frameRateFps,
      videoBitrateBps: rate(current.videoBytes, first?.videoBytes ?? 0),
      audioBitrateBps: rate(current.audioBytes, first?.audioBytes ?? 0),
      keyframeIntervalSeconds: {
        last: intervals.length > 0 ? round2(intervals[intervals.length - 1] ?? 0) : null,
        min: intervals.length > 0 ? round2(Math.min(...intervals)) : null,
        max: intervals.length > 0 ? round2(Math.max(...intervals)) : null,
        sinceLast:
          this.lastKeyDts !== null && this.lastVideoDts !== null
            ? round2(Math.max(0, this.lastVideoDts - this.lastKeyDts) / 1000)
            : null,
        count: this.keyframes,
      },
      audioSampleRateHz: this.ascRateHz ?? num('audiosamplerate') ?? this.flvRateHz,
      audioChannels:
        this.ascChannels ??
        num('audiochannels') ??
        (typeof declaredStereo === 'boolean' ? (declaredStereo ? 2 : 1) : this.flvChannels),
      declared: { ...this.declared },
      lastVideoAtMs: this.lastVideoAtMs,
      lastAudioAtMs: this.lastAudioAtMs,
      timestampDriftMs:
        this.baseDts !== null && this.lastMediaDts !== null
          ? Math.round(this.lastMediaDts - this.baseDts - (this.lastMediaWallMs - this.baseWallMs))
          : null,
      bytesIn: this.bytesIn,
    };
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
