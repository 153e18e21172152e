// Owns an entry's one-word health (Good / Fair / Poor, kaltura.md 7) and the sentence that explains it,
// from its active alerts and the states of its streams. Pure.
import type { Alert, Health, IngestStream } from '../../../shared/state.js';
import { SEVERITY_RANK, severityToHealth, worstSeverity } from './alert-catalog.js';

export interface EntryHealth {
  health: Health;
  reason: string;
}

/** Alerts worst first, then newest first. */
export function sortAlerts(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.raisedAtMs - a.raisedAtMs || a.code - b.code,
  );
}

export function entryHealth(alerts: readonly Alert[], streams: readonly IngestStream[]): EntryHealth {
  const sorted = sortAlerts(alerts);
  const worst = worstSeverity(sorted.map((a) => a.severity));
  const fromAlerts = severityToHealth(worst);
  const first = sorted[0];
  if (first && fromAlerts !== 'Good') {
    const more = sorted.length > 1 ? ` (+${sorted.length - 1} more)` : '';
    return { health: fromAlerts, reason: `${first.text}${more}` };
  }
  const byState = (s: IngestStream['state']): IngestStream | undefined => streams.find((x) => x.state === s);
  const failed = byState('failed');
  if (failed)
    return {
      health: 'Poor',
      reason: `Transcoding failed on ${failed.streamName}: ${failed.reason ?? 'FFmpeg stopped'}`,
    };
  const refused = byState('refused');
  const onAir = streams.filter((s) => s.state === 'live' || s.state === 'playable');
  if (refused && onAir.length === 0)
    return { health: 'Poor', reason: `A publish was refused: ${refused.reason ?? 'no reason given'}` };
  const reconnecting = byState('reconnecting');
  if (reconnecting)
    return {
      health: 'Fair',
      reason: `${reconnecting.streamName} disconnected (${reconnecting.reason ?? 'connection closed'}); waiting for the encoder to reconnect`,
    };
  // only info-level alerts remain: Good, but say what they noticed
  const note = first ? `; note: ${first.text}` : '';
  if (onAir.some((s) => s.state === 'playable'))
    return { health: 'Good', reason: first ? `Playable${note}` : 'Playable; all checks pass' };
  if (onAir.length > 0) return { health: 'Good', reason: `Live, preparing the first HLS segments${note}` };
  const authenticating = byState('authenticating');
  if (authenticating) return { health: 'Good', reason: 'Authenticating the stream with Kaltura' };
  const ended = byState('ended');
  if (ended) return { health: 'Good', reason: `Offline: the stream ended (${ended.reason ?? 'publisher stopped'})` };
  return { health: 'Good', reason: 'Offline: waiting for the encoder' };
}
