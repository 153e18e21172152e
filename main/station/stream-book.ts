// Owns the records of the live state: entries and their streams by StreamId, how a record is created, restarted
// and moved through the lifecycle, alert bookkeeping, and retention (old finished streams and empty entries go).
// The inputs that change streams are in stream-inputs.ts; publishing and station-wide status in registry.ts.
import type { Alert, EntryState, TranscoderState } from '../../shared/state.js';
import type { Clock } from '../core/clock.js';
import type { StreamId } from '../core/ids.js';
import type { AuthLedger } from './auth-ledger.js';
import type { EventsLog } from './events-log.js';
import { alertEvent, restartTexts } from './status-events.js';
import { applyLifecycle, isFinished, isOnAir, type LifecycleEvent } from './lifecycle.js';
import { assessInput, type InputThresholds } from './health/input-health.js';
import type { TranscodeThresholds } from './health/rendition-health.js';
import { makeAlert, StreamAlerts, type AlertChanges } from './health/stream-alerts.js';
import { backupOnlyConditions } from './health/entry-conditions.js';
import { BACK_TO_NORMAL, backToNormalAlerts, DEFAULT_RATE_THRESHOLDS } from './health/rate-health.js';
import type { HysteresisOptions } from './health/hysteresis.js';
import { EMPTY_RECORDING, newStreamRecord, toEntryState, type EntryRecord, type StreamRecord } from './records.js';
import type { AlertTransition } from './registry-types.js';

export interface StreamBookOptions {
  clock: Clock;
  events: EventsLog;
  ledger: AuthLedger;
  retentionMs: number;
  defaultSegmentSeconds: number;
  restartAlertMs: number;
  inputThresholds: InputThresholds;
  transcodeThresholds: TranscodeThresholds;
  alertTiming: Record<number, HysteresisOptions> | undefined;
}

export abstract class StreamBook {
  protected readonly entries = new Map<string, EntryRecord>();
  protected readonly byStreamId = new Map<StreamId, StreamRecord>();

  constructor(protected readonly o: StreamBookOptions) {}

  /** Entries in the order they were first seen. */
  protected list(): EntryState[] {
    return [...this.entries.values()].sort((a, b) => a.firstSeenAtMs - b.firstSeenAtMs).map(toEntryState);
  }

  /** One entry as the window shows it (null: not known here). */
  entry(entryId: string): EntryState | null {
    const rec = this.entries.get(entryId);
    return rec ? toEntryState(rec) : null;
  }

  /** Once a second: drops old finished streams, re-judges silent inputs, lapses timed alerts. */
  tick(): void {
    const now = this.o.clock.nowMs();
    for (const entry of [...this.entries.values()]) {
      const onAir = [...entry.streams.values()]
        .filter((r) => isOnAir(r.lifecycle.state))
        .map((r) => r.stream.mediaServerIndex);
      this.publishAlerts(
        entry,
        entry.alerts.evaluate(backupOnlyConditions(entry.entryId, onAir, entry.recording.enabled), now),
      );
      for (const rec of [...entry.streams.values()]) {
        const { state, sinceMs } = rec.lifecycle;
        if (isFinished(state) && now - sinceMs >= this.o.retentionMs) {
          this.publishAlerts(entry, { raised: [], cleared: rec.transient.map((t) => t.alert) });
          entry.streams.delete(rec.key);
          if (this.byStreamId.get(rec.stream.id) === rec) this.byStreamId.delete(rec.stream.id);
          this.markDirty(entry.entryId);
        } else if (
          isOnAir(state) &&
          rec.stream.probe &&
          (rec.lastProbeAtMs === null || now - rec.lastProbeAtMs >= 1500)
        ) {
          this.assessInputOf(rec);
        }
        const lapsed = rec.transient.filter((t) => t.untilMs !== null && t.untilMs <= now);
        if (lapsed.length > 0) this.clearTransient(rec, (a) => lapsed.some((l) => l.alert === a));
      }
      if (
        entry.streams.size === 0 &&
        !entry.recording.active &&
        !entry.recording.items.some((it) => it.state === 'uploading' || it.state === 'pending')
      ) {
        this.entries.delete(entry.entryId);
        this.markDirty(entry.entryId);
      }
    }
  }

  protected ensureEntry(entryId: string, partnerId: number, atMs: number): EntryRecord {
    let entry = this.entries.get(entryId);
    if (!entry) {
      entry = {
        entryId,
        partnerId,
        name: entryId,
        dvrEnabled: false,
        firstSeenAtMs: atMs,
        lastEventAtMs: atMs,
        streams: new Map(),
        recording: EMPTY_RECORDING,
        alerts: new StreamAlerts({ entryId, streamName: null, mediaServerIndex: 1 }, this.o.alertTiming),
      };
      this.entries.set(entryId, entry);
    }
    return entry;
  }

  protected ensureStream(entry: EntryRecord, key: string, base: Parameters<typeof newStreamRecord>[1]): StreamRecord {
    let rec = entry.streams.get(key);
    if (!rec) {
      rec = newStreamRecord(key, base, this.o.alertTiming, this.o.defaultSegmentSeconds);
      entry.streams.set(key, rec);
    }
    return rec;
  }

  /** A new connection on an old record: forget the previous run's media state. */
  protected restartRecord(rec: StreamRecord, id: string, sourceAddress: string, atMs: number): void {
    const entry = this.entries.get(rec.stream.entryId);
    if (entry) this.publishAlerts(entry, { raised: [], cleared: rec.alerts.clearAll() });
    if (this.byStreamId.get(rec.stream.id) === rec && rec.stream.id !== id) this.byStreamId.delete(rec.stream.id);
    Object.assign(rec.stream, {
      id,
      sourceAddress,
      connectedAtMs: atMs,
      endedAtMs: null,
      reason: null,
      probe: null,
      metrics: {},
      transcoder: null,
      renditions: [],
      masterPlaylistUrl: null,
    });
    rec.ladder = null;
    rec.lastProbeAtMs = null;
    rec.playableSeen = false;
    rec.rates.reset();
  }

  protected transition(rec: StreamRecord, event: LifecycleEvent, atMs: number): boolean {
    const next = applyLifecycle(rec.lifecycle, event, atMs);
    if (!next || next === rec.lifecycle) return false;
    rec.lifecycle = next;
    this.markDirty(rec.stream.entryId);
    return true;
  }

  protected live(streamId: string): StreamRecord | null {
    const rec = this.byStreamId.get(streamId);
    return rec && rec.stream.id === streamId ? rec : null;
  }

  protected assessInputOf(rec: StreamRecord): void {
    const entry = this.entries.get(rec.stream.entryId);
    if (!entry || !rec.stream.probe) return;
    const now = this.o.clock.nowMs();
    const a = assessInput(
      rec.stream.probe,
      now,
      rec.stream.connectedAtMs,
      this.o.inputThresholds,
      rec.targetSegmentSeconds,
    );
    rec.stream.metrics = { ...rec.stream.metrics, ...a.metrics };
    const conditions = [
      ...a.conditions,
      ...rec.rates.inputConditions(rec.stream.probe, now, a.metrics['video']?.value === true),
    ];
    if (isOnAir(rec.lifecycle.state)) this.publishStreamAlerts(entry, rec, rec.alerts.evaluate(conditions, now), now);
    this.markDirty(entry.entryId);
  }

  protected ffmpegRestarted(entry: EntryRecord, rec: StreamRecord, t: TranscoderState, now: number): void {
    const texts = restartTexts(rec.stream.streamName, t);
    this.o.events.add({ severity: 'warning', kind: 'ffmpeg', entryId: entry.entryId, message: texts.event });
    this.clearTransient(rec, (a) => a.code === 100);
    const alert = makeAlert(
      100,
      { entryId: entry.entryId, streamName: rec.stream.streamName, mediaServerIndex: rec.stream.mediaServerIndex },
      now,
      texts.alert,
      String(t.restarts),
    );
    rec.transient.push({ alert, untilMs: now + this.o.restartAlertMs });
    this.publishAlerts(entry, { raised: [alert], cleared: [] });
  }

  /** A stream's alert changes, with 121 / 122 when a limited alert (119 / 120) clears while it stays on air. */
  protected publishStreamAlerts(entry: EntryRecord, rec: StreamRecord, changes: AlertChanges, now: number): void {
    const limitedAgain = new Set(changes.raised.flatMap((a) => BACK_TO_NORMAL.get(a.code) ?? []));
    if (limitedAgain.size > 0) this.clearTransient(rec, (a) => limitedAgain.has(a.code));
    const back = backToNormalAlerts(changes.cleared, isOnAir(rec.lifecycle.state), now);
    this.clearTransient(rec, (a) => back.some((b) => b.code === a.code));
    rec.transient.push(...back.map((alert) => ({ alert, untilMs: now + DEFAULT_RATE_THRESHOLDS.backToNormalShowMs })));
    this.publishAlerts(entry, { raised: [...changes.raised, ...back], cleared: changes.cleared });
  }

  protected clearTransient(rec: StreamRecord, which: (a: Alert) => boolean): void {
    const cleared = rec.transient.filter((t) => which(t.alert)).map((t) => t.alert);
    if (cleared.length === 0) return;
    rec.transient = rec.transient.filter((t) => !which(t.alert));
    const entry = this.entries.get(rec.stream.entryId);
    if (entry) this.publishAlerts(entry, { raised: [], cleared });
  }

  protected publishAlerts(entry: EntryRecord, changes: AlertChanges): void {
    const all = [
      ...changes.raised.map((alert) => ['raised', alert] as const),
      ...changes.cleared.map((alert) => ['cleared', alert] as const),
    ];
    for (const [kind, alert] of all) {
      this.o.events.add(alertEvent(kind, alert));
      this.alertChanged({ kind, alert, partnerId: entry.partnerId });
    }
    if (changes.raised.length + changes.cleared.length > 0) this.markDirty(entry.entryId);
  }

  protected touch(entry: EntryRecord, atMs: number): void {
    entry.lastEventAtMs = Math.max(entry.lastEventAtMs, atMs);
    this.markDirty(entry.entryId);
  }

  /** an entry changed (or disappeared): the owner publishes it */
  protected abstract markDirty(entryId: string): void;

  /** an alert was raised or cleared: the owner tells its alert listeners */
  protected abstract alertChanged(t: AlertTransition): void;
}
