// Owns the transcoding of ONE accepted ingest stream: fetch the ladder from Kaltura (serve), plan it, run FFmpeg
// under the supervisor, write our master playlist once every rendition has a segment, meter it every second, and
// end it cleanly (ENDLIST). A resumed publish or a restart continues the same playlists after a discontinuity.
// Where the key frames go follows the encoder's measured GOP (gop-policy.ts): a change of plan replaces FFmpeg.
import path from 'node:path';
import type { Ladder } from '../../shared/ladder.js';
import type { InputProbe, RenditionState, TranscoderState } from '../../shared/state.js';
import type { MediaFeed } from '../media/flv-feed.js';
import type { KalturaApi } from '../kaltura/api.js';
import { isKalturaApiError, KalturaTransportError } from '../kaltura/errors.js';
import { LadderError, parseServeLadder } from '../kaltura/serve-ladder.js';
import { serveExtraParams } from '../kaltura/serve-ladder-params.js';
import { TypedEmitter } from '../core/typed-emitter.js';
import type { Logger } from '../log/logger.js';
import { delayToGridMs, systemClock, type Clock, type TimerHandle } from '../core/clock.js';
import { buildFfmpegArgsFromPlan, variantFolders } from './build-args.js';
import type { FfmpegCapabilities } from './ffmpeg-capabilities.js';
import { dialectOf, FfmpegCapabilityError } from './ffmpeg-dialect.js';
import { GopPolicy, type GopChange, type GopDecision } from './gop-policy.js';
import { MASTER_PLAYLIST } from './hls-master.js';
import { HlsMeter, transcoderState } from './hls-meter.js';
import { ensureEndList, linkNumberedFolders, writeMaster } from './hls-files.js';
import type { PidRegistry } from '../process/pid-registry.js';
import {
  planTranscode,
  TranscodePlanError,
  type EncodeOptions,
  type HlsOutput,
  type TranscodeInput,
  type TranscodePlan,
  type VideoEncoder,
} from './plan.js';
import { linuxProcReader, ProcessMeter, type ProcReader } from '../process/proc-stats.js';
import { clearSessionOutput, sessionEncodeOptions, sessionInput, sessionOutput } from './session-io.js';
import type { ProgressSample } from './progress.js';
import { nodeSpawner, type Spawner } from '../process/spawner.js';
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
  /** the stream's latest probe (once a second): the key-frame policy follows its GOP */
  probe?: () => InputProbe | null;
  entry: { segmentDurationMs: number | null; dvrEnabled: boolean; dvrWindowMinutes: number | null };
  ffmpegPath: string;
  /** what that FFmpeg can do (read at start); null = not read, the modern argv */
  ffmpeg?: FfmpegCapabilities | null;
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
  supervisor?: Partial<
    Pick<
      SupervisorOptions,
      | 'watchdogMs'
      | 'startupTimeoutMs'
      | 'backoffInitialMs'
      | 'backoffMaxMs'
      | 'stableRunMs'
      | 'stopTimeoutMs'
      | 'maxConsecutiveFailures'
    >
  >;
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
  private ladder: Ladder | null = null;
  private gop: GopPolicy | null = null;
  private decision: GopDecision | null = null;
  private lastProbe: InputProbe | null = null;
  /** the plan changed before anything was playable: the next run starts the playlists afresh */
  private freshNext = false;
  /** folders whose master entry must come from the plan, not their first segment (the plan changed while playable) */
  private masterStale: Set<string> | null = null;
  private sourceStreamName: string | null = null;
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
    if (!options.feed && !options.pullUrl)
      throw new Error(`TranscodeSession for ${options.streamName} needs an input: the ingest feed or a pull URL`);
    this.clock = options.clock ?? systemClock();
    this.dir = path.join(options.hlsRootDir, this.outputId);
    this.resumeNext = options.resumed ?? false;
    this.emitter = new TypedEmitter((name, error) =>
      options.logger.error('transcode listener failed', { event: name, error: String(error) }),
    );
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
    if (this.started)
      throw new Error(
        `TranscodeSession for ${this.options.streamName} was already started; use resume() after a reconnect`,
      );
    this.started = true;
    let xml: string;
    try {
      xml = await this.options.kaltura.serveConversionProfile({
        partnerId: this.options.partnerId,
        streamName: this.options.streamName,
        extraParams: serveExtraParams(this.options.probeAtStart),
      });
    } catch (e) {
      const code = isKalturaApiError(e) ? e.code : null;
      const why = e instanceof KalturaTransportError || isKalturaApiError(e) ? e.message : String(e);
      return this.fail(
        `Kaltura did not give the ladder for ${this.options.streamName}${code ? ` (${code})` : ''}: ${why}`,
        code,
      );
    }
    if (this.closed) return false;
    try {
      const { ladder, warnings } = parseServeLadder(xml);
      for (const w of warnings) logger.warn(w, { streamName: this.options.streamName });
      this.emitter.emit('ladder', { ladder, warnings });
      this.ladder = ladder;
      const asked = planTranscode(ladder, this.input(), this.output(false), this.encodeOptions());
      this.sourceStreamName = asked.variants.find((v) => v.video?.copy)?.streamName ?? null;
      this.gop = new GopPolicy({
        segmentSeconds: asked.segmentDurationSeconds,
        hasPassthroughVideo: this.sourceStreamName !== null,
        hasEncodedVideo: asked.variants.some((v) => v.video && !v.video.copy),
      });
      this.decision = this.gop.initial(this.options.probeAtStart);
      this.plan = planTranscode(ladder, this.input(), this.output(false), this.encodeOptions());
      for (const w of this.plan.warnings) logger.warn(w, { streamName: this.options.streamName });
      // once before the supervisor: an FFmpeg that cannot run this plan is refused, not restarted in a loop
      buildFfmpegArgsFromPlan(
        this.plan,
        this.input(),
        this.output(false),
        this.encodeOptions(),
        this.options.ffmpeg ?? null,
      );
    } catch (e) {
      if (e instanceof LadderError || e instanceof TranscodePlanError)
        return this.fail(`ladder refused for ${this.options.streamName}: ${e.message}`, null);
      if (e instanceof FfmpegCapabilityError)
        return this.fail(`cannot transcode ${this.options.streamName}: ${e.message}`, null);
      throw e;
    }
    if (!this.resumeNext) this.clearOutput(this.plan);
    this.linkFolders(this.plan);
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
        const current = this.plan ?? plan;
        let append = run > 0 || this.resumeNext;
        if (this.freshNext) {
          // the plan changed before anything was playable: the old run is gone, its partial output goes with it
          this.freshNext = false;
          append = false;
          this.clearOutput(current);
          this.meter = new HlsMeter(this.dir, current, `/hls/${this.outputId}`);
        }
        return buildFfmpegArgsFromPlan(
          current,
          this.input(),
          this.output(append),
          this.encodeOptions(),
          this.options.ffmpeg ?? null,
        );
      },
      ...(this.options.feed ? { feed: this.options.feed } : {}),
      spawner: this.options.spawner ?? nodeSpawner(),
      clock: this.clock,
      logger: logger.child('ffmpeg'),
      ...(this.options.pidRegistry ? { pids: this.options.pidRegistry, pidLabel: this.options.streamName } : {}),
      ...this.options.supervisor,
      events: {
        spawned: (pid) => {
          this.runningPid = pid;
          this.gop?.runStarted(this.clock.nowMs());
          if (pid === null) return;
          this.procMeter = new ProcessMeter(this.options.procReader ?? linuxProcReader(), pid);
        },
        exited: () => {
          this.runningPid = null;
          this.lastSample = null;
        },
        progress: (sample) => {
          this.lastSample = sample;
          this.gop?.onProgress(sample, this.clock.nowMs());
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
    this.tick = this.clock.setTimer(
      () => {
        this.tick = null;
        this.onTick();
        const state = this.supervisor?.getState();
        if (state && (state.wanted === 'run' || state.pid !== null)) this.scheduleTick();
      },
      delayToGridMs(this.clock.nowMs(), this.playable ? TICK_MS : FAST_TICK_MS),
    );
  }

  private onTick(): void {
    if (!this.meter || !this.plan || !this.supervisor) return;
    this.followGop();
    if (!this.playable && this.meter.allHaveSegments()) this.becomePlayable(this.plan, this.meter);
    if (this.playable && this.masterStale && this.meter.allHaveSegments()) {
      writeMaster(this.dir, this.plan, this.meter, this.masterStale);
      this.masterStale = null;
    }
    if (!this.playable && this.lastStateAtMs !== null && this.clock.nowMs() - this.lastStateAtMs < TICK_MS) return;
    this.lastStateAtMs = this.clock.nowMs();
    this.emitState();
  }

  private emitState(): void {
    if (!this.meter || !this.supervisor) return;
    const renditions = this.meter.sample();
    const sup = this.supervisor.getState();
    const usage =
      this.procMeter && sup.pid !== null
        ? this.procMeter.sample(this.clock.nowMs())
        : { cpuPercent: null, rssBytes: null };
    const note = this.gop?.sourceNote() ?? null;
    const transcoder = {
      ...transcoderState(sup, sup.observed === 'running' ? this.lastSample : null, usage, this.options.encoder),
      keyFrames: this.gop?.policy() ?? null,
    };
    this.emitter.emit('state', {
      transcoder,
      renditions: renditions.map((r) => (r.streamName === this.sourceStreamName ? { ...r, note } : r)),
    });
  }

  /** A new probe: the key-frame policy may change the plan (a long GOP appeared, or went away). */
  private followGop(): void {
    const probe = this.options.probe?.() ?? null;
    if (!this.gop || probe === this.lastProbe) return;
    this.lastProbe = probe;
    const change = this.gop.onProbe(probe);
    if (change) this.applyGopChange(change);
  }

  private applyGopChange(change: GopChange): void {
    if (!this.ladder || !this.supervisor || !this.meter) return;
    this.decision = change.decision;
    const plan = planTranscode(this.ladder, this.input(), this.output(false), this.encodeOptions());
    this.options.logger.info(`key frames: ${change.reason}`, {
      streamName: this.options.streamName,
      sourceRung: change.decision.sourceRung,
    });
    this.plan = plan;
    if (this.playable) {
      // same playlists, after a discontinuity; the master's entry for the source rung is rewritten from the new plan
      this.meter.setPlan(plan);
      this.masterStale = new Set(this.sourceStreamName ? [this.sourceStreamName] : []);
    } else {
      this.freshNext = true;
    }
    this.supervisor.replace(change.end);
  }

  private becomePlayable(plan: TranscodePlan, meter: HlsMeter): void {
    const masterPath = writeMaster(this.dir, plan, meter);
    this.playable = true;
    this.options.logger.info('ladder playable', {
      streamName: this.options.streamName,
      renditions: plan.variants.length,
    });
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
    if (closed > 0 && !this.options.openUntilStop)
      this.options.logger.warn('closed playlists FFmpeg left open', {
        streamName: this.options.streamName,
        playlists: closed,
      });
    return closed;
  }

  private fail(reason: string, kalturaCode: string | null): false {
    this.options.logger.error(reason, kalturaCode ? { kalturaCode } : undefined);
    this.emitter.emit('failed', { reason, kalturaCode });
    return false;
  }

  private clearOutput(plan: TranscodePlan): void {
    clearSessionOutput(this.dir, plan);
    this.linkFolders(plan);
  }

  /** an FFmpeg before 4.2 writes numbered folders: link them to the named ones the station serves */
  private linkFolders(plan: TranscodePlan): void {
    if (!dialectOf(this.options.ffmpeg ?? null).variantNames) linkNumberedFolders(this.dir, variantFolders(plan));
  }

  private input(): TranscodeInput {
    // the latest probe knows more than the one at the start (size, rate), which a later plan change can use
    const { feed, pullUrl, readRealtime } = this.options;
    return sessionInput(
      { feed: feed !== undefined, ...(pullUrl ? { pullUrl } : {}), ...(readRealtime ? { readRealtime } : {}) },
      latestProbe(this.options.probe?.() ?? null, this.options.probeAtStart),
    );
  }

  private output(append: boolean): HlsOutput {
    return {
      ...sessionOutput(this.dir, this.options.entry, append),
      ...(this.options.openUntilStop ? { omitEndList: true } : {}),
    };
  }

  private encodeOptions(): EncodeOptions {
    return sessionEncodeOptions(this.options, this.decision);
  }
}

/**
 * The latest probe where it has seen the codecs, else the one at the start. A probe window that has seen no tag
 * yet (OBS's stream right after its metadata) says nothing about which tracks exist: taken as is, it made the
 * plan think the input had neither video nor audio and refuse the ladder.
 */
export function latestProbe(latest: InputProbe | null, atStart: InputProbe | null): InputProbe | null {
  if (!latest) return atStart;
  if (latest.videoCodec === null && latest.audioCodec === null && atStart) return atStart;
  return latest;
}
