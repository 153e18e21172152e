// Owns the alerts of one stream: one hysteresis tracker per alert code, fed with the conditions the
// assessors return; turns flips into raised/cleared Alert records with Kaltura's names and severities.
import type { Alert } from '../../../shared/state.js';
import { alertKind } from './alert-catalog.js';
import { Hysteresis, type HysteresisOptions } from './hysteresis.js';
import type { AlertCondition } from './metric.js';

/** raise/clear delays per code; the condition itself already waits mediaStaleMs for 102/103 */
export const DEFAULT_ALERT_TIMING: Record<number, HysteresisOptions> = {
  101: { raiseAfterMs: 10_000, clearAfterMs: 10_000 },
  102: { raiseAfterMs: 3_500, clearAfterMs: 3_000 },
  103: { raiseAfterMs: 3_500, clearAfterMs: 3_000 },
  104: { raiseAfterMs: 5_000, clearAfterMs: 10_000 },
  107: { raiseAfterMs: 6_000, clearAfterMs: 10_000 },
  108: { raiseAfterMs: 5_000, clearAfterMs: 5_000 },
  116: { raiseAfterMs: 10_000, clearAfterMs: 10_000 },
  117: { raiseAfterMs: 10_000, clearAfterMs: 10_000 },
  119: { raiseAfterMs: 10_000, clearAfterMs: 15_000 },
  120: { raiseAfterMs: 10_000, clearAfterMs: 10_000 },
  123: { raiseAfterMs: 2_000, clearAfterMs: 10_000 },
  124: { raiseAfterMs: 10_000, clearAfterMs: 10_000 },
  125: { raiseAfterMs: 5_000, clearAfterMs: 10_000 },
};
const FALLBACK_TIMING: HysteresisOptions = { raiseAfterMs: 5_000, clearAfterMs: 5_000 };

export interface AlertSubject {
  entryId: string;
  streamName: string | null;
  mediaServerIndex: number | null;
}

export interface AlertChanges {
  raised: Alert[];
  cleared: Alert[];
}

export function makeAlert(code: number, subject: AlertSubject, atMs: number, text: string, parameter: string): Alert {
  const kind = alertKind(code);
  return {
    code,
    name: kind.name,
    severity: kind.severity,
    entryId: subject.entryId,
    streamName: subject.streamName,
    mediaServerIndex: subject.mediaServerIndex,
    raisedAtMs: atMs,
    text,
    arguments: { entryId: subject.entryId, alertType: kind.name, parameter },
  };
}

export class StreamAlerts {
  private readonly trackers = new Map<number, { hysteresis: Hysteresis; alert: Alert | null }>();

  constructor(
    private readonly subject: AlertSubject,
    private readonly timing: Record<number, HysteresisOptions> = DEFAULT_ALERT_TIMING,
  ) {}

  evaluate(conditions: readonly AlertCondition[], atMs: number): AlertChanges {
    const changes: AlertChanges = { raised: [], cleared: [] };
    for (const c of conditions) {
      let tracker = this.trackers.get(c.code);
      if (!tracker) {
        tracker = { hysteresis: new Hysteresis(this.timing[c.code] ?? FALLBACK_TIMING), alert: null };
        this.trackers.set(c.code, tracker);
      }
      const flip = tracker.hysteresis.update(c.holds, atMs);
      if (flip === 'raised') {
        tracker.alert = makeAlert(c.code, this.subject, atMs, c.text, c.parameter);
        changes.raised.push(tracker.alert);
      } else if (flip === 'cleared' && tracker.alert) {
        changes.cleared.push(tracker.alert);
        tracker.alert = null;
      }
    }
    return changes;
  }

  /** Clears everything at once (the stream ended): returns what was active. */
  clearAll(): Alert[] {
    const active = this.active();
    for (const t of this.trackers.values()) {
      t.hysteresis.reset();
      t.alert = null;
    }
    return active;
  }

  active(): Alert[] {
    return [...this.trackers.values()].flatMap((t) => (t.alert ? [t.alert] : []));
  }
}
