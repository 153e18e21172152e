// The composition root: constructs every part of the station, starts them in order and stops them in
// reverse. The same class runs under plain Node (cli.ts) and inside Electron (main/electron), which sees
// it through StationForShell. Parts talk through their events; this file only connects them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StationOptions } from '../config/options.js';
import { SettingsStore } from '../config/settings-store.js';
import type { SecretStore } from '../config/secret-store.js';
import { FileSecretStore } from '../config/file-secret-store.js';
import { KalturaConfig } from './kaltura-config.js';
import type { Logger } from '../log/logger.js';
import { StationHttpServer } from '../http/server.js';
import { createHlsRoute } from '../http/hls-route.js';
import { createWowzaRoute } from '../http/wowza-route.js';
import { createWatchRoute, type ViewerKaltura } from '../http/watch-route.js';
import { createProxyRoute } from '../http/proxy-route.js';
import { IngestServer } from '../ingest/index.js';
import type { StreamAcceptedEvent } from '../ingest/events.js';
import { locateFfmpeg } from '../transcode/ffmpeg-locate.js';
import type { FfmpegCapabilities } from '../transcode/ffmpeg-capabilities.js';
import { readFfmpegCapabilities, withSupport } from '../transcode/ffmpeg-probe.js';
import { chooseEncoder, detectHardwareEncoders, type EncoderDetection } from '../transcode/encoders.js';
import { PidRegistry, defaultPidFile } from '../process/pid-registry.js';
import { UploadQueue } from '../recording/upload-queue.js';
import { RecordingService } from '../recording/recording-service.js';
import type { EncoderAvailability, Settings } from '../../shared/settings.js';
import type { StationInfo } from '../../shared/station-info.js';
import type { AppPaths } from './app-paths.js';
import type { BridgeHost } from '../bridge/host.js';
import { createBridgeHandlers } from '../bridge/handlers.js';
import type { StationBridgeHost } from '../bridge/server.js';
import { systemClock, type Clock } from '../core/clock.js';
import { loadOrCreateAccessToken, createIndexTransform } from '../http/access-token.js';
import { KalturaRuntime } from './kaltura-runtime.js';
import { ProducerSession } from '../kaltura/producer-session.js';
import { ObsControl } from '../obs/obs-control.js';
import { StationMonitor } from './monitor.js';
import { StreamPipeline } from './stream-pipeline.js';

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

const DEFAULT_RESUME_GRACE_MS = 10_000;

export class Station {
  private readonly http: StationHttpServer;
  private readonly clock: Clock;
  private readonly settings: SettingsStore;
  private readonly secrets: SecretStore;
  private readonly kalturaConfig: KalturaConfig;
  private readonly pids: PidRegistry;
  private readonly kaltura: KalturaRuntime;
  /** a producer's own Kaltura session (sign-in, live entries): apart from the media-server KS */
  private readonly producer: ProducerSession;
  private readonly obs: ObsControl;
  private readonly monitor: StationMonitor;
  private readonly ingest: IngestServer;
  private readonly queue: UploadQueue;
  private recording: RecordingService | null = null;
  private readonly pipelines = new Map<string, StreamPipeline>();
  /** entry -> partner, from accepted streams (the viewer page needs the partner when the station acts as -5) */
  private readonly entryPartners = new Map<string, number>();
  private readonly liveListeners = new Set<(n: number) => void>();
  private readonly accessToken: string;
  private bridge: StationBridgeHost | null = null;
  private info: StationInfo;
  private encoders: EncoderDetection | null = null;
  private ffmpegCaps: FfmpegCapabilities | null = null;
  private lastLiveCount = 0;
  private started = false;
  private closed = false;

  constructor(private readonly deps: StationDeps) {
    const { options, logger, paths } = deps;
    fs.mkdirSync(path.join(options.dataDir, 'logs'), { recursive: true });
    this.clock = deps.clock ?? systemClock();
    this.settings = new SettingsStore(options.dataDir);
    this.secrets = deps.secrets ?? new FileSecretStore(options.dataDir);
    this.kalturaConfig = new KalturaConfig({
      dataDir: options.dataDir,
      settings: this.settings,
      secrets: this.secrets,
      startup: options.kaltura ?? {},
      logger,
    });
    this.accessToken = loadOrCreateAccessToken(options.dataDir);
    logger.redactor.addSecret(this.accessToken);
    const rtmpUrl = `rtmp://${encoderHost(options.host)}:${options.rtmpPort}/kLive`;
    this.info = {
      name: 'kLive Station',
      version: paths.version,
      startedAtMs: this.clock.nowMs(),
      // the installation's default is known once start() has read DATA/installation.json
      hostname: this.settings.get().kaltura.hostname.trim() || os.hostname(),
      rtmpUrl,
      httpUrl: `http://${displayHost(options.host)}:${options.httpPort}/`,
      viewerUrl: `http://${encoderHost(options.host)}:${options.httpPort}/`,
      ffmpeg: { status: 'missing', path: null, source: null, version: null, message: 'not detected yet' },
    };
    this.http = new StationHttpServer({
      host: options.host,
      port: options.httpPort,
      renderer: { root: paths.rendererDir, transformIndex: createIndexTransform(this.accessToken) },
      logger: logger.child('http'),
    });
    this.pids = new PidRegistry({ file: defaultPidFile(options.dataDir), logger: logger.child('pids') });
    this.kaltura = new KalturaRuntime({
      dataDir: options.dataDir,
      version: paths.version,
      rtmpBaseUrl: () => rtmpUrl,
      secrets: this.secrets,
      adminSecret: () => this.kalturaConfig.adminSecret(),
      // viewers on the LAN reach the HLS at the address encoders use, never the loopback a wildcard bind shows locally
      playbackUrl: () => this.viewerBaseUrl(),
      clock: this.clock,
      ...(deps.tuning?.serverNodeHeartbeatMs !== undefined
        ? { heartbeatIntervalMs: deps.tuning.serverNodeHeartbeatMs }
        : {}),
      logger,
      onStatus: (status) => {
        // only the configuration here: passing the whole status would make ks/api/serverNode look unchanged
        // to the calls below, and their events (KS renewed, node refused...) would never be logged
        this.monitor.registry.kalturaConfig({
          mode: status.mode,
          serviceUrl: status.serviceUrl,
          partnerId: status.partnerId,
        });
        this.monitor.registry.ksState(status.ks);
        this.monitor.registry.apiState(status.api);
        this.monitor.registry.serverNodeState(status.serverNode);
      },
      onCall: (call) => this.monitor.metrics.recordApiCall(call),
    });
    this.producer = new ProducerSession({ version: paths.version, logger: logger.child('producer') });
    this.obs = new ObsControl({ logger: logger.child('obs') });
    this.monitor = new StationMonitor({
      logger,
      dataDir: options.dataDir,
      info: this.info,
      kaltura: this.kaltura.status(),
      kalturaApi: () => (this.kaltura.configured ? this.kaltura.api : null),
      beaconsEnabled: () => this.settings.get().kaltura.beaconsEnabled,
      ffmpegPids: () => this.pids.list().map((r) => r.pid),
      me: () => this.info.hostname,
      clock: this.clock,
      registry: {
        defaultSegmentSeconds: this.settings.get().media.defaultSegmentDurationSeconds,
      },
    });
    this.queue = new UploadQueue({
      dataDir: options.dataDir,
      uploader: this.kaltura.uploader,
      logger: logger.child('uploads'),
      deleteAfterUpload: this.settings.get().media.deleteRecordingsAfterUpload,
    });
    this.ingest = new IngestServer({
      host: options.host,
      port: options.rtmpPort,
      dataDir: options.dataDir,
      logger: logger.child('ingest'),
      authenticate: (a) => this.kaltura.api.authenticate(a),
      now: () => this.clock.nowMs(),
    });
    this.wireIngest();
  }

  getInfo(): StationInfo {
    return this.info;
  }

  bridgeHost(): BridgeHost {
    if (!this.bridge) throw new Error('the station is not started: call start() before bridgeHost()');
    return this.bridge;
  }

  liveStreamCount(): number {
    return [...this.pipelines.values()].filter((p) => p.live).length;
  }

  onLiveCountChange(cb: (n: number) => void): () => void {
    this.liveListeners.add(cb);
    return () => this.liveListeners.delete(cb);
  }

  async start(): Promise<StationInfo> {
    const { options, logger } = this.deps;
    if (this.settings.loadProblem) logger.error(this.settings.loadProblem);
    await this.kalturaConfig.load();
    this.info = { ...this.info, hostname: this.kalturaConfig.effective().hostname };
    this.kalturaConfig.checkStartup();
    const reaped = this.pids.reapOrphans();
    if (reaped.killed.length > 0) logger.warn('ended FFmpeg processes left by a previous run', { pids: reaped.killed });
    await this.detectFfmpeg();
    await this.http.listen();
    await this.ingest.start();
    this.info = {
      ...this.info,
      httpUrl: `http://${displayHost(options.host)}:${this.http.port}/`,
      viewerUrl: this.viewerBaseUrl(),
      rtmpUrl: `rtmp://${encoderHost(options.host)}:${this.ingest.port}/kLive`,
    };
    this.monitor.registry.setInfo(this.info);
    this.bridge = this.monitor.createBridgeHost(
      createBridgeHandlers({
        info: () => this.info,
        registry: this.monitor.registry,
        events: this.monitor.events,
        settings: this.settings,
        secrets: this.secrets,
        kaltura: this.kaltura,
        logger,
        startupOverrides: this.kalturaConfig.overriddenFields(),
        encoders: () => this.encoderAvailability(),
        producer: this.producer,
        obs: this.obs,
        applySettings: (previous, next, secretChanged) => this.applySettings(previous, next, secretChanged),
        retryRecordings: (entryId) => this.queue.retryHeld(entryId),
        partnerChanged: () => {
          this.queue.retryHeld();
          void this.kaltura.serverNode()?.reregister();
        },
      }),
    );
    this.monitor.attachWebSocket(this.http, this.bridge, this.accessToken);
    for (const route of this.monitor.routes(this.accessToken)) this.http.addRoute(route);
    this.http.addRoute(createHlsRoute({ hlsRootDir: this.hlsRootDir(), logger: logger.child('hls') }));
    this.http.addRoute(createWowzaRoute({ hlsRootDir: this.hlsRootDir(), logger: logger.child('hls') }));
    this.http.addRoute(
      createWatchRoute({ viewerKaltura: (entryId) => this.viewerKaltura(entryId), logger: logger.child('watch') }),
    );
    // the built-in sandbox stays on loopback; viewers reach its API and playManifest through this origin
    const sandboxUrl = (): string | null =>
      this.kalturaConfig.effective().mode === 'sandbox' ? (this.kaltura.sandbox?.serviceUrl ?? null) : null;
    for (const prefix of ['/api_v3/', '/p/']) {
      this.http.addRoute(
        createProxyRoute({
          prefix,
          target: sandboxUrl,
          logger: logger.child('http'),
          unavailable: 'this station uses a Kaltura account, not its built-in sandbox: ask that Kaltura',
        }),
      );
    }
    await this.kaltura.configure(this.kalturaConfig.effective());
    this.queue.start();
    this.monitor.start();
    if (this.settings.loadProblem)
      this.monitor.events.add({ severity: 'error', kind: 'settings', message: this.settings.loadProblem });
    if (!this.deps.tuning?.skipEncoderDetection) void this.detectEncoders();
    this.started = true;
    this.http.setReady(true);
    return this.info;
  }

  /** Tells Kaltura this station no longer serves its entries (every pipeline's registration). */
  async unregisterAll(): Promise<void> {
    await Promise.all([...this.pipelines.values()].map((p) => p.unregister()));
  }

  /** Ends every FFmpeg cleanly (playlists get #EXT-X-ENDLIST). */
  async stopTranscoders(): Promise<void> {
    await Promise.all([...this.pipelines.values()].map((p) => p.stopTranscoder()));
  }

  /** Closes the segments being recorded and saves the upload queue. */
  async flushRecordings(): Promise<void> {
    await this.recording?.stopAll();
    await this.queue.stop();
  }

  /** Releases everything; after unregisterAll/stopTranscoders/flushRecordings when stopping cleanly. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.http.setReady(false);
    await this.ingest
      .stop()
      .catch((e: unknown) => this.deps.logger.error('ingest stop failed', { error: (e as Error).message }));
    await Promise.all([...this.pipelines.values()].map((p) => p.finish()));
    this.pipelines.clear();
    this.pids.killAll();
    await this.monitor.stop().catch(() => undefined);
    this.producer.stop();
    await this.obs.disconnect();
    await this.kaltura.stop();
    await this.http.close();
  }

  /** The clean stop: unregister, stop FFmpeg, flush recordings, then close. */
  async stop(): Promise<void> {
    if (this.started) {
      await this.unregisterAll();
      await this.stopTranscoders();
      await this.flushRecordings();
    }
    await this.close();
  }

  private wireIngest(): void {
    const registry = this.monitor.registry;
    this.ingest.on('streamAuthenticating', (event) => registry.streamAuthenticating(event));
    this.ingest.on('streamAccepted', (event) => {
      registry.streamAccepted(event);
      this.onAccepted(event);
    });
    this.ingest.on('streamRefused', (event) => registry.streamRefused(event));
    this.ingest.on('streamEnded', (event) => {
      registry.streamEnded(event);
      this.pipelines.get(event.streamId)?.publisherLeft(event.reason === 'station-stopping');
      this.notifyLiveCount();
    });
    this.ingest.on('probe', (event) => registry.probe(event));
  }

  /** Which Kaltura a viewer of /watch/<entryId> plays through, and as which partner. */
  private viewerKaltura(entryId: string): ViewerKaltura {
    const k = this.kalturaConfig.effective();
    if (k.mode === 'sandbox') {
      const entry = this.kaltura.sandbox?.store.entry(entryId);
      if (!entry)
        return {
          problem: `entry ${entryId} is not in this station's sandbox: check the link (the Sandbox screen lists the entries)`,
        };
      return { partnerId: entry.partnerId, serviceUrl: null };
    }
    const serviceUrl = k.serviceUrl
      .trim()
      .replace(/\/+$/, '')
      .replace(/\/api_v3$/, '');
    // eCDN uses the partner's own id; as partner -5 the entry's partner is learned when it publishes here
    const partnerId = k.partnerId > 0 ? k.partnerId : this.entryPartners.get(entryId);
    if (partnerId === undefined)
      return {
        problem: `the partner of entry ${entryId} is not known yet: it becomes known when the entry first publishes to this station`,
      };
    return { partnerId, serviceUrl };
  }

  private onAccepted(event: StreamAcceptedEvent): void {
    this.entryPartners.set(event.entryId, event.partnerId);
    const existing = this.pipelines.get(event.streamId);
    if (existing && event.resumed) {
      existing.resume(event);
      this.notifyLiveCount();
      return;
    }
    if (existing) void existing.finish();
    const pipeline = new StreamPipeline(event, {
      registry: this.monitor.registry,
      kaltura: this.kaltura.api,
      hlsRootDir: this.hlsRootDir(),
      ffmpegPath: () => this.info.ffmpeg.path,
      ffmpegCapabilities: () => this.ffmpegCaps,
      encoder: () => this.chooseEncoder(),
      recording: this.recording,
      pidRegistry: this.pids,
      clock: this.clock,
      logger: this.deps.logger,
      ingest: this.ingest,
      resumeGraceMs: this.resumeGraceMs(),
      ...(this.deps.tuning?.keepAliveIntervalMs !== undefined
        ? { keepAliveIntervalMs: this.deps.tuning.keepAliveIntervalMs }
        : {}),
      ...(this.deps.tuning?.x264Preset ? { preset: this.deps.tuning.x264Preset } : {}),
    });
    this.pipelines.set(event.streamId, pipeline);
    pipeline.start();
    this.notifyLiveCount();
    this.prunePipelines();
  }

  /** Finished pipelines leave the map so a long event does not accumulate them. */
  private prunePipelines(): void {
    for (const [id, p] of this.pipelines) if (p.isFinished) this.pipelines.delete(id);
  }

  private notifyLiveCount(): void {
    const n = this.liveStreamCount();
    if (n === this.lastLiveCount) return;
    this.lastLiveCount = n;
    for (const cb of [...this.liveListeners]) cb(n);
  }

  private chooseEncoder(): ReturnType<typeof chooseEncoder>['encoder'] {
    const choice = chooseEncoder(this.settings.get().media.videoEncoder, this.encoders);
    if (choice.alert) this.monitor.events.add({ severity: 'warning', kind: 'ffmpeg', message: choice.alert });
    return choice.encoder;
  }

  private async detectFfmpeg(): Promise<void> {
    const { logger, env } = this.deps;
    const located = await locateFfmpeg({ settingPath: this.settings.get().media.ffmpegPath, env });
    this.ffmpegCaps = located.path
      ? await readFfmpegCapabilities(located.path).catch((e: unknown) => {
          logger.warn('could not read what the FFmpeg can do; using the modern argv', { error: (e as Error).message });
          return null;
        })
      : null;
    const ffmpeg = withSupport(located, this.ffmpegCaps);
    if (ffmpeg.status === 'ok')
      logger.info('using FFmpeg', {
        path: ffmpeg.path,
        source: ffmpeg.source,
        version: ffmpeg.version,
        release: ffmpeg.release ?? null,
      });
    else logger.warn(ffmpeg.message ?? 'FFmpeg unavailable');
    if (ffmpeg.warning) {
      logger.warn(ffmpeg.warning);
      this.monitor.events.add({ severity: 'warning', kind: 'ffmpeg', message: ffmpeg.warning });
    }
    this.info = { ...this.info, ffmpeg };
    this.recording = this.createRecordingService(ffmpeg.path);
    if (this.started) this.monitor.registry.setInfo(this.info);
  }

  /** Recording needs FFmpeg; rebuilt when the FFmpeg in use changes (no recording is running then). */
  private createRecordingService(ffmpegPath: string | null): RecordingService | null {
    if (!ffmpegPath) return null;
    const { options, logger } = this.deps;
    return new RecordingService({
      dataDir: options.dataDir,
      ffmpegPath,
      queue: this.queue,
      logger,
      segmentSeconds: this.settings.get().media.recordingSegmentSeconds,
      pids: this.pids,
      now: () => this.clock.nowMs(),
      ...(this.deps.tuning?.recordingMinFreeBytes !== undefined
        ? { minFreeBytes: this.deps.tuning.recordingMinFreeBytes }
        : {}),
      ...(this.deps.tuning?.recordingDiskCheckIntervalMs !== undefined
        ? { diskCheckIntervalMs: this.deps.tuning.recordingDiskCheckIntervalMs }
        : {}),
      onAlert: (alert) =>
        this.monitor.events.add({ severity: 'error', kind: 'upload', entryId: alert.entryId, message: alert.message }),
      onDiskRecovered: (event) =>
        this.monitor.events.add({ severity: 'info', kind: 'upload', entryId: event.entryId, message: event.message }),
      onChange: (entryId, state) => this.monitor.registry.recording(entryId, state),
    });
  }

  private encoderAvailability(): EncoderAvailability {
    if (!this.info.ffmpeg.path) return { state: 'no-ffmpeg', working: [], failures: {} };
    if (!this.encoders) return { state: 'detecting', working: ['libx264'], failures: {} };
    return {
      state: 'done',
      working: ['libx264', ...this.encoders.working.filter((e) => e !== 'libx264')],
      failures: this.encoders.failures as Record<string, string>,
    };
  }

  private async detectEncoders(): Promise<void> {
    if (!this.info.ffmpeg.path) return;
    try {
      this.encoders = await detectHardwareEncoders({ ffmpegPath: this.info.ffmpeg.path });
      if (this.encoders.working.length > 0)
        this.deps.logger.info('hardware encoders available', { encoders: this.encoders.working });
    } catch (e) {
      this.deps.logger.warn('hardware encoder detection failed', { error: (e as Error).message });
    }
  }

  private async applySettings(previous: Settings, next: Settings, secretChanged: boolean): Promise<void> {
    if (secretChanged || JSON.stringify(previous.kaltura) !== JSON.stringify(next.kaltura)) {
      this.info = { ...this.info, hostname: this.kalturaConfig.effective().hostname };
      this.monitor.registry.setInfo(this.info);
      await this.kaltura.configure(this.kalturaConfig.effective());
      // a refused recording hand-over may go through with the new account, secret or mode
      this.queue.retryHeld();
    }
    if (previous.media.ffmpegPath !== next.media.ffmpegPath) {
      await this.detectFfmpeg();
      void this.detectEncoders();
    }
  }

  /** The reconnect grace of a stream (its pipeline owns the timer; the ingest holds the id until then). */
  private resumeGraceMs(): number {
    return this.deps.tuning?.resumeGraceMs ?? DEFAULT_RESUME_GRACE_MS;
  }

  /** The UI address to print: with the access token when the station is reachable from the LAN. */
  uiUrlForHumans(): string {
    const { host } = this.deps.options;
    if (isLoopbackBind(host)) return this.info.httpUrl;
    return `http://${encoderHost(host)}:${this.http.port}/?token=${this.accessToken}`;
  }

  /** Where viewers reach this station's HTTP server: the bound address, or the first LAN address for 0.0.0.0 / ::. */
  viewerBaseUrl(): string {
    return `http://${encoderHost(this.deps.options.host)}:${this.http.port || this.deps.options.httpPort}/`;
  }

  private hlsRootDir(): string {
    return path.join(this.deps.options.dataDir, 'hls');
  }
}

function isLoopbackBind(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * The address an encoder or a LAN browser should use: for a wildcard bind (the station exposed to the LAN)
 * the machine's first LAN IPv4 address, so the Connect screen's URL works from another machine too.
 */
export function encoderHost(
  host: string,
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): string {
  if (host !== '0.0.0.0' && host !== '::') return displayHost(host);
  for (const list of Object.values(interfaces)) {
    const lan = list?.find((i) => i.family === 'IPv4' && !i.internal);
    if (lan) return lan.address;
  }
  return '127.0.0.1';
}

/** The address a user on this machine types: loopback for wildcard binds. */
export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
