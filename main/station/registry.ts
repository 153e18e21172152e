// Owns the station's live state: the single writer of entries, streams, renditions, alerts, Kaltura and
// system status. Parts report through the input methods (the exact payloads they emit); everything
// else reads snapshot() or subscribes to throttled, coalesced changes.
import type { Alert, EntryState, KalturaStatus, RecordingState, RegistrationState, Snapshot, SystemStatus, TranscoderState } from '../../shared/state.js';
import type { StationInfo } from '../../shared/station-info.js';
import type { Ladder } from '../../shared/ladder.js';
import type { Redactor } from '../log/redact.js';
import type { Clock } from './clock.js';
import { CoalescingThrottle } from './change-throttle.js';
import { alertEvent, apiEvent, ksEvent, registrationEvent, restartTexts } from './status-events.js';
import { AuthLedger } from './auth-ledger.js';
import type { EventsLog } from './events-log.js';
import { describeEnd, type ProbeInput, type StreamAcceptedInput, type StreamAuthenticatingInput, type StreamEndedInput, type StreamRefusedInput, type TranscodeStateInput } from './inputs.js';
import { applyLifecycle, isFinished, isOnAir, type LifecycleEvent } from './lifecycle.js';
import { assessInput, DEFAULT_INPUT_THRESHOLDS, type InputThresholds } from './health/input-health.js';
import { assessTranscode, DEFAULT_TRANSCODE_THRESHOLDS, type TranscodeThresholds } from './health/rendition-health.js';
import { makeAlert, type AlertChanges } from './health/stream-alerts.js';
import type { HysteresisOptions } from './health/hysteresis.js';
import { EMPTY_RECORDING, newStreamRecord, streamKey, toEntryState, type EntryRecord, type StreamRecord } from './records.js';
import { IDLE_SYSTEM, type RefusalRecord, type RegistryChange, type AlertTransition, type AuthCounts } from './registry-types.js';

export type { RegistryChange, AlertTransition, RefusalRecord, AuthCounts } from './registry-types.js';

export interface RegistryOptions {
  clock: Clock;
  info: StationInfo;
  kaltura: KalturaStatus;
  events: EventsLog;
  redactor: Redactor;
  /** how long ended/refused/failed streams stay visible */
  retentionMs?: number;
  /** how long a disconnected publisher may take to come back before its stream counts as ended */
  reconnectGraceMs?: number;
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

export class StationRegistry {
  private readonly entries = new Map<string, EntryRecord>();
  private readonly byStreamId = new Map<string, StreamRecord>();
  private readonly ledger: AuthLedger;
  private readonly listeners = new Set<(change: RegistryChange) => void>();
  private readonly alertListeners = new Set<(t: AlertTransition) => void>();
  private readonly throttle: CoalescingThrottle;
  private info: StationInfo;
  private kaltura: KalturaStatus;
  private systemStatus: SystemStatus = IDLE_SYSTEM;
  private readonly unsubscribeEvents: () => void;
  private readonly o: Required<Omit<RegistryOptions, 'info' | 'kaltura' | 'alertTiming'>> & { alertTiming: Record<number, HysteresisOptions> | undefined };

  constructor(options: RegistryOptions) {
    this.o = {
      retentionMs: 10 * 60_000,
      reconnectGraceMs: 15_000,
      publishIntervalMs: 250,
      defaultSegmentSeconds: 2,
      restartAlertMs: 60_000,
      inputThresholds: DEFAULT_INPUT_THRESHOLDS,
      transcodeThresholds: DEFAULT_TRANSCODE_THRESHOLDS,
      ...options,
      alertTiming: options.alertTiming,
    };
    this.info = options.info;
    this.kaltura = options.kaltura;
    this.ledger = new AuthLedger(options.redactor, REFUSALS_KEPT);
    this.throttle = new CoalescingThrottle(options.clock, this.o.publishIntervalMs, (keys) => this.publish(keys));
    this.unsubscribeEvents = options.events.subscribe((event) => this.emit({ type: 'event', event }));
  }

  // ---- reading ----

  snapshot(eventLimit = 200): Snapshot {
    return {
      info: this.info,
      entries: [...this.entries.values()].sort((a, b) => a.firstSeenAtMs - b.firstSeenAtMs).map(toEntryState),
      kaltura: this.kaltura,
      system: this.systemStatus,
      events: this.o.events.list({ limit: eventLimit }),
    };
  }

  entry(entryId: string): EntryState | null {
    const rec = this.entries.get(entryId);
    return rec ? toEntryState(rec) : null;
  }

  /** The last 100 refusals, oldest first, connection URLs already redacted (for /diagnostics/errors). */
  refusals(): readonly RefusalRecord[] {
    return this.ledger.refusals();
  }

  /** Authentication outcomes by result ('accepted', or the Kaltura code / alert code of a refusal). */
  authResults(): AuthCounts {
    return this.ledger.counts;
  }

  subscribe(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every alert raise and clear as it happens (beacons, metrics). */
  onAlert(listener: (t: AlertTransition) => void): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }

  // ---- stream lifecycle ----

  streamAuthenticating(i: StreamAuthenticatingInput): void {
    const entry = this.ensureEntry(i.entryId, i.partnerId, i.atMs);
    const rec = this.ensureStream(entry, streamKey(i.streamName, i.mediaServerIndex), { ...i, id: i.streamId });
    this.restartRecord(rec, i.streamId, i.sourceAddress, i.atMs);
    this.transition(rec, 'authenticating', i.atMs);
    this.byStreamId.set(i.streamId, rec);
    this.touch(entry, i.atMs);
  }

  streamAccepted(i: StreamAcceptedInput): void {
    const entry = this.ensureEntry(i.entryId, i.partnerId, i.connectedAtMs);
    entry.name = i.entry.name || entry.name;
    entry.partnerId = i.partnerId;
    entry.dvrEnabled = i.entry.dvrStatus === 1;
    const rec = this.ensureStream(entry, streamKey(i.streamName, i.mediaServerIndex), { ...i, id: i.streamId, atMs: i.connectedAtMs });
    if (!i.resumed || isFinished(rec.lifecycle.state)) this.restartRecord(rec, i.streamId, i.sourceAddress, i.connectedAtMs);
    rec.stream.id = i.streamId;
    rec.stream.endedAtMs = null;
    rec.stream.reason = null;
    rec.stream.registration = { status: 'authenticated', lastKeepAliveAtMs: null, lastError: null };
    const segmentMs = i.entry.segmentDuration;
    rec.targetSegmentSeconds = segmentMs !== null && segmentMs >= 1000 && segmentMs <= 20_000 ? segmentMs / 1000 : this.o.defaultSegmentSeconds;
    this.clearTransient(rec, (a) => a.code >= 111 && a.code <= 118);
    this.transition(rec, 'accepted', i.connectedAtMs);
    // the transcode run survived the reconnect: its HLS is still being served
    if (rec.playableSeen) this.transition(rec, 'playable', i.connectedAtMs);
    this.byStreamId.set(i.streamId, rec);
    this.ledger.accepted();
    this.o.events.add({
      severity: 'info',
      kind: 'connection',
      entryId: i.entryId,
      message: `${i.resumed ? 'Reconnected' : 'Accepted'} ${i.streamName} (${i.mediaServerIndex === 1 ? 'backup' : 'primary'}) from ${i.sourceAddress} for "${entry.name}"`,
    });
    this.touch(entry, i.connectedAtMs);
  }

  streamRefused(i: StreamRefusedInput): void {
    const text = i.message ?? i.reason;
    this.ledger.refused({ ...i, reason: text });
    this.o.events.add({
      severity: 'warning',
      kind: 'refusal',
      entryId: i.entryId,
      message: `Refused ${i.streamName ?? 'a publish'}${i.entryId ? ` for ${i.entryId}` : ''} from ${i.sourceAddress}: ${text}`,
    });
    if (i.entryId === null) return;
    const entry = this.ensureEntry(i.entryId, i.partnerId ?? 0, i.atMs);
    const index = i.mediaServerIndex ?? 0;
    let key = streamKey(i.streamName ?? '(no stream name)', index);
    const existing = entry.streams.get(key);
    // a second publisher refused while the first is on air must not overwrite the live stream
    if (existing && isOnAir(existing.lifecycle.state)) key = `${key}@refused`;
    const rec = this.ensureStream(entry, key, { id: `refused-${i.atMs}`, entryId: i.entryId, partnerId: i.partnerId ?? entry.partnerId, streamName: i.streamName ?? '(no stream name)', mediaServerIndex: index, sourceAddress: i.sourceAddress, atMs: i.atMs });
    if (rec.lifecycle.state !== 'authenticating') this.restartRecord(rec, rec.stream.id, i.sourceAddress, i.atMs);
    rec.stream.reason = text;
    rec.stream.endedAtMs = i.atMs;
    this.transition(rec, 'refused', i.atMs);
    this.clearTransient(rec, (a) => a.code >= 111 && a.code <= 126);
    if (i.alertCode !== null) {
      const alert = makeAlert(i.alertCode, { entryId: i.entryId, streamName: i.streamName, mediaServerIndex: i.mediaServerIndex }, i.atMs, text, i.streamName ?? '');
      alert.arguments.alertType = i.kalturaCode ?? alert.name;
      rec.transient.push({ alert, untilMs: null });
      this.publishAlerts(entry, { raised: [alert], cleared: [] });
    }
    this.touch(entry, i.atMs);
  }

  streamEnded(i: StreamEndedInput): void {
    const rec = this.byStreamId.get(i.streamId);
    if (!rec || rec.stream.id !== i.streamId) return;
    const end = describeEnd(i.reason);
    rec.stream.reason = end.text;
    rec.stream.endedAtMs = i.atMs;
    const entry = this.entries.get(rec.stream.entryId);
    this.transition(rec, end.final ? 'ended' : 'disconnected', i.atMs);
    if (entry) {
      this.publishAlerts(entry, { raised: [], cleared: rec.alerts.clearAll() });
      this.o.events.add({ severity: 'info', kind: 'connection', entryId: i.entryId, message: `${i.streamName} disconnected: ${end.text}` });
      this.touch(entry, i.atMs);
    }
  }

  probe(i: ProbeInput): void {
    const rec = this.byStreamId.get(i.streamId);
    if (!rec || rec.stream.id !== i.streamId) return;
    rec.stream.probe = i.probe;
    rec.lastProbeAtMs = this.o.clock.nowMs();
    this.assessInputOf(rec);
  }

  ladder(streamId: string, ladder: Ladder): void {
    const rec = this.live(streamId);
    if (!rec) return;
    rec.ladder = ladder;
    this.o.events.add({ severity: 'info', kind: 'ffmpeg', entryId: rec.stream.entryId, message: `${rec.stream.streamName}: ladder of ${ladder.renditions.length} rendition(s): ${ladder.renditions.map((r) => r.name).join(', ')}` });
    this.markDirty(rec.stream.entryId);
  }

  transcoderState(streamId: string, s: TranscodeStateInput): void {
    const rec = this.live(streamId);
    if (!rec) return;
    const entry = this.entries.get(rec.stream.entryId);
    if (!entry) return;
    const now = this.o.clock.nowMs();
    const before = rec.stream.transcoder?.restarts ?? 0;
    if (s.transcoder.restarts > before) this.ffmpegRestarted(entry, rec, s.transcoder, now);
    const a = assessTranscode(s.transcoder, s.renditions, rec.targetSegmentSeconds, this.o.transcodeThresholds);
    rec.stream.transcoder = s.transcoder;
    rec.stream.renditions = a.renditions;
    rec.stream.metrics = { ...rec.stream.metrics, ...a.metrics };
    const onAir = isOnAir(rec.lifecycle.state);
    this.publishAlerts(entry, rec.alerts.evaluate(onAir ? a.conditions : a.conditions.map((c) => ({ ...c, holds: false })), now));
    this.markDirty(entry.entryId);
  }

  playable(streamId: string, masterPlaylistUrl: string | null = null): void {
    const rec = this.live(streamId);
    if (!rec) return;
    if (masterPlaylistUrl) rec.stream.masterPlaylistUrl = masterPlaylistUrl;
    rec.playableSeen = true;
    if (this.transition(rec, 'playable', this.o.clock.nowMs())) {
      this.o.events.add({ severity: 'info', kind: 'ffmpeg', entryId: rec.stream.entryId, message: `${rec.stream.streamName} is playable (first HLS segments ready)` });
    }
  }

  transcodeFailed(streamId: string, reason: string): void {
    const rec = this.live(streamId);
    if (!rec) return;
    rec.stream.reason = reason;
    if (this.transition(rec, 'failed', this.o.clock.nowMs())) {
      this.o.events.add({ severity: 'error', kind: 'ffmpeg', entryId: rec.stream.entryId, message: `${rec.stream.streamName}: transcoding failed: ${reason}` });
    }
  }

  // ---- Kaltura, recording, system ----

  registration(i: { entryId: string; mediaServerIndex: number; state: RegistrationState }): void {
    const entry = this.entries.get(i.entryId);
    if (!entry) return;
    const candidates = [...entry.streams.values()].filter((r) => r.stream.mediaServerIndex === i.mediaServerIndex && !r.key.endsWith('@refused'));
    const rec = candidates.find((r) => isOnAir(r.lifecycle.state)) ?? candidates.sort((a, b) => b.lifecycle.sinceMs - a.lifecycle.sinceMs)[0];
    if (!rec) return;
    const event = registrationEvent(i.entryId, i.mediaServerIndex, rec.stream.registration, i.state);
    rec.stream.registration = i.state;
    if (event) this.o.events.add(event);
    this.markDirty(i.entryId);
  }

  kalturaConfig(c: Pick<KalturaStatus, 'mode' | 'serviceUrl' | 'partnerId'>): void {
    this.kaltura = { ...this.kaltura, ...c };
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

  recording(entryId: string, state: RecordingState): void {
    // uploads can outlive the stream (or a restart): keep such an entry visible while work remains
    const busy = state.active || state.items.some((it) => it.state !== 'done');
    const entry = this.entries.get(entryId) ?? (busy ? this.ensureEntry(entryId, 0, this.o.clock.nowMs()) : undefined);
    if (!entry) return;
    entry.recording = state;
    this.markDirty(entryId);
  }

  system(status: SystemStatus): void {
    this.systemStatus = status;
    this.throttle.mark(SYSTEM_KEY);
  }

  setInfo(info: StationInfo): void {
    this.info = info;
    this.emit({ type: 'info', info });
  }

  // ---- time ----

  /** Once a second: ends streams whose grace ran out, drops old finished ones, re-judges silent inputs. */
  tick(): void {
    const now = this.o.clock.nowMs();
    for (const entry of [...this.entries.values()]) {
      for (const rec of [...entry.streams.values()]) {
        const { state, sinceMs } = rec.lifecycle;
        if (state === 'reconnecting' && now - sinceMs >= this.o.reconnectGraceMs) {
          this.transition(rec, 'ended', now);
          this.o.events.add({ severity: 'info', kind: 'connection', entryId: entry.entryId, message: `${rec.stream.streamName} ended: ${rec.stream.reason ?? 'the encoder did not come back'}` });
        } else if (isFinished(state) && now - sinceMs >= this.o.retentionMs) {
          this.publishAlerts(entry, { raised: [], cleared: rec.transient.map((t) => t.alert) });
          entry.streams.delete(rec.key);
          if (this.byStreamId.get(rec.stream.id) === rec) this.byStreamId.delete(rec.stream.id);
          this.markDirty(entry.entryId);
        } else if (isOnAir(state) && rec.stream.probe && (rec.lastProbeAtMs === null || now - rec.lastProbeAtMs >= 1500)) {
          this.assessInputOf(rec);
        }
        const lapsed = rec.transient.filter((t) => t.untilMs !== null && t.untilMs <= now);
        if (lapsed.length > 0) this.clearTransient(rec, (a) => lapsed.some((l) => l.alert === a));
      }
      if (entry.streams.size === 0 && !entry.recording.active && !entry.recording.items.some((it) => it.state === 'uploading' || it.state === 'pending')) {
        this.entries.delete(entry.entryId);
        this.markDirty(entry.entryId);
      }
    }
  }

  /** Publishes what is pending now (tests, and the station before it stops). */
  flush(): void {
    this.throttle.flush();
  }

  dispose(): void {
    this.throttle.dispose();
    this.unsubscribeEvents();
    this.listeners.clear();
    this.alertListeners.clear();
  }

  // ---- internals ----

  private ensureEntry(entryId: string, partnerId: number, atMs: number): EntryRecord {
    let entry = this.entries.get(entryId);
    if (!entry) {
      entry = { entryId, partnerId, name: entryId, dvrEnabled: false, firstSeenAtMs: atMs, lastEventAtMs: atMs, streams: new Map(), recording: EMPTY_RECORDING };
      this.entries.set(entryId, entry);
    }
    return entry;
  }

  private ensureStream(entry: EntryRecord, key: string, base: Parameters<typeof newStreamRecord>[1]): StreamRecord {
    let rec = entry.streams.get(key);
    if (!rec) {
      rec = newStreamRecord(key, base, this.o.alertTiming, this.o.defaultSegmentSeconds);
      entry.streams.set(key, rec);
    }
    return rec;
  }

  /** A new connection on an old record: forget the previous run's media state. */
  private restartRecord(rec: StreamRecord, id: string, sourceAddress: string, atMs: number): void {
    const entry = this.entries.get(rec.stream.entryId);
    if (entry) this.publishAlerts(entry, { raised: [], cleared: rec.alerts.clearAll() });
    if (this.byStreamId.get(rec.stream.id) === rec && rec.stream.id !== id) this.byStreamId.delete(rec.stream.id);
    Object.assign(rec.stream, { id, sourceAddress, connectedAtMs: atMs, endedAtMs: null, reason: null, probe: null, metrics: {}, transcoder: null, renditions: [], masterPlaylistUrl: null });
    rec.ladder = null;
    rec.lastProbeAtMs = null;
    rec.playableSeen = false;
  }

  private transition(rec: StreamRecord, event: LifecycleEvent, atMs: number): boolean {
    const next = applyLifecycle(rec.lifecycle, event, atMs);
    if (!next || next === rec.lifecycle) return false;
    rec.lifecycle = next;
    this.markDirty(rec.stream.entryId);
    return true;
  }

  private live(streamId: string): StreamRecord | null {
    const rec = this.byStreamId.get(streamId);
    return rec && rec.stream.id === streamId ? rec : null;
  }

  private assessInputOf(rec: StreamRecord): void {
    const entry = this.entries.get(rec.stream.entryId);
    if (!entry || !rec.stream.probe) return;
    const now = this.o.clock.nowMs();
    const a = assessInput(rec.stream.probe, now, rec.stream.connectedAtMs, this.o.inputThresholds);
    rec.stream.metrics = { ...rec.stream.metrics, ...a.metrics };
    if (isOnAir(rec.lifecycle.state)) this.publishAlerts(entry, rec.alerts.evaluate(a.conditions, now));
    this.markDirty(entry.entryId);
  }

  private ffmpegRestarted(entry: EntryRecord, rec: StreamRecord, t: TranscoderState, now: number): void {
    const texts = restartTexts(rec.stream.streamName, t);
    this.o.events.add({ severity: 'warning', kind: 'ffmpeg', entryId: entry.entryId, message: texts.event });
    this.clearTransient(rec, (a) => a.code === 100);
    const alert = makeAlert(100, { entryId: entry.entryId, streamName: rec.stream.streamName, mediaServerIndex: rec.stream.mediaServerIndex }, now, texts.alert, String(t.restarts));
    rec.transient.push({ alert, untilMs: now + this.o.restartAlertMs });
    this.publishAlerts(entry, { raised: [alert], cleared: [] });
  }

  private clearTransient(rec: StreamRecord, which: (a: Alert) => boolean): void {
    const cleared = rec.transient.filter((t) => which(t.alert)).map((t) => t.alert);
    if (cleared.length === 0) return;
    rec.transient = rec.transient.filter((t) => !which(t.alert));
    const entry = this.entries.get(rec.stream.entryId);
    if (entry) this.publishAlerts(entry, { raised: [], cleared });
  }

  private publishAlerts(entry: EntryRecord, changes: AlertChanges): void {
    const all = [...changes.raised.map((alert) => ['raised', alert] as const), ...changes.cleared.map((alert) => ['cleared', alert] as const)];
    for (const [kind, alert] of all) {
      this.o.events.add(alertEvent(kind, alert));
      for (const l of this.alertListeners) l({ kind, alert, partnerId: entry.partnerId });
    }
    if (changes.raised.length + changes.cleared.length > 0) this.markDirty(entry.entryId);
  }

  private touch(entry: EntryRecord, atMs: number): void {
    entry.lastEventAtMs = Math.max(entry.lastEventAtMs, atMs);
    this.markDirty(entry.entryId);
  }

  private markDirty(entryId: string): void {
    this.throttle.mark(`entry:${entryId}`);
  }

  private markKaltura(): void {
    this.throttle.mark(KALTURA_KEY);
  }

  private publish(keys: string[]): void {
    for (const key of keys) {
      if (key === KALTURA_KEY) this.emit({ type: 'kaltura', kaltura: this.kaltura });
      else if (key === SYSTEM_KEY) this.emit({ type: 'system', system: this.systemStatus });
      else {
        const id = key.slice('entry:'.length);
        const rec = this.entries.get(id);
        this.emit(rec ? { type: 'entry', entry: toEntryState(rec) } : { type: 'entryRemoved', entryId: id });
      }
    }
  }

  private emit(change: RegistryChange): void {
    for (const l of this.listeners) l(change);
  }
}

