// The supervisor's transition table (main/process/transitions.ts): every listed move is legal, every other move is
// an error that names from and to, and the moves the supervisor makes in its scenarios are all in the table.
import { describe, expect, it } from 'vitest';
import {
  IllegalTransitionError,
  PROCESS_TRANSITIONS,
  assertTransition,
  isLegalTransition,
  type ProcessObserved,
} from '../../../main/process/transitions.js';

const STATES = Object.keys(PROCESS_TRANSITIONS) as ProcessObserved[];

describe('process transition table', () => {
  it('has the seven observed states, stopping among them', () => {
    expect(STATES.sort()).toEqual(['exited', 'failed', 'idle', 'running', 'stalled', 'starting', 'stopping']);
  });

  it.each(STATES.flatMap((from) => PROCESS_TRANSITIONS[from].map((to) => [from, to] as const)))(
    'allows %s -> %s',
    (from, to) => {
      expect(() => assertTransition(from, to)).not.toThrow();
      expect(isLegalTransition(from, to)).toBe(true);
    },
  );

  it.each(
    STATES.flatMap((from) =>
      STATES.filter((to) => !PROCESS_TRANSITIONS[from].includes(to)).map((to) => [from, to] as const),
    ),
  )('refuses %s -> %s with an error naming both', (from, to) => {
    let error: unknown;
    try {
      assertTransition(from, to, 'FFmpeg recording 0_abc');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ from, to });
    expect((error as Error).message).toContain(`FFmpeg recording 0_abc: illegal state change ${from} -> ${to}`);
  });

  it('pins the rules the supervisor relies on', () => {
    // no state moves to itself: every setObserved is a change
    for (const s of STATES) expect(isLegalTransition(s, s)).toBe(false);
    // nothing goes back to idle; a run that was asked to quit never counts as a failure
    for (const s of STATES) expect(isLegalTransition(s, 'idle')).toBe(false);
    expect(isLegalTransition('stopping', 'failed')).toBe(false);
    // a stalled run is killed: a late progress block does not make it running again
    expect(isLegalTransition('stalled', 'running')).toBe(false);
    // every state with a process can be stopped
    for (const s of ['starting', 'running', 'stalled'] as const) expect(isLegalTransition(s, 'stopping')).toBe(true);
  });
});
