// Fault settings: validated, errorRate decided by the injected random source, reset clears everything.
import { describe, expect, it } from 'vitest';
import { Faults } from '../../../main/sandbox/faults.js';

describe('Faults', () => {
  it('fails the fraction of calls given by errorRate, using the injected random source', () => {
    const rolls = [0.5, 0.29, 0.3];
    const faults = new Faults(() => rolls.shift() ?? 1);
    // with no error rate no roll is even taken
    expect(faults.shouldFail()).toBe(false);
    faults.set({ errorRate: 0.3 });
    expect([faults.shouldFail(), faults.shouldFail(), faults.shouldFail()]).toEqual([false, true, false]);
  });

  it('validates settings with messages that name the field, and reset restores no faults', () => {
    const faults = new Faults();
    expect(() => faults.set({ latencyMs: -1 })).toThrow(/latencyMs must be a number >= 0/);
    expect(() => faults.set({ errorRate: 1.5 })).toThrow(/errorRate must be between 0 and 1/);
    expect(() => faults.set({ ksLifetimeSeconds: Number.NaN })).toThrow(
      /ksLifetimeSeconds must be null or a number >= 0/,
    );
    faults.set({ down: true, latencyMs: 50, ksLifetimeSeconds: 10 });
    expect(faults.current).toEqual({ down: true, latencyMs: 50, errorRate: 0, ksLifetimeSeconds: 10 });
    faults.reset();
    expect(faults.current).toEqual({ down: false, latencyMs: 0, errorRate: 0, ksLifetimeSeconds: null });
  });
});
