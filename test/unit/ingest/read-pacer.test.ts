// How often an accepted publisher is read: not at all paced during the start phase, then pauses sized from the
// measured rate so a batch stays within batchBytes (half the smallest receive window), capped, on a shared grid.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BATCH_BYTES,
  DEFAULT_MAX_BATCH_BYTES,
  PROBE_EVERY_MS,
  ReadPacer,
} from '../../../main/ingest/read-pacer.js';
import { delayToGridMs } from '../../../main/core/clock.js';

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
      if (step > 0) expect(((kbps * 1000) / 8 / 1000) * step).toBeLessThanOrEqual(DEFAULT_BATCH_BYTES);
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

  it('lets a batch gather half the largest single read, the window the connection has shown, up to the cap', () => {
    const pacer = new ReadPacer({ maxPauseMs: 200, startAfterMs: 0 }, T0);
    let t = feedRate(pacer, 3000, 3);
    expect(pacer.batchBytes()).toBe(DEFAULT_BATCH_BYTES);
    pacer.onRead(50 * 1024, t);
    // 50 KiB shows no more than the 64 KiB the budget already assumes
    expect(pacer.batchBytes()).toBe(DEFAULT_BATCH_BYTES);
    pacer.onRead(100 * 1024, (t += 10));
    expect(pacer.batchBytes()).toBe(50 * 1024);
    // once the rate is measured without that burst again: 50 KiB at 375 kB/s = 136 ms
    t = feedRate(pacer, 3000, 2.1, t);
    expect(pacer.stepMs(t)).toBe(125);
    pacer.onRead(1024 * 1024, (t += 10));
    expect(pacer.batchBytes()).toBe(DEFAULT_MAX_BATCH_BYTES);
    expect(pacer.stepMs(t)).toBe(200);
  });

  it('probes a larger window now and then: one pause gathers twice a 1.5x budget; a read that proves it grows the budget', () => {
    const pacer = new ReadPacer({ maxPauseMs: 200, startAfterMs: 0 }, T0);
    let t = feedRate(pacer, 3000, 3);
    // not yet due, and never without a read that returns everything queued
    expect(pacer.pauseMs(t, true)).toBeLessThan(120);
    t = feedRate(pacer, 3000, PROBE_EVERY_MS / 1000, t);
    expect(pacer.pauseMs(t, false)).toBeLessThan(120);
    const probe = pacer.pauseMs(t, true);
    // 2 x 48 KiB at 375 kB/s
    expect(probe).toBe(Math.ceil((2 * 48 * 1024) / 375));
    // only one probe at a time
    expect(pacer.pauseMs(t, true)).toBeLessThan(120);
    t += probe;
    pacer.onRead(Math.round(375 * probe), t);
    expect(pacer.batchBytes()).toBeGreaterThan(DEFAULT_BATCH_BYTES);
    expect(pacer.stepMs(t)).toBe(125);
    // the next ones follow every PROBE_EVERY_MS, each asking 1.5x more, never longer than two pause caps,
    // until the pause cap rather than the window limits the pause; then there are no more
    const probes: number[] = [];
    while (pacer.stepMs(t) < 200) {
      t = feedRate(pacer, 3000, PROBE_EVERY_MS / 1000, t);
      const pause = pacer.pauseMs(t, true);
      probes.push(pause);
      t += pause;
      pacer.onRead(Math.round(375 * pause), t);
      expect(probes.length).toBeLessThan(4);
    }
    expect(probes[0]).toBeGreaterThan(probe);
    expect(Math.max(...probes)).toBeLessThanOrEqual(400);
    t = feedRate(pacer, 3000, PROBE_EVERY_MS / 1000, t);
    expect(pacer.pauseMs(t, true)).toBeLessThanOrEqual(300);
  });

  it('keeps the budget when a probe is cut short by a small window, and waits twice as long before the next', () => {
    const pacer = new ReadPacer({ maxPauseMs: 200, startAfterMs: 0 }, T0);
    let t = feedRate(pacer, 3000, 3 + PROBE_EVERY_MS / 1000);
    const probe = pacer.pauseMs(t, true);
    expect(probe).toBeGreaterThan(200);
    t += probe;
    // a 52 KiB window: the encoder waited, the read shows 52 KiB
    pacer.onRead(52 * 1024, t);
    expect(pacer.batchBytes()).toBe(DEFAULT_BATCH_BYTES);
    const nextAfter = (from: number): number => {
      let at = from;
      while (pacer.pauseMs(at, true) < 200) at = feedRate(pacer, 3000, 0.5, at);
      return at - from;
    };
    const first = nextAfter(t);
    expect(first).toBeGreaterThanOrEqual(2 * PROBE_EVERY_MS);
    expect(first).toBeLessThan(2 * PROBE_EVERY_MS + 1000);
    pacer.onRead(52 * 1024, (t += first + 250));
    const second = nextAfter(t);
    expect(second).toBeGreaterThanOrEqual(4 * PROBE_EVERY_MS);
    expect(second).toBeLessThan(4 * PROBE_EVERY_MS + 1000);
  });

  it('does not probe when the pause cap, not the window, limits the pause', () => {
    const pacer = new ReadPacer({ maxPauseMs: 200, startAfterMs: 0 }, T0);
    const t = feedRate(pacer, 1000, 3 + PROBE_EVERY_MS / 1000);
    expect(pacer.stepMs(t)).toBe(200);
    expect(pacer.pauseMs(t, true)).toBeLessThanOrEqual(300);
  });

  it('maxPauseMs 0 turns pacing off', () => {
    const pacer = new ReadPacer({ maxPauseMs: 0, startAfterMs: 0 }, T0);
    const t = feedRate(pacer, 500, 3);
    expect(pacer.pauseMs(t)).toBe(0);
  });
});
