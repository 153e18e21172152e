// Restart and stop policies as data (main/process/restart-policy.ts): capped exponential backoff reset by a
// stable run, giving up, and stop policies that could leave a process behind refused.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RESTART_POLICY,
  checkStopPolicy,
  decideRestart,
  replaceGraceMs,
  type RestartPolicy,
} from '../../../main/process/restart-policy.js';

const policy: RestartPolicy = { ...DEFAULT_RESTART_POLICY, initialDelayMs: 1_000, maxDelayMs: 8_000 };

describe('decideRestart', () => {
  it('doubles the delay for each failure in a row, capped', () => {
    const delays: number[] = [];
    let failures = 0;
    for (let i = 0; i < 6; i++) {
      const d = decideRestart(policy, failures, false);
      if (d.action !== 'restart') throw new Error('gave up');
      delays.push(d.delayMs);
      failures = d.consecutiveFailures;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(failures).toBe(6);
  });

  it('a run that ran stably starts the backoff over', () => {
    expect(decideRestart(policy, 5, true)).toEqual({ action: 'restart', delayMs: 1000, consecutiveFailures: 1 });
  });

  it('gives up at maxConsecutiveFailures, never by default', () => {
    const two = { ...policy, maxConsecutiveFailures: 2 };
    expect(decideRestart(two, 0, false).action).toBe('restart');
    expect(decideRestart(two, 1, false)).toEqual({ action: 'give-up', consecutiveFailures: 2 });
    expect(decideRestart(policy, 1_000, false).action).toBe('restart');
  });
});

describe('stop policies', () => {
  it('refuses an escalation that does not end with SIGKILL, or whose steps go back in time', () => {
    expect(() => checkStopPolicy({ quit: { stdin: 'q' }, escalation: [] })).toThrow(
      /must end its escalation with SIGKILL/,
    );
    expect(() =>
      checkStopPolicy({ quit: { signal: 'SIGTERM' }, escalation: [{ afterMs: 5000, signal: 'SIGINT' }] }),
    ).toThrow(/must end its escalation with SIGKILL/);
    expect(() =>
      checkStopPolicy({
        quit: { stdin: 'q' },
        escalation: [
          { afterMs: 5000, signal: 'SIGINT' },
          { afterMs: 1000, signal: 'SIGKILL' },
        ],
      }),
    ).toThrow(/in time order: SIGKILL at 1000 ms/);
  });

  it('a replacement waits the first step, then kills', () => {
    const p = checkStopPolicy({
      quit: { stdin: 'q' },
      escalation: [
        { afterMs: 5000, signal: 'SIGINT' },
        { afterMs: 10_000, signal: 'SIGKILL' },
      ],
    });
    expect(replaceGraceMs(p)).toBe(5000);
  });
});
