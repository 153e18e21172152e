// Owns the Kaltura gate of a publish (kaltura.md 1.4, without the bugs): successful authentications are cached
// per (entry, index, token) for a short time, and a failure blocks that same (entry, index, token) for a fixed
// window that retries do not extend. An encoder reconnect loop with a wrong token costs at most one Kaltura call
// per window, while a corrected token is asked at once. Tokens are held only as keyed digests, and the number of
// different tokens one entry may have refused or pending within a window is capped, so a flood of made-up tokens
// cannot grow memory or turn into Kaltura calls.
import { randomBytes } from 'node:crypto';
import type { AuthenticateArgs, LiveStreamEntry } from '../core/kaltura-api.js';
import { KalturaTransportError } from '../core/kaltura-errors.js';
import { sipHash24HexOfString } from '../core/siphash.js';
import type { BroadcastParams } from './broadcast-url.js';
import { refusalFromAuthError, type Refusal } from './refusals.js';

export interface GateOptions {
  authenticate: (args: AuthenticateArgs) => Promise<LiveStreamEntry>;
  now?: () => number;
  /** how long a successful authentication is reused without asking Kaltura (default 10 s) */
  successTtlMs?: number;
  /** how long a failure refuses the same (entry, index, token) locally (default 30 s) */
  failureBlockMs?: number;
  /** most different tokens one entry may have refused or pending within failureBlockMs (default 5) */
  maxTokensPerEntry?: number;
  /** bound on remembered entries (successes, and entries with blocks), so a flood of entry ids cannot grow memory */
  maxRemembered?: number;
  /** an authenticate call not answered within this is a transport failure (default 15 s) */
  authTimeoutMs?: number;
}

export type GateDecision =
  | { ok: true; entry: LiveStreamEntry; cached: boolean }
  | { ok: false; refusal: Refusal; /** true when refused locally, without asking Kaltura */ blocked: boolean };

interface Success {
  entry: LiveStreamEntry;
  tokenDigest: string;
  atMs: number;
}

interface Block {
  refusal: Refusal;
  atMs: number;
}

/** Everything the gate remembers about one entry id (both server indexes). */
interface EntryBlocks {
  /** keyed `${index}|${tokenDigest}` */
  blocks: Map<string, Block>;
  /** asks to Kaltura under way, same keys */
  pending: Set<string>;
}

export const DEFAULT_FAILURE_BLOCK_MS = 30_000;
export const DEFAULT_MAX_TOKENS_PER_ENTRY = 5;

export class IngestGate {
  private readonly now: () => number;
  private readonly successTtlMs: number;
  private readonly failureBlockMs: number;
  private readonly maxTokensPerEntry: number;
  private readonly maxRemembered: number;
  /** a per-gate key: the digests in memory cannot be turned back into short tokens by trying them */
  private readonly digestKey = randomBytes(16);
  /** keyed `${entryId}|${index}` */
  private readonly successes = new Map<string, Success>();
  /** keyed by entry id */
  private readonly entries = new Map<string, EntryBlocks>();
  private readonly inFlight = new Map<string, Promise<GateDecision>>();
  private kalturaCalls = 0;
  private prunedAtMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: GateOptions) {
    this.now = options.now ?? Date.now;
    this.successTtlMs = options.successTtlMs ?? 10_000;
    this.failureBlockMs = options.failureBlockMs ?? DEFAULT_FAILURE_BLOCK_MS;
    this.maxTokensPerEntry = Math.max(1, options.maxTokensPerEntry ?? DEFAULT_MAX_TOKENS_PER_ENTRY);
    this.maxRemembered = options.maxRemembered ?? 1000;
  }

  /** How many times Kaltura was asked (for diagnostics and tests). */
  get callCount(): number {
    return this.kalturaCalls;
  }

  /**
   * The gate's decision on a publish. One it can make from what it remembers (a cached success, a blocked token, a
   * flood of tokens) is returned at once, not as a promise: the encoder waits for it, and a promise would put the
   * answer behind everything else queued on this turn of the event loop. Only an ask to Kaltura is a promise.
   * `asking` is called when the answer has to come from Kaltura.
   */
  check(params: BroadcastParams, asking?: () => void): GateDecision | Promise<GateDecision> {
    const nowMs = this.now();
    this.prune(nowMs);
    const tokenDigest = this.digest(params.token);
    const tokenKey = `${params.mediaServerIndex}|${tokenDigest}`;
    const known = this.entries.get(params.entryId);

    const block = known?.blocks.get(tokenKey);
    if (block) {
      if (nowMs - block.atMs < this.failureBlockMs) return this.blockedRefusal(block, nowMs);
      known?.blocks.delete(tokenKey);
    }

    const success = this.successes.get(`${params.entryId}|${params.mediaServerIndex}`);
    if (success && success.tokenDigest === tokenDigest && nowMs - success.atMs < this.successTtlMs) {
      return { ok: true, entry: success.entry, cached: true };
    }

    const flightKey = `${params.entryId}|${tokenKey}`;
    const pending = this.inFlight.get(flightKey);
    if (pending) {
      asking?.();
      return pending;
    }

    if (known && this.liveBlocks(known, nowMs) + known.pending.size >= this.maxTokensPerEntry) {
      return this.floodRefusal(params, known, nowMs);
    }
    const entryBlocks = known ?? this.remember(params.entryId);
    entryBlocks.pending.add(tokenKey);
    asking?.();
    const decision = this.ask(params, tokenKey, tokenDigest).finally(() => {
      this.inFlight.delete(flightKey);
      entryBlocks.pending.delete(tokenKey);
    });
    this.inFlight.set(flightKey, decision);
    return decision;
  }

  private async ask(params: BroadcastParams, tokenKey: string, tokenDigest: string): Promise<GateDecision> {
    this.kalturaCalls += 1;
    const successKey = `${params.entryId}|${params.mediaServerIndex}`;
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
      this.successes.delete(successKey);
      this.successes.set(successKey, { entry, tokenDigest, atMs: this.now() });
      trimOldest(this.successes, this.maxRemembered);
      // the right token is known now: refused tokens of this entry go back to Kaltura when tried again
      this.entries.get(params.entryId)?.blocks.clear();
      return { ok: true, entry, cached: false };
    } catch (error) {
      const refusal = refusalFromAuthError(error, params.entryId);
      // The window starts at the real failure and is never extended by refused retries.
      const entryBlocks = this.entries.get(params.entryId) ?? this.remember(params.entryId);
      entryBlocks.blocks.set(tokenKey, { refusal, atMs: this.now() });
      if (this.successes.get(successKey)?.tokenDigest === tokenDigest) this.successes.delete(successKey);
      return { ok: false, refusal, blocked: false };
    }
  }

  private blockedRefusal(block: Block, nowMs: number): GateDecision {
    const agoSeconds = Math.floor((nowMs - block.atMs) / 1000);
    const leftSeconds = Math.max(1, Math.ceil((this.failureBlockMs - (nowMs - block.atMs)) / 1000));
    const note = `this same token was refused ${agoSeconds} s ago, so Kaltura is not asked about it again for ${leftSeconds} s; a corrected token is asked at once`;
    return { ok: false, blocked: true, refusal: { ...block.refusal, message: `${block.refusal.message} (${note})` } };
  }

  /** A new token for an entry that already has maxTokensPerEntry refused or pending: refused without asking. */
  private floodRefusal(params: BroadcastParams, known: EntryBlocks, nowMs: number): GateDecision {
    let oldestMs = nowMs;
    for (const b of known.blocks.values())
      if (nowMs - b.atMs < this.failureBlockMs) oldestMs = Math.min(oldestMs, b.atMs);
    const leftSeconds = Math.max(1, Math.ceil((this.failureBlockMs - (nowMs - oldestMs)) / 1000));
    const windowSeconds = Math.round(this.failureBlockMs / 1000);
    return {
      ok: false,
      blocked: true,
      refusal: {
        reason: 'too-many-tokens',
        alertCode: 111,
        kalturaCode: null,
        message: `${this.maxTokensPerEntry} different tokens for entry ${params.entryId} were refused or are being checked in the last ${windowSeconds} s, so a new one is not sent to Kaltura for ${leftSeconds} s: copy the broadcast URL again from the entry's live settings and retry then`,
      },
    };
  }

  private liveBlocks(known: EntryBlocks, nowMs: number): number {
    let live = 0;
    for (const b of known.blocks.values()) if (nowMs - b.atMs < this.failureBlockMs) live += 1;
    return live;
  }

  private remember(entryId: string): EntryBlocks {
    const created: EntryBlocks = { blocks: new Map(), pending: new Set() };
    this.entries.set(entryId, created);
    // Maps iterate in insertion order: the oldest entry goes first, unless a Kaltura call of it is still pending
    for (const [id, e] of this.entries) {
      if (this.entries.size <= this.maxRemembered) break;
      if (e.pending.size === 0 && e !== created) this.entries.delete(id);
    }
    return created;
  }

  /** Expired records go at most once a second: the cached path stays a few map lookups. */
  private prune(nowMs: number): void {
    if (nowMs - this.prunedAtMs < 1000 && nowMs >= this.prunedAtMs) return;
    this.prunedAtMs = nowMs;
    for (const [key, s] of this.successes) if (nowMs - s.atMs >= this.successTtlMs) this.successes.delete(key);
    for (const [id, e] of this.entries) {
      for (const [key, b] of e.blocks) if (nowMs - b.atMs >= this.failureBlockMs) e.blocks.delete(key);
      if (e.blocks.size === 0 && e.pending.size === 0) this.entries.delete(id);
    }
  }

  /**
   * The token is compared by a keyed digest so the gate never holds it, or anything printable that reveals it.
   * SipHash-2-4 (a keyed pseudo-random function, 64 bits): a wrong token passes for a cached right one only by
   * guessing the digest under a key it cannot see, one in 2^64, and an entry's refused tokens are capped per window.
   * It runs in JavaScript because the encoder waits for it: HMAC-SHA-256 took ~0.1 ms on its first call after a
   * pause, this ~0.04 ms.
   */
  private digest(token: string): string {
    return sipHash24HexOfString(this.digestKey, token);
  }
}

/** The encoder waits for the gate: a hung call must not hold it forever. */
function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new KalturaTransportError(
            'timeout',
            `liveStream.authenticate did not answer within ${timeoutMs} ms`,
            'liveStream.authenticate',
          ),
        ),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function trimOldest<V>(map: Map<string, V>, max: number): void {
  while (map.size > max) {
    const first = map.keys().next();
    if (first.done) return;
    map.delete(first.value);
  }
}
