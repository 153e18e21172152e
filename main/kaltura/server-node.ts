// Owns this station's server node at Kaltura (kaltura-producer.md §1): registered at start with
// serverNode.reportStatus(hostName, KalturaWowzaMediaServerNode, ACTIVE), which adds a missing node, or with
// list + add + enable where reportStatus is not permitted; a heartbeat (reportStatus) at most every 60 s, since
// Kaltura reads a heartbeat older than 120 s as NOT_REGISTERED; taken out of service on stop (markOffline).
// Refusals are kept with the reason and the fix, and tried again slowly (a partner feature may be switched on).
// Calls are serialised; each carries a generation id so an answer from before a stop cannot change the state.
import { KalturaApiError, KalturaTransportError } from './errors.js';
import {
  SERVER_NODE_STATUS,
  type ServerNodeApi,
  type ServerNodeInfo,
  type ServerNodeSpec,
} from './server-node-actions.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { ServerNodeState } from '../../shared/state.js';

/** Kaltura's ServerNode::SERVER_NODE_TTL_TIME */
export const SERVER_NODE_TTL_MS = 120_000;
export const MAX_HEARTBEAT_INTERVAL_MS = 60_000;
/** a refused registration is tried again this often (the cause may be fixed at Kaltura's side meanwhile) */
export const DEFAULT_REFUSED_RETRY_MS = 5 * 60_000;

export const SERVER_NODE_FEATURE_MISSING =
  'this partner lacks the Server Node / Hybrid eCDN feature; ask your Kaltura account manager to enable it (Admin Console: "Enable Server-Node" and "Hybrid eCDN Architecture")';

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

type Outcome =
  | { kind: 'ok'; node: ServerNodeInfo; method: 'reportStatus' | 'addEnable' }
  | { kind: 'refused'; code: string; reason: string }
  | { kind: 'retry'; reason: string };

/** Why a serverNode refusal happened and what to do, from Kaltura's code. */
export function describeServerNodeRefusal(error: KalturaApiError, hostName: string): string {
  switch (error.code) {
    case 'SERVICE_FORBIDDEN':
      return SERVER_NODE_FEATURE_MISSING;
    case 'SERVICE_DOES_NOT_EXISTS':
    case 'ACTION_DOES_NOT_EXISTS':
      return (
        'this Kaltura server has no serverNode service (a server older than the media-server nodes); ask its administrator to add this station as a Wowza media server node named ' +
        hostName
      );
    case 'HOST_NAME_ALREADY_EXISTS':
      return `Kaltura already has a server node named ${hostName} that this station cannot use (it is disabled, or belongs to another partner): enable it in the Admin Console, or give this station another hostname in Settings`;
    default:
      return `Kaltura refused to register server node ${hostName} (${error.code}: ${error.message}); check the partner's server-node settings with your Kaltura administrator`;
  }
}

export class ServerNodeKeeper {
  private current: ServerNodeState;
  private readonly listeners = new Set<(state: ServerNodeState) => void>();
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
    this.current = {
      hostname: options.spec().hostName,
      status: 'none',
      nodeId: null,
      method: null,
      lastHeartbeatAtMs: null,
      code: null,
      reason: null,
    };
  }

  state(): ServerNodeState {
    return { ...this.current };
  }

  onChange(listener: (state: ServerNodeState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
            hostName: this.current.hostname,
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
    if (this.current.status !== 'registered') this.set({ status: 'registering' });
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
    const outcome = await this.tryRegister(spec);
    if (outcome.kind === 'ok') this.activeNodeId = outcome.node.id;
    if (generation !== this.generation || !this.running) return;
    const { logger } = this.options;
    if (outcome.kind === 'ok') {
      const first = this.current.status !== 'registered' || this.current.nodeId !== outcome.node.id;
      this.failures = 0;
      const heartbeat = outcome.method === 'reportStatus';
      this.set({
        hostname: spec.hostName,
        status: 'registered',
        nodeId: outcome.node.id,
        method: outcome.method,
        lastHeartbeatAtMs: heartbeat ? this.options.clock.nowMs() : this.current.lastHeartbeatAtMs,
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

  private async tryRegister(spec: ServerNodeSpec): Promise<Outcome> {
    const { api } = this.options;
    try {
      return { kind: 'ok', node: await api.reportStatus(spec), method: 'reportStatus' };
    } catch (error) {
      if (!(error instanceof KalturaApiError)) return this.transient(error);
      // reportStatus not permitted (or missing on an older server): list + add + enable, as liveDVR did
      if (error.code !== 'SERVICE_FORBIDDEN' && error.code !== 'ACTION_DOES_NOT_EXISTS')
        return this.refusedOrRetry(error, spec);
    }
    try {
      const existing = (await api.findByHostName(spec.hostName))[0];
      const node = existing ?? (await api.add(spec));
      const enabled = node.status === SERVER_NODE_STATUS.ACTIVE ? node : await api.enable(node.id);
      return { kind: 'ok', node: enabled, method: 'addEnable' };
    } catch (error) {
      if (!(error instanceof KalturaApiError)) return this.transient(error);
      return this.refusedOrRetry(error, spec);
    }
  }

  private refusedOrRetry(error: KalturaApiError, spec: ServerNodeSpec): Outcome {
    // a KS problem is the KS supervisor's to fix (it renews and reports); the node is tried again soon
    if (error.code === 'INVALID_KS' || error.code === 'MISSING_KS')
      return { kind: 'retry', reason: `Kaltura did not accept the station's KS (${error.code})` };
    return { kind: 'refused', code: error.code, reason: describeServerNodeRefusal(error, spec.hostName) };
  }

  private transient(error: unknown): Outcome {
    if (error instanceof KalturaTransportError) return { kind: 'retry', reason: error.message };
    return { kind: 'retry', reason: (error as Error).message };
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
    const next = { ...this.current, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    for (const listener of [...this.listeners]) {
      try {
        listener(this.state());
      } catch {
        // a listener must not break the keeper
      }
    }
  }
}

/** What a media-server call needs of the keeper: its state, and one more registration on demand. */
export type NodeForCalls = Pick<ServerNodeKeeper, 'state' | 'reregister'>;

/**
 * Runs a media-server call (authenticate, registerMediaServer); on MEDIA_SERVER_NOT_FOUND registers the node once
 * more and runs the call again, once. If the node is still not registered, or Kaltura still does not find it, the
 * call fails with `refuse(error, state)`, which carries the node's reason. `waitMs` bounds the re-registration.
 */
export async function callWithNode<T>(
  node: NodeForCalls | null,
  call: () => Promise<T>,
  refuse: (error: KalturaApiError, state: ServerNodeState | null) => Error,
  waitMs = 8_000,
  logger?: Logger,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!node || !(error instanceof KalturaApiError) || error.code !== 'MEDIA_SERVER_NOT_FOUND') throw error;
    logger?.warn('Kaltura answered MEDIA_SERVER_NOT_FOUND; registering the server node again', { call: error.call });
    let timer: NodeJS.Timeout | undefined;
    const state = await Promise.race([
      node.reregister(),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs))),
    ]).finally(() => clearTimeout(timer));
    if (state?.status !== 'registered') throw refuse(error, state ?? node.state());
    try {
      return await call();
    } catch (again) {
      if (again instanceof KalturaApiError && again.code === 'MEDIA_SERVER_NOT_FOUND')
        throw refuse(again, node.state());
      throw again;
    }
  }
}

/** The refusal of a publish Kaltura does not know the station for: the hostname and why, with the fix. */
export function mediaServerNotFound(error: KalturaApiError, state: ServerNodeState | null): KalturaApiError {
  const why =
    state?.status === 'refused' && state.reason
      ? state.reason
      : 'it was registered again and Kaltura still does not find it: check in the Admin Console that the node is not disabled or deleted';
  return new KalturaApiError(
    'MEDIA_SERVER_NOT_FOUND',
    `Kaltura does not know this station as a media server (${state?.hostname ?? 'no hostname'}): ${why}`,
    error.args,
    error.call,
  );
}
