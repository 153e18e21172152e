// Owns what supervising a transcoding FFmpeg adds to the station's one process supervisor (main/process/
// supervisor.ts, ARCHITECTURE.md style rule 3): its -progress output parsed into samples that are the run's signs of
// life (the watchdog restarts a run without them), the FFmpeg timings and restart policy, and the state the window
// shows (wanted vs observed; a run being stopped shows what it was until it is gone).
import { ProgressParser, type ProgressSample } from './progress.js';
import { ProcessSupervisor, type ProcessSnapshot, type ProcessSupervisorOptions } from '../process/supervisor.js';
import type { ProcessWanted } from '../process/transitions.js';

export type Wanted = ProcessWanted;
export type Observed = 'idle' | 'starting' | 'running' | 'stalled' | 'exited' | 'failed';

/** the supervisor's snapshot, with the observed values the window shows */
export interface SupervisorState extends Omit<ProcessSnapshot, 'observed'> {
  observed: Observed;
}

export interface SupervisorEvents {
  state?(state: SupervisorState, generation: number): void;
  progress?(sample: ProgressSample, generation: number): void;
  /** a process started */
  spawned?(pid: number | null, generation: number, runIndex: number): void;
  /** a process is gone (any reason) */
  exited?(code: number | null, signal: string | null, generation: number): void;
  /** FFmpeg ended by itself with code 0 while wanted: the input ended (publisher left) */
  inputEnded?(generation: number): void;
  /** gave up after maxConsecutiveFailures */
  gaveUp?(reason: string, generation: number): void;
}

/** what the process supervisor is given as is (argv per run: later runs continue the playlists), plus FFmpeg's timings */
export interface SupervisorOptions extends Pick<
  ProcessSupervisorOptions,
  'bin' | 'argsForRun' | 'feed' | 'spawner' | 'clock' | 'logger' | 'pids' | 'pidLabel' | 'stderrLines'
> {
  events?: SupervisorEvents;
  /** no progress block for this long while running -> stalled -> restart; default 10 s */
  watchdogMs?: number;
  /** time allowed before the first progress block (input connect, probe); default 20 s */
  startupTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** a run that made progress this long resets the backoff; default 30 s */
  stableRunMs?: number;
  /** after 'q': SIGINT to the group after this long, then SIGKILL after as long again; default 5 s */
  stopTimeoutMs?: number;
  maxConsecutiveFailures?: number;
}

export class FfmpegSupervisor {
  private readonly process: ProcessSupervisor;
  /** what the window shows while a run is being stopped: the state it was in (stopping is no state of its own there) */
  private shown: Observed = 'idle';

  constructor(options: SupervisorOptions) {
    const events = options.events;
    const stopMs = options.stopTimeoutMs ?? 5_000;
    let parser = new ProgressParser();
    this.process = new ProcessSupervisor({
      name: 'FFmpeg',
      bin: options.bin,
      argsForRun: options.argsForRun,
      ...(options.feed ? { feed: options.feed } : {}),
      spawner: options.spawner,
      clock: options.clock,
      logger: options.logger,
      restart: {
        initialDelayMs: options.backoffInitialMs ?? 1_000,
        maxDelayMs: options.backoffMaxMs ?? 30_000,
        stableRunMs: options.stableRunMs ?? 30_000,
        maxConsecutiveFailures: options.maxConsecutiveFailures ?? Infinity,
        cleanExit: 'end',
      },
      stop: {
        quit: { stdin: 'q' },
        escalation: [
          { afterMs: stopMs, signal: 'SIGINT' },
          { afterMs: stopMs * 2, signal: 'SIGKILL' },
        ],
      },
      watchdog: { startupMs: options.startupTimeoutMs ?? 20_000, staleMs: options.watchdogMs ?? 10_000 },
      ...(options.pids ? { pids: options.pids } : {}),
      ...(options.pidLabel ? { pidLabel: options.pidLabel } : {}),
      stderrLines: options.stderrLines ?? 50,
      spawnFailureHint: 'check the FFmpeg path in Settings',
      events: {
        state: (snapshot, generation) => {
          if (snapshot.observed !== 'stopping') this.shown = snapshot.observed;
          events?.state?.(this.publicState(snapshot), generation);
        },
        spawned: (pid, generation, runIndex) => {
          parser = new ProgressParser();
          events?.spawned?.(pid, generation, runIndex);
        },
        stdout: (chunk, generation) => {
          for (const sample of parser.push(chunk)) {
            this.process.alive(generation);
            events?.progress?.(sample, generation);
          }
        },
        exited: (exit) => events?.exited?.(exit.code, exit.signal, exit.generation),
        ...(events?.inputEnded ? { inputEnded: events.inputEnded } : {}),
        ...(events?.gaveUp ? { gaveUp: events.gaveUp } : {}),
      },
    });
  }

  getState(): SupervisorState {
    return this.publicState(this.process.getState());
  }

  /** wanted = run; spawns unless a process is already up or a restart is pending */
  start(): void {
    this.process.start();
  }

  /** wanted = stop; ends the input and sends 'q' (then SIGINT, SIGKILL of the group); resolves once no process is left */
  stop(): Promise<void> {
    return this.process.stop();
  }

  /**
   * Ends the running process and starts the next run at once with fresh argv (argsForRun is asked again): a new
   * plan, not a failure, so no backoff and no restart counted. 'discard' kills the group (what it had not
   * written is dropped); 'finish' quits with 'q' (it writes its last segments). Nothing runs: nothing to do.
   */
  replace(how: 'discard' | 'finish'): void {
    this.process.replace(how);
  }

  private publicState(snapshot: ProcessSnapshot): SupervisorState {
    return { ...snapshot, observed: snapshot.observed === 'stopping' ? this.shown : snapshot.observed };
  }
}
