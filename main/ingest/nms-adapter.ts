// Owns node-media-server 4.4.3 as the station uses it: the only module whose callers see NMS. We own the TCP listener
// (rtmp-listener.ts) and hand each socket to NMS's RtmpSession (protocol, AMF, broadcast fan-out) with per-instance
// hooks (session-hooks.ts); this class keeps the connections, moves their phase (conn-phase.ts) and answers the
// ingest: accept or refuse a publish, media out, closes. The NodeMediaServer class is never constructed, so its
// process.exit on a taken port, forced debug logging, ./data store, recorder, web admin and rate sampler never run.
//
// Process-wide facts we cannot avoid (noted honestly): NMS keeps `Context.broadcasts` keyed by stream path and one
// logger singleton per process. Several adapters in one process therefore publish under a private application name
// (`kLive-<tag>`), so their paths never collide, and NMS log lines are routed (nms-log-router.ts).
import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import { attachSocket, ConnPublishRequest, learnPeer, moveConn, newConn, type Conn } from './conn.js';
import { flushCorked, installSessionHooks, sendPublishStart } from './session-hooks.js';
import { closeLaggingReaders, fanOutToNms, holdHeader, releaseReaders } from './nms-fan-out.js';
import { loadNms, type Nms, type NmsPacket, type NmsRtmpSession } from './nms-internals.js';
import { routeNmsLogs } from './nms-log-router.js';
import { PacedReader, sharedReadBuffer } from './paced-reader.js';
import { takeQueued } from './queued-read.js';
import { ReadPacer } from './read-pacer.js';
import { RtmpListener } from './rtmp-listener.js';
import { SessionFactory } from './session-factory.js';

import { DEFAULT_READ_BATCH_AFTER_MS, DEFAULT_READ_BATCH_MS, type NmsAdapterOptions } from './adapter-contract.js';

export class NmsAdapter {
  private readonly nms: Nms;
  private readonly sessions: SessionFactory<Conn>;
  private readonly listener: RtmpListener;
  private readonly tag = randomBytes(4).toString('hex');
  private readonly appName: string;
  private readonly internalApp: string;
  private readonly now: () => number;
  private readonly maxReaderBacklogBytes: number;
  private readonly readBatchMs: number;
  private readonly readBatchAfterMs: number;
  private readonly readBuffer = sharedReadBuffer();
  /** the eager reads of connections that have not published (their commands are small; NMS copies what it keeps) */
  private readonly commandBuffer = Buffer.allocUnsafe(64 * 1024);
  private readonly conns = new Map<string, Conn>();
  private unrouteLogs: (() => void) | null = null;

  constructor(private readonly options: NmsAdapterOptions) {
    this.nms = loadNms();
    this.sessions = new SessionFactory(this.nms, (session) => this.prepareConn(session));
    this.appName = options.appName ?? 'kLive';
    this.internalApp = `${this.appName}-${this.tag}`;
    this.now = options.now ?? Date.now;
    this.maxReaderBacklogBytes = options.maxReaderBacklogBytes ?? 32 * 1024 * 1024;
    this.readBatchMs = options.readBatchMs ?? DEFAULT_READ_BATCH_MS;
    this.readBatchAfterMs = options.readBatchAfterMs ?? DEFAULT_READ_BATCH_AFTER_MS;
    this.listener = new RtmpListener({
      host: options.host,
      port: options.port,
      logger: options.logger,
      maxConnections: options.maxConnections,
      now: this.now,
      onSocket: (socket) => this.onSocket(socket),
    });
  }

  get port(): number {
    return this.listener.port;
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  async start(): Promise<void> {
    if (this.listener.listening) return;
    const { logger } = this.options;
    await this.listener.start();
    this.unrouteLogs = routeNmsLogs((sessionId) => this.conns.has(sessionId), logger.child('nms'));
    this.sessions.start();
    logger.info('RTMP ingest listening', { host: this.options.host, port: this.port });
  }

  async stop(): Promise<void> {
    if (!this.listener.listening) return;
    const closed = this.listener.close();
    this.sessions.stop();
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

  /**
   * Tells the waiting publisher NetStream.Publish.Start (the gate accepted it), ahead of the set-up: the encoder waits
   * for this answer and sends nothing but media after it, and no media is read before accept() has run (call it in
   * the same synchronous step). Returns false when the publisher is no longer waiting.
   */
  answerPublish(connectionId: string): boolean {
    const conn = this.conns.get(connectionId);
    if (!conn || conn.phase !== 'gate' || conn.socket.destroyed || conn.publishAnswered) return false;
    sendPublishStart(conn.session.rtmp, this.nms.rtmpProto);
    flushCorked(conn.socket);
    conn.publishAnswered = true;
    return true;
  }

  /** Registers the waiting publisher under `internalName` and releases its held headers (answering it if not yet). */
  accept(connectionId: string, internalName: string): boolean {
    const conn = this.conns.get(connectionId);
    if (!conn || conn.phase !== 'gate' || conn.socket.destroyed || !conn.connectReq) return false;
    conn.original.onConnect({ ...conn.connectReq, app: this.internalApp, name: internalName });
    if (conn.socket.destroyed || conn.socket.writableEnded) return false;
    if (conn.session.broadcast.publisher) return false;
    // the encoder waits for this answer (the ingest sends it sooner, ahead of its own set-up; answering twice is a
    // no-op): it goes out before the rest of the set-up, all synchronous, so no media is read before the pacer, the
    // reader and the publish below are in place
    this.answerPublish(connectionId);
    moveConn(conn, 'accepted');
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
    // the encoder has its answer: the next connection's session is built now rather than while it waits
    queueMicrotask(() => this.sessions.refill());
    return true;
  }

  /**
   * Refuses a waiting publisher: it gets NetStream.Publish.Denied with `description` (shown by FFmpeg
   * as "Server error: ..."; must not contain secrets), its media is dropped and the socket closes
   * within about a second. An accepted publisher is ended like a close (its readers and the ingest are told).
   */
  refuse(connectionId: string, description = 'publish refused'): void {
    const conn = this.conns.get(connectionId);
    if (!conn || conn.phase === 'closed') return;
    const wasWaiting = conn.phase === 'gate';
    if (conn.phase !== 'accepted' && conn.phase !== 'refused') moveConn(conn, 'refused');
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
    endSoon(conn.socket);
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

  /** A connection's bookkeeping and hooks, built on its session before its socket is known (session-factory.ts). */
  private prepareConn(session: NmsRtmpSession): Conn {
    const conn = newConn(session, session.socket, this.now());
    installSessionHooks(
      conn,
      this.nms.rtmpProto,
      {
        maxMessageBytes: this.options.maxMessageBytes ?? 8 * 1024 * 1024,
        maxChunkStreams: this.options.maxChunkStreams ?? 32,
      },
      {
        now: this.now,
        onPush: (c) => this.onPush(c),
        onPlay: (c) => this.onPlay(c),
        onPacket: (c, packet) => this.onPacket(c, packet),
        onParsedBatch: (c) => this.options.hooks.onMediaBatch(c.id),
        onClosed: (c, wasPhase) => this.onClosed(c, wasPhase === 'accepted'),
        kill: (c, why) => this.kill(c, why),
        readQueued: (c) => takeQueued(c.socket, this.commandBuffer),
        debug: (message, fields) => this.options.logger.debug(message, fields),
      },
    );
    return conn;
  }

  private onSocket(socket: net.Socket): void {
    const conn = this.sessions.take(socket);
    attachSocket(conn, socket, this.now());
    this.conns.set(conn.id, conn);
    conn.session.run();
    const timeoutMs = this.options.handshakeTimeoutMs ?? 10_000;
    conn.timer = setTimeout(() => {
      if (conn.phase === 'handshake') this.kill(conn, `no publish or play within ${timeoutMs} ms`);
    }, timeoutMs);
    conn.timer.unref();
    // the encoder sent C0C1 as it connected: it is usually queued already, and answered now rather than after
    // another turn of the event loop
    const c0c1 = takeQueued(socket, this.commandBuffer);
    if (c0c1) conn.session.onData(c0c1);
  }

  private onPush(conn: Conn): void {
    if (conn.timer) clearTimeout(conn.timer);
    moveConn(conn, 'gate');
    this.options.hooks.onPublish(new ConnPublishRequest(conn));
  }

  private onPlay(conn: Conn): void {
    if (conn.timer) clearTimeout(conn.timer);
    const req = conn.connectReq;
    // learnPeer drops the ::ffff: of an IPv4-mapped address
    const local = /^(127\.|::1$)/.test(learnPeer(conn)) || conn.socket.remoteAddress === conn.socket.localAddress;
    if (!req || req.app !== this.appName)
      return this.kill(conn, `play of unknown application ${JSON.stringify(req?.app ?? '')}`);
    if (!local && !this.options.allowRemotePlay) return this.kill(conn, 'play from another host is not allowed');
    moveConn(conn, 'playing');
    conn.original.onConnect({ ...req, app: this.internalApp });
    if (conn.socket.destroyed || conn.socket.writableEnded) return;
    conn.original.onPlay();
  }

  /** Nothing of a stream reaches readers before the gate accepts it; until then only its headers are kept. */
  private onPacket(conn: Conn, packet: NmsPacket): void {
    if (conn.phase === 'accepted') this.forward(conn, packet);
    else if (conn.phase === 'gate') holdHeader(conn.held, packet);
  }

  private forward(conn: Conn, packet: NmsPacket): void {
    this.options.hooks.onMedia(conn.id, packet.codec_type, packet.dts, packet.size, packet.data);
    if (!fanOutToNms(conn.session.broadcast, packet)) return;
    conn.original.onPacket(packet);
    closeLaggingReaders(conn.session.broadcast, this.maxReaderBacklogBytes, this.options.logger);
  }

  private onClosed(conn: Conn, wasAccepted: boolean): void {
    if (wasAccepted) releaseReaders(conn.session.broadcast, endSoon, this.options.logger);
    this.conns.delete(conn.id);
    try {
      if (wasAccepted) this.options.hooks.onPublisherClosed(conn.id);
    } finally {
      for (const resolve of conn.closeWaiters.splice(0)) resolve();
      this.sessions.refill();
    }
  }

  private kill(conn: Conn, why: string): void {
    if (conn.phase === 'closed') return;
    this.options.logger.warn('closing RTMP connection', { connection: conn.id, from: learnPeer(conn), why });
    if (conn.phase !== 'accepted' && conn.phase !== 'refused') moveConn(conn, 'refused');
    conn.socket.destroy();
  }
}

function endSoon(socket: net.Socket): void {
  socket.end();
  setTimeout(() => socket.destroy(), 1000).unref();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
