// Owns the Kaltura gate of a publish (kaltura.md 1.4, without the bugs): successful authentications
// are cached per (entry, index, token) for a short time, and a failure blocks the same
// (entry, index, source address) locally for a fixed window that retries do not extend, so an encoder
// reconnect loop with a wrong token costs at most one Kaltura call per window.
import { createHash } from 'node:crypto';
import type { AuthenticateArgs, LiveStreamEntry } from '../kaltura/api.js';
import { KalturaTransportError } from '../kaltura/errors.js';
import type { BroadcastParams } from './broadcast-url.js';
import { refusalFromAuthError, type Refusal } from './refusals.js';

export interface GateOptions {
  authenticate: (args: AuthenticateArgs) => Promise<LiveStreamEntry>;
  now?: () => number;
  /** how long a successful authentication is reused without asking Kaltura (default 10 s) */
  successTtlMs?: number;
  /** how long a failure refuses the same (entry, index, source) locally (default 30 s) */
  failureBlockMs?: number;
  /** bound on remembered failures/successes, so a flood of distinct sources cannot grow memory */
  maxRemembered?: number;
  /** an authenticate call not answered within this is a transport failure (default 15 s) */
  authTimeoutMs?: number;
}

export type GateDecision =
  | { ok: true; entry: LiveStreamEntry; cached: boolean }
  | { ok: false; refusal: Refusal; /** true when refused locally from an earlier failure */ blocked: boolean };

interface Success {
  entry: LiveStreamEntry;
  tokenHash: string;
  atMs: number;
}

interface Failure {
  refusal: Refusal;
  atMs: number;
}

export class IngestGate {
  private readonly now: () => number;
  private readonly successTtlMs: number;
  private readonly failureBlockMs: number;
  private readonly maxRemembered: number;
  private readonly successes = new Map<string, Success>();
  private readonly failures = new Map<string, Failure>();
  private readonly inFlight = new Map<string, Promise<GateDecision>>();
  private kalturaCalls = 0;

  constructor(private readonly options: GateOptions) {
    this.now = options.now ?? Date.now;
    this.successTtlMs = options.successTtlMs ?? 10_000;
    this.failureBlockMs = options.failureBlockMs ?? 30_000;
    this.maxRemembered = options.maxRemembered ?? 1000;
  }

  /** How many times Kaltura was asked (for diagnostics and tests). */
  get callCount(): number {
    return this.kalturaCalls;
  }

  async check(params: BroadcastParams, sourceAddress: string): Promise<GateDecision> {
    const nowMs = this.now();
    this.prune(nowMs);
    const entryKey = `${params.entryId}|${params.mediaServerIndex}`;
    const failureKey = `${entryKey}|${sourceAddress}`;

    const failure = this.failures.get(failureKey);
    if (failure && nowMs - failure.atMs < this.failureBlockMs) {
      const leftSeconds = Math.max(1, Math.ceil((this.failureBlockMs - (nowMs - failure.atMs)) / 1000));
      const agoSeconds = Math.floor((nowMs - failure.atMs) / 1000);
      return {
        ok: false,
        blocked: true,
        refusal: { ...failure.refusal, message: `${failure.refusal.message} (blocked after that failure ${agoSeconds} s ago; Kaltura is asked again in ${leftSeconds} s)` },
      };
    }

    const tokenHash = hashToken(params.token);
    const success = this.successes.get(entryKey);
    if (success && success.tokenHash === tokenHash && nowMs - success.atMs < this.successTtlMs) {
      return { ok: true, entry: success.entry, cached: true };
    }

    const flightKey = `${failureKey}|${tokenHash}`;
    const pending = this.inFlight.get(flightKey);
    if (pending) return pending;
    const decision = this.ask(params, entryKey, failureKey, tokenHash).finally(() => this.inFlight.delete(flightKey));
    this.inFlight.set(flightKey, decision);
    return decision;
  }

  private async ask(params: BroadcastParams, entryKey: string, failureKey: string, tokenHash: string): Promise<GateDecision> {
    this.kalturaCalls += 1;
    try {
      const entry = await withTimeout(
        this.options.authenticate({
          partnerId: params.partnerId,
          entryId: params.entryId,
          token: params.token,
          mediaServerIndex: params.mediaServerIndex,
        }),
        this.options.authTimeoutMs ?? 15_000,
      );
      this.successes.set(entryKey, { entry, tokenHash, atMs: this.now() });
      this.failures.delete(failureKey);
      return { ok: true, entry, cached: false };
    } catch (error) {
      const refusal = refusalFromAuthError(error, params.entryId);
      // The window starts at the real failure and is never extended by refused retries.
      this.failures.set(failureKey, { refusal, atMs: this.now() });
      this.successes.delete(entryKey);
      return { ok: false, refusal, blocked: false };
    }
  }

  private prune(nowMs: number): void {
    for (const [key, s] of this.successes) if (nowMs - s.atMs >= this.successTtlMs) this.successes.delete(key);
    for (const [key, f] of this.failures) if (nowMs - f.atMs >= this.failureBlockMs) this.failures.delete(key);
    trimOldest(this.successes, this.maxRemembered);
    trimOldest(this.failures, this.maxRemembered);
  }
}

/** The encoder waits for the gate: a hung call must not hold it forever. */
function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KalturaTransportError('timeout', `liveStream.authenticate did not answer within ${timeoutMs} ms`, 'liveStream.authenticate')), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function trimOldest<V>(map: Map<string, V>, max: number): void {
  // Maps iterate in insertion order, so the first keys are the oldest.
  while (map.size > max) {
    const first = map.keys().next();
    if (first.done) return;
    map.delete(first.value);
  }
}

/** The token is compared by hash so the cache never holds it in clear. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
