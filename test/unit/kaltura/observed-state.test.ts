// ObservedState, the state the Kaltura keepers publish: listeners hear only real changes, get copies, and one
// that throws neither breaks the change nor the other listeners.
import { describe, expect, it } from 'vitest';
import { ObservedState } from '../../../main/kaltura/observed-state.js';

describe('ObservedState', () => {
  it('tells listeners of a real change only, with a copy', () => {
    const state = new ObservedState({ status: 'none', code: null as string | null });
    const heard: Array<{ status: string; code: string | null }> = [];
    const off = state.onChange((v) => heard.push(v));
    state.set({ status: 'none' });
    state.set({ status: 'registered' });
    heard[0]!.status = 'mutated by a listener';
    expect(state.get()).toEqual({ status: 'registered', code: null });
    expect(heard).toHaveLength(1);
    off();
    state.set({ code: 'X' });
    expect(heard).toHaveLength(1);
    expect(state.value.code).toBe('X');
  });

  it('a listener that throws does not stop the change or the other listeners', () => {
    const state = new ObservedState({ n: 0 });
    const seen: number[] = [];
    state.onChange(() => {
      throw new Error('listener bug');
    });
    state.onChange((v) => seen.push(v.n));
    state.set({ n: 1 });
    expect(seen).toEqual([1]);
    expect(state.get().n).toBe(1);
  });
});
