// Owns fault injection for rehearsals and tests: added latency, a fraction of calls failing with
// INTERNAL_SERVERL_ERROR, "down" (connections cut without an HTTP answer), and a short KS lifetime.

export interface FaultState {
  latencyMs: number;
  /** 0..1: fraction of calls answered with INTERNAL_SERVERL_ERROR */
  errorRate: number;
  /** Kaltura unreachable: every connection is closed without an HTTP answer */
  down: boolean;
  /** KSs older than this (since first seen or issued) are rejected as EXPIRED; null = off */
  ksLifetimeSeconds: number | null;
}

export interface FaultControl {
  set(faults: Partial<FaultState>): void;
  reset(): void;
}

const NO_FAULTS: FaultState = { latencyMs: 0, errorRate: 0, down: false, ksLifetimeSeconds: null };

export class Faults implements FaultControl {
  private state: FaultState = { ...NO_FAULTS };

  constructor(private readonly random: () => number = Math.random) {}

  set(faults: Partial<FaultState>): void {
    const next = { ...this.state, ...faults };
    if (!Number.isFinite(next.latencyMs) || next.latencyMs < 0)
      throw new Error(`latencyMs must be a number >= 0, got ${String(faults.latencyMs)}`);
    if (!Number.isFinite(next.errorRate) || next.errorRate < 0 || next.errorRate > 1)
      throw new Error(`errorRate must be between 0 and 1, got ${String(faults.errorRate)}`);
    if (next.ksLifetimeSeconds !== null && (!Number.isFinite(next.ksLifetimeSeconds) || next.ksLifetimeSeconds < 0)) {
      throw new Error(`ksLifetimeSeconds must be null or a number >= 0, got ${String(faults.ksLifetimeSeconds)}`);
    }
    this.state = next;
  }

  reset(): void {
    this.state = { ...NO_FAULTS };
  }

  get current(): Readonly<FaultState> {
    return this.state;
  }

  /** Decides, per call, whether this call fails with an internal error. */
  shouldFail(): boolean {
    return this.state.errorRate > 0 && this.random() < this.state.errorRate;
  }
}
