// Owns the alerts about rates over time, which one sample cannot show (issue 21): from the last ~10 s of the
// ingest probe's and FFmpeg's per-second samples, 116 FrameRateIsFluctuatingOnFlavor, 119
// ResolutionLimitedByBandwidth, 124 InconsistentFrameRateAlert and 125 LimitRate; and the info events 121
// BandwidthBackToNormal / 122 CPUBackToNormal, raised when 119 / 120 clear on a stream still on air.
// The conditions are pure over the windows kept here; raising and clearing go through the stream's hysteresis.
import type { Alert, InputProbe, RenditionState, TranscoderState } from '../../../shared/state.js';
import { formatBitrate, type AlertCondition } from './metric.js';
import { makeAlert } from './stream-alerts.js';

export interface RateThresholds {
  /** how far back the window looks */
  windowMs: number;
  /** fewer samples than this in the window: no verdict yet */
  minSamples: number;
  /** 124: the source's fps (max - min) over the window above this fraction of its median ... */
  fpsSpreadFraction: number;
  /** ... and above this many fps */
  minFpsSpreadFps: number;
  /** 116: frames FFmpeg dropped + duplicated per frame it output, over the window */
  flavorFrameFixFraction: number;
  /** 119: the source's video bitrate (window median) below this fraction of what the encoder declared */
  bandwidthLimitedFraction: number;
  /** 125: the source's media time gains on the wall clock faster than this (0.1 = 10 % faster than real time), counted
   * from the highest drift seen so far, so an encoder catching up after a stall does not count */
  fastSendFraction: number;
  /** how long a 121 / 122 "back to normal" event stays in the alert list */
  backToNormalShowMs: number;
}

export const DEFAULT_RATE_THRESHOLDS: RateThresholds = {
  windowMs: 10_000,
  minSamples: 5,
  fpsSpreadFraction: 0.15,
  minFpsSpreadFps: 2,
  flavorFrameFixFraction: 0.02,
  bandwidthLimitedFraction: 0.5,
  fastSendFraction: 0.1,
  backToNormalShowMs: 60_000,
};

interface InputPoint {
  atMs: number;
  fps: number | null;
  videoBps: number | null;
  driftMs: number | null;
}

interface TranscodePoint {
  atMs: number;
  /** dropped + duplicated frames since this FFmpeg run started */
  fixedFrames: number;
  fps: number;
}

/** The per-stream windows. `addProbe` / `addTranscode` on new samples; the `*Conditions` on every assessment. */
export class RateWatch {
  private input: InputPoint[] = [];
  private transcode: TranscodePoint[] = [];
  /** the highest drift of samples that left the window: catching up after a stall is not running ahead */
  private driftBeforeWindowMs: number | null = null;

  constructor(private readonly t: RateThresholds = DEFAULT_RATE_THRESHOLDS) {}

  /** A new probe sample; samples of the first `warmupMs` after connect are left out (the probe's windows fill). */
  addProbe(probe: InputProbe, nowMs: number, connectedAtMs: number, warmupMs: number): void {
    if (nowMs - connectedAtMs < warmupMs) return;
    const last = this.input[this.input.length - 1];
    if (last && last.atMs >= nowMs) return;
    this.input.push({
      atMs: nowMs,
      fps: probe.frameRateFps,
      videoBps: probe.videoBitrateBps,
      driftMs: probe.timestampDriftMs,
    });
    while (this.input.length > 0 && nowMs - (this.input[0] as InputPoint).atMs > this.t.windowMs) {
      const gone = this.input.shift() as InputPoint;
      if (gone.driftMs !== null)
        this.driftBeforeWindowMs = Math.max(this.driftBeforeWindowMs ?? gone.driftMs, gone.driftMs);
    }
  }

  /** A new FFmpeg sample (only a running FFmpeg with counters counts; a restart starts the window again). */
  addTranscode(t: TranscoderState, nowMs: number): void {
    if (t.observed !== 'running' || t.frameRateFps === null || t.frameRateFps <= 0) return;
    const fixedFrames = (t.droppedFrames ?? 0) + (t.duplicatedFrames ?? 0);
    const last = this.transcode[this.transcode.length - 1];
    if (last && last.atMs >= nowMs) return;
    if (last && fixedFrames < last.fixedFrames) this.transcode = [];
    this.transcode.push({ atMs: nowMs, fixedFrames, fps: t.frameRateFps });
    this.transcode = this.transcode.filter((p) => nowMs - p.atMs <= this.t.windowMs);
  }

  reset(): void {
    this.input = [];
    this.transcode = [];
    this.driftBeforeWindowMs = null;
  }

  /** 119, 124, 125 from the probe window; `videoPresent` false (103 territory) holds none of them. */
  inputConditions(probe: InputProbe, nowMs: number, videoPresent: boolean): AlertCondition[] {
    const window = this.input.filter((p) => nowMs - p.atMs <= this.t.windowMs);
    const enough = videoPresent && window.length >= this.t.minSamples;

    const fps = window.map((p) => p.fps).filter((v): v is number => v !== null && v > 0);
    const fpsMedian = median(fps);
    const fpsMin = fps.length > 0 ? Math.min(...fps) : 0;
    const fpsMax = fps.length > 0 ? Math.max(...fps) : 0;
    const spread = fpsMax - fpsMin;
    const fluctuates =
      enough &&
      fps.length >= this.t.minSamples &&
      fpsMedian !== null &&
      spread > Math.max(this.t.minFpsSpreadFps, fpsMedian * this.t.fpsSpreadFraction);

    const declaredBps = declaredVideoBps(probe);
    const bps = median(window.map((p) => p.videoBps).filter((v): v is number => v !== null));
    const starved =
      enough && declaredBps !== null && bps !== null && bps < declaredBps * this.t.bandwidthLimitedFraction;

    const drift = window.filter((p) => p.driftMs !== null);
    const first = drift[0];
    const last = drift[drift.length - 1];
    const spanMs = first && last ? last.atMs - first.atMs : 0;
    const from = Math.max(first?.driftMs ?? 0, this.driftBeforeWindowMs ?? Number.NEGATIVE_INFINITY);
    const gain = last && spanMs > 0 ? ((last.driftMs ?? 0) - from) / spanMs : 0;
    const tooFast =
      enough && drift.length >= this.t.minSamples && spanMs >= this.t.windowMs / 2 && gain > this.t.fastSendFraction;

    return [
      {
        code: 124,
        holds: fluctuates,
        text: `The encoder's frame rate varies between ${fpsMin.toFixed(1)} and ${fpsMax.toFixed(1)} fps: set a constant frame rate (OBS: Settings > Video > Common FPS Values) and check OBS Stats for frames missed due to rendering lag`,
        parameter: `${fpsMin.toFixed(1)}-${fpsMax.toFixed(1)}`,
      },
      {
        code: 119,
        holds: starved,
        text: `The encoder sends ${formatBitrate(bps ?? 0)}, under half of the ${formatBitrate(declaredBps ?? 0)} it declared: its upload is congested and the picture loses detail; use a wired connection, or lower the bitrate and resolution in OBS (Settings > Output)`,
        parameter: String(Math.round((bps ?? 0) / 1000)),
      },
      {
        code: 125,
        holds: tooFast,
        text: `The encoder sends media ${Math.round(gain * 100)} % faster than real time: limit it to real time (ffmpeg: add -re; a file or playlist source must play at normal speed)`,
        parameter: gain.toFixed(2),
      },
    ];
  }

  /** 116 from FFmpeg's counters: frames it had to drop or duplicate to keep the transcoded flavors' frame rate. */
  transcodeConditions(t: TranscoderState, renditions: readonly RenditionState[], nowMs: number): AlertCondition[] {
    const window = this.transcode.filter((p) => nowMs - p.atMs <= this.t.windowMs);
    const flavors = renditions.filter((r) => !r.passthrough && r.width !== null).map((r) => r.name);
    const first = window[0];
    const last = window[window.length - 1];
    const spanSeconds = first && last ? (last.atMs - first.atMs) / 1000 : 0;
    const fixed = first && last ? last.fixedFrames - first.fixedFrames : 0;
    const output = last && spanSeconds > 0 ? last.fps * spanSeconds : 0;
    const fraction = output > 0 ? fixed / output : 0;
    const holds =
      t.observed === 'running' &&
      flavors.length > 0 &&
      window.length >= this.t.minSamples &&
      fraction > this.t.flavorFrameFixFraction;
    return [
      {
        code: 116,
        holds,
        text: `FFmpeg dropped or repeated ${fixed} frames in ${Math.round(spanSeconds)} s to keep ${flavors.join(', ') || 'the transcoded renditions'} at a steady frame rate: the source's frame timing is irregular; set a constant frame rate in the encoder`,
        parameter: flavors.join(','),
      },
    ];
  }
}

/** The "limited" alerts whose clearing, on a stream still on air, is reported as back to normal. */
export const BACK_TO_NORMAL: ReadonlyMap<number, number> = new Map([
  [119, 121],
  [120, 122],
]);

/**
 * 121 / 122 for the limited alerts that cleared while the stream stays on air (an ended stream is not "back to
 * normal"); the caller shows them for `backToNormalShowMs` and drops them if the limited alert comes back.
 */
export function backToNormalAlerts(cleared: readonly Alert[], onAir: boolean, nowMs: number): Alert[] {
  if (!onAir) return [];
  return cleared.flatMap((a) => {
    const code = BACK_TO_NORMAL.get(a.code);
    if (code === undefined) return [];
    const text =
      code === 121
        ? `The encoder's bitrate is back to what it declared (${a.streamName ?? a.entryId}): the upload is no longer congested`
        : `FFmpeg keeps up with real time again (${a.streamName ?? a.entryId}): the CPU is no longer limiting the ladder`;
    return [
      makeAlert(
        code,
        { entryId: a.entryId, streamName: a.streamName, mediaServerIndex: a.mediaServerIndex },
        nowMs,
        text,
        a.arguments['parameter'] ?? '',
      ),
    ];
  });
}

function declaredVideoBps(probe: InputProbe): number | null {
  const v = probe.declared['videodatarate'];
  const kbps = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(kbps) && kbps > 0 ? kbps * 1000 : null;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
