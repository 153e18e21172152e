// The WebSocket transport of the bridge for browser page loads: the wire envelope of shared/bridge/wire.ts,
// responses validated with the contract's zod schemas, reconnect with capped backoff, and a status stream
// so the stores can resync (the station sends 'state.snapshot' on every connect).
import { events as eventDefs, requests as requestDefs } from '../../../shared/bridge/contract.js';
import type { EventName, RequestName } from '../../../shared/bridge/contract.js';
import type { BridgeEvents, BridgeRequests, KliveBridge } from '../../../shared/bridge/api.js';
import { CLOSE_UNAUTHORIZED, ServerMessageSchema } from '../../../shared/bridge/wire.js';
import type { ClientMessage } from '../../../shared/bridge/wire.js';
import { BridgeErrorCode, BridgeRequestError } from '../../../shared/bridge/errors.js';

/** The part of the browser WebSocket this client uses (a fake one in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface Timers {
  setTimeout(fn: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** 'unauthorized': the station closed with 4401 (a LAN page without the access token): retrying cannot help */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'unauthorized' | 'closed';

export interface WsBridgeOptions {
  url: string;
  /** the access token from <meta name="klive-access-token">; null = read-only (mutations are refused) */
  accessToken: string | null;
  createSocket?: (url: string) => SocketLike;
  timers?: Timers;
  requestTimeoutMs?: number;
  initialReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

interface Pending {
  name: RequestName;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: unknown;
}

const OPEN = 1;

export class WsBridgeClient implements KliveBridge {
  readonly request: BridgeRequests;
  readonly on: BridgeEvents;
  private socket: SocketLike | null = null;
  private status: ConnectionStatus = 'connecting';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** requests made while disconnected: sent on the next open */
  private readonly queued: { id: number; message: ClientMessage }[] = [];
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private reconnectDelayMs: number;
  private reconnectTimer: unknown = null;
  private stopped = false;
  private readonly timers: Timers;
  private readonly createSocket: (url: string) => SocketLike;

  constructor(private readonly options: WsBridgeOptions) {
    this.timers = options.timers ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as number),
    };
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.reconnectDelayMs = options.initialReconnectDelayMs ?? 500;
    const request: Record<string, (payload: unknown) => Promise<unknown>> = {};
    for (const name of Object.keys(requestDefs) as RequestName[]) request[name] = (payload) => this.call(name, payload);
    this.request = request as unknown as BridgeRequests;
    const on: Record<string, (listener: (payload: unknown) => void) => () => void> = {};
    for (const name of Object.keys(eventDefs) as EventName[]) on[name] = (listener) => this.addListener(name, listener);
    this.on = on as unknown as BridgeEvents;
    this.connect();
  }

  getStatus(): ConnectionStatus {
    return this.status;
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Stops reconnecting, closes the socket and rejects everything in flight. */
  close(): void {
    this.stopped = true;
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close(1000, 'client closed');
    }
    this.failAll(BridgeErrorCode.disconnected, 'The connection to the station was closed.');
    this.setStatus('closed');
  }

  private connect(): void {
    const socket = this.createSocket(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.reconnectDelayMs = this.options.initialReconnectDelayMs ?? 500;
      socket.send(JSON.stringify({ type: 'subscribe', events: Object.keys(eventDefs) } satisfies ClientMessage));
      for (const item of this.queued.splice(0)) {
        if (this.pending.has(item.id)) socket.send(JSON.stringify(item.message));
      }
      this.setStatus('open');
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.receive(ev.data);
    };
    socket.onerror = () => {
      // a close event always follows; reconnecting happens there
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (ev.code === CLOSE_UNAUTHORIZED) {
        this.stopped = true;
        this.failAll(
          BridgeErrorCode.disconnected,
          'The station wants its access token: open the address the station printed (it ends in ?token=...).',
        );
        this.setStatus('unauthorized');
        return;
      }
      this.failAll(
        BridgeErrorCode.disconnected,
        'Lost the connection to the station while waiting for an answer; it is reconnecting, try again in a moment.',
      );
      if (this.stopped) return;
      this.setStatus('reconnecting');
      const delayMs = this.reconnectDelayMs;
      this.reconnectDelayMs = Math.min(delayMs * 2, this.options.maxReconnectDelayMs ?? 10_000);
      this.reconnectTimer = this.timers.setTimeout(() => {
        this.reconnectTimer = null;
        if (!this.stopped) this.connect();
      }, delayMs);
    };
  }

  private call(name: RequestName, payload: unknown): Promise<unknown> {
    if (this.stopped)
      return Promise.reject(new BridgeRequestError(BridgeErrorCode.disconnected, 'The bridge client was closed.'));
    const id = this.nextId++;
    const message: ClientMessage = { type: 'request', id, name, payload };
    if (requestDefs[name].mutates && this.options.accessToken) message.token = this.options.accessToken;
    return new Promise((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(id);
        reject(
          new BridgeRequestError(
            BridgeErrorCode.timeout,
            `The station did not answer ${name} in time. Check that it is still running.`,
          ),
        );
      }, this.options.requestTimeoutMs ?? 15_000);
      this.pending.set(id, { name, resolve, reject, timer });
      const socket = this.socket;
      if (socket && socket.readyState === OPEN && this.status === 'open') socket.send(JSON.stringify(message));
      else this.queued.push({ id, message });
    });
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerMessageSchema.safeParse(json);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'event') {
      const def = (
        eventDefs as Record<string, { payload: { safeParse(v: unknown): { success: boolean; data?: unknown } } }>
      )[message.name];
      if (!def) return;
      const checked = def.payload.safeParse(message.payload);
      if (!checked.success) {
        console.warn(`kLive bridge: ignored a malformed '${message.name}' event`);
        return;
      }
      for (const listener of this.listeners.get(message.name) ?? []) listener(checked.data);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    this.timers.clearTimeout(pending.timer);
    if (!message.ok) {
      pending.reject(new BridgeRequestError(message.error.code, message.error.message));
      return;
    }
    const checked = requestDefs[pending.name].response.safeParse(message.payload);
    if (!checked.success) {
      pending.reject(
        new BridgeRequestError(
          BridgeErrorCode.invalid_response,
          `The station's answer to ${pending.name} did not match the contract: is the page from a different station version? Reload it.`,
        ),
      );
      return;
    }
    pending.resolve(checked.data);
  }

  private addListener(name: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  private failAll(code: typeof BridgeErrorCode.disconnected, text: string): void {
    for (const [id, p] of this.pending) {
      this.timers.clearTimeout(p.timer);
      p.reject(new BridgeRequestError(code, text));
      this.pending.delete(id);
    }
    this.queued.length = 0;
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}
