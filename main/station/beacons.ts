// Owns reporting alerts to Kaltura as beacons (beacon.add, eventType "<index>_healthData", kaltura.md 4):
// per entry and server index, the current alert set is sent at most once per interval and only when it
// changed. Built with JSON.stringify; no token or secret ever goes in. Failures are logged and dropped.
import type { KalturaApi } from '../core/kaltura-api.js';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redact.js';
import type { Alert } from '../../shared/state.js';
import { delayToGridMs, type Clock, type TimerHandle } from '../core/clock.js';
import { SEVERITY_RANK } from './health/alert-catalog.js';
import type { AlertTransition } from './registry-types.js';

export interface BeaconSenderOptions {
  api: Pick<KalturaApi, 'addBeacon'>;
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  /** settings.kaltura.beaconsEnabled, read at send time */
  enabled: () => boolean;
  flushIntervalMs?: number;
}

interface Target {
  partnerId: number;
  entryId: string;
  index: number;
  active: Map<number, Alert>;
  dirty: boolean;
}

/** The privateData JSON of one health beacon. */
export function healthBeaconData(alerts: readonly Alert[], redactor: Redactor): string {
  const list = alerts.map((a) => ({
    Arguments: {
      entryId: a.entryId,
      alertType: redactor.redact(a.arguments.alertType ?? a.name),
      parameter: redactor.redact(a.arguments.parameter ?? ''),
    },
    Time: a.raisedAtMs,
    Code: a.code,
  }));
  const maxSeverity = alerts.reduce((m, a) => Math.max(m, SEVERITY_RANK[a.severity]), SEVERITY_RANK.info);
  return JSON.stringify({ alerts: list, maxSeverity });
}

export class BeaconSender {
  private readonly targets = new Map<string, Target>();
  private timer: TimerHandle | null = null;
  private sending: Promise<void> | null = null;

  constructor(private readonly o: BeaconSenderOptions) {}

  /** Feed with StationRegistry.onAlert. */
  onAlert(t: AlertTransition): void {
    const index = t.alert.mediaServerIndex ?? 0;
    const key = `${t.alert.entryId}#${index}`;
    let target = this.targets.get(key);
    if (!target) {
      target = { partnerId: t.partnerId, entryId: t.alert.entryId, index, active: new Map(), dirty: false };
      this.targets.set(key, target);
    }
    target.partnerId = t.partnerId;
    if (t.kind === 'raised') target.active.set(t.alert.code, t.alert);
    else if (
      target.active.get(t.alert.code) === t.alert ||
      target.active.get(t.alert.code)?.raisedAtMs === t.alert.raisedAtMs
    )
      target.active.delete(t.alert.code);
    else return;
    target.dirty = true;
  }

  /** Sends every changed alert set now (one beacon per entry and index). */
  flush(): Promise<void> {
    if (this.sending) return this.sending;
    this.sending = this.sendDirty().finally(() => (this.sending = null));
    return this.sending;
  }

  start(): void {
    if (this.timer) return;
    const loop = (): void => {
      void this.flush().finally(() => {
        if (this.timer)
          this.timer = this.o.clock.setTimer(
            loop,
            delayToGridMs(this.o.clock.nowMs(), this.o.flushIntervalMs ?? 10_000),
          );
      });
    };
    this.timer = this.o.clock.setTimer(loop, delayToGridMs(this.o.clock.nowMs(), this.o.flushIntervalMs ?? 10_000));
  }

  /** Stops the timer; call flush() first to send what is pending. */
  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private async sendDirty(): Promise<void> {
    const due = [...this.targets.values()].filter((t) => t.dirty);
    for (const t of due) {
      t.dirty = false;
      if (t.active.size === 0) this.targets.delete(`${t.entryId}#${t.index}`);
    }
    if (!this.o.enabled()) return;
    for (const t of due) {
      const privateData = healthBeaconData([...t.active.values()], this.o.redactor);
      try {
        await this.o.api.addBeacon({
          partnerId: t.partnerId,
          entryId: t.entryId,
          eventType: `${t.index}_healthData`,
          privateData,
        });
        this.o.logger.debug('beacon sent', { entryId: t.entryId, index: t.index, alerts: t.active.size });
      } catch (e) {
        this.o.logger.warn('could not send the health beacon to Kaltura; the next change will try again', {
          entryId: t.entryId,
          index: t.index,
          error: (e as Error).message,
        });
      }
    }
  }
}
