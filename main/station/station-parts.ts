// Owns the construction of the station's long-lived parts, in dependency order, for station.ts: settings,
// secrets and the Kaltura configuration, the access token and the HTTP server, the FFmpeg in use and the first
// station info, the pid registry, the Kaltura runtime (its status flowing into the live state), the producer
// session, OBS control, the live-state services and the upload queue; and the recording service on an FFmpeg.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StationOptions } from '../config/options.js';
import { SettingsStore } from '../config/settings-store.js';
import type { SecretStore } from '../config/secret-store.js';
import { FileSecretStore } from '../config/file-secret-store.js';
import type { Logger } from '../log/logger.js';
import { systemClock, type Clock } from '../core/clock.js';
import { StationHttpServer } from '../http/server.js';
import { loadOrCreateAccessToken, createIndexTransform } from '../http/access-token.js';
import { PidRegistry, defaultPidFile } from '../process/pid-registry.js';
import { UploadQueue } from '../recording/upload-queue.js';
import { RecordingService } from '../recording/recording-service.js';
import { ProducerSession } from '../kaltura/producer-session.js';
import { ObsControl } from '../obs/obs-control.js';
import type { StationInfo } from '../../shared/station-info.js';
import type { AppPaths } from './app-paths.js';
import { KalturaConfig } from './kaltura-config.js';
import { KalturaRuntime } from './kaltura-runtime.js';
import { LiveStateServices } from './live-state.js';
import { FfmpegInUse } from './ffmpeg-in-use.js';
import { stationUrls, viewerBaseUrl } from './urls.js';

export interface StationDeps {
  options: StationOptions;
  logger: Logger;
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  /** where the Kaltura admin secret lives; default a 0600 file in the data dir (headless) */
  secrets?: SecretStore;
  clock?: Clock;
  /** tuning for tests and benches */
  tuning?: StationTuning;
}

export interface StationTuning {
  resumeGraceMs?: number;
  keepAliveIntervalMs?: number;
  /** server-node heartbeat (default and maximum 60 s) */
  serverNodeHeartbeatMs?: number;
  x264Preset?: string;
  /** skip the one-second hardware encoder test encodes at start */
  skipEncoderDetection?: boolean;
  /** recording pauses below this much free space (default 500 MiB); drills on a small tmpfs lower it */
  recordingMinFreeBytes?: number;
  /** how often recording checks free space (default 5 s) */
  recordingDiskCheckIntervalMs?: number;
}

export interface StationParts {
  clock: Clock;
  settings: SettingsStore;
  secrets: SecretStore;
  kalturaConfig: KalturaConfig;
  accessToken: string;
  ffmpeg: FfmpegInUse;
  /** the station info before start() (ports as configured, FFmpeg not detected yet) */
  info: StationInfo;
  http: StationHttpServer;
  pids: PidRegistry;
  kaltura: KalturaRuntime;
  producer: ProducerSession;
  obs: ObsControl;
  liveState: LiveStateServices;
  queue: UploadQueue;
}

export interface StationPartsHooks {
  /** the station info current at call time (it changes on start and on settings) */
  info: () => StationInfo;
}

export function buildStationParts(deps: StationDeps, hooks: StationPartsHooks): StationParts {
  const { options, logger, paths } = deps;
  fs.mkdirSync(path.join(options.dataDir, 'logs'), { recursive: true });
  const clock = deps.clock ?? systemClock();
  const settings = new SettingsStore(options.dataDir);
  const secrets = deps.secrets ?? new FileSecretStore(options.dataDir);
  const kalturaConfig = new KalturaConfig({
    dataDir: options.dataDir,
    settings,
    secrets,
    startup: options.kaltura ?? {},
    logger,
  });
  const accessToken = loadOrCreateAccessToken(options.dataDir);
  logger.redactor.addSecret(accessToken);
  const { rtmpUrl, httpUrl, viewerUrl } = stationUrls(options.host, options.httpPort, options.rtmpPort);
  // eslint-disable-next-line prefer-const -- assigned once the parts it needs exist; read only by callbacks
  let liveState: LiveStateServices;
  const ffmpeg = new FfmpegInUse({
    logger,
    env: deps.env,
    settingPath: () => settings.get().media.ffmpegPath,
    addEvent: (event) => liveState.events.add(event),
  });
  const info: StationInfo = {
    name: 'kLive Station',
    version: paths.version,
    startedAtMs: clock.nowMs(),
    // the installation's default is known once start() has read DATA/installation.json
    hostname: settings.get().kaltura.hostname.trim() || os.hostname(),
    rtmpUrl,
    httpUrl,
    viewerUrl,
    ffmpeg: ffmpeg.status,
  };
  const http = new StationHttpServer({
    host: options.host,
    port: options.httpPort,
    renderer: { root: paths.rendererDir, transformIndex: createIndexTransform(accessToken) },
    logger: logger.child('http'),
  });
  const pids = new PidRegistry({ file: defaultPidFile(options.dataDir), logger: logger.child('pids') });
  const kaltura = new KalturaRuntime({
    dataDir: options.dataDir,
    version: paths.version,
    rtmpBaseUrl: () => rtmpUrl,
    secrets,
    adminSecret: () => kalturaConfig.adminSecret(),
    // viewers on the LAN reach the HLS at the address encoders use, never the loopback a wildcard bind shows locally
    playbackUrl: () => viewerBaseUrl(options.host, http.port || options.httpPort),
    clock,
    ...(deps.tuning?.serverNodeHeartbeatMs !== undefined
      ? { heartbeatIntervalMs: deps.tuning.serverNodeHeartbeatMs }
      : {}),
    logger,
    onStatus: (status) => {
      // only the configuration here: passing the whole status would make ks/api/serverNode look unchanged
      // to the calls below, and their events (KS renewed, node refused...) would never be logged
      liveState.registry.kalturaConfig({
        mode: status.mode,
        serviceUrl: status.serviceUrl,
        partnerId: status.partnerId,
      });
      liveState.registry.ksState(status.ks);
      liveState.registry.apiState(status.api);
      liveState.registry.serverNodeState(status.serverNode);
    },
    onCall: (call) => liveState.metrics.recordApiCall(call),
  });
  const producer = new ProducerSession({ version: paths.version, logger: logger.child('producer') });
  const obs = new ObsControl({ logger: logger.child('obs') });
  liveState = new LiveStateServices({
    logger,
    dataDir: options.dataDir,
    info,
    kaltura: kaltura.status(),
    kalturaApi: () => (kaltura.configured ? kaltura.api : null),
    beaconsEnabled: () => settings.get().kaltura.beaconsEnabled,
    ffmpegPids: () => pids.list().map((r) => r.pid),
    me: () => hooks.info().hostname,
    clock,
    registry: {
      defaultSegmentSeconds: settings.get().media.defaultSegmentDurationSeconds,
    },
  });
  const queue = new UploadQueue({
    dataDir: options.dataDir,
    uploader: kaltura.uploader,
    logger: logger.child('uploads'),
    deleteAfterUpload: settings.get().media.deleteRecordingsAfterUpload,
  });
  return {
    clock,
    settings,
    secrets,
    kalturaConfig,
    accessToken,
    ffmpeg,
    info,
    http,
    pids,
    kaltura,
    producer,
    obs,
    liveState,
    queue,
  };
}

/** Recording needs FFmpeg; rebuilt when the FFmpeg in use changes (no recording is running then). */
export function createRecordingService(
  ffmpegPath: string | null,
  deps: StationDeps,
  parts: Pick<StationParts, 'clock' | 'settings' | 'queue' | 'pids' | 'liveState'>,
): RecordingService | null {
  if (!ffmpegPath) return null;
  const { options, logger, tuning } = deps;
  const { liveState } = parts;
  return new RecordingService({
    dataDir: options.dataDir,
    ffmpegPath,
    queue: parts.queue,
    logger,
    segmentSeconds: parts.settings.get().media.recordingSegmentSeconds,
    pids: parts.pids,
    now: () => parts.clock.nowMs(),
    ...(tuning?.recordingMinFreeBytes !== undefined ? { minFreeBytes: tuning.recordingMinFreeBytes } : {}),
    ...(tuning?.recordingDiskCheckIntervalMs !== undefined
      ? { diskCheckIntervalMs: tuning.recordingDiskCheckIntervalMs }
      : {}),
    onAlert: (alert) =>
      liveState.events.add({ severity: 'error', kind: 'upload', entryId: alert.entryId, message: alert.message }),
    onDiskRecovered: (event) =>
      liveState.events.add({ severity: 'info', kind: 'upload', entryId: event.entryId, message: event.message }),
    onChange: (entryId, state) => liveState.registry.recording(entryId, state),
  });
}
