// Owns the transcoding of ONE accepted ingest stream: plan the ladder it is handed, run FFmpeg under the
// supervisor, write our master playlist once every rendition has a segment, meter it every second, and end it
// cleanly (ENDLIST). A resumed publish or a restart continues the same playlists after a discontinuity. Where the
// key frames go follows the encoder's measured GOP (session-plan.ts): a change of plan replaces FFmpeg.
import path from 'node:path';
import { TypedEmitter } from '../core/typed-emitter.js';
import { delayToGridMs, systemClock, type Clock, type TimerHandle } from '../core/clock.js';
import { variantFolders } from './build-args.js';
import { dialectOf, FfmpegCapabilityError } from './ffmpeg-dialect.js';
import type { GopChange } from './gop-policy.js';
import { MASTER_PLAYLIST } from './hls-master.js';
import { HlsMeter, transcoderState } from './hls-meter.js';
import { ensureEndList, linkNumberedFolders, writeMaster } from './hls-files.js';
import { TranscodePlanError, type TranscodePlan } from './plan.js';
import { linuxProcReader, ProcessMeter } from '../process/proc-stats.js';
import { clearSessionOutput } from './session-io.js';
import type { ProgressSample } from './progress.js';
import { nodeSpawner } from '../process/spawner.js';
import { FfmpegSupervisor } from './supervisor.js';
import { SessionPlan } from './session-plan.js';
import type { TranscodeSessionEvents, TranscodeSessionOptions } from './session-options.js';

/** before playable: poll often, the master is due as soon as every rendition has a segment */
const FAST_TICK_MS = 100;
const TICK_MS = 1_000;

export class TranscodeSession {
  private readonly emitter: TypedEmitter<TranscodeSessionEvents>;
  private readonly clock: Clock;
  private readonly dir: string;
  private plan: SessionPlan | null = null;
  /** the plan changed before anything was playable: the next run starts the playlists afresh */
  private freshNext = false;
  /** folders whose master entry must come from the plan, not their first segment (the plan changed while playable) */
  private masterStale: Set<string> | null = null;
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
    return this.plan?.current ?? null;
  }

  /** Ladder -> plan -> FFmpeg. Resolves once FFmpeg is spawned, or after failed was emitted (returns false). */
  async start(): Promise<boolean> {
    const { logger, streamName } = this.options;
    if (this.started)
      throw new Error(`TranscodeSession for ${streamName} was already started; use resume() after a reconnect`);
    this.started = true;
    let plan: SessionPlan;
    try {
      plan = new SessionPlan(this.options.ladder, this.dir, this.options);
      for (const w of plan.current.warnings) logger.warn(w, { streamName });
    } catch (e) {
      if (e instanceof TranscodePlanError) return this.fail(`ladder refused for ${streamName}: ${e.message}`);
      if (e instanceof FfmpegCapabilityError) return this.fail(`cannot transcode ${streamName}: ${e.message}`);
      throw e;
    }
    this.plan = plan;
    if (!this.resumeNext) this.clearOutput(plan.current);
    this.linkFolders(plan.current);
    this.meter = new HlsMeter(this.dir, plan.current, `/hls/${this.outputId}`);
    this.runSupervisor(plan);
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

  private runSupervisor(plan: SessionPlan): void {
    const { logger } = this.options;
    this.supervisor = new FfmpegSupervisor({
      bin: this.options.ffmpegPath,
      // run 0 continues only when the publish resumed; every restart continues with a discontinuity
      argsForRun: (run) => {
        let append = run > 0 || this.resumeNext;
        if (this.freshNext) {
          // the plan changed before anything was playable: the old run is gone, its partial output goes with it
          this.freshNext = false;
          append = false;
          this.clearOutput(plan.current);
          this.meter = new HlsMeter(this.dir, plan.current, `/hls/${this.outputId}`);
        }
        return plan.args(append);
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
          plan.runStarted(this.clock.nowMs());
          if (pid === null) return;
          this.procMeter = new ProcessMeter(this.options.procReader ?? linuxProcReader(), pid);
        },
        exited: () => {
          this.runningPid = null;
          this.lastSample = null;
        },
        progress: (sample) => {
          this.lastSample = sample;
          plan.onProgress(sample, this.clock.nowMs());
        },
        inputEnded: () => {
          this.finish('input-ended');
        },
        gaveUp: (reason) => {
          void this.fail(`FFmpeg keeps failing for ${this.options.streamName}: ${reason}`);
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
    const change = this.plan.followProbe();
    if (change) this.applyGopChange(change, this.plan, this.supervisor, this.meter);
    if (!this.playable && this.meter.allHaveSegments()) this.becomePlayable(this.plan.current, this.meter);
    if (this.playable && this.masterStale && this.meter.allHaveSegments()) {
      writeMaster(this.dir, this.plan.current, this.meter, this.masterStale);
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
    const note = this.plan?.sourceNote() ?? null;
    const transcoder = {
      ...transcoderState(sup, sup.observed === 'running' ? this.lastSample : null, usage, this.options.encoder),
      keyFrames: this.plan?.policy() ?? null,
    };
    this.emitter.emit('state', {
      transcoder,
      renditions: renditions.map((r) => (r.streamName === this.plan?.sourceStreamName ? { ...r, note } : r)),
    });
  }

  /** The key-frame decision changed: replace FFmpeg, continuing the playlists once anything was playable. */
  private applyGopChange(change: GopChange, plan: SessionPlan, supervisor: FfmpegSupervisor, meter: HlsMeter): void {
    this.options.logger.info(`key frames: ${change.reason}`, {
      streamName: this.options.streamName,
      sourceRung: change.decision.sourceRung,
    });
    if (this.playable) {
      // same playlists, after a discontinuity; the master's entry for the source rung is rewritten from the new plan
      meter.setPlan(plan.current);
      this.masterStale = new Set(plan.sourceStreamName ? [plan.sourceStreamName] : []);
    } else {
      this.freshNext = true;
    }
    supervisor.replace(change.end);
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
      if (!this.playable && this.meter.allHaveSegments()) this.becomePlayable(this.plan.current, this.meter);
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

  private fail(reason: string): false {
    this.options.logger.error(reason);
    this.emitter.emit('failed', { reason });
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
}
