// Owns the life of one supervised child process, as datarhei/core's process package does: the wanted state
// (run|stop) kept apart from the observed one, which changes only through the transition table (transitions.ts);
// restarts and stops by policies that are data (restart-policy.ts); and, in this one place, the spawn, the fd-3
// feed, the pid record, the polite quit and the escalation to SIGKILL of the process group. Every callback carries
// the generation of its run, so output or an exit of a replaced run cannot change state.
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { MediaFeed } from '../media/flv-feed.js';
import { LineRing } from './line-ring.js';
import type { PidRecords } from './pid-registry.js';
import {
  DEFAULT_RESTART_POLICY,
  DEFAULT_STOP_POLICY,
  checkStopPolicy,
  decideRestart,
  replaceGraceMs,
  type RestartPolicy,
  type StopPolicy,
  type StopStep,
} from './restart-policy.js';
import type { ChildHandle, Spawner } from './spawner.js';
import { assertTransition, type ProcessObserved, type ProcessWanted } from './transitions.js';

export interface RunExit {
  generation: number;
  runIndex: number;
  code: number | null;
  signal: string | null;
  /** why the spawn itself failed (ENOENT, EACCES), else null */
  spawnError: string | null;
  /** the last lines the run wrote on stderr */
  stderrTail: string[];
}

export interface ProcessSnapshot {
  wanted: ProcessWanted;
  observed: ProcessObserved;
  generation: number;
  pid: number | null;
  /** restarts after a failure or stall (not the first start, not a replacement) */
  restarts: number;
  consecutiveFailures: number;
  lastError: string | null;
  lastExit: { code: number | null; signal: string | null } | null;
  stderrTail: string[];
}

export interface ProcessEvents {
  state?(snapshot: ProcessSnapshot, generation: number): void;
  spawned?(pid: number | null, generation: number, runIndex: number): void;
  stdout?(chunk: string, generation: number): void;
  /** the run is gone; a promise returned (collecting what it wrote) is awaited before a restart or a stop resolves */
  exited?(exit: RunExit): void | Promise<void>;
  /** the process ended by itself with code 0 while wanted, and the policy says that is the end (its input ended) */
  inputEnded?(generation: number): void;
  /** the restart policy gave up; wanted is stop */
  gaveUp?(reason: string, generation: number): void;
}

/** With a watchdog a run counts as running at its first alive(), and stalls (SIGKILL, restart) without one in time. */
export interface Watchdog {
  /** allowed before the first sign of life */
  startupMs: number;
  /** allowed between two signs of life */
  staleMs: number;
}

export interface ProcessSupervisorOptions {
  /** in messages and logs, e.g. 'FFmpeg' */
  name: string;
  bin: string;
  /** argv for run N (0 = first start) */
  argsForRun(runIndex: number): string[];
  /** written to each run's fd 3 (its argv reads pipe:3); ended on stop, detached when the run exits */
  feed?: MediaFeed;
  spawner: Spawner;
  clock: Clock;
  logger: Logger;
  restart?: Partial<RestartPolicy>;
  stop?: StopPolicy;
  /** without one a run is running as soon as it is spawned */
  watchdog?: Watchdog;
  /** each run's pid is recorded here while it runs, so a crashed station's leftovers are ended at the next start */
  pids?: PidRecords;
  pidLabel?: string;
  stderrLines?: number;
  /** what to fix when the binary cannot be started, e.g. 'check the FFmpeg path in Settings' */
  spawnFailureHint?: string;
  events?: ProcessEvents;
}

export class ProcessSupervisor {
  private wanted: ProcessWanted = 'stop';
  private observed: ProcessObserved = 'idle';
  private generation = 0;
  private runIndex = 0;
  private child: ChildHandle | null = null;
  private endFeedOfRun: (() => void) | null = null;
  private restarts = 0;
  private consecutiveFailures = 0;
  private lastError: string | null = null;
  private lastExit: ProcessSnapshot['lastExit'] = null;
  private spawnError: string | null = null;
  private runStartedAtMs = 0;
  private runningSinceMs: number | null = null;
  private watchdogTimer: TimerHandle | null = null;
  private restartTimer: TimerHandle | null = null;
  private stopTimers: TimerHandle[] = [];
  /** the exited hook of the last run is still collecting its output */
  private settling: Promise<void> | null = null;
  private stopWaiters: Array<() => void> = [];
  private readonly stderr: LineRing;
  private readonly restartPolicy: RestartPolicy;
  private readonly stopPolicy: StopPolicy;

  constructor(private readonly options: ProcessSupervisorOptions) {
    this.stderr = new LineRing(options.stderrLines ?? 50);
    this.restartPolicy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
    this.stopPolicy = checkStopPolicy(options.stop ?? DEFAULT_STOP_POLICY);
  }

  getState(): ProcessSnapshot {
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

  /** wanted = run; spawns unless a run is up, a restart is pending, or the last exit is still being collected */
  start(): void {
    this.wanted = 'run';
    if (this.child || this.restartTimer || this.settling) return;
    this.spawn();
  }

  /** wanted = stop: a pending restart is cancelled, a run is asked to quit; resolves once no process is left */
  stop(): Promise<void> {
    this.wanted = 'stop';
    this.cancelRestart();
    const child = this.child;
    if (!child && !this.settling) {
      if (this.observed === 'failed') this.setObserved('exited');
      else this.emitState();
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    if (child && this.observed !== 'stopping') {
      this.options.logger.debug(`stopping ${this.options.name}`, { generation: this.generation });
      this.quit(child, this.stopPolicy.escalation);
    }
    return done;
  }

  /**
   * Ends the running process and starts the next run as soon as it is gone, with fresh argv: a new plan, not a
   * failure, so no backoff and no restart counted. 'discard' kills the group (what it had not written is dropped);
   * 'finish' quits politely (it writes its last output), SIGKILL after the first escalation step's delay.
   */
  replace(how: 'discard' | 'finish'): void {
    const child = this.child;
    if (this.wanted !== 'run' || !child || this.observed === 'stopping') return;
    this.options.logger.info(`replacing ${this.options.name} with a new run`, { generation: this.generation, how });
    if (how === 'finish') return this.quit(child, [{ afterMs: replaceGraceMs(this.stopPolicy), signal: 'SIGKILL' }]);
    this.setObserved('stopping');
    child.killGroup('SIGKILL');
  }

  /** The cause of the failures is gone (e.g. the publisher is back): a pending restart happens now, backoff reset. */
  restartNow(): void {
    if (this.wanted !== 'run') return;
    this.consecutiveFailures = 0;
    if (!this.restartTimer) return;
    this.cancelRestart();
    this.restarts++;
    this.spawn();
  }

  /** A sign of life from run `generation` (FFmpeg: a progress block): it is running, and the watchdog starts over. */
  alive(generation: number): void {
    if (generation !== this.generation || !this.child) return;
    if (this.observed === 'starting') this.markRunning();
    const watchdog = this.options.watchdog;
    if (watchdog && this.observed === 'running') this.armWatchdog(watchdog.staleMs, generation);
  }

  private spawn(): void {
    const generation = ++this.generation;
    const runIndex = this.runIndex++;
    const args = this.options.argsForRun(runIndex);
    this.stderr.clear();
    this.spawnError = null;
    this.runningSinceMs = null;
    this.runStartedAtMs = this.options.clock.nowMs();
    const feed = this.options.feed;
    const child = this.options.spawner.spawn(this.options.bin, args, feed ? { feed: true } : {});
    this.child = child;
    this.attachFeed(child);
    // always read stdout: an unread pipe fills up and blocks the child
    child.onStdout((chunk) => {
      if (generation === this.generation) this.options.events?.stdout?.(chunk, generation);
    });
    child.onStderr((chunk) => {
      if (generation !== this.generation) return;
      const tag = this.options.name.toLowerCase();
      for (const line of this.stderr.push(chunk)) this.options.logger.debug(tag, { line, generation });
    });
    child.onError((error) => {
      if (generation !== this.generation) return;
      const hint = this.options.spawnFailureHint;
      this.spawnError = `${this.options.name} could not be started (${(error as NodeJS.ErrnoException).code ?? error.message})${hint ? `: ${hint}` : ''}`;
      this.lastError = this.spawnError;
    });
    child.onExit((code, signal) => this.onExit(code, signal, generation, runIndex));
    if (child.pid !== null) this.options.pids?.add(child.pid, this.options.pidLabel ?? this.options.name);
    this.setObserved('starting');
    this.options.events?.spawned?.(child.pid, generation, runIndex);
    const watchdog = this.options.watchdog;
    if (watchdog) this.armWatchdog(watchdog.startupMs, generation);
    else this.markRunning();
  }

  private markRunning(): void {
    this.runningSinceMs = this.options.clock.nowMs();
    this.setObserved('running');
  }

  private armWatchdog(ms: number, generation: number): void {
    this.watchdogTimer?.cancel();
    this.watchdogTimer = this.options.clock.setTimer(() => {
      this.watchdogTimer = null;
      const child = this.child;
      if (generation !== this.generation || !child || this.wanted !== 'run') return;
      if (this.observed !== 'starting' && this.observed !== 'running') return;
      const name = this.options.name;
      this.lastError =
        this.runningSinceMs === null
          ? `${name} made no progress within ${Math.round(ms / 1000)} s of starting (input not readable?); restarting it`
          : `${name} stopped making progress for ${Math.round(ms / 1000)} s; restarting it`;
      this.options.logger.warn(this.lastError, { generation, stderr: this.stderr.lines().slice(-5) });
      this.setObserved('stalled');
      child.killGroup('SIGKILL');
    }, ms);
  }

  /** The polite quit (the feed's end first: it finishes FFmpeg as cleanly as 'q'), then the escalation steps. */
  private quit(child: ChildHandle, steps: readonly StopStep[]): void {
    this.setObserved('stopping');
    this.endFeed();
    const generation = this.generation;
    // armed first: the exit (which cancels them) may come before the quit returns
    for (const step of steps)
      this.stopTimers.push(
        this.options.clock.setTimer(() => {
          this.options.logger.warn(
            `${this.options.name} still runs ${step.afterMs} ms after it was asked to quit; sending ${step.signal} to its process group`,
            { generation },
          );
          child.killGroup(step.signal);
        }, step.afterMs),
      );
    const quit = this.stopPolicy.quit;
    if ('stdin' in quit) child.writeStdin(quit.stdin);
    else child.killGroup(quit.signal);
  }

  private onExit(code: number | null, signal: string | null, generation: number, runIndex: number): void {
    if (generation !== this.generation) return;
    this.endFeed();
    this.watchdogTimer?.cancel();
    this.watchdogTimer = null;
    for (const t of this.stopTimers) t.cancel();
    this.stopTimers = [];
    const pid = this.child?.pid ?? null;
    this.child = null;
    if (pid !== null) this.options.pids?.remove(pid);
    this.lastExit = { code, signal };
    const exit: RunExit = {
      generation,
      runIndex,
      code,
      signal,
      spawnError: this.spawnError,
      stderrTail: this.stderr.lines(),
    };
    const collecting = this.options.events?.exited?.(exit);
    if (!collecting) return this.afterExit(exit);
    this.settling = collecting
      .catch((e: unknown) =>
        this.options.logger.warn(`collecting the output of an ended ${this.options.name} failed`, {
          error: e instanceof Error ? e.message : String(e),
        }),
      )
      .then(() => {
        this.settling = null;
        this.afterExit(exit);
      });
  }

  /** The decision after an exit: the next run of a replacement, a stop, the input's end, or a failure. */
  private afterExit(exit: RunExit): void {
    const waiters = this.stopWaiters;
    this.stopWaiters = [];
    if (this.wanted === 'run' && this.observed === 'stopping') return this.spawn();
    if (this.wanted === 'stop') {
      this.setObserved('exited');
      for (const w of waiters) w();
      return;
    }
    const name = this.options.name;
    if (exit.code === 0 && this.observed !== 'stalled' && this.restartPolicy.cleanExit === 'end') {
      this.options.logger.info(`${name} finished: the input ended`, { generation: exit.generation });
      this.wanted = 'stop';
      this.setObserved('exited');
      this.options.events?.inputEnded?.(exit.generation);
      return;
    }
    const nowMs = this.options.clock.nowMs();
    const ranStably = this.runningSinceMs !== null && nowMs - this.runningSinceMs >= this.restartPolicy.stableRunMs;
    const decision = decideRestart(this.restartPolicy, this.consecutiveFailures, ranStably);
    this.consecutiveFailures = decision.consecutiveFailures;
    if (exit.spawnError) this.lastError = exit.spawnError;
    else if (this.observed !== 'stalled') {
      const tail = exit.stderrTail.slice(-3).join(' | ');
      const ranSeconds = Math.round((nowMs - this.runStartedAtMs) / 1000);
      this.lastError = `${name} exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`} after ${ranSeconds} s${tail ? `: ${tail}` : ''}`;
    }
    this.options.logger.warn(`${name} failed`, {
      generation: exit.generation,
      code: exit.code,
      signal: exit.signal,
      error: this.lastError,
    });
    this.setObserved('failed');
    if (decision.action === 'give-up') {
      this.wanted = 'stop';
      this.options.events?.gaveUp?.(this.lastError ?? `${name} keeps failing`, exit.generation);
      this.emitState();
      return;
    }
    this.restartTimer = this.options.clock.setTimer(() => {
      this.restartTimer = null;
      if (this.wanted !== 'run') return;
      this.restarts++;
      this.spawn();
    }, decision.delayMs);
  }

  private attachFeed(child: ChildHandle): void {
    const feed = this.options.feed;
    const sink = child.feedSink;
    if (!feed || !sink) return;
    const detach = feed.attach(sink);
    this.endFeedOfRun = () => {
      detach();
      if (!sink.destroyed) sink.end();
    };
  }

  private endFeed(): void {
    this.endFeedOfRun?.();
    this.endFeedOfRun = null;
  }

  private cancelRestart(): void {
    this.restartTimer?.cancel();
    this.restartTimer = null;
  }

  private setObserved(to: ProcessObserved): void {
    assertTransition(this.observed, to, `${this.options.name} ${this.options.pidLabel ?? ''}`.trim());
    this.observed = to;
    this.emitState();
  }

  private emitState(): void {
    this.options.events?.state?.(this.getState(), this.generation);
  }
}
