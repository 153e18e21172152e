// Owns node-media-server 4.4.3: the ONLY module that touches its internals. We own the TCP listener
// and hand each socket to NMS's RtmpSession (protocol, AMF, broadcast fan-out), overriding a few
// per-instance hooks. The NodeMediaServer class is never constructed, so its process.exit on a taken
// port, forced debug logging, ./data store, recorder, web admin and rate sampler never run.
//
// Process-wide facts we cannot avoid (noted honestly): NMS keeps `Context.broadcasts` keyed by stream
// path and one logger singleton per process. Several adapters in one process therefore publish under a
// private application name (`kLive-<tag>`), so their paths never collide, and NMS log lines are routed
// to the adapter that owns the session id they mention.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import net from 'node:net';
import type { Logger } from '../log/logger.js';
import { PortInUseError } from '../core/errors.js';
import { applicationName } from './broadcast-url.js';
import { PacedReader, sharedReadBuffer } from './paced-reader.js';
import { ReadPacer } from './read-pacer.js';

const require = createRequire(import.meta.url);

/** NMS AVPacket fields we read (flags: 0 audio header, 1 audio, 2 video header, 3 key, 4 inter, 5 metadata). */
interface NmsPacket {
  codec_type: number;
  codec_id: number;
  flags: number;
  dts: number;
  pts: number;
  size: number;
  data: Buffer;
}

interface NmsConnectReq {
  app: string;
  name: string;
  host: string;
  query: unknown;
}

interface NmsRtmp {
  onConnect(msg: unknown): void;
  onPublish(msg: unknown): void;
  packetAlloc(): void;
  respondPublish(): void;
  sendStatusMessage(streamId: number, level: string, code: string, description: string): void;
  streamId: number;
  parserPacket: { header: { length: number } };
  inPackets: Map<number, unknown>;
  inChunkSize: number;
}

interface NmsBroadcast {
  publisher: unknown;
  subscribers: Map<string, { close(): void; socket?: net.Socket }>;
  rtmpGopCache: Set<Buffer> | null;
  flvGopCache: Set<Buffer> | null;
  _finishPublish?: () => void;
}

interface NmsRtmpSession {
  id: string;
  isPublisher: boolean;
  rtmp: NmsRtmp;
  broadcast: NmsBroadcast;
  run(): void;
  onConnect(req: NmsConnectReq): void;
  onPush(): void;
  onPlay(): void;
  onPacket(packet: NmsPacket): void;
  onData(data: Buffer): void;
  onClose(): void;
}

type RtmpSessionClass = new (socket: net.Socket) => NmsRtmpSession;
type RtmpProtocolClass = { prototype: NmsRtmp };

export interface PublishRequest {
  connectionId: string;
  /** remote IP without port */
  sourceAddress: string;
  /** RTMP connect app as sent (may carry the OBS-form query) */
  app: string;
  tcUrl: string | null;
  /** publish name as sent (may carry the stream-key query) */
  publishName: string;
}

export interface NmsAdapterHooks {
  /** A publish command arrived; answer with accept() or refuse(). Media is held back until then. */
  onPublish(request: PublishRequest): void;
  /** An FLV tag of an accepted publisher, before it is fanned out. `data` is NMS's buffer: read, never keep. */
  onMedia(connectionId: string, type: number, dts: number, size: number, data: Buffer): void;
  /** A read of an accepted publisher's socket was parsed: the tags of that batch are all out (onMedia). */
  onMediaBatch(connectionId: string): void;
  /** An accepted publisher's connection closed; its readers were already told to close. */
  onPublisherClosed(connectionId: string): void;
}

/**
 * Every live stream holds several RTMP connections: the publisher's, the transcoder's pull and the recorder's
 * pull (a backup stream as many again). 64 capped the station at 32 unrecorded streams (the 33rd stream's
 * transcoder was dropped at the door); 50+ streams need 150+. Idle floods are bounded by the handshake timeout.
 */
export const DEFAULT_MAX_CONNECTIONS = 256;

export interface NmsAdapterOptions {
  host: string;
  port: number;
  logger: Logger;
  hooks: NmsAdapterHooks;
  appName?: string;
  now?: () => number;
  maxConnections?: number;
  /** a connection that has not published or played after this long is closed (default 10 s) */
  handshakeTimeoutMs?: number;
  /** largest RTMP message accepted (default 8 MiB) */
  maxMessageBytes?: number;
  /** most chunk streams one connection may open (default 32) */
  maxChunkStreams?: number;
  /** allow readers from other hosts (default false: only this machine may pull) */
  allowRemotePlay?: boolean;
  /** a reader whose unsent backlog passes this is closed (default 32 MiB) */
  maxReaderBacklogBytes?: number;
  /**
   * longest pause between two reads of an accepted publisher, in ms (default 200; 0 = read every arrival).
   * The pause follows the stream's rate (see read-pacer.ts): HLS segments are seconds long, so a batch adds
   * nothing a viewer notices, and it saves the station most of its wakeups.
   */
  readBatchMs?: number;
  /** for this long after it was accepted a publisher is read on every arrival, so the first segments are not delayed (default 10 s) */
  readBatchAfterMs?: number;
}

/** see NmsAdapterOptions.readBatchMs */
export const DEFAULT_READ_BATCH_MS = 200;
export const DEFAULT_READ_BATCH_AFTER_MS = 10_000;

type Phase = 'handshake' | 'gate' | 'accepted' | 'refused' | 'playing' | 'closed';

interface Conn {
  id: string;
  session: NmsRtmpSession;
  socket: net.Socket;
  sourceAddress: string;
  phase: Phase;
  app: string | null;
  tcUrl: string | null;
  publishName: string | null;
  connectReq: NmsConnectReq | null;
  lastDataAtMs: number;
  held: NmsPacket[];
  timer: NodeJS.Timeout | null;
  /** set once accepted: how often its socket is read (pacer), and the batches themselves (reader) */
  pacer: ReadPacer | null;
  reader: PacedReader | null;
  closeWaiters: Array<() => void>;
  original: {
    onConnect: (req: NmsConnectReq) => void;
    onPush: () => void;
    onPlay: () => void;
    onPacket: (p: NmsPacket) => void;
  };
}

class BadInputError extends Error {}

const MAX_HELD_HEADERS = 8;

export class NmsAdapter {
  private readonly RtmpSession: RtmpSessionClass;
  private readonly rtmpProto: NmsRtmp;
  private readonly tag = randomBytes(4).toString('hex');
  private readonly appName: string;
  private readonly internalApp: string;
  private readonly now: () => number;
  private readonly maxReaderBacklogBytes: number;
  private readonly readBatchMs: number;
  private readonly readBatchAfterMs: number;
  private readonly readBuffer = sharedReadBuffer();
  private readonly conns = new Map<string, Conn>();
  private server: net.Server | null = null;
  private unrouteLogs: (() => void) | null = null;
  private dropCount = 0;
  private dropLoggedAtMs = 0;

  constructor(private readonly options: NmsAdapterOptions) {
    this.RtmpSession = require('node-media-server/src/session/rtmp_session.js') as RtmpSessionClass;
    this.rtmpProto = (require('node-media-server/src/protocol/rtmp.js') as RtmpProtocolClass).prototype;
    this.appName = options.appName ?? 'kLive';
    this.internalApp = `${this.appName}-${this.tag}`;
    this.now = options.now ?? Date.now;
    this.maxReaderBacklogBytes = options.maxReaderBacklogBytes ?? 32 * 1024 * 1024;
    this.readBatchMs = options.readBatchMs ?? DEFAULT_READ_BATCH_MS;
    this.readBatchAfterMs = options.readBatchAfterMs ?? DEFAULT_READ_BATCH_AFTER_MS;
  }

  get port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const { host, port, logger } = this.options;
    // highWaterMark 0: a paused socket holds nothing in Node and asks its handle for nothing more, so a publisher
    // read in batches (paced-reader.ts) does not wake the station for every TCP segment.
    const server = net.createServer({ highWaterMark: 0 }, (socket) => this.onSocket(socket));
    server.maxConnections = this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    server.on('drop', () => this.onDrop());
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        server.close();
        if (error.code === 'EADDRINUSE')
          reject(new PortInUseError('RTMP', host, port, '--rtmp-port', 'KLIVE_RTMP_PORT'));
        else
          reject(
            new Error(`RTMP listener on ${host}:${port} failed: ${error.message}; check --rtmp-host and --rtmp-port`),
          );
      };
      server.once('error', onError);
      server.listen({ host, port }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (error) => logger.error('RTMP listener error', { error: error.message }));
    this.server = server;
    this.unrouteLogs = routeNmsLogs((sessionId) => this.conns.has(sessionId), logger.child('nms'));
    logger.info('RTMP ingest listening', { host, port: this.port });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const all = [...this.conns.values()].map((conn) => this.destroy(conn));
    await Promise.race([Promise.all(all), delay(2000)]);
    await Promise.race([closed, delay(2000)]);
    this.unrouteLogs?.();
    this.unrouteLogs = null;
  }

  /** rtmp://HOST:PORT/APP/NAME on the address this adapter listens on. */
  pullUrl(internalName: string): string {
    const host = this.options.host;
    const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return `rtmp://${h}:${this.port}/${this.appName}/${internalName}`;
  }

  isOpen(connectionId: string): boolean {
    const conn = this.conns.get(connectionId);
    return conn !== undefined && conn.phase !== 'closed' && !conn.socket.destroyed;
  }

  lastDataAtMs(connectionId: string): number | null {
    return this.conns.get(connectionId)?.lastDataAtMs ?? null;
  }

  /** Registers the waiting publisher under `internalName` and releases its held headers. */
  accept(connectionId: string, internalName: string): boolean {
    const conn = this.conns.get(connectionId);
    if (!conn || conn.phase !== 'gate' || conn.socket.destroyed || !conn.connectReq) return false;
    conn.original.onConnect({ ...conn.connectReq, app: this.internalApp, name: internalName });
    if (conn.socket.destroyed || conn.socket.writableEnded) return false;
    if (conn.session.broadcast.publisher) return false;
    conn.phase = 'accepted';
    // the encoder waits for this answer: it goes out before the rest of the set-up (all synchronous, so no media is
    // read before the pacer, the reader and the publish below are in place)
    this.rtmpProto.respondPublish.call(conn.session.rtmp);
    conn.pacer = new ReadPacer({ maxPauseMs: this.readBatchMs, startAfterMs: this.readBatchAfterMs }, this.now());
    conn.reader = new PacedReader({
      socket: conn.socket,
      pacer: conn.pacer,
      onData: (chunk) => conn.session.onData(chunk),
      now: this.now,
      buffer: this.readBuffer,
    });
    conn.original.onPush();
    if (!conn.session.isPublisher) return false;
    const held = conn.held;
    conn.held = [];
    for (const packet of held) this.forward(conn, packet);
    this.options.hooks.onMediaBatch(conn.id);
    return true;
  }

  /**
   * Refuses a waiting publisher: it gets NetStream.Publish.Denied with `description` (shown by FFmpeg
   * as "Server error: ..."; must not contain secrets), its media is dropped and the socket closes
   * within about a second.
   */
  refuse(connectionId: string, description = 'publish refused'): void {
    const conn = this.conns.get(connectionId);
    if (!conn || conn.phase === 'closed') return;
    const wasWaiting = conn.phase === 'gate';
    conn.phase = 'refused';
    conn.held = [];
    if (wasWaiting && !conn.socket.destroyed) {
      try {
        conn.session.rtmp.sendStatusMessage(
          conn.session.rtmp.streamId,
          'error',
          'NetStream.Publish.Denied',
          description,
        );
      } catch {
        // the socket is closing anyway
      }
    }
    this.endSoon(conn.socket);
  }

  /** Closes a connection now; resolves once its close was handled (readers released, hooks called). */
  close(connectionId: string): Promise<void> {
    const conn = this.conns.get(connectionId);
    return conn ? this.destroy(conn) : Promise.resolve();
  }

  private destroy(conn: Conn): Promise<void> {
    if (conn.phase === 'closed') return Promise.resolve();
    const done = new Promise<void>((resolve) => conn.closeWaiters.push(resolve));
    conn.socket.destroy();
    return done;
  }

  private onDrop(): void {
    this.dropCount += 1;
    const nowMs = this.now();
    if (nowMs - this.dropLoggedAtMs >= 1000) {
      this.options.logger.warn('RTMP connection refused: too many connections', {
        dropped: this.dropCount,
        max: this.server?.maxConnections,
      });
      this.dropLoggedAtMs = nowMs;
      this.dropCount = 0;
    }
  }

  private onSocket(socket: net.Socket): void {
    if (!this.server) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const session = new this.RtmpSession(socket);
    const conn: Conn = {
      id: session.id,
      session,
      socket,
      sourceAddress: (socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
      phase: 'handshake',
      app: null,
      tcUrl: null,
      publishName: null,
      connectReq: null,
      lastDataAtMs: this.now(),
      held: [],
      timer: null,
      pacer: null,
      reader: null,
      closeWaiters: [],
      original: {
        onConnect: session.onConnect,
        onPush: session.onPush,
        onPlay: session.onPlay,
        onPacket: session.onPacket,
      },
    };
    this.conns.set(conn.id, conn);
    this.hook(conn);
    session.run();
    const timeoutMs = this.options.handshakeTimeoutMs ?? 10_000;
    conn.timer = setTimeout(() => {
      if (conn.phase === 'handshake') this.kill(conn, `no publish or play within ${timeoutMs} ms`);
    }, timeoutMs);
    conn.timer.unref();
  }

  /** Per-instance overrides, installed before session.run() wires the protocol callbacks. */
  private hook(conn: Conn): void {
    const { session } = conn;
    const rtmp = session.rtmp;
    const proto = this.rtmpProto;
    const maxMessageBytes = this.options.maxMessageBytes ?? 8 * 1024 * 1024;
    const maxChunkStreams = this.options.maxChunkStreams ?? 32;
    const originalOnData = session.onData;
    const originalOnClose = session.onClose;

    rtmp.packetAlloc = () => {
      const length = rtmp.parserPacket.header.length;
      if (length > maxMessageBytes)
        throw new BadInputError(`RTMP message of ${length} bytes is larger than ${maxMessageBytes}`);
      if (rtmp.inPackets.size > maxChunkStreams)
        throw new BadInputError(`more than ${maxChunkStreams} RTMP chunk streams`);
      proto.packetAlloc.call(rtmp);
    };
    rtmp.onConnect = (msg: unknown) => {
      if (conn.app !== null) throw new BadInputError('second connect command');
      const cmdObj = (msg as { cmdObj?: Record<string, unknown> } | null)?.cmdObj;
      if (!cmdObj || typeof cmdObj['app'] !== 'string') throw new BadInputError('connect command without app');
      conn.app = cmdObj['app'];
      conn.tcUrl = typeof cmdObj['tcUrl'] === 'string' ? cmdObj['tcUrl'] : null;
      // OBS sends `kLive/?p=..`: NMS's name check would drop it, so it sees only the bare application.
      const bare = applicationName(conn.app);
      cmdObj['app'] = bare;
      if (!conn.tcUrl || !URL.canParse(conn.tcUrl)) cmdObj['tcUrl'] = `rtmp://localhost/${bare}`;
      proto.onConnect.call(rtmp, msg);
    };
    rtmp.onPublish = (msg: unknown) => {
      const name = (msg as { streamName?: unknown } | null)?.streamName;
      if (typeof name !== 'string') throw new BadInputError('publish command without a stream name');
      if (conn.phase !== 'handshake') throw new BadInputError('second publish or play on one connection');
      if (conn.app === null) throw new BadInputError('publish before connect');
      conn.publishName = name;
      // NMS answers NetStream.Publish.Start before any hook runs; we hold that answer back until the
      // gate accepts, so an encoder does not start sending (FFmpeg, OBS wait for it) on a refused stream.
      rtmp.respondPublish = () => {};
      try {
        proto.onPublish.call(rtmp, msg);
      } finally {
        delete (rtmp as Partial<NmsRtmp>).respondPublish;
      }
    };
    session.onConnect = (req: NmsConnectReq) => {
      conn.connectReq = req;
    };
    session.onPush = () => this.onPush(conn);
    session.onPlay = () => this.onPlay(conn);
    session.onPacket = (packet: NmsPacket) => this.onPacket(conn, packet);
    session.onData = (data: Buffer) => {
      if (conn.phase === 'closed' || conn.socket.destroyed) return;
      conn.lastDataAtMs = this.now();
      conn.pacer?.onRead(data.length, conn.lastDataAtMs);
      // NMS writes every answer separately (connect alone is four messages); corked, the answers to one read
      // leave in one write(2), so the encoder wakes once per command instead of once per message.
      conn.socket.cork();
      try {
        originalOnData(data);
      } catch (error) {
        this.kill(conn, error instanceof BadInputError ? error.message : `malformed RTMP (${(error as Error).name})`);
        return;
      } finally {
        conn.socket.uncork();
      }
      const chunk = rtmp.inChunkSize;
      if (!(chunk >= 1 && chunk <= 0x7fffffff)) this.kill(conn, `absurd RTMP chunk size ${chunk}`);
      else if (conn.phase === 'accepted') {
        this.options.hooks.onMediaBatch(conn.id);
        conn.reader?.afterData(conn.lastDataAtMs);
      }
    };
    session.onClose = () => {
      const wasPhase = conn.phase;
      conn.phase = 'closed';
      if (conn.timer) clearTimeout(conn.timer);
      conn.reader?.stop();
      conn.held = [];
      try {
        originalOnClose();
      } catch (error) {
        this.options.logger.debug('NMS close handler failed', { error: (error as Error).message });
      }
      if (wasPhase === 'accepted') this.releaseReaders(conn);
      this.conns.delete(conn.id);
      try {
        if (wasPhase === 'accepted') this.options.hooks.onPublisherClosed(conn.id);
      } finally {
        for (const resolve of conn.closeWaiters.splice(0)) resolve();
      }
    };
  }

  private onPush(conn: Conn): void {
    if (conn.timer) clearTimeout(conn.timer);
    conn.phase = 'gate';
    this.options.hooks.onPublish({
      connectionId: conn.id,
      sourceAddress: conn.sourceAddress,
      app: conn.app ?? '',
      tcUrl: conn.tcUrl,
      publishName: conn.publishName ?? '',
    });
  }

  private onPlay(conn: Conn): void {
    if (conn.timer) clearTimeout(conn.timer);
    const req = conn.connectReq;
    const local =
      conn.socket.remoteAddress === conn.socket.localAddress ||
      /^(127\.|::1$|::ffff:127\.)/.test(conn.socket.remoteAddress ?? '');
    if (!req || req.app !== this.appName)
      return this.kill(conn, `play of unknown application ${JSON.stringify(req?.app ?? '')}`);
    if (!local && !this.options.allowRemotePlay) return this.kill(conn, 'play from another host is not allowed');
    conn.phase = 'playing';
    conn.original.onConnect({ ...req, app: this.internalApp });
    if (conn.socket.destroyed || conn.socket.writableEnded) return;
    conn.original.onPlay();
  }

  private onPacket(conn: Conn, packet: NmsPacket): void {
    if (conn.phase === 'accepted') {
      this.forward(conn, packet);
      return;
    }
    // Nothing of a stream reaches readers before the gate accepts it. Only the few codec headers and
    // metadata are kept (copied: NMS reuses its buffers); frames are dropped until then.
    if (
      conn.phase === 'gate' &&
      (packet.flags === 0 || packet.flags === 2 || packet.flags === 5) &&
      conn.held.length < MAX_HELD_HEADERS
    ) {
      conn.held.push({ ...packet, data: Buffer.from(packet.data.subarray(0, packet.size)) });
    }
  }

  private forward(conn: Conn, packet: NmsPacket): void {
    this.options.hooks.onMedia(conn.id, packet.codec_type, packet.dts, packet.size, packet.data);
    const broadcast = conn.session.broadcast;
    // NMS copies each packet twice (an RTMP and an FLV message) and keeps a GOP cache of each, all for RTMP
    // readers. The station's own FFmpeg reads the ingest's feed, so with no RTMP reader NMS keeps only the
    // headers: an RTMP reader that attaches later gets them and starts at the next key frame.
    if (broadcast.subscribers.size === 0 && packet.flags !== 0 && packet.flags !== 2 && packet.flags !== 5) {
      broadcast.rtmpGopCache = null;
      broadcast.flvGopCache = null;
      return;
    }
    conn.original.onPacket(packet);
    // A reader that stops reading would make Node buffer the stream for it without bound.
    for (const reader of conn.session.broadcast.subscribers.values()) {
      const socket = reader.socket;
      if (socket && !socket.destroyed && socket.writableLength > this.maxReaderBacklogBytes) {
        this.options.logger.warn('closing a reader that does not keep up', { backlogBytes: socket.writableLength });
        socket.destroy();
      }
    }
  }

  /** NMS keeps readers attached and the publish alive for 30 s; we end both at once. */
  private releaseReaders(conn: Conn): void {
    const broadcast = conn.session.broadcast;
    for (const reader of broadcast.subscribers.values()) {
      try {
        reader.close();
      } catch {
        // already closing
      }
      if (reader.socket) this.endSoon(reader.socket);
    }
    try {
      broadcast._finishPublish?.();
    } catch (error) {
      this.options.logger.debug('NMS finishPublish failed', { error: (error as Error).message });
    }
  }

  private kill(conn: Conn, why: string): void {
    if (conn.phase === 'closed') return;
    this.options.logger.warn('closing RTMP connection', { connection: conn.id, from: conn.sourceAddress, why });
    conn.phase = conn.phase === 'accepted' ? 'accepted' : 'refused';
    conn.socket.destroy();
  }

  private endSoon(socket: net.Socket): void {
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

interface NmsLogger {
  level: string;
  log(message: unknown, level?: string): void;
}

interface LogRoute {
  owns(sessionId: string): boolean;
  logger: Logger;
}

const LOG_ROUTES = Symbol.for('klive.ingest.nmsLogRoutes');

/**
 * NMS logs through one process-wide singleton straight to console.log. We replace its `log` once per
 * process (the routing table lives on that singleton, not in a module variable) and send each line to
 * the adapter that owns the session id it mentions; other lines go to the first adapter, at debug level.
 */
function routeNmsLogs(owns: (sessionId: string) => boolean, logger: Logger): () => void {
  const nmsLogger = require('node-media-server/src/core/logger.js') as NmsLogger & { [LOG_ROUTES]?: Set<LogRoute> };
  let routes = nmsLogger[LOG_ROUTES];
  if (!routes) {
    const table = new Set<LogRoute>();
    routes = table;
    nmsLogger[LOG_ROUTES] = table;
    nmsLogger.level = 'trace';
    nmsLogger.log = (message: unknown, level = 'info') => {
      const text = String(message);
      const id = /session (\w+)/.exec(text)?.[1];
      let target: LogRoute | undefined;
      if (id) for (const r of table) if (r.owns(id)) target = r;
      target ??= table.values().next().value;
      if (!target) return;
      if (level === 'error' || level === 'warn') target.logger.warn(text);
      else target.logger.debug(text);
    };
  }
  const route: LogRoute = { owns, logger };
  routes.add(route);
  return () => {
    routes.delete(route);
  };
}
