// Test builders for station unit tests: probes, transcoder states, a registry on a manual clock.
import type { InputProbe, KalturaStatus, TranscoderState } from '../../../shared/state.js';
import type { StationInfo } from '../../../shared/station-info.js';
import type { LiveStreamEntry } from '../../../main/core/kaltura-api.js';
import type { StreamAcceptedEvent } from '../../../main/ingest/events.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { EventsLog } from '../../../main/station/events-log.js';
import { Redactor } from '../../../main/log/redact.js';
import { StationRegistry, type RegistryOptions } from '../../../main/station/registry.js';

export function probe(over: Partial<InputProbe> = {}): InputProbe {
  return {
    videoCodec: 'H264',
    audioCodec: 'AAC',
    width: 320,
    height: 180,
    frameRateFps: 30,
    videoBitrateBps: 1_000_000,
    audioBitrateBps: 128_000,
    keyframeIntervalSeconds: { last: 2, min: 2, max: 2 },
    audioSampleRateHz: 48_000,
    audioChannels: 2,
    declared: { videodatarate: 1000, framerate: 30 },
    lastVideoAtMs: null,
    lastAudioAtMs: null,
    timestampDriftMs: 0,
    bytesIn: 0,
    ...over,
  };
}

export function transcoder(over: Partial<TranscoderState> = {}): TranscoderState {
  return {
    wanted: 'run',
    observed: 'running',
    pid: 1234,
    restarts: 0,
    speed: 1.0,
    frameRateFps: 30,
    droppedFrames: 0,
    duplicatedFrames: 0,
    cpuPercent: null,
    rssBytes: null,
    encoder: 'libx264',
    lastError: null,
    stderrTail: [],
    ...over,
  };
}

export function liveEntry(over: Partial<LiveStreamEntry> = {}): LiveStreamEntry {
  return {
    id: '0_rkij47dr',
    partnerId: 102,
    name: 'Town hall',
    conversionProfileId: 1,
    dvrStatus: 0,
    dvrWindow: null,
    recordStatus: 0,
    recordedEntryId: null,
    segmentDuration: null,
    explicitLive: false,
    ...over,
  };
}

export const INFO: StationInfo = {
  name: 'kLive Station',
  version: '0.1.0',
  startedAtMs: 1_700_000_000_000,
  hostname: 'test-host',
  rtmpUrl: 'rtmp://127.0.0.1:1935/kLive',
  httpUrl: 'http://127.0.0.1:8080/',
  viewerUrl: 'http://127.0.0.1:8080/',
  ffmpeg: { status: 'ok', path: '/usr/bin/ffmpeg', source: 'path', version: '5.1', message: null },
};

export const KALTURA: KalturaStatus = {
  mode: 'sandbox',
  serviceUrl: 'http://127.0.0.1:9/',
  partnerId: -5,
  ks: { state: 'none', validUntilMs: null, lastRenewalAtMs: null, lastError: null },
  api: { reachable: null, lastOkAtMs: null, lastError: null, lastLatencyMs: null },
};

export function makeRegistry(over: Partial<RegistryOptions> = {}): {
  registry: StationRegistry;
  clock: ManualClock;
  events: EventsLog;
  redactor: Redactor;
} {
  const clock = (over.clock as ManualClock | undefined) ?? new ManualClock();
  const redactor = over.redactor ?? new Redactor();
  const events = over.events ?? new EventsLog({ clock, redactor });
  const registry = new StationRegistry({ clock, info: INFO, kaltura: KALTURA, events, redactor, ...over });
  return { registry, clock, events, redactor };
}

export const ACCEPTED = {
  streamId: 's1',
  entryId: '0_rkij47dr',
  partnerId: 102,
  streamName: '0_rkij47dr_1',
  suffix: 1,
  mediaServerIndex: 0,
  sourceAddress: '127.0.0.1',
  resumed: false,
};

/** The ingest's accepted event of stream s1 (ACCEPTED) at `atMs`, with a feed and probe that carry nothing. */
export function acceptedEvent(atMs: number): StreamAcceptedEvent {
  return {
    ...ACCEPTED,
    mediaServerIndex: 0,
    connectionId: 'c1',
    entry: liveEntry(),
    connectedAtMs: atMs,
    pullUrl: 'rtmp://127.0.0.1/kLive/0_rkij47dr_1',
    connectionUrl: 'rtmp://127.0.0.1/kLive',
    feed: { attach: () => () => undefined },
    probe: { latest: () => null },
  };
}

/** The encoder of stream s1 (ACCEPTED) left: the stream waits for it to come back. */
export function publisherLeft(r: ReturnType<typeof makeRegistry>, streamId = 's1'): void {
  r.registry.streamEnded({
    streamId,
    entryId: '0_rkij47dr',
    streamName: '0_rkij47dr_1',
    reason: 'publisher-left',
    atMs: r.clock.nowMs(),
  });
}
