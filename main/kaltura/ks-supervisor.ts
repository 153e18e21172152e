// Owns the station's media-server KS (kaltura.md 3.6): generated locally (user MediaServer, ADMIN) at start,
// renewed at a fraction of its lifetime, kept while valid when a renewal fails (retried with backoff), and
// optionally checked against the API. Publishes KalturaStatus.ks; every async step carries a generation id.
import { generateKsV2 } from '../core/ks.js';
import { KalturaApiError } from '../core/kaltura-errors.js';
import { ObservedState } from './observed-state.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { KalturaStatus } from '../../shared/state.js';

export type KsStatus = KalturaStatus['ks'];

export interface KsSupervisorOptions {
  /** the admin secret of partnerId; never logged, never in an error */
  secret: string;
  partnerId: number;
  privileges: string;
  expirySeconds: number;
  /** renew when this fraction of the lifetime has passed (0.1 - 0.95) */
  renewAtFraction: number;
  clock: Clock;
  userId?: string;
  /**
   * Optional check that Kaltura accepts a fresh KS (e.g. session.get with it). A KalturaApiError marks the
   * KS as rejected (state error); any other failure says nothing about the KS (the API may be unreachable).
   */
  verify?: (ks: string) => Promise<void>;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  logger?: Logger;
  /** 16 random bytes per KS; injected in tests */
  random?: () => Buffer;
}

export class KsSupervisor {
  private ks: string | null = null;
  private readonly observed = new ObservedState<KsStatus>({
    state: 'none',
    validUntilMs: null,
    lastRenewalAtMs: null,
    lastError: null,
  });
  private generation = 0;
  private failures = 0;
  private renewTimer: TimerHandle | null = null;
  private expiryTimer: TimerHandle | null = null;
  private running = false;
  private inflight: Promise<KsStatus> | null = null;

  constructor(private readonly options: KsSupervisorOptions) {
    if (!(options.expirySeconds >= 20))
      throw new Error(`ksExpirySeconds must be at least 20, got ${options.expirySeconds}`);
    if (!(options.renewAtFraction >= 0.1 && options.renewAtFraction <= 0.95)) {
      throw new Error(`ksRenewAtFraction must be between 0.1 and 0.95, got ${options.renewAtFraction}`);
    }
    options.logger?.redactor.addSecret(options.secret);
  }

  /** Generates the first KS synchronously (so calls can start at once) and schedules renewals. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.renew();
  }

  stop(): void {
    this.running = false;
    this.generation++;
    this.renewTimer?.cancel();
    this.expiryTimer?.cancel();
    this.renewTimer = null;
    this.expiryTimer = null;
  }

  /** The latest KS, even if expired (the server then answers INVALID_KS "EXPIRED" and the client renews). */
  currentKs(): string | null {
    return this.ks;
  }

  status(): KsStatus {
    return this.observed.get();
  }

  onChange(listener: (status: KsStatus) => void): () => void {
    return this.observed.onChange(listener);
  }

  /** Renews now; concurrent callers (e.g. several INVALID_KS answers at once) share one renewal. */
  renewNow(): Promise<KsStatus> {
    return this.renew();
  }

  private renew(): Promise<KsStatus> {
    if (this.inflight) return this.inflight;
    const run = this.renewOnce().finally(() => {
      if (this.inflight === run) this.inflight = null;
    });
    this.inflight = run;
    return run;
  }

  private async renewOnce(): Promise<KsStatus> {
    const generation = ++this.generation;
    const { clock } = this.options;
    this.renewTimer?.cancel();
    this.renewTimer = null;
    this.set({ state: 'renewing' });
    let ks: string;
    const nowMs = clock.nowMs();
    const validUntilMs = (Math.floor(nowMs / 1000) + this.options.expirySeconds) * 1000;
    try {
      ks = generateKsV2(
        {
          secret: this.options.secret,
          partnerId: this.options.partnerId,
          userId: this.options.userId ?? 'MediaServer',
          type: 2,
          privileges: this.options.privileges,
          expiresAtSeconds: validUntilMs / 1000,
        },
        this.options.random ? { random: this.options.random() } : {},
      );
    } catch (error) {
      this.fail(generation, (error as Error).message);
      return this.status();
    }
    this.ks = ks;
    this.failures = 0;
    // with a verifier the state stays 'renewing' until Kaltura has seen the new KS
    this.set({
      state: this.options.verify ? 'renewing' : 'valid',
      validUntilMs,
      lastRenewalAtMs: nowMs,
      lastError: null,
    });
    this.scheduleExpiry(validUntilMs);
    this.schedule(generation, this.options.expirySeconds * 1000 * this.options.renewAtFraction);
    this.options.logger?.info('KS renewed', {
      partnerId: this.options.partnerId,
      validUntil: new Date(validUntilMs).toISOString(),
    });
    if (this.options.verify) {
      try {
        await this.options.verify(ks);
        if (generation === this.generation) this.set({ state: 'valid' });
      } catch (error) {
        if (generation !== this.generation) return this.status();
        if (error instanceof KalturaApiError) {
          this.fail(
            generation,
            `Kaltura rejected the station's KS (${error.code}): check the admin secret and that partner ${this.options.partnerId} is right for this mode`,
            true,
          );
        } else {
          // unreachable API: the locally made KS is as good as ever; reachability is reported separately
          this.set({ state: 'valid' });
        }
      }
    }
    return this.status();
  }

  private fail(generation: number, message: string, rejected = false): void {
    if (generation !== this.generation) return;
    this.failures++;
    const nowMs = this.options.clock.nowMs();
    const stillValid =
      !rejected && this.observed.value.validUntilMs !== null && this.observed.value.validUntilMs > nowMs;
    this.set({ state: stillValid ? 'valid' : 'error', lastError: message });
    this.options.logger?.warn('KS renewal failed', { error: message, failures: this.failures });
    const base = this.options.retryBaseDelayMs ?? 1_000;
    const max = this.options.retryMaxDelayMs ?? 60_000;
    this.schedule(generation, Math.min(max, base * 2 ** (this.failures - 1)));
  }

  private schedule(generation: number, delayMs: number): void {
    if (!this.running) return;
    this.renewTimer?.cancel();
    this.renewTimer = this.options.clock.setTimer(() => {
      if (generation === this.generation && this.running) void this.renew();
    }, delayMs);
  }

  private scheduleExpiry(validUntilMs: number): void {
    this.expiryTimer?.cancel();
    this.expiryTimer = null;
    if (!this.running) return;
    this.expiryTimer = this.options.clock.setTimer(() => {
      if (this.observed.value.validUntilMs !== validUntilMs) return;
      if (this.observed.value.state === 'valid' || this.observed.value.state === 'renewing')
        this.set({ state: 'expired' });
    }, validUntilMs - this.options.clock.nowMs());
  }

  private set(patch: Partial<KsStatus>): void {
    this.observed.set(patch);
  }
}
