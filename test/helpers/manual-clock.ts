// A clock that only moves when told to (the station's Clock, main/core/clock.ts): for tests of timers, backoff,
// throttling, hysteresis and retention.
import type { Clock, TimerHandle } from '../../main/core/clock.js';

export class ManualClock implements Clock {
  private timeMs: number;
  private timers: { atMs: number; fn: () => void; id: number }[] = [];
  private nextId = 1;

  constructor(startMs = 1_700_000_000_000) {
    this.timeMs = startMs;
  }

  nowMs(): number {
    return this.timeMs;
  }

  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ atMs: this.timeMs + Math.max(0, delayMs), fn, id });
    return { cancel: () => (this.timers = this.timers.filter((t) => t.id !== id)) };
  }

  /** moves time forward, firing due timers in order */
  advance(ms: number): void {
    const end = this.timeMs + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.atMs <= end).sort((a, b) => a.atMs - b.atMs || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t.id !== due.id);
      this.timeMs = Math.max(this.timeMs, due.atMs);
      due.fn();
    }
    this.timeMs = end;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}
