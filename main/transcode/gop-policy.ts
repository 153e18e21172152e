// Owns where one stream's ladder puts its key frames, from the encoder's measured GOP (issue 21). A passthrough
// rung can only be cut where the encoder put a key frame, so while the source GOP is short the encoded rungs follow
// it ('source'). A GOP longer than 1.5 x the segment (OBS's default: 250 frames, 8.3 s at 30 fps) would make every
// segment that long: then every rung gets a key frame each segment ('interval') and the source rung is encoded at
// the source's bitrate, unless this computer cannot do that in real time (then it passes through, unaligned).
// Pure: the session feeds it probe and progress samples and applies the changes it returns.
import type { InputProbe, KeyFramePolicy } from '../../shared/state.js';
import type { KeyFrameMode } from './plan.js';
import type { ProgressSample } from './progress.js';

export type SourceRung = KeyFramePolicy['sourceRung'];

export interface GopDecision {
  keyFrameMode: KeyFrameMode;
  /** encode the ladder's passthrough rung at this bitrate (plan.ts EncodeOptions.reencodeSourceBps) */
  reencodeSourceBps: number | null;
  sourceRung: SourceRung;
}

export interface GopChange {
  decision: GopDecision;
  /**
   * how the running FFmpeg ends before the next one starts with the new plan. 'discard': at once, dropping its
   * unfinished segments (following a long GOP it has cut nothing since the last key frame, and the next run
   * starts from that key frame: no gap, nothing twice). 'finish': 'q', it writes what it has; the change is made
   * just after a source key frame, so the next run repeats at most a second.
   */
  end: 'discard' | 'finish';
  reason: string;
}

export interface GopPolicyOptions {
  segmentSeconds: number;
  /** the ladder has a passthrough video rung / an encoded video rung */
  hasPassthroughVideo: boolean;
  hasEncodedVideo: boolean;
  /** a GOP longer than this x the segment switches to fixed key frames (default 1.5) */
  longGopFactor?: number;
  /** back to following the source after this many short GOPs in a row (default 3) */
  shortGopsToReturn?: number;
  /** media-per-wall-second of a run below this over speedWindowMs, for slowForMs, is "cannot keep real time" (0.97) */
  slowSpeed?: number;
  speedWindowMs?: number;
  slowForMs?: number;
  /** progress of a new run is not judged for this long: it first catches up on the GOP the feed replays (8 s) */
  speedWarmupMs?: number;
  /** the source bitrate when the encoder neither declares nor has shown one yet (2.5 Mbps) */
  fallbackSourceBps?: number;
}

type State = 'follow' | 'fixed' | 'fixed-cpu' | 'interval-only' | 'passthrough-only';

/** a change that waits for a source key frame is made when the last one is at most this old */
const JUST_AFTER_KEYFRAME_SECONDS = 1.0;

export class GopPolicy {
  private state: State;
  private readonly thresholdSeconds: number;
  private shortStreak = 0;
  private lastCount = 0;
  private probe: InputProbe | null = null;
  private cpuLimited = false;
  private cpuSpeed: number | null = null;
  private runStartedAtMs: number | null = null;
  private samples: Array<{ atMs: number; outSeconds: number }> = [];
  private slowSinceMs: number | null = null;

  constructor(private readonly o: GopPolicyOptions) {
    this.thresholdSeconds = o.segmentSeconds * (o.longGopFactor ?? 1.5);
    if (!o.hasPassthroughVideo) this.state = 'interval-only';
    else if (!o.hasEncodedVideo) this.state = 'passthrough-only';
    else this.state = 'follow';
  }

  /** The decision for the first run: a probe that already shows a long GOP (a resumed stream) starts fixed. */
  initial(probe: InputProbe | null): GopDecision {
    this.observe(probe);
    if (this.state === 'follow' && probe && this.isLong(probe)) this.state = 'fixed';
    return this.decision();
  }

  decision(): GopDecision {
    switch (this.state) {
      case 'fixed':
        return { keyFrameMode: 'interval', reencodeSourceBps: this.sourceBps(), sourceRung: 'reencoded' };
      case 'fixed-cpu':
        return { keyFrameMode: 'interval', reencodeSourceBps: null, sourceRung: 'passthrough-cpu' };
      case 'interval-only':
        return { keyFrameMode: 'interval', reencodeSourceBps: null, sourceRung: 'none' };
      case 'passthrough-only':
        return { keyFrameMode: 'source', reencodeSourceBps: null, sourceRung: 'passthrough-only' };
      case 'follow':
        return { keyFrameMode: 'source', reencodeSourceBps: null, sourceRung: 'passthrough' };
    }
  }

  /** A new FFmpeg run started: its speed is judged from its own progress. */
  runStarted(nowMs: number): void {
    this.runStartedAtMs = nowMs;
    this.samples = [];
    this.slowSinceMs = null;
  }

  onProgress(sample: ProgressSample, nowMs: number): void {
    if (this.state !== 'fixed' || sample.outTimeUs === null || this.runStartedAtMs === null) return;
    if (nowMs - this.runStartedAtMs < (this.o.speedWarmupMs ?? 8_000)) return;
    const windowMs = this.o.speedWindowMs ?? 10_000;
    this.samples.push({ atMs: nowMs, outSeconds: sample.outTimeUs / 1e6 });
    while (this.samples.length > 2 && nowMs - (this.samples[1]?.atMs ?? nowMs) >= windowMs) this.samples.shift();
    const first = this.samples[0];
    if (!first || nowMs - first.atMs < windowMs * 0.8) return;
    const speed = (sample.outTimeUs / 1e6 - first.outSeconds) / ((nowMs - first.atMs) / 1000);
    if (speed >= (this.o.slowSpeed ?? 0.97)) {
      this.slowSinceMs = null;
      return;
    }
    this.slowSinceMs ??= nowMs;
    if (nowMs - this.slowSinceMs >= (this.o.slowForMs ?? 5_000)) {
      this.cpuLimited = true;
      this.cpuSpeed = Math.round(speed * 100) / 100;
    }
  }

  /** A probe sample (once a second): the change to make now, if any. */
  onProbe(probe: InputProbe | null): GopChange | null {
    this.observe(probe);
    if (!probe) return null;
    const long = this.isLong(probe);
    const justAfterKey = (probe.keyframeIntervalSeconds.sinceLast ?? Infinity) <= JUST_AFTER_KEYFRAME_SECONDS;
    const gop = this.gopText();
    if (this.state === 'follow' && long) {
      this.state = this.cpuLimited ? 'fixed-cpu' : 'fixed';
      return this.change(
        'discard',
        `the encoder's GOP is ${gop}, longer than ${fmt(this.thresholdSeconds)} (1.5 x the ${fmt(this.o.segmentSeconds)} segments)`,
      );
    }
    if (
      (this.state === 'fixed' || this.state === 'fixed-cpu') &&
      !long &&
      this.shortStreak >= (this.o.shortGopsToReturn ?? 3) &&
      justAfterKey
    ) {
      this.state = 'follow';
      return this.change('finish', `the encoder's GOP is ${gop} again: key frames follow the source`);
    }
    if (this.state === 'fixed' && this.cpuLimited && justAfterKey) {
      this.state = 'fixed-cpu';
      return this.change(
        'finish',
        `FFmpeg encodes the re-encoded source at ${this.cpuSpeed ?? '?'}x real time: the source passes through`,
      );
    }
    return null;
  }

  /** For the window: the mode, the source rung and why. */
  policy(): KeyFramePolicy {
    const seg = fmt(this.o.segmentSeconds);
    const gop = this.gopText();
    const fix = 'OBS → Settings → Output → Keyframe Interval: 2 s';
    const texts: Record<State, string> = {
      follow: `key frames follow the encoder's (${gop}); the source passes through, every rendition aligned`,
      fixed: `the encoder sends a key frame ${gop === 'unknown' ? 'rarely' : `every ${gop}`}: every rendition gets one every ${seg} and the source is re-encoded at its bitrate (${fix})`,
      'fixed-cpu': `the encoder sends a key frame every ${gop}: the encoded renditions get one every ${seg}; this computer cannot re-encode the source in real time, so it passes through with ${gop} segments (${fix})`,
      'interval-only': `a key frame every ${seg} on every rendition`,
      'passthrough-only':
        this.probe && this.isLong(this.probe)
          ? `passthrough only: segments follow the encoder's key frames (${gop}); nothing is encoded that could cut them shorter (${fix})`
          : `passthrough only: segments follow the encoder's key frames (${gop})`,
    };
    return {
      mode: this.decision().keyFrameMode,
      sourceRung: this.decision().sourceRung,
      sourceGopSeconds: this.probe?.keyframeIntervalSeconds.last ?? null,
      segmentSeconds: this.o.segmentSeconds,
      text: texts[this.state],
    };
  }

  /** The ladder table's note on the source rung, when it is not the aligned passthrough the ladder asked for. */
  sourceNote(): string | null {
    const gop = this.gopText();
    switch (this.state) {
      case 'fixed':
        return `re-encoded at the source's bitrate: the encoder's key frames come ${gop === 'unknown' ? 'too rarely' : `every ${gop}`}`;
      case 'fixed-cpu':
        return `passed through, ${gop} segments not aligned with the others: this computer cannot re-encode it in real time (${this.cpuSpeed ?? '?'}x)`;
      case 'passthrough-only':
        return this.probe && this.isLong(this.probe)
          ? `segments follow the encoder's key frames (${gop}): a passthrough-only profile cannot cut them shorter`
          : null;
      default:
        return null;
    }
  }

  get cpuLimitedSpeed(): number | null {
    return this.state === 'fixed-cpu' ? this.cpuSpeed : null;
  }

  private change(end: GopChange['end'], reason: string): GopChange {
    this.shortStreak = 0;
    return { decision: this.decision(), end, reason };
  }

  private observe(probe: InputProbe | null): void {
    if (!probe) return;
    this.probe = probe;
    const k = probe.keyframeIntervalSeconds;
    const count = k.count ?? 0;
    // a resumed publish is probed afresh: its count starts again
    if (count < this.lastCount) this.lastCount = 0;
    if (count > this.lastCount) {
      const last = k.last;
      this.shortStreak =
        last !== null && last <= this.thresholdSeconds ? this.shortStreak + (count - this.lastCount) : 0;
      this.lastCount = count;
    }
  }

  private isLong(probe: InputProbe): boolean {
    const k = probe.keyframeIntervalSeconds;
    return (k.last ?? 0) > this.thresholdSeconds || (k.sinceLast ?? 0) > this.thresholdSeconds;
  }

  private gopText(): string {
    const k = this.probe?.keyframeIntervalSeconds;
    if (!k) return 'unknown';
    const since = k.sinceLast ?? 0;
    if (k.last !== null && since <= k.last) return fmt(k.last);
    if (since > this.thresholdSeconds) return `over ${fmt(Math.max(since, k.last ?? 0))}`;
    return k.last !== null ? fmt(k.last) : 'unknown';
  }

  private sourceBps(): number {
    const declaredKbps = this.probe?.declared['videodatarate'];
    if (typeof declaredKbps === 'number' && declaredKbps > 0) return Math.round(declaredKbps * 1000);
    const measured = this.probe?.videoBitrateBps;
    if (measured && measured > 0) return measured;
    return this.o.fallbackSourceBps ?? 2_500_000;
  }
}

function fmt(seconds: number): string {
  return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
}
