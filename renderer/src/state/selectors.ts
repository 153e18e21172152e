// Pure selectors over the store data: ordering (problems first), health and status texts, drift, filters.
// Components call these through zustand hooks; tests call them directly.
import type {
  Alert,
  AlertSeverity,
  EntryState,
  IngestStream,
  KalturaStatus,
  MetricStatus,
  StationEvent,
} from '../../../shared/state.js';
import type { FfmpegInfo } from '../../../shared/station-info.js';
import { formatBitrate, formatClock, formatFps, formatRelative, formatResolution, UNKNOWN } from '../lib/format.js';

export type Tone = 'good' | 'fair' | 'poor' | 'idle';

const HEALTH_RANK = { Poor: 0, Fair: 1, Good: 2 } as const;
const SEVERITY_RANK: Record<AlertSeverity, number> = { critical: 0, error: 1, warning: 2, info: 3, debug: 4 };
const ACTIVE_STATES = new Set<IngestStream['state']>(['authenticating', 'live', 'playable', 'reconnecting']);

export function isStreamActive(stream: IngestStream): boolean {
  return ACTIVE_STATES.has(stream.state);
}

export function hasRefusal(entry: EntryState): boolean {
  return entry.streams.some((s) => s.state === 'refused' || s.state === 'failed');
}

/** Lower is worse: Poor entries, then refused/failed streams, then Fair, then Good; alerts break ties. */
export function problemRank(entry: EntryState): number {
  let rank = HEALTH_RANK[entry.health] * 10;
  if (hasRefusal(entry)) rank = Math.min(rank, 5);
  return rank;
}

export function worstAlertSeverity(alerts: readonly Alert[]): AlertSeverity | null {
  let worst: AlertSeverity | null = null;
  for (const alert of alerts)
    if (worst === null || SEVERITY_RANK[alert.severity] < SEVERITY_RANK[worst]) worst = alert.severity;
  return worst;
}

/** Entry ids in display order: problems first, then by worst alert, then by name and id (stable). */
export function sortEntryIds(byId: Readonly<Record<string, EntryState>>): string[] {
  return Object.values(byId)
    .sort((a, b) => {
      const byRank = problemRank(a) - problemRank(b);
      if (byRank !== 0) return byRank;
      const sa = worstAlertSeverity(a.alerts);
      const sb = worstAlertSeverity(b.alerts);
      const bySeverity = (sa === null ? 9 : SEVERITY_RANK[sa]) - (sb === null ? 9 : SEVERITY_RANK[sb]);
      if (bySeverity !== 0) return bySeverity;
      return a.name.localeCompare(b.name) || a.entryId.localeCompare(b.entryId);
    })
    .map((e) => e.entryId);
}

export function healthTone(health: EntryState['health']): Tone {
  return health === 'Good' ? 'good' : health === 'Fair' ? 'fair' : 'poor';
}

export function metricTone(status: MetricStatus): Tone {
  return status === 'normal' ? 'good' : status === 'warning' ? 'fair' : 'poor';
}

/** "Poor: no video for 12 s"; just "Good" when there is no reason to give. */
export function healthText(entry: Pick<EntryState, 'health' | 'healthReason'>): string {
  const reason = entry.healthReason.trim();
  return reason ? `${entry.health}: ${reason}` : entry.health;
}

/** The most relevant stream for a server index: an active one, else the most recent. */
export function streamFor(entry: EntryState, mediaServerIndex: number): IngestStream | null {
  const candidates = entry.streams.filter((s) => s.mediaServerIndex === mediaServerIndex);
  const active = candidates.find(isStreamActive);
  if (active) return active;
  return candidates.reduce<IngestStream | null>(
    (best, s) => (best === null || s.stateSinceMs > best.stateSinceMs ? s : best),
    null,
  );
}

/** The stream the list describes: the active primary, else the active backup, else the latest. */
export function mainStream(entry: EntryState): IngestStream | null {
  const primary = streamFor(entry, 0);
  if (primary && isStreamActive(primary)) return primary;
  const backup = streamFor(entry, 1);
  if (backup && isStreamActive(backup)) return backup;
  return primary ?? backup ?? entry.streams[entry.streams.length - 1] ?? null;
}

export interface StreamIndicator {
  label: 'Primary' | 'Backup';
  text: string;
  tone: Tone;
}

const STATE_TEXT: Record<IngestStream['state'], string> = {
  authenticating: 'Authenticating',
  live: 'Live',
  playable: 'Playable',
  reconnecting: 'Reconnecting',
  ended: 'Ended',
  refused: 'Refused',
  failed: 'Failed',
};

export function streamStateText(state: IngestStream['state']): string {
  return STATE_TEXT[state];
}

export function streamTone(state: IngestStream['state']): Tone {
  switch (state) {
    case 'live':
    case 'playable':
      return 'good';
    case 'authenticating':
    case 'reconnecting':
      return 'fair';
    case 'refused':
    case 'failed':
      return 'poor';
    default:
      return 'idle';
  }
}

export function streamIndicator(entry: EntryState, mediaServerIndex: 0 | 1): StreamIndicator {
  const label = mediaServerIndex === 0 ? 'Primary' : 'Backup';
  const stream = streamFor(entry, mediaServerIndex);
  if (!stream) return { label, text: 'none', tone: 'idle' };
  return { label, text: streamStateText(stream.state), tone: streamTone(stream.state) };
}

export function refusalReason(entry: EntryState): string | null {
  const refused = entry.streams.filter((s) => (s.state === 'refused' || s.state === 'failed') && s.reason);
  const latest = refused.sort((a, b) => b.stateSinceMs - a.stateSinceMs)[0];
  return latest?.reason ?? null;
}

/** "1280×720 · 30 fps · 2.95 Mbps" from the ingest probe. */
export function inputSummary(stream: IngestStream | null): string {
  const probe = stream?.probe;
  if (!probe) return UNKNOWN;
  return [
    formatResolution(probe.width, probe.height),
    formatFps(probe.frameRateFps),
    formatBitrate(probe.videoBitrateBps),
  ].join(' · ');
}

export interface Drift {
  /** measured / target - 1, e.g. -0.3 = 30 % under target */
  ratio: number | null;
  tone: Tone;
  text: string;
}

/** Measured vs target bitrate: within 20 % is fine, within 50 % a warning, beyond that poor. */
export function bitrateDrift(targetBps: number | null, measuredBps: number | null): Drift {
  if (!targetBps || measuredBps === null)
    return { ratio: null, tone: 'idle', text: measuredBps === null ? 'not measured yet' : 'no target' };
  const ratio = measuredBps / targetBps - 1;
  const abs = Math.abs(ratio);
  const tone: Tone = abs <= 0.2 ? 'good' : abs <= 0.5 ? 'fair' : 'poor';
  const text = `${ratio >= 0 ? '+' : '−'}${Math.round(abs * 100)}% vs target`;
  return { ratio, tone, text };
}

export interface EventFilter {
  entryId: string | null;
  severity: StationEvent['severity'] | null;
}

/** Events matching the filter, newest first. */
export function filterEvents(events: readonly StationEvent[], filter: EventFilter): StationEvent[] {
  const out: StationEvent[] = [];
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (!event) continue;
    if (filter.entryId !== null && event.entryId !== filter.entryId) continue;
    if (filter.severity !== null && event.severity !== filter.severity) continue;
    out.push(event);
  }
  return out;
}

export interface KsSummary {
  text: string;
  tone: Tone;
}

export function ksSummary(ks: KalturaStatus['ks'] | undefined, nowMs: number): KsSummary {
  if (!ks) return { text: 'KS: unknown', tone: 'idle' };
  switch (ks.state) {
    case 'valid': {
      const leftMs = (ks.validUntilMs ?? nowMs) - nowMs;
      const text = `KS valid until ${formatClock(ks.validUntilMs)} (${formatRelative(ks.validUntilMs, nowMs)})`;
      return { text, tone: leftMs < 10 * 60_000 ? 'fair' : 'good' };
    }
    case 'renewing':
      return { text: 'KS renewing…', tone: 'fair' };
    case 'expired':
      return { text: 'KS expired: renew it now or check the admin secret in Settings', tone: 'poor' };
    case 'error':
      return { text: `KS error: ${ks.lastError ?? 'unknown'}; check Settings`, tone: 'poor' };
    default:
      return { text: 'No KS yet', tone: 'idle' };
  }
}

export function apiSummary(api: KalturaStatus['api'] | undefined): KsSummary {
  if (!api || api.reachable === null) return { text: 'API: not checked yet', tone: 'idle' };
  if (api.reachable && api.degraded)
    return {
      text: `API degraded: ${api.recentFailurePercent ?? '?'} % of the last minute's calls failed (retrying)`,
      tone: 'fair',
    };
  if (api.reachable)
    return {
      text: `API reachable${api.lastLatencyMs !== null ? ` (${Math.round(api.lastLatencyMs)} ms)` : ''}`,
      tone: 'good',
    };
  return { text: `API unreachable${api.lastError ? `: ${api.lastError}` : ''}`, tone: 'poor' };
}

const FFMPEG_SOURCE: Record<NonNullable<FfmpegInfo['source']>, string> = {
  setting: 'Settings',
  env: 'FFMPEG_PATH',
  path: 'PATH',
  bundled: 'bundled',
};

export interface FfmpegSummary {
  /** e.g. "FFmpeg 4.1 (bundled)" or "FFmpeg missing" */
  text: string;
  tone: Tone;
  /** where it is, its full version, and what it cannot do */
  detail: string;
  /** the lacks, one line each, and the older equivalents in use */
  cannot: string[];
}

/** Which FFmpeg the station uses, from where, its version, and what it cannot do (issue 22). */
export function ffmpegSummary(ffmpeg: FfmpegInfo | null | undefined): FfmpegSummary {
  if (!ffmpeg) return { text: 'FFmpeg: —', tone: 'idle', detail: '', cannot: [] };
  if (ffmpeg.status !== 'ok')
    return {
      text: `FFmpeg ${ffmpeg.status}`,
      tone: 'poor',
      detail: ffmpeg.message ?? 'set its path in Settings',
      cannot: [],
    };
  const from = ffmpeg.source ? FFMPEG_SOURCE[ffmpeg.source] : 'unknown source';
  const cannot = [
    ...(ffmpeg.lacks ?? []).map((l) => `cannot ${l.impact}: no ${l.missing} (FFmpeg ${l.minRelease}+)`),
    ...(ffmpeg.olderEquivalents ?? []).map((e) => `uses ${e}`),
  ];
  const lacking = (ffmpeg.lacks ?? []).length > 0;
  return {
    text: `FFmpeg ${ffmpeg.release ?? ffmpeg.version ?? ''} (${from})`,
    tone: lacking ? 'poor' : ffmpeg.warning ? 'fair' : 'good',
    detail: [`${ffmpeg.path ?? ''} from ${from}, version ${ffmpeg.version ?? 'unknown'}`, ...cannot].join('\n'),
    cannot,
  };
}

/** Entry id -> name for filters and labels. */
export function entryNames(byId: Readonly<Record<string, EntryState>>): [string, string][] {
  return Object.values(byId)
    .map((e): [string, string] => [e.entryId, e.name])
    .sort((a, b) => a[1].localeCompare(b[1]));
}
