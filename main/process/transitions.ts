// Owns the observed states of a supervised process and the moves between them, as data: the supervisor changes
// state only through assertTransition, so a move the table does not list is a bug that names itself.

/**
 * idle: never started. starting: spawned, not yet shown to work. running: working (first sign of life, or at once
 * when the process gives none). stalled: no sign of life in time; its group is being killed. stopping: asked to
 * quit (stop, pause or replacement), escalating to SIGKILL. exited: gone and not to be restarted. failed: gone
 * unexpectedly; a restart is pending, or the restart policy gave up.
 */
export type ProcessObserved = 'idle' | 'starting' | 'running' | 'stalled' | 'stopping' | 'exited' | 'failed';

export type ProcessWanted = 'run' | 'stop';

export const PROCESS_TRANSITIONS: Readonly<Record<ProcessObserved, readonly ProcessObserved[]>> = {
  idle: ['starting'],
  // exited: a clean exit that means the input ended; failed: any other exit while wanted
  starting: ['running', 'stalled', 'stopping', 'exited', 'failed'],
  running: ['stalled', 'stopping', 'exited', 'failed'],
  // a stalled run is being killed: it ends as a failure, or as exited when a stop came meanwhile
  stalled: ['stopping', 'exited', 'failed'],
  // starting: the process quit for a replacement (wanted is still run); exited: it quit for a stop
  stopping: ['starting', 'exited'],
  // starting: the restart after the backoff; exited: a stop cancelled the pending restart
  failed: ['starting', 'exited'],
  exited: ['starting'],
};

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: ProcessObserved,
    readonly to: ProcessObserved,
    readonly label: string,
  ) {
    super(
      `${label}: illegal state change ${from} -> ${to}; from ${from} only ${PROCESS_TRANSITIONS[from].join(', ')} may follow (main/process/transitions.ts)`,
    );
    this.name = 'IllegalTransitionError';
  }
}

export function isLegalTransition(from: ProcessObserved, to: ProcessObserved): boolean {
  return PROCESS_TRANSITIONS[from].includes(to);
}

/** throws IllegalTransitionError (naming from, to and the process) unless the table lists the move */
export function assertTransition(from: ProcessObserved, to: ProcessObserved, label = 'process'): void {
  if (!isLegalTransition(from, to)) throw new IllegalTransitionError(from, to, label);
}
