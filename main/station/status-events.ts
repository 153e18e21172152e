// Owns which Kaltura status changes are worth a line in the events log, and the words for them. Pure.
import type { Alert, KalturaStatus, RegistrationState, ServerNodeState, TranscoderState } from '../../shared/state.js';
import type { NewEvent } from './events-log.js';

export function ksEvent(prev: KalturaStatus['ks'], next: KalturaStatus['ks']): NewEvent | null {
  if (next.state === prev.state && next.lastRenewalAtMs === prev.lastRenewalAtMs) return null;
  if (next.state === 'valid') {
    const until = next.validUntilMs ? `, valid until ${new Date(next.validUntilMs).toISOString()}` : '';
    return { severity: 'info', kind: 'ks', message: `KS ${prev.state === 'none' ? 'created' : 'renewed'}${until}` };
  }
  if (next.state === 'error' || next.state === 'expired') {
    return {
      severity: 'error',
      kind: 'ks',
      message: `KS ${next.state}: ${next.lastError ?? 'no detail'}; check the admin secret and partner id in Settings`,
    };
  }
  return null;
}

export function apiEvent(prev: KalturaStatus['api'], next: KalturaStatus['api']): NewEvent | null {
  const newError = next.lastError !== null && next.lastError !== prev.lastError;
  if (next.reachable === false && (prev.reachable !== false || newError)) {
    return {
      severity: 'error',
      kind: 'api',
      message: `Kaltura API unreachable: ${next.lastError ?? 'no answer'}; check the service URL and the network`,
    };
  }
  if (newError) return { severity: 'error', kind: 'api', message: `Kaltura API error: ${next.lastError}` };
  if (next.reachable === true && next.degraded && !prev.degraded) {
    return {
      severity: 'warning',
      kind: 'api',
      message: `Kaltura API degraded: ${next.recentFailurePercent ?? '?'} % of the last minute's calls failed; the station retries them`,
    };
  }
  if (next.reachable === true && prev.reachable === true && prev.degraded && !next.degraded)
    return { severity: 'info', kind: 'api', message: 'Kaltura API no longer degraded' };
  if (next.reachable === true && prev.reachable !== true) {
    return {
      severity: 'info',
      kind: 'api',
      message: `Kaltura API reachable${next.lastLatencyMs !== null ? ` (${Math.round(next.lastLatencyMs)} ms)` : ''}`,
    };
  }
  return null;
}

export function serverNodeEvent(prev: ServerNodeState | undefined, next: ServerNodeState): NewEvent | null {
  if (
    prev &&
    prev.status === next.status &&
    prev.reason === next.reason &&
    prev.hostname === next.hostname &&
    prev.nodeId === next.nodeId
  )
    return null;
  switch (next.status) {
    case 'registered':
      if (prev?.status === 'registered' && prev.nodeId === next.nodeId) return null;
      return {
        severity: 'info',
        kind: 'server-node',
        message: `Server node ${next.hostname} registered with Kaltura (node ${next.nodeId ?? '?'}, ${next.method === 'addEnable' ? 'added and enabled' : 'heartbeat every 60 s'})`,
      };
    case 'refused':
      return {
        severity: 'error',
        kind: 'server-node',
        message: `Server node ${next.hostname} refused${next.code ? ` (${next.code})` : ''}: ${next.reason ?? 'no reason given'}`,
      };
    case 'retrying':
      return prev?.status === 'retrying'
        ? null
        : {
            severity: 'warning',
            kind: 'server-node',
            message: `Server node ${next.hostname}: ${next.reason ?? 'registration failed'}`,
          };
    case 'offline':
      return { severity: 'info', kind: 'server-node', message: `Server node ${next.hostname} taken out of service` };
    default:
      return null;
  }
}

export function registrationEvent(
  entryId: string,
  index: number,
  prev: RegistrationState,
  next: RegistrationState,
): NewEvent | null {
  const newError = next.lastError !== null && next.lastError !== prev.lastError;
  if (prev.status === next.status && !newError) return null;
  if (next.status === 'error') {
    return {
      severity: 'error',
      kind: 'registration',
      entryId,
      message: `Registration of ${entryId} (index ${index}) failed: ${next.lastError ?? 'unknown error'}`,
    };
  }
  if (next.status === 'none') return null;
  return {
    severity: 'info',
    kind: 'registration',
    entryId,
    message: `Registered ${entryId} (index ${index}) as ${next.status.toUpperCase()}`,
  };
}

export function alertEvent(kind: 'raised' | 'cleared', alert: Alert): NewEvent {
  if (kind === 'cleared')
    return { severity: 'info', kind: 'alert', entryId: alert.entryId, message: `${alert.code} ${alert.name} cleared` };
  const severity =
    alert.severity === 'error' || alert.severity === 'critical'
      ? 'error'
      : alert.severity === 'warning'
        ? 'warning'
        : 'info';
  return { severity, kind: 'alert', entryId: alert.entryId, message: `${alert.code} ${alert.name}: ${alert.text}` };
}

export function restartTexts(streamName: string, t: TranscoderState): { event: string; alert: string } {
  const why = t.lastError ? `: ${t.lastError}` : '';
  return {
    event: `FFmpeg for ${streamName} restarted (restart ${t.restarts})${why}`,
    alert: `FFmpeg restarted ${t.restarts} time(s)${t.lastError ? ` (${t.lastError})` : ''}: viewers saw a short interruption; if it repeats, check the encoder's output and the station's CPU`,
  };
}
