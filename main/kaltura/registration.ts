// Owns one (entry, index) registration with Kaltura (kaltura.md 4 "keep-alive"): BROADCASTING when input
// flows, PLAYABLE when segments exist and again every 60 s, unregister on stop. Calls are serialised, failed
// ones retried with capped backoff, and nothing is thrown to the caller: a stream never stops because Kaltura
// is unreachable. Every call carries a generation id so a late answer cannot change a newer state.
import type { KalturaApi, LiveStreamEntry, MediaServerIndex } from '../core/kaltura-api.js';
import { KalturaModeError, isKalturaApiError } from '../core/kaltura-errors.js';
import { ObservedState } from './observed-state.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { RegistrationState } from '../../shared/state.js';

export const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 60_000;
/** the entry's registration is already gone: an unregister has nothing left to do */
const ALREADY_UNREGISTERED = 'ENTRY_SERVER_NODE_NOT_FOUND';
/**
 * Kaltura does not know this station's hostname as a server node (deleted or disabled meanwhile): the entry's
 * registration cannot be removed by this station. That is an error to show, not a success (issue 16).
 */
const NODE_UNKNOWN = 'SERVER_NODE_NOT_FOUND';

export interface RegistrationKeeperOptions {
  api: Pick<KalturaApi, 'registerMediaServer' | 'unregisterMediaServer'>;
  partnerId: number;
  entryId: string;
  mediaServerIndex: MediaServerIndex;
  clock: Clock;
  keepAliveIntervalMs?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** unregister attempts before stop() gives up (the server drops the node after 120 s anyway) */
  unregisterAttempts?: number;
  /** registerMediaServer's shouldCreateRecordedEntry (recording active) */
  shouldCreateRecordedEntry?: boolean;
  /** the live entry Kaltura answered registerMediaServer with (its recordedEntryId for the recording) */
  onEntry?: (entry: LiveStreamEntry) => void;
  logger?: Logger;
}

type Wanted = 'none' | 'BROADCASTING' | 'PLAYABLE' | 'stopped';

/** the longest wait between retries of a failed keep-alive (see register()) */
export const KEEP_ALIVE_RETRY_MAX_MS = 5_000;

export class RegistrationKeeper {
  private readonly observed = new ObservedState<RegistrationState>({
    status: 'none',
    lastKeepAliveAtMs: null,
    lastError: null,
  });
  private wanted: Wanted = 'none';
  private generation = 0;
  private failures = 0;
  private timer: TimerHandle | null = null;
  private queue: Promise<void> = Promise.resolve();
  private everRegistered = false;

  constructor(private readonly options: RegistrationKeeperOptions) {}

  state(): RegistrationState {
    return this.observed.get();
  }

  onChange(listener: (state: RegistrationState) => void): () => void {
    return this.observed.onChange(listener);
  }

  /** liveStream.authenticate succeeded (the node is AUTHENTICATED on Kaltura's side); no call is made. */
  markAuthenticated(): void {
    if (this.wanted === 'none') this.set({ status: 'authenticated' });
  }

  /** Input flows: register BROADCASTING. */
  start(): void {
    if (this.wanted === 'stopped' || this.wanted === 'BROADCASTING' || this.wanted === 'PLAYABLE') return;
    this.want('BROADCASTING');
  }

  /** Segments are ready: register PLAYABLE, then again every keep-alive interval. */
  markPlayable(): void {
    if (this.wanted === 'stopped' || this.wanted === 'PLAYABLE') return;
    this.want('PLAYABLE');
  }

  /**
   * The publisher came back and was authenticated again: Kaltura's authenticate sets the entry's server node to
   * AUTHENTICATED, which is not playable, so the status held before is registered again now rather than at the
   * next keep-alive (up to a minute in which viewers would be refused).
   */
  reaffirm(): void {
    if (this.wanted === 'BROADCASTING' || this.wanted === 'PLAYABLE') this.want(this.wanted);
  }

  /** Unregisters (after any call in flight); resolves when done or given up, never rejects. */
  stop(): Promise<void> {
    if (this.wanted === 'stopped') return this.queue;
    // an authenticated node exists on Kaltura's side (status AUTHENTICATED) even before start()
    const hadStarted = this.wanted !== 'none' || this.observed.value.status === 'authenticated';
    this.wanted = 'stopped';
    const generation = ++this.generation;
    this.cancelTimer();
    if (!hadStarted && !this.everRegistered) {
      this.set({ status: 'unregistered' });
      return this.queue;
    }
    return this.enqueue(() => this.unregister(generation));
  }

  private want(status: 'BROADCASTING' | 'PLAYABLE'): void {
    this.wanted = status;
    this.failures = 0;
    const generation = ++this.generation;
    this.cancelTimer();
    void this.enqueue(() => this.register(generation));
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next;
    return next;
  }

  private async register(generation: number): Promise<void> {
    if (generation !== this.generation || (this.wanted !== 'BROADCASTING' && this.wanted !== 'PLAYABLE')) return;
    const status = this.wanted;
    const { options } = this;
    try {
      const entry = await options.api.registerMediaServer({
        partnerId: options.partnerId,
        entryId: options.entryId,
        mediaServerIndex: options.mediaServerIndex,
        status,
        ...(options.shouldCreateRecordedEntry === undefined
          ? {}
          : { shouldCreateRecordedEntry: options.shouldCreateRecordedEntry }),
      });
      if (generation !== this.generation) return;
      if (entry) options.onEntry?.(entry);
      this.everRegistered = true;
      this.failures = 0;
      this.set({
        status: status === 'PLAYABLE' ? 'playable' : 'broadcasting',
        lastKeepAliveAtMs: options.clock.nowMs(),
        lastError: null,
      });
      // BROADCASTING is sent once; PLAYABLE is a keep-alive (the server forgets it after 120 s)
      if (status === 'PLAYABLE')
        this.schedule(generation, options.keepAliveIntervalMs ?? DEFAULT_KEEP_ALIVE_INTERVAL_MS);
    } catch (error) {
      if (generation !== this.generation) return;
      const message = (error as Error).message;
      this.set({ status: 'error', lastError: `registerMediaServer ${status} failed: ${message}` });
      if (error instanceof KalturaModeError) return;
      this.failures++;
      // a failed keep-alive must not back off past Kaltura's 120 s node expiry: on a flapping uplink a few
      // failures in a row (2, 4, 8, 16, 30 s apart) would let the registration lapse, so keep-alives retry
      // at most KEEP_ALIVE_RETRY_MAX_MS apart
      const delayMs =
        status === 'PLAYABLE' && this.everRegistered
          ? Math.min(this.backoffMs(), KEEP_ALIVE_RETRY_MAX_MS)
          : this.backoffMs();
      options.logger?.warn('registerMediaServer failed; retrying', {
        entryId: options.entryId,
        index: options.mediaServerIndex,
        status,
        delayMs,
        error: message,
      });
      this.schedule(generation, delayMs);
    }
  }

  private async unregister(generation: number): Promise<void> {
    const { options } = this;
    const attempts = options.unregisterAttempts ?? 3;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (generation !== this.generation) return;
      try {
        await options.api.unregisterMediaServer({
          partnerId: options.partnerId,
          entryId: options.entryId,
          mediaServerIndex: options.mediaServerIndex,
        });
        if (generation === this.generation) this.set({ status: 'unregistered', lastError: null });
        return;
      } catch (error) {
        if (generation !== this.generation) return;
        if (isKalturaApiError(error, ALREADY_UNREGISTERED)) {
          this.set({ status: 'unregistered', lastError: null });
          return;
        }
        if (isKalturaApiError(error, NODE_UNKNOWN)) {
          const message = `unregisterMediaServer failed: Kaltura does not know this station's server node (SERVER_NODE_NOT_FOUND: ${error.message}); the entry may still show this station until Kaltura drops it. Check in the Admin Console that the server node was not deleted or disabled`;
          this.set({ status: 'error', lastError: message });
          options.logger?.error(message, { entryId: options.entryId, index: options.mediaServerIndex });
          return;
        }
        const message = `unregisterMediaServer failed: ${(error as Error).message}`;
        this.set({ status: 'error', lastError: message });
        if (error instanceof KalturaModeError || attempt === attempts) {
          options.logger?.warn('unregisterMediaServer gave up; Kaltura drops the node after its 120 s cache expiry', {
            entryId: options.entryId,
            index: options.mediaServerIndex,
            error: message,
          });
          return;
        }
        this.failures = attempt;
        await this.sleep(this.backoffMs());
      }
    }
  }

  private backoffMs(): number {
    const base = this.options.retryBaseDelayMs ?? 2_000;
    const max = this.options.retryMaxDelayMs ?? 30_000;
    return Math.min(max, base * 2 ** Math.max(0, this.failures - 1));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.options.clock.setTimer(resolve, ms);
    });
  }

  private schedule(generation: number, delayMs: number): void {
    this.cancelTimer();
    this.timer = this.options.clock.setTimer(() => {
      this.timer = null;
      if (generation === this.generation) void this.enqueue(() => this.register(generation));
    }, delayMs);
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private set(patch: Partial<RegistrationState>): void {
    this.observed.set(patch);
  }
}
