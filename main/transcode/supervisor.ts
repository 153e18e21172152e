// Owns the life of one FFmpeg process as an explicit state machine (ARCHITECTURE.md style rule 3): the wanted
// state (run|stop) apart from the observed one; restart only while wanted, with capped exponential backoff reset
// after a stable run; a progress watchdog; stop with 'q', then SIGINT, then SIGKILL of the process group.
// Every callback carries the generation id of the run it belongs to, so a replaced run cannot change state.
import type { MediaFeed } from '../media/flv-feed.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import { ProgressParser, type ProgressSample } from './progress.js';
import { LineRing } from '../process/line-ring.js';
import type { ChildHandle, Spawner } from '../process/spawner.js';

export type Wanted = 'run' | 'stop';
export type Observed = 'idle' | 'starting' | 'running' | 'stalled' | 'exited' | 'failed';

export interface SupervisorState {
  wanted: Wanted;
  observed: Observed;
  generation: number;
  pid: number | null;
  /** restarts after a failure or stall (not the first start) */
  restarts: number;
  consecutiveFailures: number;
  lastError: string | null;
  lastExit: { code: number | null; signal: string | null } | null;
  stderrTail: string[];
}

export interface SupervisorEvents {
  state?(state: SupervisorState, generation: number): void;
  progress?(sample: ProgressSample, generation: number): void;
  /** a process started: record its pid (pid registry) */
  spawned?(pid: number | null, generation: number, runIndex: number): void;
  /** a process is gone (any reason) */
  exited?(code: number | null, signal: string | null, generation: number): void;
  /** FFmpeg ended by itself with code 0 while wanted: the input ended (publisher left) */
  inputEnded?(generation: number): void;
  /** gave up after maxConsecutiveFailures */
  gaveUp?(reason: string, generation: number): void;
}

export interface SupervisorOptions {
  bin: string;
  /** argv for run N (0 = first start; later runs continue the playlists) */
  argsForRun(runIndex: number): string[];
  /** the input, written to each run's fd 3 (its argv reads FEED_INPUT_URL); without it FFmpeg opens its own input */
  feed?: MediaFeed;
  spawner: Spawner;
  clock: Clock;
  logger: Logger;
  events?: SupervisorEvents;
  /** no progress block for this long while running -> stalled -> restart; default 10 s */
  watchdogMs?: number;
  /** time allowed before the first progress block (input connect, probe); default 20 s */
  startupTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** a run that made progress this long resets the backoff; default 30 s */
  stableRunMs?: number;
  /** after 'q': SIGINT after this long, then SIGKILL after as long again; default 5 s */
  stopTimeoutMs?: number;
  maxConsecutiveFailures?: number;
  stderrLines?: number;
}

export class FfmpegSupervisor {
  private wanted: Wanted = 'stop';
  private observed: Observed = 'idle';
  private generation = 0;
  private runIndex = 0;
  private child: ChildHandle | null = null;
  private detachFeed: (() => void) | null = null;
  private restarts = 0;
  private consecutiveFailures = 0;
  private lastError: string | null = null;
  private lastExit: SupervisorState['lastExit'] = null;
  private runStartedAtMs = 0;
  private firstProgressAtMs: number | null = null;
  private watchdog: TimerHandle | null = null;
  private restartTimer: TimerHandle | null = null;
  private stopTimers: TimerHandle[] = [];
  private stopWaiters: Array<() => void> = [];
  /** the running process is being replaced by a run with new argv (replace()): its exit is no failure */
  private replacing = false;
  private readonly stderr: LineRing;

  constructor(private readonly options: SupervisorOptions) {
    this.stderr = new LineRing(options.stderrLines ?? 50);
  }

  getState(): SupervisorState {
    return {
      wanted: this.wanted,
      observed: this.observed,
      generation: this.generation,
      pid: this.child?.pid ?? null,
      restarts: this.restarts,
      consecutiveFailures: this.consecutiveFailures,
      lastError: this.lastError,
      lastExit: this.lastExit,
      stderrTail: this.stderr.lines(),
    };
  }

  /** wanted = run; spawns unless a process is already up or a restart is pending */
  start(): void {
    this.wanted = 'run';
    if (this.child || this.restartTimer) return;
    this.spawn();
  }

  /** wanted = stop; resolves once no process is left */
  stop(): Promise<void> {
    this.wanted = 'stop';
    this.restartTimer?.cancel();
    this.restartTimer = null;
    const child = this.child;
    if (!child) {
      if (this.observed !== 'idle') this.setObserved('exited');
      return Promise.resolve();
    }
    const promise = new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    if (this.stopTimers.length === 0) {
      const stopMs = this.options.stopTimeoutMs ?? 5_000;
      this.options.logger.debug('stopping FFmpeg with q', { generation: this.generation });
      // the end of a fed input finishes FFmpeg as cleanly as 'q' (last segments, #EXT-X-ENDLIST)
      this.endFeed(child);
      child.writeStdin('q');
      this.stopTimers.push(
        this.options.clock.setTimer(() => {
          this.options.logger.warn('FFmpeg ignored q; sending SIGINT', { generation: this.generation });
          child.killGroup('SIGINT');
        }, stopMs),
      );
      this.stopTimers.push(
        this.options.clock.setTimer(() => {
          this.options.logger.warn('FFmpeg ignored SIGINT; sending SIGKILL', { generation: this.generation });
          child.killGroup('SIGKILL');
        }, stopMs * 2),
      );
    }
    return promise;
  }

  /**
   * Ends the running process and starts the next run at once with fresh argv (argsForRun is asked again): a new
   * plan, not a failure, so no backoff and no restart counted. 'discard' kills the group (what it had not
   * written is dropped); 'finish' quits with 'q' (it writes its last segments). Nothing runs: nothing to do.
   */
  replace(how: 'discard' | 'finish'): void {
    const child = this.child;
    if (this.wanted !== 'run' || !child || this.replacing) return;
    this.replacing = true;
    this.options.logger.info('replacing FFmpeg with a new plan', { generation: this.generation, how });
    if (how === 'discard') {
      child.killGroup('SIGKILL');
      return;
    }
    // armed first: the exit (which cancels it) may come before writeStdin returns
    this.stopTimers.push(
      this.options.clock.setTimer(() => child.killGroup('SIGKILL'), this.options.stopTimeoutMs ?? 5_000),
    );
    this.endFeed(child);
    child.writeStdin('q');
  }

  private spawn(): void {
    const generation = ++this.generation;
    const runIndex = this.runIndex++;
    const args = this.options.argsForRun(runIndex);
    this.stderr.clear();
    this.firstProgressAtMs = null;
    this.runStartedAtMs = this.options.clock.nowMs();
    const feed = this.options.feed;
    const child = this.options.spawner.spawn(this.options.bin, args, feed ? { feed: true } : {});
    this.child = child;
    if (feed && child.feedSink) this.detachFeed = feed.attach(child.feedSink);
    const parser = new ProgressParser();
    child.onStdout((chunk) => {
      if (generation !== this.generation) return;
      for (const sample of parser.push(chunk)) this.onProgress(sample, generation);
    });
    child.onStderr((chunk) => {
      if (generation !== this.generation) return;
      for (const line of this.stderr.push(chunk)) this.options.logger.debug('ffmpeg', { line, generation });
    });
    child.onError((error) => {
      if (generation !== this.generation) return;
      this.lastError = `FFmpeg could not be started (${(error as NodeJS.ErrnoException).code ?? error.message}): check the FFmpeg path in Settings`;
    });
    child.onExit((code, signal) => this.onExit(code, signal, generation));
    this.setObserved('starting');
    this.options.events?.spawned?.(child.pid, generation, runIndex);
    this.armWatchdog(this.options.startupTimeoutMs ?? 20_000, generation);
  }

  private onProgress(sample: ProgressSample, generation: number): void {
    if (this.firstProgressAtMs === null) this.firstProgressAtMs = this.options.clock.nowMs();
    if (this.wanted === 'run' && (this.observed === 'starting' || this.observed === 'stalled'))
      this.setObserved('running');
    this.armWatchdog(this.options.watchdogMs ?? 10_000, generation);
    this.options.events?.progress?.(sample, generation);
  }

  private armWatchdog(ms: number, generation: number): void {
    this.watchdog?.cancel();
    this.watchdog = this.options.clock.setTimer(() => {
      if (generation !== this.generation || !this.child || this.wanted !== 'run') return;
      this.lastError =
        this.firstProgressAtMs === null
          ? `FFmpeg made no progress within ${Math.round(ms / 1000)} s of starting (input not readable?); restarting it`
          : `FFmpeg stopped making progress for ${Math.round(ms / 1000)} s; restarting it`;
      this.options.logger.warn(this.lastError, { generation, stderr: this.stderr.lines().slice(-5) });
      this.setObserved('stalled');
      this.child.killGroup('SIGKILL');
    }, ms);
  }

  private onExit(code: number | null, signal: string | null, generation: number): void {
    if (generation !== this.generation) return;
    this.detachFeed?.();
    this.detachFeed = null;
    this.watchdog?.cancel();
    this.watchdog = null;
    for (const t of this.stopTimers) t.cancel();
    this.stopTimers = [];
    this.child = null;
    this.lastExit = { code, signal };
    this.options.events?.exited?.(code, signal, generation);
    const waiters = this.stopWaiters;
    this.stopWaiters = [];
    const replaced = this.replacing;
    this.replacing = false;
    if (replaced && this.wanted === 'run') {
      this.spawn();
      return;
    }
    if (this.wanted === 'stop') {
      this.setObserved('exited');
      for (const w of waiters) w();
      return;
    }
    if (code === 0 && this.observed !== 'stalled') {
      // the pulled input ended (publisher gone): nothing to restart against
      this.options.logger.info('FFmpeg finished: the input ended', { generation });
      this.wanted = 'stop';
      this.setObserved('exited');
      this.options.events?.inputEnded?.(generation);
      return;
    }
    const now = this.options.clock.nowMs();
    const stable =
      this.firstProgressAtMs !== null && now - this.firstProgressAtMs >= (this.options.stableRunMs ?? 30_000);
    this.consecutiveFailures = stable ? 1 : this.consecutiveFailures + 1;
    if (this.observed !== 'stalled') {
      const tail = this.stderr.lines().slice(-3).join(' | ');
      this.lastError = `FFmpeg exited with ${signal ? `signal ${signal}` : `code ${code}`} after ${Math.round((now - this.runStartedAtMs) / 1000)} s${tail ? `: ${tail}` : ''}`;
    }
    this.options.logger.warn('FFmpeg failed', { generation, code, signal, error: this.lastError });
    this.setObserved('failed');
    const max = this.options.maxConsecutiveFailures ?? Infinity;
    if (this.consecutiveFailures >= max) {
      this.wanted = 'stop';
      this.options.events?.gaveUp?.(this.lastError ?? 'FFmpeg keeps failing', generation);
      this.emitState();
      return;
    }
    const initial = this.options.backoffInitialMs ?? 1_000;
    const delayMs = Math.min(this.options.backoffMaxMs ?? 30_000, initial * 2 ** (this.consecutiveFailures - 1));
    this.restartTimer = this.options.clock.setTimer(() => {
      this.restartTimer = null;
      if (this.wanted !== 'run') return;
      this.restarts++;
      this.spawn();
    }, delayMs);
  }

  private endFeed(child: ChildHandle): void {
    this.detachFeed?.();
    this.detachFeed = null;
    if (child.feedSink && !child.feedSink.destroyed) child.feedSink.end();
  }

  private setObserved(observed: Observed): void {
    this.observed = observed;
    this.emitState();
  }

  private emitState(): void {
    this.options.events?.state?.(this.getState(), this.generation);
  }
}
