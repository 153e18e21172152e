// Owns coalescing of published changes: keys marked dirty are flushed together at most once per
// interval, so a stream probed 1x/s and transcoded 1x/s still costs subscribers a few messages per second.
import type { Clock, TimerHandle } from './clock.js';

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
    const waitMs = Math.max(0, this.lastFlushMs + this.intervalMs - this.clock.nowMs());
    this.timer = this.clock.setTimer(() => this.flush(), waitMs);
  }

  flush(): void {
    this.timer?.cancel();
    this.timer = null;
    this.lastFlushMs = this.clock.nowMs();
    const keys = [...this.dirty];
    this.dirty.clear();
    if (keys.length > 0) this.onFlush(keys);
  }

  dispose(): void {
    this.timer?.cancel();
    this.timer = null;
    this.dirty.clear();
  }
}
