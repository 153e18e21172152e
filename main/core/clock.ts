// Owns the station's notion of time for state and health: a narrow Clock that tests replace with a manual one.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  nowMs(): number;
  /** runs fn once after delayMs; the handle cancels it */
  setTimer(fn: () => void, delayMs: number): TimerHandle;
}

export function systemClock(): Clock {
  return {
    nowMs: () => Date.now(),
    setTimer(fn, delayMs) {
      const t = setTimeout(fn, delayMs);
      t.unref?.();
      return { cancel: () => clearTimeout(t) };
    },
  };
}

/**
 * Delay from `nowMs` to the next multiple of `periodMs` on the wall clock that is at least half a period away.
 * Periodic work scheduled this way (every stream's meters and probes, the monitor, the publishers' read batches)
 * falls on the same instants, so one wakeup of the process serves all of it instead of one wakeup per timer: on a
 * laptop (and in a VM) a wakeup costs more than the work it does. The half period keeps a timer that fired a
 * millisecond early (timers run on the monotonic clock, this on the wall clock) from firing again at once.
 */
export function delayToGridMs(nowMs: number, periodMs: number): number {
  if (!(periodMs > 0)) return 0;
  const delay = periodMs - (nowMs % periodMs);
  return delay < periodMs / 2 ? delay + periodMs : delay;
}

/** A clock that only moves when told to: for tests of throttling, hysteresis and retention. */
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
