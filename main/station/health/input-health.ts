// Owns the health of one ingest input: from an InputProbe sample to metrics (bitrate vs the encoder's
// declared rate, fps, keyframe interval, audio/video presence, timestamp drift) and alert conditions
// 101, 102, 103, 104, 107, 108, 117. Pure: the caller supplies the time.
import type { InputProbe, Metric } from '../../../shared/state.js';
import { formatBitrate, formatSeconds, metric, unknownMetric, type AlertCondition } from './metric.js';

export interface InputThresholds {
  /** a media kind counts as missing when nothing arrived for this long (the hysteresis adds its own delay) */
  mediaStaleMs: number;
  /** measured/declared video bitrate outside [1/ratio, ratio] -> 101 */
  bitrateMismatchRatio: number;
  maxKeyframeIntervalSeconds: number;
  maxFrameRateFps: number;
  /** |measured - declared| / declared above this -> 117 */
  frameRateMismatchFraction: number;
  driftWarningMs: number;
  driftErrorMs: number;
  /** don't judge bitrate/fps/keyframes in the first seconds after connect: the counters are still filling */
  warmupMs: number;
}

export const DEFAULT_INPUT_THRESHOLDS: InputThresholds = {
  mediaStaleMs: 1500,
  bitrateMismatchRatio: 1.5,
  maxKeyframeIntervalSeconds: 4,
  maxFrameRateFps: 60.5,
  frameRateMismatchFraction: 0.25,
  driftWarningMs: 2000,
  driftErrorMs: 5000,
  warmupMs: 3000,
};

export interface InputAssessment {
  metrics: Record<string, Metric>;
  conditions: AlertCondition[];
}

function declaredNumber(probe: InputProbe, ...keys: string[]): number | null {
  for (const key of keys) {
    const v = probe.declared[key];
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (Number.isFinite(n) && n > 0) return n;
  }
  return null;
}

/** targetSegmentSeconds: the entry's segments; a GOP over 1.5x that is too long too (the ladder re-encodes for it) */
export function assessInput(
  probe: InputProbe,
  nowMs: number,
  connectedAtMs: number,
  t: InputThresholds = DEFAULT_INPUT_THRESHOLDS,
  targetSegmentSeconds: number | null = null,
): InputAssessment {
  const metrics: Record<string, Metric> = {};
  const conditions: AlertCondition[] = [];
  const warm = nowMs - connectedAtMs >= t.warmupMs;

  // presence: measured from the last tag of each kind (since connect when none arrived yet)
  const videoAgeMs = nowMs - (probe.lastVideoAtMs ?? connectedAtMs);
  const audioAgeMs = nowMs - (probe.lastAudioAtMs ?? connectedAtMs);
  const videoMissing = videoAgeMs > t.mediaStaleMs;
  const audioMissing = audioAgeMs > t.mediaStaleMs;
  metrics.video = videoMissing
    ? metric(
        false,
        'present',
        'critical',
        probe.lastVideoAtMs === null ? 'no video received' : `no video for ${formatSeconds(videoAgeMs / 1000)}`,
      )
    : metric(
        true,
        'present',
        'normal',
        [probe.videoCodec, probe.width && probe.height ? `${probe.width}x${probe.height}` : null]
          .filter(Boolean)
          .join(' ') || 'video flowing',
      );
  metrics.audio = audioMissing
    ? metric(
        false,
        'present',
        'critical',
        probe.lastAudioAtMs === null ? 'no audio received' : `no audio for ${formatSeconds(audioAgeMs / 1000)}`,
      )
    : metric(
        true,
        'present',
        'normal',
        [
          probe.audioCodec,
          probe.audioSampleRateHz ? `${probe.audioSampleRateHz / 1000} kHz` : null,
          probe.audioChannels ? `${probe.audioChannels} ch` : null,
        ]
          .filter(Boolean)
          .join(' ') || 'audio flowing',
      );
  conditions.push({
    code: 102,
    holds: audioMissing,
    text: `No audio from the encoder for ${Math.max(1, Math.round(audioAgeMs / 1000))} s: check the audio source in OBS (Audio Mixer not muted, the right device in Settings > Audio)`,
    parameter: 'audio',
  });
  conditions.push({
    code: 103,
    holds: videoMissing,
    text: `No video from the encoder for ${Math.max(1, Math.round(videoAgeMs / 1000))} s: check that OBS has a video source in the scene and is still streaming`,
    parameter: 'video',
  });

  // bitrate vs declared (onMetaData videodatarate is in kbps)
  const declaredKbps = declaredNumber(probe, 'videodatarate');
  const measured = probe.videoBitrateBps;
  if (measured === null) {
    metrics.videoBitrate = unknownMetric('bps');
  } else {
    const declaredBps = declaredKbps !== null ? declaredKbps * 1000 : null;
    const ratio = declaredBps ? measured / declaredBps : null;
    const off =
      ratio !== null && warm && measured > 0 && (ratio > t.bitrateMismatchRatio || ratio < 1 / t.bitrateMismatchRatio);
    const status = measured === 0 && !videoMissing ? 'warning' : off ? 'warning' : 'normal';
    metrics.videoBitrate = metric(
      measured,
      'bps',
      status,
      `${formatBitrate(measured)}${declaredBps ? ` (declared ${formatBitrate(declaredBps)})` : ''}`,
    );
    conditions.push({
      code: 101,
      holds: off,
      text: declaredBps
        ? `The encoder sends ${formatBitrate(measured)} but declared ${formatBitrate(declaredBps)}: use CBR rate control in OBS, or check the upload bandwidth`
        : 'Bitrate does not match what the encoder declared',
      parameter: String(Math.round(measured / 1000)),
    });
  }
  metrics.audioBitrate =
    probe.audioBitrateBps === null
      ? unknownMetric('bps')
      : metric(probe.audioBitrateBps, 'bps', 'normal', formatBitrate(probe.audioBitrateBps));

  // frame rate: too high (108), or far from what the encoder declared (117: usually dropped frames)
  const fps = probe.frameRateFps;
  const declaredFps = declaredNumber(probe, 'framerate', 'fps', 'videoframerate');
  if (fps === null) {
    metrics.frameRate = unknownMetric('fps');
  } else {
    const tooHigh = fps > t.maxFrameRateFps;
    const differs =
      warm &&
      declaredFps !== null &&
      !videoMissing &&
      Math.abs(fps - declaredFps) / declaredFps > t.frameRateMismatchFraction;
    metrics.frameRate = metric(
      fps,
      'fps',
      tooHigh || differs ? 'warning' : 'normal',
      `${fps.toFixed(fps % 1 === 0 ? 0 : 2)} fps${declaredFps ? ` (declared ${declaredFps})` : ''}`,
    );
    conditions.push({
      code: 108,
      holds: tooHigh,
      text: `The encoder sends ${fps.toFixed(0)} fps: set 30 or 60 fps in OBS (Settings > Video > Common FPS Values)`,
      parameter: fps.toFixed(2),
    });
    conditions.push({
      code: 117,
      holds: differs,
      text: `The encoder declared ${declaredFps ?? '?'} fps but sends ${fps.toFixed(1)} fps: it is dropping frames; check OBS Stats for skipped frames and lower the output resolution or preset`,
      parameter: fps.toFixed(2),
    });
  }

  // keyframe interval: HLS segments can only start on a keyframe
  const kf = probe.keyframeIntervalSeconds.last;
  if (kf === null) {
    const noneYet = warm && !videoMissing && probe.lastVideoAtMs !== null;
    metrics.keyframeInterval = noneYet ? metric(null, 's', 'warning', 'no second keyframe yet') : unknownMetric('s');
  } else {
    const status =
      kf > t.maxKeyframeIntervalSeconds * 2.5 ? 'critical' : kf > t.maxKeyframeIntervalSeconds ? 'warning' : 'normal';
    const range =
      probe.keyframeIntervalSeconds.min !== null && probe.keyframeIntervalSeconds.max !== null
        ? ` (${probe.keyframeIntervalSeconds.min.toFixed(1)}-${probe.keyframeIntervalSeconds.max.toFixed(1)} s)`
        : '';
    metrics.keyframeInterval = metric(kf, 's', status, `every ${formatSeconds(kf)}${range}`);
  }
  // 107 as soon as the current GOP outgrows the limit (OBS's default 8.3 s shows after 3-4 s, not after two key frames)
  const kfSeen = Math.max(kf ?? 0, probe.keyframeIntervalSeconds.sinceLast ?? 0);
  const kfLimit =
    targetSegmentSeconds !== null
      ? Math.min(t.maxKeyframeIntervalSeconds, targetSegmentSeconds * 1.5)
      : t.maxKeyframeIntervalSeconds;
  if (kf !== null || kfSeen > 0) {
    conditions.push({
      code: 107,
      holds: kfSeen > kfLimit,
      text: `The encoder sends a keyframe only every ${kf !== null && kf >= kfSeen ? formatSeconds(kf) : `${formatSeconds(kfSeen)} or more`}: a passed-through source can only be cut there, so the station re-encodes it (more CPU) or its segments get that long. Fix: OBS → Settings → Output → Keyframe Interval: 2 s`,
      parameter: kfSeen.toFixed(2),
    });
  }

  // timestamp drift vs wall clock
  const drift = probe.timestampDriftMs;
  if (drift === null) {
    metrics.timestampDrift = unknownMetric('ms');
  } else {
    const abs = Math.abs(drift);
    const status = abs > t.driftErrorMs ? 'critical' : abs > t.driftWarningMs ? 'warning' : 'normal';
    const direction = drift >= 0 ? 'ahead of' : 'behind';
    metrics.timestampDrift = metric(
      Math.round(drift),
      'ms',
      status,
      `${formatSeconds(abs / 1000)} ${direction} the wall clock`,
    );
    conditions.push({
      code: 104,
      holds: abs > t.driftErrorMs,
      text: `Stream timestamps are ${formatSeconds(abs / 1000)} ${direction} the wall clock: the encoder is not keeping up or its clock jumped; stop and restart streaming in OBS`,
      parameter: String(Math.round(drift)),
    });
  }

  if (probe.width !== null && probe.height !== null) {
    metrics.resolution = metric(`${probe.width}x${probe.height}`, 'px', 'normal', `${probe.width}x${probe.height}`);
  }
  return { metrics, conditions };
}
