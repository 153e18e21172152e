// Owns what a supervisor does when its process ends or must end, as data: when and how soon to restart (capped
// exponential backoff, reset after a stable run, give-up, a clean exit that means the input ended) and how to
// stop (a polite quit, then signals to the process group, the last one SIGKILL so nothing outlives the station).

export interface RestartPolicy {
  /** delay before the first restart after a stable run; doubled for each further failure in a row */
  initialDelayMs: number;
  maxDelayMs: number;
  /** a run that was running this long resets the backoff */
  stableRunMs: number;
  /** failures in a row after which it gives up (wanted becomes stop); Infinity = never */
  maxConsecutiveFailures: number;
  /**
   * an exit with code 0 while wanted: 'end' = the process finished its job (FFmpeg: the input ended, the publisher
   * left) and is not restarted; 'restart' = it is restarted like any other exit (a recorder waits for its input)
   */
  cleanExit: 'end' | 'restart';
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  stableRunMs: 30_000,
  maxConsecutiveFailures: Infinity,
  cleanExit: 'end',
};

export type RestartDecision =
  | { action: 'restart'; delayMs: number; consecutiveFailures: number }
  | { action: 'give-up'; consecutiveFailures: number };

/** After a failure: restart after a backoff, or give up. `ranStably`: the failed run had been running stableRunMs. */
export function decideRestart(policy: RestartPolicy, failuresBefore: number, ranStably: boolean): RestartDecision {
  const consecutiveFailures = ranStably ? 1 : failuresBefore + 1;
  if (consecutiveFailures >= policy.maxConsecutiveFailures) return { action: 'give-up', consecutiveFailures };
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (consecutiveFailures - 1));
  return { action: 'restart', delayMs, consecutiveFailures };
}

export interface StopStep {
  /** from the polite quit */
  afterMs: number;
  signal: NodeJS.Signals;
}

export interface StopPolicy {
  /** the polite quit: text on stdin (FFmpeg's 'q' writes its last segments and playlists) or a signal to the group */
  quit: { stdin: string } | { signal: NodeJS.Signals };
  /** signals to the process group while it is still there; the last is SIGKILL */
  escalation: readonly StopStep[];
}

export const DEFAULT_STOP_POLICY: StopPolicy = {
  quit: { stdin: 'q' },
  escalation: [{ afterMs: 5_000, signal: 'SIGKILL' }],
};

/** Refuses a stop policy that could leave a process behind, naming the fix. */
export function checkStopPolicy(policy: StopPolicy): StopPolicy {
  const last = policy.escalation[policy.escalation.length - 1];
  if (!last || last.signal !== 'SIGKILL')
    throw new Error('a stop policy must end its escalation with SIGKILL, e.g. [{ afterMs: 5000, signal: "SIGKILL" }]');
  for (let i = 0; i < policy.escalation.length; i++) {
    const step = policy.escalation[i] as StopStep;
    const before = i === 0 ? 0 : (policy.escalation[i - 1] as StopStep).afterMs;
    if (!(step.afterMs >= before))
      throw new Error(`stop escalation steps must come in time order: ${step.signal} at ${step.afterMs} ms`);
  }
  return policy;
}

/** The grace a replacement gives the old run after its quit before SIGKILL: the first step's delay. */
export function replaceGraceMs(policy: StopPolicy): number {
  return (policy.escalation[0] as StopStep).afterMs;
}
