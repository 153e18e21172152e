// Owns KalturaStatus.api: whether the Kaltura API answers, from the outcome of every call (an API error is
// an answer; only transport failures mean unreachable), with the last latency and error for the UI.
import type { CallInfo } from './client.js';
import type { KalturaStatus } from '../../shared/state.js';

export type ApiStatus = KalturaStatus['api'];

export class ApiHealth {
  private current: ApiStatus = { reachable: null, lastOkAtMs: null, lastError: null, lastLatencyMs: null };
  private readonly listeners = new Set<(status: ApiStatus) => void>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** Pass as the client's onCall hook (or call from it). */
  observe(info: CallInfo): void {
    const next: ApiStatus =
      info.outcome === 'transport-error'
        ? { ...this.current, reachable: false, lastError: info.message ?? `${info.call} failed (${info.code ?? 'transport'})` }
        : { reachable: true, lastOkAtMs: this.nowMs(), lastError: null, lastLatencyMs: Math.round(info.durationMs) };
    const changed = next.reachable !== this.current.reachable || next.lastError !== this.current.lastError;
    this.current = next;
    // latency alone changes on every call: listeners hear about reachability changes, status() has the rest
    if (changed) for (const listener of [...this.listeners]) listener(this.status());
  }

  status(): ApiStatus {
    return { ...this.current };
  }

  onChange(listener: (status: ApiStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
