// Owns coalescing of published changes: keys marked dirty are flushed together at most once per
// interval, so a stream probed 1x/s and transcoded 1x/s still costs subscribers a few messages per second.
import { delayToGridMs, type Clock, type TimerHandle } from '../core/clock.js';

export class CoalescingThrottle {
  private readonly dirty = new Set<string>();
  private timer: TimerHandle | null = null;
  private lastFlushMs = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly onFlush: (keys: string[]) => void,
  ) {}

  mark(key: string): void {
    this.dirty.add(key);
    if (this.timer) return;
    // at most one flush per interval, on the interval's grid (see delayToGridMs)
    const nowMs = this.clock.nowMs();
    const dueMs = Math.max(nowMs, this.lastFlushMs + this.intervalMs);
    const alignedMs = dueMs % this.intervalMs === 0 ? dueMs : dueMs + delayToGridMs(dueMs, this.intervalMs);
    this.timer = this.clock.setTimer(() => this.flush(), alignedMs - nowMs);
  }

  flush(): void {
    this.timer?.cancel();
    this.timer = null;
    this.lastFlushMs = this.clock.nowMs();
    const keys = [...this.dirty];
    this.dirty.clear();
    if (keys.length > 0) this.onFlush(keys);
  }

  /** forgets what is pending (nobody listens any more, or the registry is disposed) */
  clear(): void {
    this.timer?.cancel();
    this.timer = null;
    this.dirty.clear();
  }
}
