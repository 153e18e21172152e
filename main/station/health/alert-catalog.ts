// Owns Kaltura's alert vocabulary (kaltura.md 7): codes 100-126, their names and severities,
// and how alert severities fold into an entry's Good / Fair / Poor.
import type { AlertSeverity, Health } from '../../../shared/state.js';

export interface AlertKind {
  code: number;
  name: string;
  severity: AlertSeverity;
}

const KINDS: AlertKind[] = [
  { code: 100, name: 'EntryRestarted', severity: 'warning' },
  { code: 101, name: 'BitrateUnmatched', severity: 'info' },
  { code: 102, name: 'NoAudioSignal', severity: 'error' },
  { code: 103, name: 'NoVideoSignal', severity: 'error' },
  { code: 104, name: 'PtsDrift', severity: 'error' },
  { code: 105, name: 'EntryStopped', severity: 'info' },
  { code: 106, name: 'EntryStarted', severity: 'info' },
  { code: 107, name: 'InvalidKeyFrameInterval', severity: 'info' },
  { code: 108, name: 'HighFpsRate', severity: 'info' },
  { code: 109, name: 'BackupOnlyStreamNoRecording', severity: 'info' },
  { code: 110, name: 'BackupOnlyStreamRecording', severity: 'warning' },
  { code: 111, name: 'AuthenticationInvalidToken', severity: 'critical' },
  { code: 112, name: 'AuthenticationIncorrectStream', severity: 'critical' },
  { code: 113, name: 'AuthenticationEntryNotFound', severity: 'critical' },
  { code: 114, name: 'AuthenticationNoLivePermission', severity: 'critical' },
  { code: 115, name: 'AuthenticationTooManyStreams', severity: 'critical' },
  { code: 116, name: 'FrameRateIsFluctuatingOnFlavor', severity: 'info' },
  { code: 117, name: 'FrameRateIsDifferentThanConfigured', severity: 'info' },
  { code: 118, name: 'AuthenticationTooManyTranscodedStreams', severity: 'critical' },
  { code: 119, name: 'ResolutionLimitedByBandwidth', severity: 'warning' },
  { code: 120, name: 'ResolutionLimitedByCPU', severity: 'warning' },
  { code: 121, name: 'BandwidthBackToNormal', severity: 'info' },
  { code: 122, name: 'CPUBackToNormal', severity: 'info' },
  { code: 123, name: 'M3U8ChunkWithInvalidDurationAlert', severity: 'critical' },
  { code: 124, name: 'InconsistentFrameRateAlert', severity: 'info' },
  { code: 125, name: 'LimitRate', severity: 'info' },
  { code: 126, name: 'LiveStreamAlreadyBroadcasting', severity: 'info' },
];

const BY_CODE = new Map(KINDS.map((k) => [k.code, k]));

/** The kind for a code; unknown codes (Wowza's -1 "anything else") become an error-level "Other". */
export function alertKind(code: number): AlertKind {
  return BY_CODE.get(code) ?? { code, name: 'Other', severity: 'error' };
}

export function allAlertKinds(): readonly AlertKind[] {
  return KINDS;
}

export const SEVERITY_RANK: Record<AlertSeverity, number> = { debug: 0, info: 1, warning: 2, error: 3, critical: 4 };

/** kaltura.md 7: error/critical -> Poor, warning -> Fair, anything else -> Good. */
export function severityToHealth(severity: AlertSeverity | null): Health {
  if (severity === 'error' || severity === 'critical') return 'Poor';
  if (severity === 'warning') return 'Fair';
  return 'Good';
}

export function worstSeverity(severities: readonly AlertSeverity[]): AlertSeverity | null {
  let worst: AlertSeverity | null = null;
  for (const s of severities) if (worst === null || SEVERITY_RANK[s] > SEVERITY_RANK[worst]) worst = s;
  return worst;
}

/**
 * When the station raises and clears the codes whose conditions it defines from rates over time (issue 21;
 * rate-health.ts, timings in stream-alerts.ts). "Window" is the last 10 s of per-second samples, at least 5 of them,
 * judged after the input's 3 s warm-up; raise/clear also wait for the hysteresis.
 */
export const RATE_ALERT_CONDITIONS: ReadonlyMap<number, { raise: string; clear: string }> = new Map([
  [
    116,
    {
      raise:
        'FFmpeg dropped + duplicated more than 2 % of the frames it output over the window, on a ladder with a transcoded video rendition (it keeps transcoded renditions at a constant frame rate, so irregular source timing shows there); held 10 s',
      clear: 'at most 2 % over the window, held 10 s (or FFmpeg not running)',
    },
  ],
  [
    119,
    {
      raise:
        "the source's video bitrate (median over the window) is under half of the videodatarate the encoder declared (no declared rate: never raised); held 10 s",
      clear: 'at least half again, held 15 s; then 121',
    },
  ],
  [
    121,
    {
      raise: '119 cleared while the stream stays on air (info; an ended stream is not back to normal)',
      clear: 'lapses after 60 s, or at once when 119 is raised again',
    },
  ],
  [
    122,
    {
      raise: '120 ResolutionLimitedByCPU cleared while the stream stays on air (info)',
      clear: 'lapses after 60 s, or at once when 120 is raised again',
    },
  ],
  [
    124,
    {
      raise:
        "the source's measured frame rate spreads (max - min over the window) by more than 15 % of its median and more than 2 fps; held 10 s",
      clear: 'within that again, held 10 s',
    },
  ],
  [
    125,
    {
      raise:
        "the source's media time gains on the wall clock more than 10 % faster than real time over the window (at least 5 s of it); held 5 s",
      clear: 'at most 10 % again, held 10 s',
    },
  ],
]);
