// Owns the entries and their streams inside the registry: every stream input (connect, accept, refuse,
// end, probe, transcode, registration, recording), the lifecycle per stream, alert bookkeeping and
// retention. The registry (registry.ts) owns publishing, subscriptions and the station-wide status.
import type { Alert, EntryState, RecordingState, RegistrationState, TranscoderState } from '../../shared/state.js';
import type { Ladder } from '../../shared/ladder.js';
import type { Clock } from '../core/clock.js';
import type { AuthLedger } from './auth-ledger.js';
import type { EventsLog } from './events-log.js';
import { alertEvent, registrationEvent, restartTexts } from './status-events.js';
import {
  describeEnd,
  type ProbeInput,
  type StreamAcceptedInput,
  type StreamAuthenticatingInput,
  type StreamEndedInput,
  type StreamRefusedInput,
  type TranscodeStateInput,
} from './inputs.js';
import { applyLifecycle, isFinished, isOnAir, type LifecycleEvent } from './lifecycle.js';
import { assessInput, type InputThresholds } from './health/input-health.js';
import { assessTranscode, type TranscodeThresholds } from './health/rendition-health.js';
import { makeAlert, StreamAlerts, type AlertChanges } from './health/stream-alerts.js';
import { backupOnlyConditions } from './health/entry-conditions.js';
import { BACK_TO_NORMAL, backToNormalAlerts, DEFAULT_RATE_THRESHOLDS } from './health/rate-health.js';
import type { HysteresisOptions } from './health/hysteresis.js';
import {
  EMPTY_RECORDING,
  newStreamRecord,
  streamKey,
  toEntryState,
  type EntryRecord,
  type StreamRecord,
} from './records.js';
import type { AlertTransition } from './registry-types.js';

export interface StreamBookOptions {
  clock: Clock;
  events: EventsLog;
  ledger: AuthLedger;
  retentionMs: number;
  reconnectGraceMs: number;
  defaultSegmentSeconds: number;
  restartAlertMs: number;
  inputThresholds: InputThresholds;
  transcodeThresholds: TranscodeThresholds;
  alertTiming: Record<number, HysteresisOptions> | undefined;
  /** an entry changed (or disappeared) */
  markDirty(entryId: string): void;
  /** an alert was raised or cleared */
  onAlert(t: AlertTransition): void;
}

export class StreamBook {
  private readonly entries = new Map<string, EntryRecord>();
  private readonly byStreamId = new Map<string, StreamRecord>();

  constructor(private readonly o: StreamBookOptions) {}

  /** Entries in the order they were first seen. */
  list(): EntryState[] {
    return [...this.entries.values()].sort((a, b) => a.firstSeenAtMs - b.firstSeenAtMs).map(toEntryState);
  }

  get(entryId: string): EntryState | null {
    const rec = this.entries.get(entryId);
    return rec ? toEntryState(rec) : null;
  }

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
    const rec = this.ensureStream(entry, streamKey(i.streamName, i.mediaServerIndex), {
      ...i,
      id: i.streamId,
      atMs: i.connectedAtMs,
    });
    if (!i.resumed || isFinished(rec.lifecycle.state))
      this.restartRecord(rec, i.streamId, i.sourceAddress, i.connectedAtMs);
    rec.stream.id = i.streamId;
    rec.stream.endedAtMs = null;
    rec.stream.reason = null;
    rec.stream.registration = { status: 'authenticated', lastKeepAliveAtMs: null, lastError: null };
    const segmentMs = i.entry.segmentDuration;
    rec.targetSegmentSeconds =
      segmentMs !== null && segmentMs >= 1000 && segmentMs <= 20_000 ? segmentMs / 1000 : this.o.defaultSegmentSeconds;
    this.clearTransient(rec, (a) => a.code >= 111 && a.code <= 118);
    this.transition(rec, 'accepted', i.connectedAtMs);
    // the transcode run survived the reconnect: its HLS is still being served
    if (rec.playableSeen) this.transition(rec, 'playable', i.connectedAtMs);
    this.byStreamId.set(i.streamId, rec);
    this.o.ledger.accepted();
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
    this.o.ledger.refused({ ...i, reason: text });
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
    const rec = this.ensureStream(entry, key, {
      id: `refused-${i.atMs}`,
      entryId: i.entryId,
      partnerId: i.partnerId ?? entry.partnerId,
      streamName: i.streamName ?? '(no stream name)',
      mediaServerIndex: index,
      sourceAddress: i.sourceAddress,
      atMs: i.atMs,
    });
    if (rec.lifecycle.state !== 'authenticating') this.restartRecord(rec, rec.stream.id, i.sourceAddress, i.atMs);
    rec.stream.reason = text;
    rec.stream.endedAtMs = i.atMs;
    this.transition(rec, 'refused', i.atMs);
    this.clearTransient(rec, (a) => a.code >= 111 && a.code <= 126);
    // a URL missing its arguments never reached Kaltura: Wowza sent no beacon for it either (kaltura.md 1.3)
    if (i.alertCode !== null && i.reason !== 'bad-url') {
      const alert = makeAlert(
        i.alertCode,
        { entryId: i.entryId, streamName: i.streamName, mediaServerIndex: i.mediaServerIndex },
        i.atMs,
        text,
        i.streamName ?? '',
      );
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
      this.o.events.add({
        severity: 'info',
        kind: 'connection',
        entryId: i.entryId,
        message: `${i.streamName} disconnected: ${end.text}`,
      });
      this.touch(entry, i.atMs);
    }
  }

  probe(i: ProbeInput): void {
    const rec = this.byStreamId.get(i.streamId);
    if (!rec || rec.stream.id !== i.streamId) return;
    rec.stream.probe = i.probe;
    rec.lastProbeAtMs = this.o.clock.nowMs();
    rec.rates.addProbe(i.probe, rec.lastProbeAtMs, rec.stream.connectedAtMs, this.o.inputThresholds.warmupMs);
    this.assessInputOf(rec);
  }

  ladder(streamId: string, ladder: Ladder): void {
    const rec = this.live(streamId);
    if (!rec) return;
    rec.ladder = ladder;
    this.o.events.add({
      severity: 'info',
      kind: 'ffmpeg',
      entryId: rec.stream.entryId,
      message: `${rec.stream.streamName}: ladder of ${ladder.renditions.length} rendition(s): ${ladder.renditions.map((r) => r.name).join(', ')}`,
    });
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
    // the ladder changed where its key frames go (a long source GOP came or went, issue 21): say so once
    const keyFrames = s.transcoder.keyFrames;
    const was = rec.stream.transcoder?.keyFrames?.sourceRung ?? 'passthrough';
    const switched = (r: string): boolean => r === 'reencoded' || r === 'passthrough-cpu';
    if (keyFrames && keyFrames.sourceRung !== was && (switched(keyFrames.sourceRung) || switched(was))) {
      this.o.events.add({
        severity: keyFrames.sourceRung === 'passthrough' ? 'info' : 'warning',
        kind: 'ffmpeg',
        entryId: entry.entryId,
        message: `${rec.stream.streamName}: key frames: ${keyFrames.text}`,
      });
    }
    const a = assessTranscode(s.transcoder, s.renditions, rec.targetSegmentSeconds, this.o.transcodeThresholds);
    rec.stream.transcoder = s.transcoder;
    rec.stream.renditions = a.renditions;
    rec.stream.metrics = { ...rec.stream.metrics, ...a.metrics };
    const onAir = isOnAir(rec.lifecycle.state);
    rec.rates.addTranscode(s.transcoder, now);
    const conditions = [...a.conditions, ...rec.rates.transcodeConditions(s.transcoder, s.renditions, now)];
    this.publishStreamAlerts(
      entry,
      rec,
      rec.alerts.evaluate(onAir ? conditions : conditions.map((c) => ({ ...c, holds: false })), now),
      now,
    );
    this.markDirty(entry.entryId);
  }

  playable(streamId: string, masterPlaylistUrl: string | null = null): void {
    const rec = this.live(streamId);
    if (!rec) return;
    if (masterPlaylistUrl) rec.stream.masterPlaylistUrl = masterPlaylistUrl;
    rec.playableSeen = true;
    if (this.transition(rec, 'playable', this.o.clock.nowMs())) {
      this.o.events.add({
        severity: 'info',
        kind: 'ffmpeg',
        entryId: rec.stream.entryId,
        message: `${rec.stream.streamName} is playable (first HLS segments ready)`,
      });
    }
  }

  transcodeFailed(streamId: string, reason: string): void {
    const rec = this.live(streamId);
    if (!rec) return;
    rec.stream.reason = reason;
    if (this.transition(rec, 'failed', this.o.clock.nowMs())) {
      this.o.events.add({
        severity: 'error',
        kind: 'ffmpeg',
        entryId: rec.stream.entryId,
        message: `${rec.stream.streamName}: transcoding failed: ${reason}`,
      });
    }
  }

  registration(i: { entryId: string; mediaServerIndex: number; state: RegistrationState }): void {
    const entry = this.entries.get(i.entryId);
    if (!entry) return;
    const candidates = [...entry.streams.values()].filter(
      (r) => r.stream.mediaServerIndex === i.mediaServerIndex && !r.key.endsWith('@refused'),
    );
    const rec =
      candidates.find((r) => isOnAir(r.lifecycle.state)) ??
      candidates.sort((a, b) => b.lifecycle.sinceMs - a.lifecycle.sinceMs)[0];
    if (!rec) return;
    const event = registrationEvent(i.entryId, i.mediaServerIndex, rec.stream.registration, i.state);
    rec.stream.registration = i.state;
    if (event) this.o.events.add(event);
    this.markDirty(i.entryId);
  }

  recording(entryId: string, state: RecordingState): void {
    // uploads can outlive the stream (or a restart): keep such an entry visible while work remains
    const busy = state.active || state.items.some((it) => it.state !== 'done');
    const entry = this.entries.get(entryId) ?? (busy ? this.ensureEntry(entryId, 0, this.o.clock.nowMs()) : undefined);
    if (!entry) return;
    entry.recording = state;
    this.markDirty(entryId);
  }

  /** Ends streams whose grace ran out, drops old finished ones, re-judges silent inputs, lapses timed alerts. */
  expire(): void {
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
        if (state === 'reconnecting' && now - sinceMs >= this.o.reconnectGraceMs) {
          this.transition(rec, 'ended', now);
          this.o.events.add({
            severity: 'info',
            kind: 'connection',
            entryId: entry.entryId,
            message: `${rec.stream.streamName} ended: ${rec.stream.reason ?? 'the encoder did not come back'}`,
          });
        } else if (isFinished(state) && now - sinceMs >= this.o.retentionMs) {
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

  private ensureEntry(entryId: string, partnerId: number, atMs: number): EntryRecord {
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

  private ffmpegRestarted(entry: EntryRecord, rec: StreamRecord, t: TranscoderState, now: number): void {
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
  private publishStreamAlerts(entry: EntryRecord, rec: StreamRecord, changes: AlertChanges, now: number): void {
    const limitedAgain = new Set(changes.raised.flatMap((a) => BACK_TO_NORMAL.get(a.code) ?? []));
    if (limitedAgain.size > 0) this.clearTransient(rec, (a) => limitedAgain.has(a.code));
    const back = backToNormalAlerts(changes.cleared, isOnAir(rec.lifecycle.state), now);
    this.clearTransient(rec, (a) => back.some((b) => b.code === a.code));
    rec.transient.push(...back.map((alert) => ({ alert, untilMs: now + DEFAULT_RATE_THRESHOLDS.backToNormalShowMs })));
    this.publishAlerts(entry, { raised: [...changes.raised, ...back], cleared: changes.cleared });
  }

  private clearTransient(rec: StreamRecord, which: (a: Alert) => boolean): void {
    const cleared = rec.transient.filter((t) => which(t.alert)).map((t) => t.alert);
    if (cleared.length === 0) return;
    rec.transient = rec.transient.filter((t) => !which(t.alert));
    const entry = this.entries.get(rec.stream.entryId);
    if (entry) this.publishAlerts(entry, { raised: [], cleared });
  }

  private publishAlerts(entry: EntryRecord, changes: AlertChanges): void {
    const all = [
      ...changes.raised.map((alert) => ['raised', alert] as const),
      ...changes.cleared.map((alert) => ['cleared', alert] as const),
    ];
    for (const [kind, alert] of all) {
      this.o.events.add(alertEvent(kind, alert));
      this.o.onAlert({ kind, alert, partnerId: entry.partnerId });
    }
    if (changes.raised.length + changes.cleared.length > 0) this.markDirty(entry.entryId);
  }

  private touch(entry: EntryRecord, atMs: number): void {
    entry.lastEventAtMs = Math.max(entry.lastEventAtMs, atMs);
    this.markDirty(entry.entryId);
  }

  private markDirty(entryId: string): void {
    this.o.markDirty(entryId);
  }
}
