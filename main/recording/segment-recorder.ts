// Owns recording one ingest stream to disk: one FFmpeg at a time, supervised by the station's process supervisor
// (main/process: own process group, 'q' then SIGKILL of the group, pid record, capped backoff), copying the source
// into MPEG-TS segments under DATA/recordings/<entryId>/<sessionId>/, each cut on a keyframe and playable alone.
// Which segments are finished is segment-collector.ts's job; free disk space is disk-guard.ts's: below the margin
// the recording pauses (FFmpeg ends cleanly, finished segments are kept and delivered) and resumes by itself, in
// the same session, once the disk has room again. Restarts continue the numbering.
import fs from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock, type TimerHandle } from '../core/clock.js';
import { nodeSpawner } from '../process/spawner.js';
import { ProcessSupervisor, type ProcessSnapshot, type RunExit } from '../process/supervisor.js';
import { statfsDiskSpace } from './disk-space.js';
import { DiskGuard } from './disk-guard.js';
import { durationProbeFor } from './probe.js';
import { buildRecorderArgs } from './recorder-args.js';
import type { RecorderState, SegmentRecorderOptions } from './recorder-types.js';
import { SegmentCollector } from './segment-collector.js';
import { segmentFileName, sessionDirectory } from './segment-files.js';

/** a run that lasted this long starts the restart backoff over */
const STABLE_RUN_MS = 30_000;

export class SegmentRecorder {
  readonly directory: string;
  private readonly clock: Clock;
  private readonly collector: SegmentCollector;
  private readonly disk: DiskGuard;
  private readonly supervisor: ProcessSupervisor;
  private current: RecorderState = {
    wanted: 'stop',
    observed: 'idle',
    pid: null,
    restarts: 0,
    reason: null,
    segmentsFinished: 0,
    currentSegmentPath: null,
  };
  private diskTimer: TimerHandle | null = null;
  /** bumped by each start and stop, so a disk check that outlives them does not schedule another */
  private diskLoop = 0;
  /** why the last run ended unexpectedly (redacted: it reaches the UI) */
  private failure: string | null = null;

  constructor(private readonly options: SegmentRecorderOptions) {
    const seconds = options.segmentSeconds ?? 900;
    if (!(seconds >= 1))
      throw new Error(`segmentSeconds must be at least 1, got ${seconds}; the default is 900 (15 minutes)`);
    if (options.input.length === 0) throw new Error('the recorder needs an FFmpeg input, e.g. rtmpPullInput(url)');
    const { entryId, logger } = options;
    this.directory = sessionDirectory(options.dataDir, entryId, options.sessionId);
    this.clock = options.clock ?? systemClock();
    this.disk = new DiskGuard({
      directory: this.directory,
      entryId,
      statfs: options.statfs ?? statfsDiskSpace,
      minFreeBytes: options.minFreeBytes ?? 500 * 1024 * 1024,
      minFreePercent: options.minFreePercent ?? 0,
      logger,
    });
    this.collector = new SegmentCollector({
      directory: this.directory,
      clock: this.clock,
      logger,
      listPollIntervalMs: options.listPollIntervalMs ?? 500,
      probe: options.probeDuration ?? durationProbeFor(options.ffmpegPath, options.ffprobePath),
      onFinished: (segment) => {
        const recording = this.supervisor.getState().pid !== null && this.current.observed === 'recording';
        const writing = recording ? path.join(this.directory, segmentFileName(segment.sequence + 1)) : null;
        this.update({ segmentsFinished: this.current.segmentsFinished + 1, currentSegmentPath: writing });
        this.options.onSegment({ entryId, sessionId: options.sessionId, ...segment });
      },
    });
    this.supervisor = new ProcessSupervisor({
      name: 'FFmpeg',
      bin: options.ffmpegPath,
      argsForRun: () => this.argsForNextRun(),
      ...(options.feed ? { feed: options.feed } : {}),
      spawner: options.spawner ?? nodeSpawner({ PATH: process.env.PATH ?? '' }),
      clock: this.clock,
      logger,
      // a recorder waits for its input: an FFmpeg that ended cleanly (the publisher dropped) is restarted too
      restart: {
        initialDelayMs: options.restartBaseMs ?? 1000,
        maxDelayMs: options.restartMaxMs ?? 30_000,
        stableRunMs: STABLE_RUN_MS,
        maxConsecutiveFailures: Infinity,
        cleanExit: 'restart',
      },
      stop: { quit: { stdin: 'q' }, escalation: [{ afterMs: options.stopTimeoutMs ?? 5000, signal: 'SIGKILL' }] },
      ...(options.pids ? { pids: options.pids } : {}),
      pidLabel: `recording ${entryId}`,
      stderrLines: 20,
      events: {
        state: (snapshot) => this.onProcessState(snapshot),
        exited: (exit) => this.afterExit(exit),
      },
    });
  }

  state(): RecorderState {
    return { ...this.current };
  }

  /** Starts recording; if the disk is already below the margin, onAlert fires and it waits paused for space. */
  async start(): Promise<void> {
    if (this.current.wanted === 'run') return;
    fs.mkdirSync(this.directory, { recursive: true });
    this.update({ wanted: 'run', reason: null });
    this.scheduleDiskCheck(++this.diskLoop);
    if (await this.diskIsLow()) return;
    // a stop() may have come while the disk was read
    if (this.state().wanted === 'run') this.supervisor.start();
  }

  /**
   * The publisher came back (a reconnect within the grace period): its drop ended FFmpeg's input, and the
   * restart must not wait out a backoff that grew while the feed was gone. Starts the next run now, on the
   * returned publisher's feed, in the same session with the numbering continued.
   */
  resume(): void {
    if (this.current.wanted !== 'run' || this.current.observed === 'paused') return;
    this.supervisor.restartNow();
  }

  /** Stops FFmpeg ('q', then SIGKILL of its group) and resolves once every finished segment was reported. */
  async stop(reason: string | null = null): Promise<void> {
    this.update({ wanted: 'stop', ...(reason ? { reason } : {}) });
    this.diskLoop++;
    this.diskTimer?.cancel();
    this.diskTimer = null;
    await this.supervisor.stop();
    if (this.current.observed !== 'failed') this.update({ observed: 'stopped', pid: null, currentSegmentPath: null });
  }

  private update(patch: Partial<RecorderState>): void {
    this.current = { ...this.current, ...patch };
    this.options.onStateChange?.(this.state());
  }

  private argsForNextRun(): string[] {
    const { startNumber, listPath } = this.collector.beginRun();
    const { entryId, sessionId } = this.options;
    this.options.logger.info('recording starts', { entryId, sessionId, startNumber });
    return buildRecorderArgs({
      input: this.options.input,
      ...(this.options.codecArgs ? { codecArgs: this.options.codecArgs } : {}),
      segmentSeconds: this.options.segmentSeconds ?? 900,
      directory: this.directory,
      listPath,
      startNumber,
    });
  }

  /** The supervisor's observed state, as the recording shows it (a pause for disk space is the recorder's own). */
  private onProcessState(snapshot: ProcessSnapshot): void {
    const paused = this.current.observed === 'paused';
    if (snapshot.observed === 'running') {
      this.update({ observed: 'recording', pid: snapshot.pid, currentSegmentPath: this.collector.firstSegmentPath });
    } else if (snapshot.observed === 'failed' && this.current.wanted === 'run' && !paused) {
      const reason = this.failure;
      this.options.logger.warn('recording FFmpeg exited; restarting', { entryId: this.options.entryId, reason });
      this.update({
        observed: 'restarting',
        pid: null,
        reason,
        restarts: this.current.restarts + 1,
        currentSegmentPath: null,
      });
    } else if (snapshot.observed === 'exited' && this.current.wanted !== 'run') {
      this.update({ observed: 'stopped', pid: null, currentSegmentPath: null });
    }
  }

  /** Awaited by the supervisor before it restarts or resolves a stop: every segment the run finished is reported. */
  private async afterExit(exit: RunExit): Promise<void> {
    await this.collector.endRun();
    if (this.current.wanted !== 'run' || this.current.observed === 'paused') return;
    const tail = [...exit.stderrTail, ...(exit.spawnError ? [exit.spawnError] : [])].slice(-3);
    // the reason reaches the UI: FFmpeg's stderr may quote the input URL, so it goes through the redactor
    this.failure = this.options.logger.redactor.redact(
      `FFmpeg exited (${exit.signal ?? `code ${exit.code}`})${tail.length ? `: ${tail.join(' | ')}` : ''}`,
    );
    // no restart onto a full disk: pause instead (not awaited: the supervisor waits for this hook)
    if (await this.diskIsLow()) void this.supervisor.stop();
  }

  private scheduleDiskCheck(loop: number): void {
    this.diskTimer = this.clock.setTimer(() => {
      void this.checkDisk().finally(() => {
        if (loop === this.diskLoop && this.current.wanted === 'run') this.scheduleDiskCheck(loop);
      });
    }, this.options.diskCheckIntervalMs ?? 5000);
  }

  private async checkDisk(): Promise<void> {
    if (this.current.wanted !== 'run') return;
    if (this.current.observed === 'paused') return this.resumeIfRoom();
    if (await this.diskIsLow()) await this.supervisor.stop();
  }

  /** Below the margin: pause (alert once per pause); the disk check keeps looking for space. */
  private async diskIsLow(): Promise<boolean> {
    const alert = await this.disk.lowAlert();
    if (!alert) return false;
    if (this.current.observed === 'paused') return true;
    this.options.logger.error(alert.message);
    this.update({ observed: 'paused', pid: null, reason: alert.message, currentSegmentPath: null });
    this.options.onAlert?.(alert);
    return true;
  }

  /** Resumes a paused recording (same session, numbering continued) once the disk has room with headroom. */
  private async resumeIfRoom(): Promise<void> {
    const recovered = await this.disk.recovered();
    if (!recovered || this.current.wanted !== 'run' || this.current.observed !== 'paused') return;
    this.options.logger.info(recovered.message);
    this.update({ reason: null });
    this.options.onDiskRecovered?.(recovered);
    this.supervisor.start();
  }
}
