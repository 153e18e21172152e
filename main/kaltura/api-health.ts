// Owns KalturaStatus.api: whether the Kaltura API answers, from the outcome of every call (an API error is
// an answer; only transport failures mean unreachable), with the last latency and error for the UI, and
// whether it is degraded: answering, but a share of the last minute's calls failed (server errors or lost
// connections), as on a flapping uplink. Degraded is not down: the station keeps working through it.
import type { CallInfo } from './client-retry.js';
import type { KalturaStatus } from '../../shared/state.js';

export type ApiStatus = KalturaStatus['api'];

/** the calls judged for "degraded" */
export const API_HEALTH_WINDOW_MS = 60_000;
/** fewer calls than this in the window say nothing about a failure rate */
const MIN_CALLS_TO_JUDGE = 5;
/** degraded from this share of failed calls (and at least two of them: one lost call is not a pattern) */
const DEGRADED_FROM_PERCENT = 10;
const MAX_REMEMBERED_CALLS = 200;
/** Kaltura codes that mean the server, not the request, failed */
const SERVER_FAULT_CODES = new Set(['INTERNAL_SERVERL_ERROR', 'INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);

export function isServerFault(info: CallInfo): boolean {
  return (
    info.outcome === 'transport-error' || (info.outcome === 'api-error' && SERVER_FAULT_CODES.has(info.code ?? ''))
  );
}

export class ApiHealth {
  private current: ApiStatus = {
    reachable: null,
    lastOkAtMs: null,
    lastError: null,
    lastLatencyMs: null,
    degraded: false,
    recentFailurePercent: null,
  };
  private readonly recent: Array<{ atMs: number; failed: boolean }> = [];
  private readonly listeners = new Set<(status: ApiStatus) => void>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** Pass as the client's onCall hook (or call from it). */
  observe(info: CallInfo): void {
    const nowMs = this.nowMs();
    this.remember(nowMs, isServerFault(info));
    const failurePercent = this.failurePercent(nowMs);
    const base: ApiStatus =
      info.outcome === 'transport-error'
        ? {
            ...this.current,
            reachable: false,
            lastError: info.message ?? `${info.call} failed (${info.code ?? 'transport'})`,
          }
        : { reachable: true, lastOkAtMs: nowMs, lastError: null, lastLatencyMs: Math.round(info.durationMs) };
    const failures = this.recent.filter((c) => c.failed).length;
    const degraded =
      base.reachable === true && failurePercent !== null && failurePercent >= DEGRADED_FROM_PERCENT && failures >= 2;
    const next: ApiStatus = { ...base, degraded, recentFailurePercent: failurePercent };
    const changed =
      next.reachable !== this.current.reachable ||
      next.lastError !== this.current.lastError ||
      next.degraded !== this.current.degraded;
    this.current = next;
    // latency and the failure share change on every call: listeners hear about state changes, status() has the rest
    if (changed) for (const listener of [...this.listeners]) listener(this.status());
  }

  status(): ApiStatus {
    return { ...this.current };
  }

  onChange(listener: (status: ApiStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private remember(nowMs: number, failed: boolean): void {
    this.recent.push({ atMs: nowMs, failed });
    while (
      this.recent.length > MAX_REMEMBERED_CALLS ||
      (this.recent[0] && nowMs - this.recent[0].atMs > API_HEALTH_WINDOW_MS)
    )
      this.recent.shift();
  }

  private failurePercent(nowMs: number): number | null {
    const calls = this.recent.filter((c) => nowMs - c.atMs <= API_HEALTH_WINDOW_MS);
    if (calls.length < MIN_CALLS_TO_JUDGE) return null;
    return Math.round((calls.filter((c) => c.failed).length / calls.length) * 100);
  }
}
