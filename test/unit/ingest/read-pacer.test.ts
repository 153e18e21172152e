// How often an accepted publisher is read: not at all paced during the start phase, then pauses sized from the
// measured rate so a batch stays within batchBytes (half the smallest receive window), capped, on a shared grid.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BATCH_BYTES, ReadPacer } from '../../../main/ingest/read-pacer.js';
import { delayToGridMs } from '../../../main/station/clock.js';

const T0 = 1_700_000_000_000;

/** `kbps` of publisher bytes, read in 10 ms pieces, from T0 for `seconds` */
function feedRate(pacer: ReadPacer, kbps: number, seconds: number, from = T0): number {
  const bytesPer10Ms = (kbps * 1000) / 8 / 100;
  let t = from;
  for (; t < from + seconds * 1000; t += 10) pacer.onRead(bytesPer10Ms, t);
  return t;
}

describe('delayToGridMs', () => {
  it('is the time to the next multiple of the period at least half a period away', () => {
    expect(delayToGridMs(1_000_250, 1000)).toBe(750);
    expect(delayToGridMs(1_001_000, 1000)).toBe(1000);
    // a timer that fired a millisecond before its grid point must not fire again a millisecond later
    expect(delayToGridMs(1_000_079, 80)).toBe(81);
    expect(delayToGridMs(1_000_700, 1000)).toBe(1300);
    expect(delayToGridMs(5, 0)).toBe(0);
  });
});

describe('ReadPacer', () => {
  it('does not pause during the start phase, nor before a rate is known', () => {
    const pacer = new ReadPacer({ maxPauseMs: 200, startAfterMs: 10_000 }, T0);
    const t = feedRate(pacer, 3000, 9.9);
    expect(pacer.pauseMs(t)).toBe(0);
    const fresh = new ReadPacer({ maxPauseMs: 200, startAfterMs: 0 }, T0);
    expect(fresh.pauseMs(T0 + 100)).toBe(0);
  });

  it('picks the longest grid step that gathers at most batchBytes at the measured rate', () => {
    const cases: Array<[number, number]> = [
      [150, 200], // a low-rate stream: the cap
      [1000, 200],
      [3000, 80], // 32 KiB at 375 kB/s = 87 ms
      [6000, 40],
      [20000, 10],
      [40000, 0], // faster than a 10 ms step can gather in 32 KiB: read every arrival
    ];
    for (const [kbps, step] of cases) {
      const pacer = new ReadPacer({ maxPauseMs: 200, startAfterMs: 0 }, T0);
      const t = feedRate(pacer, kbps, 3);
      expect(pacer.stepMs(t), `${kbps} kbps`).toBe(step);
      if (step > 0) expect((kbps * 1000) / 8 / 1000 * step).toBeLessThanOrEqual(DEFAULT_BATCH_BYTES);
    }
  });

  it('ends each pause on the grid of its step, so streams and the per-second work share wakeups', () => {
    const pacer = new ReadPacer({ maxPauseMs: 200, startAfterMs: 0 }, T0);
    const t = feedRate(pacer, 3000, 3) + 7;
    expect(pacer.stepMs(t)).toBe(80);
    expect((t + pacer.pauseMs(t)) % 80).toBe(0);
    expect(pacer.pauseMs(t)).toBeGreaterThanOrEqual(40);
    expect(pacer.pauseMs(t)).toBeLessThan(120);
  });

  it('shortens pauses as soon as the rate goes up, before a full window was measured', () => {
    const pacer = new ReadPacer({ maxPauseMs: 200, startAfterMs: 0 }, T0);
    let t = feedRate(pacer, 1000, 3);
    expect(pacer.stepMs(t)).toBe(200);
    t = feedRate(pacer, 8000, 0.6, t);
    // 8 Mbps = 1000 bytes/ms: a pause may gather at most 32 KiB
    expect(pacer.stepMs(t)).toBeGreaterThan(0);
    expect(pacer.stepMs(t) * 1000).toBeLessThanOrEqual(DEFAULT_BATCH_BYTES);
  });

  it('maxPauseMs 0 turns pacing off', () => {
    const pacer = new ReadPacer({ maxPauseMs: 0, startAfterMs: 0 }, T0);
    const t = feedRate(pacer, 500, 3);
    expect(pacer.pauseMs(t)).toBe(0);
  });
});
