// Owns the WebSocket transport of the bridge on /bridge: the wire envelope of shared/bridge/wire.ts,
// a full snapshot on connect then deltas, every incoming message checked (size, JSON, schema), the
// access token for anything that mutates, 4401 for non-loopback clients without it, and an Origin check. The
// token and loopback rules are the HTTP side's (http/access-token.ts), passed in as `BridgeAccess`.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE_UNAUTHORIZED, ClientMessageSchema, type ServerMessage } from '../../shared/bridge/wire.js';
import { BridgeErrorCode, BridgeRequestError } from '../../shared/bridge/errors.js';
import { events as eventDefs, type EventName } from '../../shared/bridge/contract.js';
import type { Snapshot } from '../../shared/state.js';
import type { Logger } from '../log/logger.js';
import type { BridgeHost } from './host.js';

const BRIDGE_PATH = '/bridge';
export { CLOSE_UNAUTHORIZED };

/** The access rules of the station's HTTP side (http/access-token.ts), as the transport uses them. */
export interface BridgeAccess {
  /** whether `presented` is the station's access token (compared in constant time) */
  trusts(presented: string | null | undefined): boolean;
  /** a loopback peer that asked for a loopback host (no DNS rebinding) */
  isLocal(remoteAddress: string | undefined, hostHeader: string | undefined): boolean;
}

/** Where the transport takes its upgrades (the station's HTTP server); `false` from a handler lets others try. */
export interface UpgradeSource {
  onUpgrade(handler: (req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL) => boolean): void;
}

export interface WsBridgeOptions {
  host: BridgeHost;
  access: BridgeAccess;
  getSnapshot: () => Snapshot;
  logger: Logger;
  maxMessageBytes?: number;
  /** above this much unsent data a client stops getting deltas and is resynced with a snapshot */
  maxBufferedBytes?: number;
  /** a client that does not answer a ping within this long is dropped (default 30 s) */
  heartbeatMs?: number;
  /** test seam: the peer address (default req.socket.remoteAddress) */
  remoteAddressOf?: (req: http.IncomingMessage) => string | undefined;
}

interface Client {
  ws: WebSocket;
  /** presented the access token when connecting */
  trusted: boolean;
  /** event names it wants; null = all */
  events: Set<string> | null;
  stale: boolean;
  invalidMessages: number;
  alive: boolean;
}

export class WsBridgeServer {
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  /** subscribed to the bridge host only while a client is connected: no client, no event work */
  private unsubscribe: (() => void) | null = null;
  private readonly maxBufferedBytes: number;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: WsBridgeOptions) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessageBytes ?? 64 * 1024,
      clientTracking: false,
    });
    // laptops sleep and Wi-Fi drops: find clients that went away without a close
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) {
        if (!c.alive) {
          c.ws.terminate();
          this.removeClient(c);
          continue;
        }
        c.alive = false;
        c.ws.ping();
      }
    }, options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  attach(server: UpgradeSource): void {
    server.onUpgrade((req, socket, head, url) => this.handleUpgrade(req, socket, head, url));
  }

  /** Takes upgrades for the bridge path; false lets other handlers try. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    if (url.pathname !== BRIDGE_PATH) return false;
    const origin = req.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin, req.headers.host)) {
      this.options.logger.warn('refused a bridge connection from a foreign page', { origin });
      socket.end(
        'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nthis page may not use the station bridge (Origin does not match the station)',
      );
      return true;
    }
    const remote = (this.options.remoteAddressOf ?? ((r) => r.socket.remoteAddress))(req);
    const presented = url.searchParams.get('token') ?? bearer(req.headers.authorization);
    const trusted = this.options.access.trusts(presented);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!trusted && !this.options.access.isLocal(remote, req.headers.host)) {
        this.options.logger.warn('refused a bridge client without the access token', { address: remote });
        ws.close(
          CLOSE_UNAUTHORIZED,
          'access token required: open the URL printed by the station with ?token=<access token>',
        );
        return;
      }
      this.accept(ws, trusted);
    });
    return true;
  }

  close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private originAllowed(origin: string, hostHeader: string | undefined): boolean {
    try {
      const o = new URL(origin);
      return (
        (o.protocol === 'http:' || o.protocol === 'https:') &&
        hostHeader !== undefined &&
        o.host === hostHeader.toLowerCase()
      );
    } catch {
      return false;
    }
  }

  private accept(ws: WebSocket, trusted: boolean): void {
    const client: Client = { ws, trusted, events: null, stale: false, invalidMessages: 0, alive: true };
    this.clients.add(client);
    this.unsubscribe ??= this.options.host.subscribe((name, payload) => this.broadcast(name, payload));
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => this.removeClient(client));
    ws.on('error', (e) => this.options.logger.debug('bridge client error', { error: e.message }));
    ws.on('message', (data, isBinary) => void this.onMessage(client, data, isBinary));
    this.sendSnapshot(client);
  }

  private removeClient(client: Client): void {
    this.clients.delete(client);
    if (this.clients.size > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private sendSnapshot(client: Client): void {
    try {
      this.send(client, { type: 'event', name: 'state.snapshot', payload: this.options.getSnapshot() });
      client.stale = false;
    } catch (e) {
      this.options.logger.error('cannot build the snapshot for a bridge client', { error: (e as Error).message });
    }
  }

  private broadcast(name: EventName, payload: unknown): void {
    for (const client of this.clients) {
      if (client.events && !client.events.has(name)) continue;
      if (client.ws.bufferedAmount > this.maxBufferedBytes) {
        client.stale = true;
        continue;
      }
      if (client.stale) {
        if (client.ws.bufferedAmount > this.maxBufferedBytes / 2) continue;
        this.sendSnapshot(client);
        if (name.startsWith('state.')) continue;
      }
      this.send(client, { type: 'event', name, payload });
    }
  }

  private async onMessage(client: Client, data: WebSocket.RawData, isBinary: boolean): Promise<void> {
    const text = isBinary
      ? null
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
    let raw: unknown;
    try {
      if (text === null) throw new Error('binary frames are not part of the protocol; send JSON text');
      raw = JSON.parse(text);
    } catch (e) {
      return this.invalid(client, 0, `not a JSON message: ${(e as Error).message}`);
    }
    const parsed = ClientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : 0;
      return this.invalid(
        client,
        id,
        'expected {"type":"request","id":N,"name":"...","payload":{...}} or {"type":"subscribe","events":[...]}',
      );
    }
    const msg = parsed.data;
    if (msg.type === 'subscribe') {
      client.events = new Set(msg.events.filter((e) => Object.prototype.hasOwnProperty.call(eventDefs, e)));
      return;
    }
    const trusted = client.trusted || this.options.access.trusts(msg.token);
    try {
      const payload = await this.options.host.handle(msg.name, msg.payload, { transport: 'ws', trusted });
      this.send(client, { type: 'response', id: msg.id, ok: true, payload });
    } catch (e) {
      const error = BridgeRequestError.toWire(e);
      if (!(e instanceof BridgeRequestError))
        this.options.logger.error('bridge request crashed', { request: msg.name, error: (e as Error).message });
      this.send(client, { type: 'response', id: msg.id, ok: false, error });
    }
  }

  private invalid(client: Client, id: number, message: string): void {
    client.invalidMessages++;
    this.send(client, { type: 'response', id, ok: false, error: { code: BridgeErrorCode.invalid_message, message } });
    if (client.invalidMessages >= 20) client.ws.close(1008, 'too many invalid messages');
  }

  private send(client: Client, message: ServerMessage): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    client.ws.send(JSON.stringify(message));
  }
}

function bearer(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m?.[1] ?? null;
}
