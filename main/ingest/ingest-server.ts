// Owns the RTMP ingest of the station: every publish goes through URL parsing and the Kaltura gate
// before any of its media reaches a reader; accepted streams are probed every second; ends, resumes
// within a grace period and takeovers of dead connections are reported as typed events.
import type { AuthenticateArgs, LiveStreamEntry, MediaServerIndex } from '../kaltura/api.js';
import type { Logger } from '../log/logger.js';
import { delayToGridMs } from '../core/clock.js';
import type { ActiveStream, IngestEvents, IngestOptions, StreamEndReason } from './events.js';
import { parseBroadcast, redactedConnectionUrl, type BroadcastParams } from './broadcast-url.js';
import { FlvFeed, type FeedSink, type MediaFeed } from '../media/flv-feed.js';
import { FlvProbe } from '../media/flv-probe.js';
import { IngestGate } from './gate.js';
import { NmsAdapter, type PublishRequest } from './nms-adapter.js';
import { refusalFromUrl, type Refusal } from './refusals.js';
import { TypedEmitter } from '../core/typed-emitter.js';

export interface IngestServerDeps {
  host: string;
  port: number;
  /** the station's data dir; NMS writes nothing there (its store and recorder are not used) */
  dataDir: string;
  logger: Logger;
  authenticate: (args: AuthenticateArgs) => Promise<LiveStreamEntry>;
  now?: () => number;
  options?: IngestOptions;
}

interface LiveStream extends ActiveStream {
  key: string;
  probe: FlvProbe;
  /** the station's own readers (transcoder, recorder): FLV over a pipe */
  feed: FlvFeed;
  endReason: StreamEndReason | null;
}

export class IngestServer {
  private readonly adapter: NmsAdapter;
  private readonly gate: IngestGate;
  private readonly emitter: TypedEmitter<IngestEvents>;
  private readonly now: () => number;
  private readonly opts: Required<
    Pick<IngestOptions, 'resumeGraceMs' | 'deadPublisherAfterMs' | 'publisherIdleTimeoutMs' | 'probeIntervalMs'>
  >;
  private readonly live = new Map<string, LiveStream>();
  private readonly byConnection = new Map<string, LiveStream>();
  private readonly recentlyEnded = new Map<string, { streamId: string; endedAtMs: number }>();
  private tick: NodeJS.Timeout | null = null;
  private ticking = false;
  private nextStreamNumber = 1;

  constructor(private readonly deps: IngestServerDeps) {
    const o = deps.options ?? {};
    this.now = deps.now ?? Date.now;
    this.opts = {
      resumeGraceMs: o.resumeGraceMs ?? 10_000,
      deadPublisherAfterMs: o.deadPublisherAfterMs ?? 5_000,
      publisherIdleTimeoutMs: o.publisherIdleTimeoutMs ?? 30_000,
      probeIntervalMs: o.probeIntervalMs ?? 1000,
    };
    this.emitter = new TypedEmitter((name, error) =>
      deps.logger.error('ingest event listener failed', { event: name, error: (error as Error).message }),
    );
    validateDeps(deps);
    this.gate = new IngestGate({
      authenticate: deps.authenticate,
      now: this.now,
      successTtlMs: o.successTtlMs,
      failureBlockMs: o.failureBlockMs,
      maxTokensPerEntry: o.maxTokensPerEntry,
      authTimeoutMs: o.authTimeoutMs,
    });
    this.adapter = new NmsAdapter({
      host: deps.host,
      port: deps.port,
      logger: deps.logger,
      appName: o.appName,
      now: this.now,
      maxConnections: o.maxConnections,
      handshakeTimeoutMs: o.handshakeTimeoutMs,
      maxMessageBytes: o.maxMessageBytes,
      allowRemotePlay: o.allowRemotePlay,
      maxReaderBacklogBytes: o.maxReaderBacklogBytes,
      readBatchMs: o.readBatchMs,
      readBatchAfterMs: o.readBatchAfterMs,
      hooks: {
        onPublish: (req) => {
          this.onPublish(req).catch((error: unknown) => {
            deps.logger.error('publish handling failed', { error: (error as Error).message });
            this.adapter.refuse(req.connectionId);
          });
        },
        onMedia: (id, type, dts, size, data) => {
          const stream = this.byConnection.get(id);
          if (!stream) return;
          stream.probe.onTag(type, dts, size, data);
          stream.feed.push(type, dts, data, size);
        },
        onMediaBatch: (id) => this.byConnection.get(id)?.feed.flush(),
        onPublisherClosed: (id) => this.onPublisherClosed(id),
      },
    });
  }

  get port(): number {
    return this.adapter.port;
  }

  /** Open RTMP connections of any kind (diagnostics; bounded by maxConnections). */
  get connectionCount(): number {
    return this.adapter.connectionCount;
  }

  /** Kaltura calls made by the gate so far (diagnostics). */
  get kalturaCallCount(): number {
    return this.gate.callCount;
  }

  on<K extends keyof IngestEvents>(name: K, listener: (payload: IngestEvents[K]) => void): () => void {
    return this.emitter.on(name, listener);
  }

  /** Listens on host:port. Throws PortInUseError when the port is taken; the process keeps running. */
  async start(): Promise<void> {
    await this.adapter.start();
    this.ticking = true;
    this.scheduleTick();
  }

  /** probes on the wall-clock grid, with the station's other per-second work (delayToGridMs) */
  private scheduleTick(): void {
    if (!this.ticking) return;
    this.tick = setTimeout(
      () => {
        try {
          this.onTick();
        } finally {
          this.scheduleTick();
        }
      },
      delayToGridMs(this.now(), this.opts.probeIntervalMs),
    );
    this.tick.unref();
  }

  /** Closes every connection (publishers, readers, pending) and the listener. */
  async stop(): Promise<void> {
    this.ticking = false;
    if (this.tick) clearTimeout(this.tick);
    this.tick = null;
    for (const stream of this.live.values()) stream.endReason = 'station-stopping';
    await this.adapter.stop();
  }

  /** The URL FFmpeg reads for ENTRY_N (the backup, i=1, is a separate stream). */
  pullUrl(streamName: string, mediaServerIndex: MediaServerIndex = 0): string {
    return this.adapter.pullUrl(internalName(streamName, mediaServerIndex));
  }

  /**
   * The FLV feed of ENTRY_N (index 1: its backup) for the station's own FFmpeg readers. Each attach() reaches the
   * stream live at that moment (a resumed publish is a new connection); with none live the sink is ended at once.
   */
  feed(streamName: string, mediaServerIndex: MediaServerIndex = 0): MediaFeed {
    const key = internalName(streamName, mediaServerIndex);
    return {
      attach: (sink: FeedSink) => {
        const stream = this.live.get(key);
        if (stream) return stream.feed.attach(sink);
        if (!sink.destroyed) sink.end();
        return () => undefined;
      },
    };
  }

  activeStreams(): ActiveStream[] {
    return [...this.live.values()].map((s) => ({
      streamId: s.streamId,
      connectionId: s.connectionId,
      entryId: s.entryId,
      partnerId: s.partnerId,
      streamName: s.streamName,
      suffix: s.suffix,
      mediaServerIndex: s.mediaServerIndex,
      sourceAddress: s.sourceAddress,
      connectedAtMs: s.connectedAtMs,
      pullUrl: s.pullUrl,
    }));
  }

  private async onPublish(req: PublishRequest): Promise<void> {
    const input = { app: req.app, tcUrl: req.tcUrl, publishName: req.publishName };
    const parsed = parseBroadcast(input, this.deps.options?.appName ?? 'kLive');
    if (!parsed.ok) {
      this.refuse(req, parsed.partial, refusalFromUrl(parsed.refusal), false);
      return;
    }
    const params = parsed.params;
    const key = internalName(params.streamName, params.mediaServerIndex);
    // A healthy publisher on the same name is refused before Kaltura is asked.
    const busy = this.busyRefusal(key);
    if (busy) return this.refuse(req, params, busy, false);

    const decision = await this.gate.check(params);
    if (!this.adapter.isOpen(req.connectionId)) {
      this.deps.logger.info('publisher left while being authenticated', {
        entryId: params.entryId,
        streamName: params.streamName,
      });
      return;
    }
    if (!decision.ok) return this.refuse(req, params, decision.refusal, decision.blocked);

    const existing = this.live.get(key);
    if (existing) {
      const again = this.busyRefusal(key);
      if (again) return this.refuse(req, params, again, false);
      existing.endReason = 'replaced';
      this.deps.logger.warn('replacing a silent publisher', {
        streamName: params.streamName,
        index: params.mediaServerIndex,
        old: existing.connectionId,
      });
      await this.adapter.close(existing.connectionId);
      if (!this.adapter.isOpen(req.connectionId)) return;
    }
    this.accept(req, params, key, decision.entry);
  }

  private busyRefusal(key: string): Refusal | null {
    const existing = this.live.get(key);
    if (!existing) return null;
    const last = this.adapter.lastDataAtMs(existing.connectionId);
    if (last !== null && this.now() - last >= this.opts.deadPublisherAfterMs) return null;
    return {
      reason: 'stream-busy',
      alertCode: 126,
      kalturaCode: null,
      message: `${existing.streamName} (server index ${existing.mediaServerIndex}) is already being published from ${existing.sourceAddress}: stop the other encoder, or use the next stream name (_2, _3) or the backup URL`,
    };
  }

  private accept(req: PublishRequest, params: BroadcastParams, key: string, entry: LiveStreamEntry): void {
    const nowMs = this.now();
    const previous = this.recentlyEnded.get(key);
    const resumed = previous !== undefined && nowMs - previous.endedAtMs <= this.opts.resumeGraceMs;
    const stream: LiveStream = {
      streamId: resumed && previous ? previous.streamId : `${key}~${this.nextStreamNumber.toString(36)}`,
      connectionId: req.connectionId,
      entryId: params.entryId,
      partnerId: entry.partnerId,
      streamName: params.streamName,
      suffix: params.suffix,
      mediaServerIndex: params.mediaServerIndex,
      sourceAddress: req.sourceAddress,
      connectedAtMs: nowMs,
      pullUrl: this.adapter.pullUrl(key),
      key,
      probe: new FlvProbe({
        now: this.now,
        stallAfterMs: this.deps.options?.stallAfterMs,
        windowMs: this.deps.options?.probeWindowMs,
      }),
      feed: new FlvFeed({
        maxBacklogBytes: this.deps.options?.maxFeedBacklogBytes,
        onReaderLagging: ({ lagging, backlogBytes, droppedTags }) => {
          if (lagging)
            this.deps.logger.warn('an FFmpeg reading this stream fell behind: dropping frames until it catches up', {
              streamName: params.streamName,
              index: params.mediaServerIndex,
              backlogBytes,
            });
          else
            this.deps.logger.info('an FFmpeg reading this stream caught up', {
              streamName: params.streamName,
              index: params.mediaServerIndex,
              droppedTags,
            });
        },
      }),
      endReason: null,
    };
    // the headers an encoder sent before it was accepted are released inside adapter.accept(): the probe and the
    // feed must already be listening, or the station's FFmpeg would start without the sequence headers
    this.byConnection.set(req.connectionId, stream);
    if (!this.adapter.accept(req.connectionId, key)) {
      this.byConnection.delete(req.connectionId);
      const refusal: Refusal = {
        reason: 'stream-busy',
        alertCode: 126,
        kalturaCode: null,
        message: `${params.streamName} could not be registered (another publisher holds it): retry in a few seconds`,
      };
      return this.refuse(req, params, refusal, false);
    }
    if (!(resumed && previous)) this.nextStreamNumber++;
    this.recentlyEnded.delete(key);
    this.live.set(key, stream);
    this.deps.logger.info(resumed ? 'stream resumed' : 'stream accepted', {
      entryId: params.entryId,
      streamName: params.streamName,
      index: params.mediaServerIndex,
      from: req.sourceAddress,
      form: params.form,
    });
    this.emitter.emit('streamAccepted', {
      streamId: stream.streamId,
      connectionId: stream.connectionId,
      entryId: stream.entryId,
      partnerId: stream.partnerId,
      streamName: stream.streamName,
      suffix: stream.suffix,
      mediaServerIndex: stream.mediaServerIndex,
      sourceAddress: stream.sourceAddress,
      entry,
      connectedAtMs: nowMs,
      resumed,
      pullUrl: stream.pullUrl,
      // after the encoder was answered: nothing it waits for is spent on the record
      connectionUrl: connectionUrlOf(req),
    });
  }

  private refuse(
    req: PublishRequest,
    who: {
      entryId: string | null;
      partnerId: number | null;
      streamName: string | null;
      mediaServerIndex: MediaServerIndex | null;
    },
    refusal: Refusal,
    blocked: boolean,
  ): void {
    this.adapter.refuse(req.connectionId, `${refusal.reason}: ${refusal.message}`);
    const connectionUrl = connectionUrlOf(req);
    this.deps.logger.warn('publish refused', {
      reason: refusal.reason,
      alertCode: refusal.alertCode,
      message: refusal.message,
      from: req.sourceAddress,
      url: connectionUrl,
    });
    this.emitter.emit('streamRefused', {
      entryId: who.entryId,
      partnerId: who.partnerId,
      streamName: who.streamName,
      mediaServerIndex: who.mediaServerIndex,
      sourceAddress: req.sourceAddress,
      reason: refusal.reason,
      alertCode: refusal.alertCode,
      kalturaCode: refusal.kalturaCode,
      message: refusal.message,
      blocked,
      connectionUrl,
      atMs: this.now(),
    });
  }

  private onPublisherClosed(connectionId: string): void {
    const stream = this.byConnection.get(connectionId);
    if (!stream) return;
    stream.feed.end();
    this.byConnection.delete(connectionId);
    if (this.live.get(stream.key) === stream) this.live.delete(stream.key);
    const nowMs = this.now();
    const reason = stream.endReason ?? 'publisher-left';
    if (reason !== 'station-stopping')
      this.recentlyEnded.set(stream.key, { streamId: stream.streamId, endedAtMs: nowMs });
    this.deps.logger.info('stream ended', {
      entryId: stream.entryId,
      streamName: stream.streamName,
      index: stream.mediaServerIndex,
      reason,
    });
    this.emitter.emit('streamEnded', {
      streamId: stream.streamId,
      connectionId,
      entryId: stream.entryId,
      streamName: stream.streamName,
      mediaServerIndex: stream.mediaServerIndex,
      reason,
      atMs: nowMs,
    });
  }

  private onTick(): void {
    const nowMs = this.now();
    for (const [key, ended] of this.recentlyEnded)
      if (nowMs - ended.endedAtMs > this.opts.resumeGraceMs) this.recentlyEnded.delete(key);
    for (const stream of this.live.values()) {
      const last = this.adapter.lastDataAtMs(stream.connectionId);
      if (last !== null && nowMs - last >= this.opts.publisherIdleTimeoutMs && stream.endReason === null) {
        stream.endReason = 'idle-timeout';
        this.deps.logger.warn('closing a silent publisher', { streamName: stream.streamName, silentMs: nowMs - last });
        void this.adapter.close(stream.connectionId);
        continue;
      }
      this.emitter.emit('probe', { streamId: stream.streamId, probe: stream.probe.sample(), ...stream.probe.stalls() });
    }
  }
}

/** The connection URL for records and the UI, the token masked. */
function connectionUrlOf(req: PublishRequest): string {
  return redactedConnectionUrl({ app: req.app, tcUrl: req.tcUrl, publishName: req.publishName });
}

/** The name a stream is fanned out under: ENTRY_N for the primary, ENTRY_N-b for the backup. */
function internalName(streamName: string, mediaServerIndex: MediaServerIndex): string {
  return mediaServerIndex === 1 ? `${streamName}-b` : streamName;
}

function validateDeps(deps: IngestServerDeps): void {
  if (!Number.isInteger(deps.port) || deps.port < 0 || deps.port > 65_535) {
    throw new Error(
      `RTMP port ${String(deps.port)} is not a port number: choose 0-65535 with --rtmp-port N (or KLIVE_RTMP_PORT=N)`,
    );
  }
  if (typeof deps.host !== 'string' || deps.host.trim() === '') {
    throw new Error(
      'RTMP host is empty: set the address to listen on (127.0.0.1 for this machine only, 0.0.0.0 for the LAN)',
    );
  }
  if (typeof deps.authenticate !== 'function') {
    throw new Error('IngestServer needs an authenticate function (KalturaApi.authenticate): wire it from the station');
  }
  const o = deps.options ?? {};
  for (const [name, value] of Object.entries(o)) {
    if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
      throw new Error(`ingest option ${name}=${value} must be a non-negative number`);
    }
  }
}
