// Owns alert debouncing: a condition raises its alert only after it held for raiseAfterMs and clears
// only after it was false for clearAfterMs, so a one-second glitch neither raises nor clears.

export interface HysteresisOptions {
  raiseAfterMs: number;
  clearAfterMs: number;
}

export type HysteresisChange = 'raised' | 'cleared' | null;

export class Hysteresis {
  private active = false;
  /** when the condition last changed to the value opposite to `active` (null = it agrees with `active`) */
  private pendingSinceMs: number | null = null;

  constructor(private readonly options: HysteresisOptions) {}

  get isActive(): boolean {
    return this.active;
  }

  /** Feeds one sample; returns 'raised' or 'cleared' on the sample that flips the alert. */
  update(condition: boolean, atMs: number): HysteresisChange {
    if (condition === this.active) {
      this.pendingSinceMs = null;
      return null;
    }
    if (this.pendingSinceMs === null) this.pendingSinceMs = atMs;
    const heldMs = atMs - this.pendingSinceMs;
    const needMs = this.active ? this.options.clearAfterMs : this.options.raiseAfterMs;
    if (heldMs < needMs) return null;
    this.active = condition;
    this.pendingSinceMs = null;
    return condition ? 'raised' : 'cleared';
  }

  reset(): void {
    this.active = false;
    this.pendingSinceMs = null;
  }
}
