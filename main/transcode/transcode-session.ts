// Owns the transcoding of ONE accepted ingest stream: fetch the ladder from Kaltura (serve), plan it, run FFmpeg
// under the supervisor, write our master playlist once every rendition has a segment, meter it every second, and
// end it cleanly (ENDLIST). A resumed publish or a restart continues the same playlists after a discontinuity.
import fs from 'node:fs';
import path from 'node:path';
import type { Ladder } from '../../shared/ladder.js';
import type { InputProbe, RenditionState, TranscoderState } from '../../shared/state.js';
import { FEED_INPUT_URL, type MediaFeed } from '../ingest/flv-feed.js';
import type { KalturaApi } from '../kaltura/api.js';
import { isKalturaApiError, KalturaTransportError } from '../kaltura/errors.js';
import { LadderError, parseServeLadder } from '../kaltura/serve-ladder.js';
import { serveExtraParams } from '../kaltura/serve-ladder-params.js';
import { TypedEmitter } from '../ingest/typed-emitter.js';
import type { Logger } from '../log/logger.js';
import { delayToGridMs, systemClock, type Clock, type TimerHandle } from '../station/clock.js';
import { buildFfmpegArgsFromPlan } from './build-args.js';
import { readAacCodecFromTs, readAvcCodecFromTs, readAvcSizeFromTs } from './hls-codecs.js';
import { MASTER_PLAYLIST, masterFromPlan, renderMasterPlaylist, writeFileAtomic, type ObservedVariant } from './hls-master.js';
import { HlsMeter, transcoderState } from './hls-meter.js';
import { ensureEndList, firstSegmentBytes } from './hls-files.js';
import { playlistSizeFor, segmentSecondsFor } from './hls-playlist.js';
import type { PidRegistry } from './pid-registry.js';
import { planTranscode, TranscodePlanError, type HlsOutput, type TranscodeInput, type TranscodePlan, type VideoEncoder } from './plan.js';
import { linuxProcReader, ProcessMeter, type ProcReader } from './proc-stats.js';
import type { ProgressSample } from './progress.js';
import { nodeSpawner, type Spawner } from './spawner.js';
import { FfmpegSupervisor, type SupervisorOptions } from './supervisor.js';

export interface TranscodeSessionOptions {
  entryId: string;
  partnerId: number;
  /** ENTRY_N as published */
  streamName: string;
  /** DATA/hls; this session writes DATA/hls/<entryId>/ */
  hlsRootDir: string;
  /** the ingest's feed of this stream (the station), written to each FFmpeg run's fd 3 */
  feed?: MediaFeed;
  /** or an input FFmpeg opens itself: an RTMP pull or a file (tests, benches); ignored when feed is set */
  pullUrl?: string;
  probeAtStart: InputProbe | null;
  entry: { segmentDurationMs: number | null; dvrEnabled: boolean; dvrWindowMinutes: number | null };
  ffmpegPath: string;
  encoder: VideoEncoder;
  preset?: string;
  threads?: number;
  kaltura: Pick<KalturaApi, 'serveConversionProfile'>;
  logger: Logger;
  spawner?: Spawner;
  clock?: Clock;
  pidRegistry?: PidRegistry | null;
  procReader?: ProcReader;
  /**
   * HLS folder (and URL segment) for this ingest; default the entry id. A backup or a second ingest stream of
   * the same entry must not write into the primary's playlists: e.g. 0_rkij47dr-b1 for the backup's _1.
   */
  outputId?: string;
  /** the playlists continue an earlier run of this stream (publisher reconnected within the grace period) */
  resumed?: boolean;
  /**
   * The publisher may come back after its input ends (a reconnect within the grace period): the playlists stay
   * open (no #EXT-X-ENDLIST, which makes players stop as if the stream were over) until stop(), so a viewer
   * sees a pause and then a discontinuity, not the end of the stream.
   */
  openUntilStop?: boolean;
  /** -re on the input: tests and benches reading a file */
  readRealtime?: boolean;
  /** supervisor timings (watchdog, backoff, stop) */
  supervisor?: Partial<Pick<SupervisorOptions, 'watchdogMs' | 'startupTimeoutMs' | 'backoffInitialMs' | 'backoffMaxMs' | 'stableRunMs' | 'stopTimeoutMs' | 'maxConsecutiveFailures'>>;
}

export interface TranscodeStateEvent {
  transcoder: TranscoderState;
  renditions: RenditionState[];
}

export interface TranscodeSessionEvents extends Record<string, unknown> {
  ladder: { ladder: Ladder; warnings: string[] };
  /** the master playlist exists and every rendition has its first segment */
  playable: { masterUrl: string; masterPath: string };
  state: TranscodeStateEvent;
  /** ladder refused, Kaltura error (with its code), or FFmpeg gave up */
  failed: { reason: string; kalturaCode: string | null };
  /** FFmpeg finished: stop() or the input ended; the playlists carry #EXT-X-ENDLIST */
  ended: { reason: 'stopped' | 'input-ended'; playlistsClosedByStation: number };
}

/** before playable: poll often, the master is due as soon as every rendition has a segment */
const FAST_TICK_MS = 100;
const TICK_MS = 1_000;

export class TranscodeSession {
  private readonly emitter: TypedEmitter<TranscodeSessionEvents>;
  private readonly clock: Clock;
  private readonly dir: string;
  private plan: TranscodePlan | null = null;
  private supervisor: FfmpegSupervisor | null = null;
  private meter: HlsMeter | null = null;
  private procMeter: ProcessMeter | null = null;
  private lastSample: ProgressSample | null = null;
  private tick: TimerHandle | null = null;
  private playable = false;
  private resumeNext: boolean;
  private closed = false;
  private runningPid: number | null = null;
  private started = false;
  /** ended was emitted and no resume came since: stop() then has nothing new to report */
  private endedReported = false;
  private lastStateAtMs: number | null = null;

  constructor(private readonly options: TranscodeSessionOptions) {
    if (!options.feed && !options.pullUrl) throw new Error(`TranscodeSession for ${options.streamName} needs an input: the ingest feed or a pull URL`);
    this.clock = options.clock ?? systemClock();
    this.dir = path.join(options.hlsRootDir, this.outputId);
    this.resumeNext = options.resumed ?? false;
    this.emitter = new TypedEmitter((name, error) => options.logger.error('transcode listener failed', { event: name, error: String(error) }));
  }

  on<K extends keyof TranscodeSessionEvents>(name: K, fn: (payload: TranscodeSessionEvents[K]) => void): () => void {
    return this.emitter.on(name, fn);
  }

  /** the HLS folder under hlsRootDir: the entry id for its primary source, a suffixed id for other ingests */
  get outputId(): string {
    return this.options.outputId ?? this.options.entryId;
  }

  get masterUrl(): string {
    return `/hls/${this.outputId}/${MASTER_PLAYLIST}`;
  }

  getPlan(): TranscodePlan | null {
    return this.plan;
  }

  /** serve -> Ladder -> FFmpeg. Resolves once FFmpeg is spawned, or after failed was emitted (returns false). */
  async start(): Promise<boolean> {
    const { logger } = this.options;
    if (this.started) throw new Error(`TranscodeSession for ${this.options.streamName} was already started; use resume() after a reconnect`);
    this.started = true;
    let xml: string;
    try {
      xml = await this.options.kaltura.serveConversionProfile({ partnerId: this.options.partnerId, streamName: this.options.streamName, extraParams: serveExtraParams(this.options.probeAtStart) });
    } catch (e) {
      const code = isKalturaApiError(e) ? e.code : null;
      const why = e instanceof KalturaTransportError || isKalturaApiError(e) ? e.message : String(e);
      return this.fail(`Kaltura did not give the ladder for ${this.options.streamName}${code ? ` (${code})` : ''}: ${why}`, code);
    }
    if (this.closed) return false;
    try {
      const { ladder, warnings } = parseServeLadder(xml);
      for (const w of warnings) logger.warn(w, { streamName: this.options.streamName });
      this.emitter.emit('ladder', { ladder, warnings });
      this.plan = planTranscode(ladder, this.input(), this.output(false), this.encodeOptions());
      for (const w of this.plan.warnings) logger.warn(w, { streamName: this.options.streamName });
    } catch (e) {
      if (e instanceof LadderError || e instanceof TranscodePlanError) return this.fail(`ladder refused for ${this.options.streamName}: ${e.message}`, null);
      throw e;
    }
    if (!this.resumeNext) this.clearOutput(this.plan);
    this.meter = new HlsMeter(this.dir, this.plan, `/hls/${this.outputId}`);
    this.runSupervisor(this.plan);
    return true;
  }

  /** The publisher came back within the grace period: same ladder, same playlists, after a discontinuity. */
  resume(): void {
    if (this.closed || !this.plan || !this.supervisor) return;
    this.resumeNext = true;
    this.endedReported = false;
    this.supervisor.start();
    this.scheduleTick();
  }

  /** Ends FFmpeg cleanly ('q'), makes sure every playlist ends with #EXT-X-ENDLIST. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.supervisor?.stop();
    // the input ended earlier and left the playlists open for a resume that did not come: close them now
    if (this.endedReported && this.options.openUntilStop) this.closePlaylists();
    this.finish('stopped');
  }

  private runSupervisor(plan: TranscodePlan): void {
    const { logger } = this.options;
    this.supervisor = new FfmpegSupervisor({
      bin: this.options.ffmpegPath,
      // run 0 continues only when the publish resumed; every restart continues with a discontinuity
      argsForRun: (run) => {
        const append = run > 0 || this.resumeNext;
        return buildFfmpegArgsFromPlan(plan, this.input(), this.output(append), this.encodeOptions());
      },
      ...(this.options.feed ? { feed: this.options.feed } : {}),
      spawner: this.options.spawner ?? nodeSpawner(),
      clock: this.clock,
      logger: logger.child('ffmpeg'),
      ...this.options.supervisor,
      events: {
        spawned: (pid) => {
          this.runningPid = pid;
          if (pid === null) return;
          this.options.pidRegistry?.add(pid, this.options.streamName);
          this.procMeter = new ProcessMeter(this.options.procReader ?? linuxProcReader(), pid);
        },
        exited: () => {
          if (this.runningPid !== null) this.options.pidRegistry?.remove(this.runningPid);
          this.runningPid = null;
          this.lastSample = null;
        },
        progress: (sample) => {
          this.lastSample = sample;
        },
        inputEnded: () => {
          this.finish('input-ended');
        },
        gaveUp: (reason) => {
          void this.fail(`FFmpeg keeps failing for ${this.options.streamName}: ${reason}`, null);
        },
      },
    });
    this.supervisor.start();
    this.scheduleTick();
  }

  private scheduleTick(): void {
    this.tick?.cancel();
    this.tick = this.clock.setTimer(() => {
      this.tick = null;
      this.onTick();
      const state = this.supervisor?.getState();
      if (state && (state.wanted === 'run' || state.pid !== null)) this.scheduleTick();
    }, delayToGridMs(this.clock.nowMs(), this.playable ? TICK_MS : FAST_TICK_MS));
  }

  private onTick(): void {
    if (!this.meter || !this.plan || !this.supervisor) return;
    if (!this.playable && this.meter.allHaveSegments()) this.becomePlayable(this.plan, this.meter);
    if (!this.playable && this.lastStateAtMs !== null && this.clock.nowMs() - this.lastStateAtMs < TICK_MS) return;
    this.lastStateAtMs = this.clock.nowMs();
    this.emitState();
  }

  private emitState(): void {
    if (!this.meter || !this.supervisor) return;
    const renditions = this.meter.sample();
    const sup = this.supervisor.getState();
    const usage = this.procMeter && sup.pid !== null ? this.procMeter.sample(this.clock.nowMs()) : { cpuPercent: null, rssBytes: null };
    this.emitter.emit('state', { transcoder: transcoderState(sup, sup.observed === 'running' ? this.lastSample : null, usage, this.options.encoder), renditions });
  }

  private becomePlayable(plan: TranscodePlan, meter: HlsMeter): void {
    meter.sample();
    const observed = new Map<string, ObservedVariant>();
    for (const folder of meter.folders()) {
      const bytes = firstSegmentBytes(path.join(this.dir, folder));
      const size = bytes ? readAvcSizeFromTs(bytes) : null;
      if (size) meter.setObservedSize(folder, size.width, size.height);
      observed.set(folder, {
        ...size,
        avcCodec: bytes ? readAvcCodecFromTs(bytes) : null,
        aacCodec: bytes ? readAacCodecFromTs(bytes) : null,
        measuredBitrateBps: meter.measuredBps(folder),
      });
    }
    const masterPath = path.join(this.dir, MASTER_PLAYLIST);
    writeFileAtomic(masterPath, renderMasterPlaylist(masterFromPlan(plan, observed)));
    this.playable = true;
    this.options.logger.info('ladder playable', { streamName: this.options.streamName, renditions: plan.variants.length });
    this.emitter.emit('playable', { masterUrl: this.masterUrl, masterPath });
  }

  private finish(reason: 'stopped' | 'input-ended'): void {
    if (this.endedReported) return;
    this.endedReported = true;
    let closed = 0;
    this.tick?.cancel();
    this.tick = null;
    if (this.plan && this.meter) {
      // a short input can end between two ticks: the master must still be written
      if (!this.playable && this.meter.allHaveSegments()) this.becomePlayable(this.plan, this.meter);
      // FFmpeg writes #EXT-X-ENDLIST when it ends cleanly; after a SIGKILL the station closes the playlists itself
      if (reason === 'stopped' || !this.options.openUntilStop) closed = this.closePlaylists();
      this.emitState();
    }
    this.emitter.emit('ended', { reason, playlistsClosedByStation: closed });
  }

  /** Ends every playlist with #EXT-X-ENDLIST where it lacks one; returns how many needed it. */
  private closePlaylists(): number {
    if (!this.meter) return 0;
    let closed = 0;
    for (const folder of this.meter.folders()) if (ensureEndList(path.join(this.dir, folder, 'index.m3u8'))) closed++;
    if (closed > 0 && !this.options.openUntilStop) this.options.logger.warn('closed playlists FFmpeg left open', { streamName: this.options.streamName, playlists: closed });
    return closed;
  }

  private fail(reason: string, kalturaCode: string | null): false {
    this.options.logger.error(reason, kalturaCode ? { kalturaCode } : undefined);
    this.emitter.emit('failed', { reason, kalturaCode });
    return false;
  }

  private clearOutput(plan: TranscodePlan): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const folders = plan.variants.map((v) => v.streamName);
    if (plan.audioGroup) folders.push(plan.audioGroup.streamName);
    for (const name of [...folders, MASTER_PLAYLIST]) fs.rmSync(path.join(this.dir, name), { recursive: true, force: true });
  }

  private input(): TranscodeInput {
    const probe = this.options.probeAtStart;
    const feed = this.options.feed !== undefined;
    return {
      url: feed ? FEED_INPUT_URL : (this.options.pullUrl as string),
      ...(feed ? { format: 'flv', live: true } : {}),
      frameRateFps: probe?.frameRateFps ?? null,
      width: probe?.width ?? null,
      height: probe?.height ?? null,
      // without a probe assume an ordinary A/V encoder (OBS)
      hasVideo: probe ? probe.videoCodec !== null : true,
      hasAudio: probe ? probe.audioCodec !== null : true,
      audioCodec: probe?.audioCodec ?? null,
      videoBitrateBps: probe?.videoBitrateBps ?? null,
      readRealtime: this.options.readRealtime ?? false,
    };
  }

  private output(append: boolean): HlsOutput {
    const segmentDurationSeconds = segmentSecondsFor(this.options.entry.segmentDurationMs);
    return {
      dir: this.dir,
      segmentDurationSeconds,
      playlistSize: playlistSizeFor(segmentDurationSeconds, { enabled: this.options.entry.dvrEnabled, windowMinutes: this.options.entry.dvrWindowMinutes }),
      deleteOldSegments: true,
      appendToExisting: append,
      ...(this.options.openUntilStop ? { omitEndList: true } : {}),
    };
  }

  private encodeOptions() {
    return { encoder: this.options.encoder, ...(this.options.preset ? { preset: this.options.preset } : {}), ...(this.options.threads ? { threads: this.options.threads } : {}) };
  }
}
