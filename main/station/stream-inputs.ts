// Owns the inputs that change a stream, exactly as the parts emit them: the ingest's authenticating, accepted,
// refused, ended and probe; the pipeline's ladder, transcoder state, playable, failure, registration and finish;
// recording state per entry. Each moves the stream's record (stream-book.ts) through the lifecycle table.
import type { RecordingState, RegistrationState } from '../../shared/state.js';
import type { Ladder } from '../../shared/ladder.js';
import { streamSlotOf, type StreamId } from '../core/ids.js';
import { registrationEvent } from './status-events.js';
import {
  describeEnd,
  type ProbeInput,
  type StreamAcceptedInput,
  type StreamAuthenticatingInput,
  type StreamEndedInput,
  type StreamRefusedInput,
  type TranscodeStateInput,
} from './inputs.js';
import { isFinished, isOnAir } from './lifecycle.js';
import { assessTranscode } from './health/rendition-health.js';
import { makeAlert } from './health/stream-alerts.js';
import { StreamBook } from './stream-book.js';

export abstract class StreamInputs extends StreamBook {
  /** The ingest is asking Kaltura about a publish: the window shows "authenticating" until the answer. */
  streamAuthenticating(i: StreamAuthenticatingInput): void {
    const entry = this.ensureEntry(i.entryId, i.partnerId, i.atMs);
    const existing = entry.streams.get(streamSlotOf(i));
    // a takeover of a silent publisher is asked about while the stream is still on air: it stays on air
    if (existing && isOnAir(existing.lifecycle.state)) return;
    const rec = this.ensureStream(entry, streamSlotOf(i), { ...i, id: i.streamId });
    // a publisher coming back within the grace keeps its stream (and what it has shown so far)
    if (rec.stream.id !== i.streamId || isFinished(rec.lifecycle.state))
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
    const rec = this.ensureStream(entry, streamSlotOf(i), {
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
    if (i.entryId === null || i.streamId === null) return;
    const entry = this.ensureEntry(i.entryId, i.partnerId ?? 0, i.atMs);
    const index = i.mediaServerIndex ?? 0;
    let key = streamSlotOf({ streamName: i.streamName ?? '(no stream name)', mediaServerIndex: index });
    const existing = entry.streams.get(key);
    // a second publisher refused while the first is on air must not overwrite the live stream
    if (existing && isOnAir(existing.lifecycle.state)) key = `${key}@refused`;
    const rec = this.ensureStream(entry, key, {
      id: i.streamId,
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

  ladder(streamId: StreamId, ladder: Ladder): void {
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

  transcoderState(streamId: StreamId, s: TranscodeStateInput): void {
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

  playable(streamId: StreamId, masterPlaylistUrl: string | null = null): void {
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

  transcodeFailed(streamId: StreamId, reason: string): void {
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

  /** Kaltura's registration of this station for the stream (the pipeline's keeper). */
  registration(streamId: StreamId, state: RegistrationState): void {
    const rec = this.live(streamId);
    if (!rec) return;
    const { entryId, mediaServerIndex } = rec.stream;
    const event = registrationEvent(entryId, mediaServerIndex, rec.stream.registration, state);
    rec.stream.registration = state;
    if (event) this.o.events.add(event);
    this.markDirty(entryId);
  }

  /** The stream's pipeline finished (its reconnect grace ran out, or the station stopped it). */
  streamFinished(streamId: StreamId): void {
    const rec = this.live(streamId);
    if (!rec || rec.lifecycle.state !== 'reconnecting') return;
    this.transition(rec, 'ended', this.o.clock.nowMs());
    this.o.events.add({
      severity: 'info',
      kind: 'connection',
      entryId: rec.stream.entryId,
      message: `${rec.stream.streamName} ended: ${rec.stream.reason ?? 'the encoder did not come back'}`,
    });
  }

  recording(entryId: string, state: RecordingState): void {
    // uploads can outlive the stream (or a restart): keep such an entry visible while work remains
    const busy = state.active || state.items.some((it) => it.state !== 'done');
    const entry = this.entries.get(entryId) ?? (busy ? this.ensureEntry(entryId, 0, this.o.clock.nowMs()) : undefined);
    if (!entry) return;
    entry.recording = state;
    this.markDirty(entryId);
  }
}
