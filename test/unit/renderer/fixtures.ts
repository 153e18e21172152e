// Builders for renderer tests: valid EntryState/Snapshot objects (checked against the shared schemas)
// and a fake KliveBridge whose requests are answered by per-test handlers and whose events tests emit.
import { SnapshotSchema } from '../../../shared/state.js';
import type {
  EntryState,
  IngestStream,
  KalturaStatus,
  RenditionState,
  Snapshot,
  StationEvent,
  SystemStatus,
} from '../../../shared/state.js';
import type { StationInfo } from '../../../shared/station-info.js';
import { events as eventDefs, requests as requestDefs } from '../../../shared/bridge/contract.js';
import type {
  EventName,
  EventPayload,
  RequestName,
  RequestPayload,
  ResponsePayload,
} from '../../../shared/bridge/contract.js';
import type { BridgeEvents, BridgeRequests, KliveBridge } from '../../../shared/bridge/api.js';
import type { BridgeConnection } from '../../../renderer/src/bridge/client.js';
import type { ConnectionStatus } from '../../../renderer/src/bridge/ws-client.js';

export const T0 = 1_700_000_000_000;

export function makeRendition(overrides: Partial<RenditionState> = {}): RenditionState {
  return {
    streamName: '0_rkij47dr_33',
    name: 'HD/720',
    width: 1280,
    height: 720,
    videoCodec: 'h264',
    audioCodec: 'aac',
    passthrough: false,
    targetVideoBitrateBps: 2_500_000,
    measuredBitrateBps: 2_450_000,
    bitrateHistoryBps: [2_400_000, 2_500_000, 2_450_000],
    segmentDurationSeconds: 2,
    metrics: {},
    playlistUrl: '/hls/0_rkij47dr/0_rkij47dr_33/index.m3u8',
    ...overrides,
  };
}

export function makeStream(overrides: Partial<IngestStream> = {}): IngestStream {
  const entryId = overrides.entryId ?? '0_rkij47dr';
  return {
    id: `${entryId}-0`,
    entryId,
    partnerId: 102,
    streamName: `${entryId}_1`,
    mediaServerIndex: 0,
    sourceAddress: '127.0.0.1:50000',
    state: 'playable',
    stateSinceMs: T0,
    connectedAtMs: T0,
    endedAtMs: null,
    reason: null,
    probe: {
      videoCodec: 'h264',
      audioCodec: 'aac',
      width: 1920,
      height: 1080,
      frameRateFps: 30,
      videoBitrateBps: 4_950_000,
      audioBitrateBps: 128_000,
      keyframeIntervalSeconds: { last: 2, min: 2, max: 2 },
      audioSampleRateHz: 48_000,
      audioChannels: 2,
      declared: {},
      lastVideoAtMs: T0,
      lastAudioAtMs: T0,
      timestampDriftMs: 0,
      bytesIn: 1000,
    },
    metrics: { videoBitrate: { value: 4.95, unit: 'Mbps', status: 'normal', text: '4.95 Mbps (declared 5.00 Mbps)' } },
    transcoder: null,
    renditions: [
      makeRendition({ streamName: `${entryId}_33`, playlistUrl: `/hls/${entryId}/${entryId}_33/index.m3u8` }),
    ],
    registration: { status: 'playable', lastKeepAliveAtMs: T0, lastError: null },
    masterPlaylistUrl: `/hls/${entryId}/master.m3u8`,
    ...overrides,
  };
}

export function makeEntry(overrides: Partial<EntryState> = {}): EntryState {
  const entryId = overrides.entryId ?? '0_rkij47dr';
  return {
    entryId,
    partnerId: 102,
    name: 'Main stage',
    health: 'Good',
    healthReason: '',
    streams: [makeStream({ entryId })],
    alerts: [],
    recording: { enabled: false, active: false, reason: null, items: [] },
    dvrEnabled: false,
    firstSeenAtMs: T0,
    lastEventAtMs: T0,
    ...overrides,
  };
}

export function makeInfo(overrides: Partial<StationInfo> = {}): StationInfo {
  return {
    name: 'kLive Station',
    version: '0.1.0',
    startedAtMs: T0,
    hostname: 'laptop',
    rtmpUrl: 'rtmp://127.0.0.1:1935/kLive',
    httpUrl: 'http://127.0.0.1:8080/',
    viewerUrl: 'http://192.168.1.20:8080/',
    ffmpeg: { status: 'ok', path: '/usr/bin/ffmpeg', source: 'path', version: '5.1.6', message: null },
    ...overrides,
  };
}

export function makeKaltura(overrides: Partial<KalturaStatus> = {}): KalturaStatus {
  return {
    mode: 'sandbox',
    serviceUrl: 'http://127.0.0.1:40000',
    partnerId: -5,
    ks: { state: 'valid', validUntilMs: T0 + 86_400_000, lastRenewalAtMs: T0, lastError: null },
    api: { reachable: true, lastOkAtMs: T0, lastError: null, lastLatencyMs: 12 },
    ...overrides,
  };
}

export function makeSystem(overrides: Partial<SystemStatus> = {}): SystemStatus {
  return {
    cpuPercent: 40,
    rssBytes: 100_000_000,
    loadAverage1m: 1,
    cores: 2,
    memoryTotalBytes: 8 * 2 ** 30,
    memoryFreeBytes: 4 * 2 ** 30,
    ffmpegCount: 1,
    ffmpegCpuPercent: 50,
    ffmpegRssBytes: 50_000_000,
    ...overrides,
  };
}

export function makeEvent(id: number, overrides: Partial<StationEvent> = {}): StationEvent {
  return {
    id,
    timeMs: T0 + id * 1000,
    severity: 'info',
    kind: 'connection',
    entryId: '0_rkij47dr',
    message: `event ${id}`,
    ...overrides,
  };
}

export function makeSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  // parse so a fixture that drifts from the schema fails loudly here, not deep inside a test
  return SnapshotSchema.parse({
    info: makeInfo(),
    entries: [makeEntry()],
    kaltura: makeKaltura(),
    system: makeSystem(),
    events: [makeEvent(1)],
    ...overrides,
  });
}

type Handler<N extends RequestName> = (payload: RequestPayload<N>) => ResponsePayload<N> | Promise<ResponsePayload<N>>;
export type Handlers = { [N in RequestName]?: Handler<N> };

export interface FakeBridge extends KliveBridge {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  calls: { name: RequestName; payload: unknown }[];
  listenerCount(name: EventName): number;
}

export function makeFakeBridge(handlers: Handlers = {}): FakeBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: { name: RequestName; payload: unknown }[] = [];
  const request: Record<string, (payload: unknown) => Promise<unknown>> = {};
  for (const name of Object.keys(requestDefs) as RequestName[]) {
    request[name] = async (payload) => {
      calls.push({ name, payload });
      const handler = handlers[name] as ((p: unknown) => unknown) | undefined;
      if (!handler) throw new Error(`no fake handler for ${name}`);
      return handler(payload);
    };
  }
  const on: Record<string, (listener: (payload: unknown) => void) => () => void> = {};
  for (const name of Object.keys(eventDefs)) {
    on[name] = (listener) => {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener);
      return () => set.delete(listener);
    };
  }
  return {
    request: request as unknown as BridgeRequests,
    on: on as unknown as BridgeEvents,
    calls,
    emit: (name, payload) => {
      for (const l of listeners.get(name) ?? []) l(payload);
    },
    listenerCount: (name) => listeners.get(name)?.size ?? 0,
  };
}

export interface FakeConnection extends BridgeConnection {
  setStatus(status: ConnectionStatus): void;
}

export function makeConnection(
  bridge: KliveBridge,
  initial: ConnectionStatus = 'open',
  canMutate = true,
): FakeConnection {
  let status = initial;
  const statusListeners = new Set<(s: ConnectionStatus) => void>();
  return {
    bridge,
    transport: 'ws',
    canMutate,
    getStatus: () => status,
    onStatus: (l) => {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
    close: () => undefined,
    setStatus: (s) => {
      status = s;
      for (const l of statusListeners) l(s);
    },
  };
}
