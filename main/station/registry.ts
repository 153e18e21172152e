// Owns the station's live state: the single writer of entries, streams, renditions, alerts, Kaltura and
// system status. Parts report through the input methods (the exact payloads they emit: stream inputs in
// stream-inputs.ts, the records in stream-book.ts); everything else reads snapshot() or subscribes to
// throttled, coalesced changes, published from here.
import type { KalturaStatus, Snapshot, SystemStatus } from '../../shared/state.js';
import type { StationInfo } from '../../shared/station-info.js';
import type { Redactor } from '../log/redact.js';
import type { Clock } from '../core/clock.js';
import { CoalescingThrottle } from './change-throttle.js';
import { apiEvent, ksEvent, serverNodeEvent } from './status-events.js';
import { AuthLedger } from './auth-ledger.js';
import type { EventsLog } from './events-log.js';
import { DEFAULT_INPUT_THRESHOLDS, type InputThresholds } from './health/input-health.js';
import { DEFAULT_TRANSCODE_THRESHOLDS, type TranscodeThresholds } from './health/rendition-health.js';
import type { HysteresisOptions } from './health/hysteresis.js';
import { StreamInputs } from './stream-inputs.js';
import {
  IDLE_SYSTEM,
  type RefusalRecord,
  type RegistryChange,
  type AlertTransition,
  type AuthCounts,
} from './registry-types.js';

export interface RegistryOptions {
  clock: Clock;
  info: StationInfo;
  kaltura: KalturaStatus;
  events: EventsLog;
  redactor: Redactor;
  /** how long ended/refused/failed streams stay visible */
  retentionMs?: number;
  /** minimum spacing of published changes (coalesced) */
  publishIntervalMs?: number;
  /** HLS segment length when the entry does not set segmentDuration */
  defaultSegmentSeconds?: number;
  /** how long 100 EntryRestarted stays raised after an FFmpeg restart */
  restartAlertMs?: number;
  inputThresholds?: InputThresholds;
  transcodeThresholds?: TranscodeThresholds;
  alertTiming?: Record<number, HysteresisOptions>;
}

const REFUSALS_KEPT = 100;
const KALTURA_KEY = 'kaltura';
const SYSTEM_KEY = 'system';

export class StationRegistry extends StreamInputs {
  private readonly listeners = new Set<(change: RegistryChange) => void>();
  private readonly alertListeners = new Set<(t: AlertTransition) => void>();
  private readonly throttle: CoalescingThrottle;
  private info: StationInfo;
  private kaltura: KalturaStatus;
  private systemStatus: SystemStatus = IDLE_SYSTEM;
  private readonly unsubscribeEvents: () => void;

  constructor(options: RegistryOptions) {
    const o = {
      retentionMs: 10 * 60_000,
      publishIntervalMs: 250,
      defaultSegmentSeconds: 2,
      restartAlertMs: 60_000,
      inputThresholds: DEFAULT_INPUT_THRESHOLDS,
      transcodeThresholds: DEFAULT_TRANSCODE_THRESHOLDS,
      ...options,
      alertTiming: options.alertTiming,
    };
    super({ ...o, ledger: new AuthLedger(options.redactor, REFUSALS_KEPT) });
    this.info = options.info;
    this.kaltura = options.kaltura;
    this.throttle = new CoalescingThrottle(options.clock, o.publishIntervalMs, (keys) => this.publish(keys));
    this.unsubscribeEvents = options.events.subscribe((event) => this.emit({ type: 'event', event }));
  }

  // ---- reading ----

  snapshot(eventLimit = 200): Snapshot {
    return {
      info: this.info,
      entries: this.list(),
      kaltura: this.kaltura,
      system: this.systemStatus,
      events: this.o.events.list({ limit: eventLimit }),
    };
  }

  /** The last 100 refusals, oldest first, connection URLs already redacted (for /diagnostics/errors). */
  refusals(): readonly RefusalRecord[] {
    return this.o.ledger.refusals();
  }

  /** Authentication outcomes by result ('accepted', or the Kaltura code / alert code of a refusal). */
  authResults(): AuthCounts {
    return this.o.ledger.counts;
  }

  /** Changes after this call (a new subscriber reads snapshot() first); with no subscriber nothing is published. */
  subscribe(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.throttle.clear();
    };
  }

  /** Every alert raise and clear as it happens (beacons, metrics). */
  onAlert(listener: (t: AlertTransition) => void): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }

  // ---- Kaltura, system ----

  kalturaConfig(c: Pick<KalturaStatus, 'mode' | 'serviceUrl' | 'partnerId'>): void {
    this.kaltura = { ...this.kaltura, ...c };
    this.markKaltura();
  }

  /** this station's server node (absent: Kaltura not configured) */
  serverNodeState(serverNode: KalturaStatus['serverNode']): void {
    const event = serverNode ? serverNodeEvent(this.kaltura.serverNode, serverNode) : null;
    const { serverNode: _gone, ...rest } = this.kaltura;
    this.kaltura = serverNode ? { ...rest, serverNode } : rest;
    if (event) this.o.events.add(event);
    this.markKaltura();
  }

  ksState(ks: KalturaStatus['ks']): void {
    const event = ksEvent(this.kaltura.ks, ks);
    this.kaltura = { ...this.kaltura, ks };
    if (event) this.o.events.add(event);
    this.markKaltura();
  }

  apiState(api: KalturaStatus['api']): void {
    const event = apiEvent(this.kaltura.api, api);
    this.kaltura = { ...this.kaltura, api };
    if (event) this.o.events.add(event);
    this.markKaltura();
  }

  system(status: SystemStatus): void {
    this.systemStatus = status;
    this.mark(SYSTEM_KEY);
  }

  setInfo(info: StationInfo): void {
    this.info = info;
    this.emit({ type: 'info', info });
  }

  // ---- time ----

  /** Publishes what is pending now (tests, and the station before it stops). */
  flush(): void {
    this.throttle.flush();
  }

  dispose(): void {
    this.throttle.clear();
    this.unsubscribeEvents();
    this.listeners.clear();
    this.alertListeners.clear();
  }

  // ---- internals ----

  protected markDirty(entryId: string): void {
    this.mark(`entry:${entryId}`);
  }

  protected alertChanged(t: AlertTransition): void {
    for (const l of this.alertListeners) l(t);
  }

  private markKaltura(): void {
    this.mark(KALTURA_KEY);
  }

  /** nothing to coalesce for nobody: the state itself is always current (snapshot()) */
  private mark(key: string): void {
    if (this.listeners.size > 0) this.throttle.mark(key);
  }

  private publish(keys: string[]): void {
    for (const key of keys) {
      if (key === KALTURA_KEY) this.emit({ type: 'kaltura', kaltura: this.kaltura });
      else if (key === SYSTEM_KEY) this.emit({ type: 'system', system: this.systemStatus });
      else {
        const id = key.slice('entry:'.length);
        const entry = this.entry(id);
        this.emit(entry ? { type: 'entry', entry } : { type: 'entryRemoved', entryId: id });
      }
    }
  }

  private emit(change: RegistryChange): void {
    for (const l of this.listeners) l(change);
  }
}
