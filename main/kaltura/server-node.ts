// Owns this station's server node at Kaltura (kaltura-producer.md §1): registered at start with
// serverNode.reportStatus(hostName, KalturaWowzaMediaServerNode, ACTIVE), which adds a missing node, or with
// list + add + enable where reportStatus is not permitted; a heartbeat (reportStatus) at most every 60 s, since
// Kaltura reads a heartbeat older than 120 s as NOT_REGISTERED; taken out of service on stop (markOffline).
// Refusals are kept with the reason and the fix, and tried again slowly (a partner feature may be switched on).
// Calls are serialised; each carries a generation id so an answer from before a stop cannot change the state.
import type { ServerNodeApi, ServerNodeSpec } from './server-node-actions.js';
import { registerServerNode } from './server-node-register.js';
import { ObservedState } from './observed-state.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { ServerNodeState } from '../../shared/state.js';

/** Kaltura's ServerNode::SERVER_NODE_TTL_TIME */
export const SERVER_NODE_TTL_MS = 120_000;
export const MAX_HEARTBEAT_INTERVAL_MS = 60_000;
/** a refused registration is tried again this often (the cause may be fixed at Kaltura's side meanwhile) */
export const DEFAULT_REFUSED_RETRY_MS = 5 * 60_000;

export interface ServerNodeKeeperOptions {
  api: ServerNodeApi;
  /** what the node says about itself (hostName, playback address); read at every registration */
  spec: () => ServerNodeSpec;
  clock: Clock;
  heartbeatIntervalMs?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  refusedRetryMs?: number;
  /** stop() waits at most this long for markOffline */
  stopTimeoutMs?: number;
  logger?: Logger;
}

export class ServerNodeKeeper {
  private readonly observed: ObservedState<ServerNodeState>;
  private generation = 0;
  private failures = 0;
  private timer: TimerHandle | null = null;
  private queue: Promise<void> = Promise.resolve();
  private inflight: Promise<ServerNodeState> | null = null;
  private running = false;
  /** the node this keeper made ACTIVE (kept even when the answer came after stop(), so stop can undo it) */
  private activeNodeId: number | null = null;

  constructor(private readonly options: ServerNodeKeeperOptions) {
    const interval = options.heartbeatIntervalMs ?? MAX_HEARTBEAT_INTERVAL_MS;
    if (!(interval > 0 && interval <= MAX_HEARTBEAT_INTERVAL_MS)) {
      throw new Error(
        `heartbeatIntervalMs must be between 1 and ${MAX_HEARTBEAT_INTERVAL_MS} (Kaltura forgets a node after ${SERVER_NODE_TTL_MS / 1000} s), got ${interval}`,
      );
    }
    this.observed = new ObservedState<ServerNodeState>({
      hostname: options.spec().hostName,
      status: 'none',
      nodeId: null,
      method: null,
      lastHeartbeatAtMs: null,
      code: null,
      reason: null,
    });
  }

  state(): ServerNodeState {
    return this.observed.get();
  }

  onChange(listener: (state: ServerNodeState) => void): () => void {
    return this.observed.onChange(listener);
  }

  /** Registers now, then keeps the heartbeat. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.register();
  }

  /** Resolves once no registration is in flight (a publish waits for it so its authenticate finds the node). */
  async settled(): Promise<ServerNodeState> {
    if (this.inflight) await this.inflight;
    return this.state();
  }

  /** Registers again now (e.g. Kaltura answered MEDIA_SERVER_NOT_FOUND); shares a registration in flight. */
  reregister(): Promise<ServerNodeState> {
    if (!this.running) return Promise.resolve(this.state());
    return this.register();
  }

  /**
   * Takes the node out of service: markOffline (NOT_REGISTERED). Chosen over disable because DISABLED hides the
   * node from reportStatus's lookup, so the next start would try to add it again and get HOST_NAME_ALREADY_EXISTS;
   * NOT_REGISTERED is what Kaltura's own monitor sets for a silent node and the next reportStatus undoes it.
   * Resolves when done or after stopTimeoutMs; never rejects.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const generation = ++this.generation;
    this.cancelTimer();
    const done = this.enqueue(async () => {
      const nodeId = this.activeNodeId;
      this.activeNodeId = null;
      if (nodeId !== null) {
        try {
          await this.options.api.markOffline(nodeId);
          this.options.logger?.info('server node taken out of service (markOffline)', {
            hostName: this.observed.value.hostname,
            nodeId,
          });
        } catch (error) {
          // INVALID_OBJECT_ID: it was not ACTIVE any more; anything else: Kaltura reads it as NOT_REGISTERED after 120 s
          this.options.logger?.warn(
            'markOffline failed; Kaltura reads the node as not registered 120 s after its last heartbeat',
            { nodeId, error: (error as Error).message },
          );
        }
      }
      if (generation === this.generation) this.set({ status: 'offline', reason: null, code: null });
    });
    let timer: TimerHandle | null = null;
    const timeout = new Promise<void>((resolve) => {
      timer = this.options.clock.setTimer(resolve, this.options.stopTimeoutMs ?? 5_000);
    });
    await Promise.race([done, timeout]);
    (timer as TimerHandle | null)?.cancel();
  }

  private register(): Promise<ServerNodeState> {
    if (this.inflight) return this.inflight;
    const generation = this.generation;
    if (this.observed.value.status !== 'registered') this.set({ status: 'registering' });
    const run = this.enqueue(() => this.attempt(generation)).then(() => this.state());
    const tracked = run.finally(() => {
      if (this.inflight === tracked) this.inflight = null;
    });
    this.inflight = tracked;
    return tracked;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next;
    return next;
  }

  private async attempt(generation: number): Promise<void> {
    if (generation !== this.generation || !this.running) return;
    const spec = this.options.spec();
    const outcome = await registerServerNode(this.options.api, spec);
    if (outcome.kind === 'ok') this.activeNodeId = outcome.node.id;
    if (generation !== this.generation || !this.running) return;
    const { logger } = this.options;
    if (outcome.kind === 'ok') {
      const first = this.observed.value.status !== 'registered' || this.observed.value.nodeId !== outcome.node.id;
      this.failures = 0;
      const heartbeat = outcome.method === 'reportStatus';
      this.set({
        hostname: spec.hostName,
        status: 'registered',
        nodeId: outcome.node.id,
        method: outcome.method,
        lastHeartbeatAtMs: heartbeat ? this.options.clock.nowMs() : this.observed.value.lastHeartbeatAtMs,
        code: null,
        reason: null,
      });
      if (first)
        logger?.info('server node registered with Kaltura', {
          hostName: spec.hostName,
          nodeId: outcome.node.id,
          method: outcome.method,
        });
      // add + enable leaves the heartbeat null, which Kaltura reads as always registered: nothing to repeat then
      if (heartbeat) this.schedule(generation, this.options.heartbeatIntervalMs ?? MAX_HEARTBEAT_INTERVAL_MS);
      else this.cancelTimer();
      return;
    }
    if (outcome.kind === 'refused') {
      this.failures = 0;
      this.set({ hostname: spec.hostName, status: 'refused', code: outcome.code, reason: outcome.reason });
      logger?.error(`server node ${spec.hostName} not registered: ${outcome.reason}`, { code: outcome.code });
      this.schedule(generation, this.options.refusedRetryMs ?? DEFAULT_REFUSED_RETRY_MS);
      return;
    }
    this.failures++;
    const delayMs = Math.min(
      this.options.retryMaxDelayMs ?? 30_000,
      (this.options.retryBaseDelayMs ?? 2_000) * 2 ** (this.failures - 1),
    );
    this.set({
      hostname: spec.hostName,
      status: 'retrying',
      reason: `${outcome.reason}; trying again in ${Math.round(delayMs / 1000)} s`,
      code: null,
    });
    logger?.warn('server node registration failed; retrying', {
      hostName: spec.hostName,
      delayMs,
      error: outcome.reason,
    });
    this.schedule(generation, delayMs);
  }

  private schedule(generation: number, delayMs: number): void {
    this.cancelTimer();
    if (!this.running) return;
    this.timer = this.options.clock.setTimer(() => {
      this.timer = null;
      if (generation === this.generation && this.running) void this.register();
    }, delayMs);
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private set(patch: Partial<ServerNodeState>): void {
    this.observed.set(patch);
  }
}
