import { describe, expect, it } from 'vitest';
import { applyLifecycle, nextLifecycle, type LifecycleEvent } from '../../../main/station/lifecycle.js';
import type { StreamLifecycle } from '../../../shared/state.js';

describe('stream lifecycle transitions', () => {
  const cases: [StreamLifecycle | null, LifecycleEvent, StreamLifecycle | null][] = [
    [null, 'authenticating', 'authenticating'],
    [null, 'accepted', 'live'],
    [null, 'refused', 'refused'],
    [null, 'playable', null],
    ['authenticating', 'accepted', 'live'],
    ['authenticating', 'refused', 'refused'],
    ['authenticating', 'playable', null],
    ['live', 'playable', 'playable'],
    ['live', 'disconnected', 'reconnecting'],
    ['live', 'failed', 'failed'],
    ['live', 'accepted', null],
    ['playable', 'disconnected', 'reconnecting'],
    ['playable', 'refused', null],
    ['reconnecting', 'accepted', 'live'],
    ['reconnecting', 'ended', 'ended'],
    ['reconnecting', 'playable', null],
    ['ended', 'accepted', 'live'],
    ['ended', 'playable', null],
    ['ended', 'disconnected', null],
    ['refused', 'accepted', 'live'],
    ['refused', 'refused', 'refused'],
    ['failed', 'disconnected', 'ended'],
    ['failed', 'playable', null],
  ];
  it.each(cases)('%s --%s--> %s', (from, event, to) => {
    expect(nextLifecycle(from, event)).toBe(to);
  });

  it('keeps the time of the state it stays in, and stamps a real change', () => {
    const live = applyLifecycle(null, 'accepted', 1000);
    expect(live).toEqual({ state: 'live', sinceMs: 1000 });
    expect(applyLifecycle(live, 'playable', 3000)).toEqual({ state: 'playable', sinceMs: 3000 });
    expect(applyLifecycle(live, 'accepted', 5000)).toBe(live);
  });

  it('a repeated refusal restamps the time so the retention window restarts', () => {
    const refused = applyLifecycle(null, 'refused', 1000);
    expect(applyLifecycle(refused, 'refused', 9000)).toEqual({ state: 'refused', sinceMs: 9000 });
  });
});
