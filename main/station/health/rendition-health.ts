// Owns the health of one stream's transcode: per rendition measured vs target bitrate and segment
// duration (123), and for the FFmpeg run its speed (120 when it cannot keep up, or could not re-encode the source
// rung for a long GOP) and restarts. Pure.
import type { Metric, RenditionState, TranscoderState } from '../../../shared/state.js';
import { formatBitrate, formatSeconds, metric, unknownMetric, type AlertCondition } from './metric.js';

export interface TranscodeThresholds {
  /** measured/target outside [1/ratio, ratio] marks a rendition's bitrate as a warning */
  bitrateMismatchRatio: number;
  /** a segment longer than target * factor + slack is invalid (123) */
  segmentTooLongFactor: number;
  segmentSlackSeconds: number;
  speedWarning: number;
  speedCritical: number;
}

export const DEFAULT_TRANSCODE_THRESHOLDS: TranscodeThresholds = {
  bitrateMismatchRatio: 1.5,
  segmentTooLongFactor: 1.5,
  segmentSlackSeconds: 0.5,
  speedWarning: 0.95,
  speedCritical: 0.8,
};

export interface TranscodeAssessment {
  /** metrics of the transcoder as a whole */
  metrics: Record<string, Metric>;
  renditions: RenditionState[];
  conditions: AlertCondition[];
}

export function assessTranscode(
  transcoder: TranscoderState,
  renditions: RenditionState[],
  targetSegmentSeconds: number,
  t: TranscodeThresholds = DEFAULT_TRANSCODE_THRESHOLDS,
): TranscodeAssessment {
  const metrics: Record<string, Metric> = {};
  const conditions: AlertCondition[] = [];
  const running = transcoder.observed === 'running';

  if (transcoder.speed === null) {
    metrics.encoderSpeed = unknownMetric('x');
  } else {
    const s = transcoder.speed;
    const status = s < t.speedCritical ? 'critical' : s < t.speedWarning ? 'warning' : 'normal';
    metrics.encoderSpeed = metric(s, 'x', status, `${s.toFixed(2)}x realtime`);
  }
  const slow = running && transcoder.speed !== null && transcoder.speed < t.speedWarning;
  // issue 21: the source rung could not be re-encoded in real time for a long GOP, so it passes through unaligned
  const sourceLimited = transcoder.keyFrames?.sourceRung === 'passthrough-cpu';
  conditions.push({
    code: 120,
    holds: slow || sourceLimited,
    text:
      slow || !sourceLimited
        ? `FFmpeg encodes at ${(transcoder.speed ?? 0).toFixed(2)}x realtime: this computer's CPU cannot keep up with the ladder; use a conversion profile with fewer or smaller renditions, or a hardware encoder in Settings`
        : `This computer cannot re-encode the source rendition in real time, so it passes through with the encoder's ${transcoder.keyFrames?.sourceGopSeconds?.toFixed(1) ?? 'long'} s segments: set OBS → Settings → Output → Keyframe Interval: 2 s, or use a hardware encoder in Settings`,
    parameter: sourceLimited && !slow ? 'source' : (transcoder.speed ?? 0).toFixed(2),
  });
  metrics.restarts = metric(
    transcoder.restarts,
    'count',
    transcoder.restarts > 0 ? 'warning' : 'normal',
    transcoder.restarts === 0
      ? 'no restarts'
      : `${transcoder.restarts} FFmpeg restart${transcoder.restarts === 1 ? '' : 's'}`,
  );
  metrics.transcoder = metric(
    transcoder.observed,
    'state',
    transcoder.observed === 'failed'
      ? 'critical'
      : transcoder.observed === 'stalled' || transcoder.observed === 'exited'
        ? 'warning'
        : 'normal',
    transcoder.lastError && transcoder.observed !== 'running'
      ? `${transcoder.observed}: ${transcoder.lastError}`
      : transcoder.observed,
  );

  const badSegments: string[] = [];
  const limitSeconds = targetSegmentSeconds * t.segmentTooLongFactor + t.segmentSlackSeconds;
  const assessed = renditions.map((r) => {
    const m: Record<string, Metric> = { ...r.metrics };
    if (r.measuredBitrateBps === null) {
      m.bitrate = unknownMetric('bps');
    } else if (r.targetVideoBitrateBps && !r.passthrough) {
      // segment bytes carry the audio too: compare with video + audio when the meter knows it
      const target = r.targetTotalBitrateBps ?? r.targetVideoBitrateBps;
      const ratio = r.measuredBitrateBps / target;
      const off = ratio > t.bitrateMismatchRatio || ratio < 1 / t.bitrateMismatchRatio;
      const withAudio = target !== r.targetVideoBitrateBps ? ' with audio' : '';
      m.bitrate = metric(
        r.measuredBitrateBps,
        'bps',
        off ? 'warning' : 'normal',
        `${formatBitrate(r.measuredBitrateBps)} (target ${formatBitrate(target)}${withAudio})`,
      );
    } else {
      m.bitrate = metric(
        r.measuredBitrateBps,
        'bps',
        'normal',
        `${formatBitrate(r.measuredBitrateBps)}${r.passthrough ? ' (passthrough)' : ''}`,
      );
    }
    if (r.segmentDurationSeconds === null) {
      m.segmentDuration = unknownMetric('s');
    } else {
      const tooLong = r.segmentDurationSeconds > limitSeconds;
      if (tooLong) badSegments.push(r.streamName);
      m.segmentDuration = metric(
        r.segmentDurationSeconds,
        's',
        tooLong ? 'critical' : 'normal',
        `${formatSeconds(r.segmentDurationSeconds)} (target ${formatSeconds(targetSegmentSeconds)})`,
      );
    }
    return { ...r, metrics: m };
  });
  conditions.push({
    code: 123,
    holds: badSegments.length > 0,
    text: `HLS segments longer than ${formatSeconds(limitSeconds)} (target ${formatSeconds(targetSegmentSeconds)}) on ${badSegments.join(', ') || 'a rendition'}: players stall; set the encoder's keyframe interval to 2 s`,
    parameter: badSegments.join(','),
  });
  return { metrics, renditions: assessed, conditions };
}
