// Owns the life of one supervised child process, as datarhei/core's process package does: the wanted state
// (run|stop) kept apart from the observed one, which changes only through the transition table (transitions.ts);
// restarts and stops by policies that are data (restart-policy.ts); the watchdog; and the decision after each exit.
// Each run (run.ts: spawn, fd-3 feed, pid record, quit and escalation to SIGKILL of the group) reports back with
// its generation, so output or an exit of a replaced run cannot change state.
import type { TimerHandle } from '../core/clock.js';
import {
  DEFAULT_RESTART_POLICY,
  DEFAULT_STOP_POLICY,
  checkStopPolicy,
  decideRestart,
  replaceGraceMs,
  type RestartPolicy,
  type StopPolicy,
} from './restart-policy.js';
import { ProcessRun } from './run.js';
import type {
  ProcessEvents,
  ProcessSnapshot,
  ProcessSupervisorOptions,
  RunExit,
  Watchdog,
} from './supervisor-options.js';
import { assertTransition, type ProcessObserved, type ProcessWanted } from './transitions.js';

export type { ProcessEvents, ProcessSnapshot, ProcessSupervisorOptions, RunExit, Watchdog };

export class ProcessSupervisor {
  private wanted: ProcessWanted = 'stop';
  private observed: ProcessObserved = 'idle';
  private generation = 0;
  private runIndex = 0;
  private run: ProcessRun | null = null;
  /** the run now, or the last one once it is gone (its stderr tail is shown with the error) */
  private latest: ProcessRun | null = null;
  private restarts = 0;
  private consecutiveFailures = 0;
  private lastError: string | null = null;
  private lastExit: ProcessSnapshot['lastExit'] = null;
  private spawnError: string | null = null;
  private runStartedAtMs = 0;
  private runningSinceMs: number | null = null;
  private watchdogTimer: TimerHandle | null = null;
  private restartTimer: TimerHandle | null = null;
  /** the exited hook of the last run is still collecting its output */
  private settling: Promise<void> | null = null;
  private stopWaiters: Array<() => void> = [];
  private readonly restartPolicy: RestartPolicy;
  private readonly stopPolicy: StopPolicy;

  constructor(private readonly options: ProcessSupervisorOptions) {
    this.restartPolicy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
    this.stopPolicy = checkStopPolicy(options.stop ?? DEFAULT_STOP_POLICY);
  }

  getState(): ProcessSnapshot {
    return {
      wanted: this.wanted,
      observed: this.observed,
      generation: this.generation,
      pid: this.run?.pid ?? null,
      restarts: this.restarts,
      consecutiveFailures: this.consecutiveFailures,
      lastError: this.lastError,
      lastExit: this.lastExit,
      stderrTail: this.latest?.stderrTail() ?? [],
    };
  }

  /** wanted = run; spawns unless a run is up, a restart is pending, or the last exit is still being collected */
  start(): void {
    this.wanted = 'run';
    if (this.run || this.restartTimer || this.settling) return;
    this.spawn();
  }

  /** wanted = stop: a pending restart is cancelled, a run is asked to quit; resolves once no process is left */
  stop(): Promise<void> {
    this.wanted = 'stop';
    this.cancelRestart();
    const run = this.run;
    if (!run && !this.settling) {
      if (this.observed === 'failed') this.setObserved('exited');
      else this.emitState();
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    if (run && this.observed !== 'stopping') {
      this.options.logger.debug(`stopping ${this.options.name}`, { generation: this.generation });
      this.setObserved('stopping');
      run.quit(this.stopPolicy.quit, this.stopPolicy.escalation);
    }
    return done;
  }

  /**
   * Ends the running process and starts the next run as soon as it is gone, with fresh argv: a new plan, not a
   * failure, so no backoff and no restart counted. 'discard' kills the group (what it had not written is dropped);
   * 'finish' quits politely (it writes its last output), SIGKILL after the first escalation step's delay.
   */
  replace(how: 'discard' | 'finish'): void {
    const run = this.run;
    if (this.wanted !== 'run' || !run || this.observed === 'stopping') return;
    this.options.logger.info(`replacing ${this.options.name} with a new run`, { generation: this.generation, how });
    this.setObserved('stopping');
    if (how === 'discard') return run.kill('SIGKILL');
    run.quit(this.stopPolicy.quit, [{ afterMs: replaceGraceMs(this.stopPolicy), signal: 'SIGKILL' }]);
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
    if (generation !== this.generation || !this.run) return;
    if (this.observed === 'starting') this.markRunning();
    const watchdog = this.options.watchdog;
    if (watchdog && this.observed === 'running') this.armWatchdog(watchdog.staleMs, generation);
  }

  private spawn(): void {
    const generation = ++this.generation;
    const runIndex = this.runIndex++;
    const { name, spawnFailureHint: hint } = this.options;
    this.spawnError = null;
    this.runningSinceMs = null;
    this.runStartedAtMs = this.options.clock.nowMs();
    const current = (): boolean => generation === this.generation;
    this.run = new ProcessRun({
      name,
      bin: this.options.bin,
      args: this.options.argsForRun(runIndex),
      generation,
      ...(this.options.feed ? { feed: this.options.feed } : {}),
      spawner: this.options.spawner,
      clock: this.options.clock,
      logger: this.options.logger,
      ...(this.options.pids ? { pids: this.options.pids } : {}),
      pidLabel: this.options.pidLabel ?? name,
      stderrLines: this.options.stderrLines ?? 50,
      reports: {
        stdout: (chunk) => {
          if (current()) this.options.events?.stdout?.(chunk, generation);
        },
        error: (error) => {
          if (!current()) return;
          this.spawnError = `${name} could not be started (${error.code ?? error.message})${hint ? `: ${hint}` : ''}`;
          this.lastError = this.spawnError;
        },
        exit: (code, signal) => {
          if (current()) this.onExit(code, signal, generation, runIndex);
        },
      },
    });
    this.setObserved('starting');
    this.latest = this.run;
    this.options.events?.spawned?.(this.run.pid, generation, runIndex);
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
      const run = this.run;
      if (generation !== this.generation || !run || this.wanted !== 'run') return;
      if (this.observed !== 'starting' && this.observed !== 'running') return;
      const name = this.options.name;
      this.lastError =
        this.runningSinceMs === null
          ? `${name} made no progress within ${Math.round(ms / 1000)} s of starting (input not readable?); restarting it`
          : `${name} stopped making progress for ${Math.round(ms / 1000)} s; restarting it`;
      this.options.logger.warn(this.lastError, { generation, stderr: run.stderrTail().slice(-5) });
      this.setObserved('stalled');
      run.kill('SIGKILL');
    }, ms);
  }

  private onExit(code: number | null, signal: string | null, generation: number, runIndex: number): void {
    this.watchdogTimer?.cancel();
    this.watchdogTimer = null;
    this.run = null;
    this.lastExit = { code, signal };
    const exit: RunExit = {
      generation,
      runIndex,
      code,
      signal,
      spawnError: this.spawnError,
      stderrTail: this.latest?.stderrTail() ?? [],
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
