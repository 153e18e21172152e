// Owns what a user hands the process supervisor (supervisor.ts) and what it gets back: the options (binary, argv
// per run, feed, policies, watchdog, pid records), the events, the state snapshot and what an ended run reports.
import type { Clock } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { MediaFeed } from '../media/flv-feed.js';
import type { PidRecords } from './pid-registry.js';
import type { RestartPolicy, StopPolicy } from './restart-policy.js';
import type { Spawner } from './spawner.js';
import type { ProcessObserved, ProcessWanted } from './transitions.js';

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
