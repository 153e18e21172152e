// The composition root: has the station's parts built (station-parts.ts), starts them in order and stops them
// in reverse, and connects ingest to the stream pipelines. The same class runs under plain Node (cli.ts) and inside Electron (main/electron), which sees
// it through StationForShell. Parts talk through their events; this file only connects them.
import type { StationHttpServer } from '../http/server.js';
import { IngestServer } from '../ingest/index.js';
import type { StreamAcceptedEvent } from '../ingest/events.js';
import type { FfmpegCapabilities } from '../transcode/ffmpeg-capabilities.js';
import type { PidRegistry } from '../process/pid-registry.js';
import type { UploadQueue } from '../recording/upload-queue.js';
import type { RecordingService } from '../recording/recording-service.js';
import type { SettingsStore } from '../config/settings-store.js';
import type { Settings, VideoEncoder } from '../../shared/settings.js';
import type { StationInfo } from '../../shared/station-info.js';
import type { BridgeHost } from '../bridge/host.js';
import type { StationBridgeHost } from '../bridge/server.js';
import type { Clock } from '../core/clock.js';
import type { KalturaConfig } from './kaltura-config.js';
import type { KalturaRuntime } from './kaltura-runtime.js';
import type { LiveStateServices } from './live-state.js';
import { StreamPipeline } from './stream-pipeline.js';
import type { FfmpegInUse } from './ffmpeg-in-use.js';
import { buildStationParts, createRecordingService, type StationDeps, type StationParts } from './station-parts.js';
import { openOutlets } from './outlets.js';
import { stationUrls, uiUrlForHumans, viewerBaseUrl } from './urls.js';
import { hlsRootDir } from './viewer-routes.js';

const DEFAULT_RESUME_GRACE_MS = 10_000;

export class Station {
  private readonly http: StationHttpServer;
  private readonly clock: Clock;
  private readonly settings: SettingsStore;
  private readonly kalturaConfig: KalturaConfig;
  private readonly pids: PidRegistry;
  private readonly kaltura: KalturaRuntime;
  /** every long-lived part, as built (the fields here name the ones this file uses) */
  private readonly parts: StationParts;
  private readonly liveState: LiveStateServices;
  private readonly ingest: IngestServer;
  private readonly queue: UploadQueue;
  private recording: RecordingService | null = null;
  private readonly pipelines = new Map<string, StreamPipeline>();
  /** entry -> partner, from accepted streams (the viewer page needs the partner when the station acts as -5) */
  private readonly entryPartners = new Map<string, number>();
  private readonly liveListeners = new Set<(n: number) => void>();
  private bridge: StationBridgeHost | null = null;
  private info: StationInfo;
  private readonly ffmpeg: FfmpegInUse;
  private lastLiveCount = 0;
  private started = false;
  private closed = false;

  constructor(private readonly deps: StationDeps) {
    const { options, logger } = deps;
    this.parts = buildStationParts(deps, { info: () => this.info });
    ({
      clock: this.clock,
      settings: this.settings,
      kalturaConfig: this.kalturaConfig,
      ffmpeg: this.ffmpeg,
      info: this.info,
      http: this.http,
      pids: this.pids,
      kaltura: this.kaltura,
      liveState: this.liveState,
      queue: this.queue,
    } = this.parts);
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
    this.info = { ...this.info, ...stationUrls(options.host, this.http.port, this.ingest.port) };
    this.liveState.registry.setInfo(this.info);
    this.bridge = openOutlets({
      parts: this.parts,
      logger,
      dataDir: options.dataDir,
      info: () => this.info,
      entryPartners: this.entryPartners,
      applySettings: (previous, next, secretChanged) => this.applySettings(previous, next, secretChanged),
    });
    await this.kaltura.configure(this.kalturaConfig.effective());
    this.queue.start();
    this.liveState.start();
    if (this.settings.loadProblem)
      this.liveState.events.add({ severity: 'error', kind: 'settings', message: this.settings.loadProblem });
    if (!this.deps.tuning?.skipEncoderDetection) void this.ffmpeg.detectEncoders();
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
    await this.liveState.stop().catch(() => undefined);
    this.parts.producer.stop();
    await this.parts.obs.disconnect();
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
    const registry = this.liveState.registry;
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
      registry: this.liveState.registry,
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

  private chooseEncoder(): VideoEncoder {
    return this.ffmpeg.chooseEncoder(this.settings.get().media.videoEncoder);
  }

  private get ffmpegCaps(): FfmpegCapabilities | null {
    return this.ffmpeg.capabilities;
  }

  private async detectFfmpeg(): Promise<void> {
    const ffmpeg = await this.ffmpeg.detect();
    this.info = { ...this.info, ffmpeg };
    this.recording = this.createRecordingService(ffmpeg.path);
    if (this.started) this.liveState.registry.setInfo(this.info);
  }

  /** Recording needs FFmpeg; rebuilt when the FFmpeg in use changes (no recording is running then). */
  private createRecordingService(ffmpegPath: string | null): RecordingService | null {
    const { clock, settings, queue, pids, liveState } = this;
    return createRecordingService(ffmpegPath, this.deps, { clock, settings, queue, pids, liveState });
  }

  private async applySettings(previous: Settings, next: Settings, secretChanged: boolean): Promise<void> {
    if (secretChanged || JSON.stringify(previous.kaltura) !== JSON.stringify(next.kaltura)) {
      this.info = { ...this.info, hostname: this.kalturaConfig.effective().hostname };
      this.liveState.registry.setInfo(this.info);
      await this.kaltura.configure(this.kalturaConfig.effective());
      // a refused recording hand-over may go through with the new account, secret or mode
      this.queue.retryHeld();
    }
    if (previous.media.ffmpegPath !== next.media.ffmpegPath) {
      await this.detectFfmpeg();
      void this.ffmpeg.detectEncoders();
    }
  }

  /** The reconnect grace of a stream (its pipeline owns the timer; the ingest holds the id until then). */
  private resumeGraceMs(): number {
    return this.deps.tuning?.resumeGraceMs ?? DEFAULT_RESUME_GRACE_MS;
  }

  /** The UI address to print: with the access token when the station is reachable from the LAN. */
  uiUrlForHumans(): string {
    return uiUrlForHumans(this.deps.options.host, this.http.port || this.deps.options.httpPort, this.parts.accessToken);
  }

  /** Where viewers reach this station's HTTP server: the bound address, or the first LAN address for 0.0.0.0 / ::. */
  viewerBaseUrl(): string {
    return viewerBaseUrl(this.deps.options.host, this.http.port || this.deps.options.httpPort);
  }

  private hlsRootDir(): string {
    return hlsRootDir(this.deps.options.dataDir);
  }
}
