// Owns the registry's internal records (one per entry, one per stream key) and how a record becomes the
// public EntryState: alerts gathered from streams and refusals, health folded in, streams ordered.
import type { Alert, EntryState, IngestStream, RecordingState, RegistrationState } from '../../shared/state.js';
import type { Ladder } from '../../shared/ladder.js';
import type { LifecyclePoint } from './lifecycle.js';
import { StreamAlerts } from './health/stream-alerts.js';
import { RateWatch } from './health/rate-health.js';
import { entryHealth, sortAlerts } from './health/entry-health.js';
import type { HysteresisOptions } from './health/hysteresis.js';

export interface StreamRecord {
  /** streamSlotOf(name, index) (core/ids.ts): a later session of the same name and index continues the record */
  key: string;
  stream: IngestStream;
  lifecycle: LifecyclePoint;
  alerts: StreamAlerts;
  /** the last seconds of probe and FFmpeg samples, for the alerts about rates over time (116, 119, 124, 125) */
  rates: RateWatch;
  ladder: Ladder | null;
  targetSegmentSeconds: number;
  lastProbeAtMs: number | null;
  /** the first segments were ready in this run: a resumed publish returns to playable, not live */
  playableSeen: boolean;
  /** alerts that are not condition-driven (100 EntryRestarted, a refusal) with when they lapse (null = until cleared) */
  transient: { alert: Alert; untilMs: number | null }[];
}

export interface EntryRecord {
  entryId: string;
  partnerId: number;
  name: string;
  dvrEnabled: boolean;
  firstSeenAtMs: number;
  lastEventAtMs: number;
  streams: Map<string, StreamRecord>;
  recording: RecordingState;
  /** entry-level conditions (109/110 backup only) */
  alerts: StreamAlerts;
}

export const EMPTY_REGISTRATION: RegistrationState = { status: 'none', lastKeepAliveAtMs: null, lastError: null };
export const EMPTY_RECORDING: RecordingState = { enabled: false, active: false, reason: null, items: [] };

export function newStreamRecord(
  key: string,
  base: {
    id: string;
    entryId: string;
    partnerId: number;
    streamName: string;
    mediaServerIndex: number;
    sourceAddress: string;
    atMs: number;
  },
  alertTiming: Record<number, HysteresisOptions> | undefined,
  targetSegmentSeconds: number,
): StreamRecord {
  return {
    key,
    stream: {
      id: base.id,
      entryId: base.entryId,
      partnerId: base.partnerId,
      streamName: base.streamName,
      mediaServerIndex: base.mediaServerIndex,
      sourceAddress: base.sourceAddress,
      state: 'authenticating',
      stateSinceMs: base.atMs,
      connectedAtMs: base.atMs,
      endedAtMs: null,
      reason: null,
      probe: null,
      metrics: {},
      transcoder: null,
      renditions: [],
      registration: EMPTY_REGISTRATION,
      masterPlaylistUrl: null,
    },
    lifecycle: { state: 'authenticating', sinceMs: base.atMs },
    alerts: new StreamAlerts(
      { entryId: base.entryId, streamName: base.streamName, mediaServerIndex: base.mediaServerIndex },
      alertTiming,
    ),
    rates: new RateWatch(),
    ladder: null,
    targetSegmentSeconds,
    lastProbeAtMs: null,
    playableSeen: false,
    transient: [],
  };
}

export function recordAlerts(rec: StreamRecord): Alert[] {
  return [...rec.alerts.active(), ...rec.transient.map((t) => t.alert)];
}

/** Streams: on-air first (primary before backup), then the rest newest first. */
function orderStreams(streams: IngestStream[]): IngestStream[] {
  const rank = (s: IngestStream): number =>
    s.state === 'live' || s.state === 'playable'
      ? 0
      : s.state === 'authenticating' || s.state === 'reconnecting'
        ? 1
        : 2;
  return streams.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.mediaServerIndex - b.mediaServerIndex ||
      b.stateSinceMs - a.stateSinceMs ||
      a.streamName.localeCompare(b.streamName),
  );
}

export function toEntryState(rec: EntryRecord): EntryState {
  const streams = orderStreams(
    [...rec.streams.values()].map((s) => ({
      ...s.stream,
      state: s.lifecycle.state,
      stateSinceMs: s.lifecycle.sinceMs,
    })),
  );
  const alerts = sortAlerts([...[...rec.streams.values()].flatMap(recordAlerts), ...rec.alerts.active()]);
  const { health, reason } = entryHealth(alerts, streams);
  return {
    entryId: rec.entryId,
    partnerId: rec.partnerId,
    name: rec.name,
    health,
    healthReason: reason,
    streams,
    alerts,
    recording: rec.recording,
    dvrEnabled: rec.dvrEnabled,
    firstSeenAtMs: rec.firstSeenAtMs,
    lastEventAtMs: rec.lastEventAtMs,
  };
}
