// Owns the RTMP ingest of the station: every publish goes through URL parsing and the Kaltura gate
// before any of its media reaches a reader; accepted streams are probed every second; ends, resumes of a
// held stream and takeovers of dead connections are reported as typed events. The stream's id is minted here.
import type { LiveStreamEntry, MediaServerIndex } from '../core/kaltura-api.js';
import { delayToGridMs } from '../core/clock.js';
import { streamSlotOf, type StreamId } from '../core/ids.js';
import type { ActiveStream, IngestEvents, IngestOptions } from './events.js';
import { parseBroadcast, type BroadcastParams } from './broadcast-url.js';
import type { MediaFeed } from '../media/flv-feed.js';
import { IngestGate } from './gate.js';
import { NmsAdapter } from './nms-adapter.js';
import { type PublishRequest } from './adapter-contract.js';
import { refusalFromUrl, type Refusal } from './refusals.js';
import { TypedEmitter } from '../core/typed-emitter.js';
import { adapterOptions, gateOptions, validateDeps, type IngestServerDeps } from './server-deps.js';
import { openConnection } from './live-connection.js';
import { StreamTable } from './stream-table.js';
import {
  acceptedEvent,
  activeStream,
  busyRefusal,
  connectionUrlOf,
  refusedEvent,
  type RefusedWho,
} from './publish-events.js';

export class IngestServer {
  private readonly adapter: NmsAdapter;
  private readonly gate: IngestGate;
  private readonly emitter: TypedEmitter<IngestEvents>;
  private readonly now: () => number;
  private readonly opts: Required<
    Pick<IngestOptions, 'deadPublisherAfterMs' | 'publisherIdleTimeoutMs' | 'probeIntervalMs'>
  >;
  private readonly table = new StreamTable();
  private tick: NodeJS.Timeout | null = null;
  private ticking = false;

  constructor(private readonly deps: IngestServerDeps) {
    const o = deps.options ?? {};
    this.now = deps.now ?? Date.now;
    this.opts = {
      deadPublisherAfterMs: o.deadPublisherAfterMs ?? 5_000,
      publisherIdleTimeoutMs: o.publisherIdleTimeoutMs ?? 30_000,
      probeIntervalMs: o.probeIntervalMs ?? 1000,
    };
    this.emitter = new TypedEmitter((name, error) =>
      deps.logger.error('ingest event listener failed', { event: name, error: (error as Error).message }),
    );
    validateDeps(deps);
    this.gate = new IngestGate(gateOptions(deps, this.now));
    this.adapter = new NmsAdapter(
      adapterOptions(deps, this.now, {
        onPublish: (req) => {
          this.onPublish(req).catch((error: unknown) => {
            deps.logger.error('publish handling failed', { error: (error as Error).message });
            this.adapter.refuse(req.connectionId);
          });
        },
        onMedia: (id, type, dts, size, data) => {
          const conn = this.table.connection(id);
          if (!conn) return;
          conn.probe.onTag(type, dts, size, data);
          conn.feed.push(type, dts, data, size);
        },
        onMediaBatch: (id) => this.table.connection(id)?.feed.flush(),
        onPublisherClosed: (id) => this.onPublisherClosed(id),
      }),
    );
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
    for (const stream of this.table.streams()) if (stream.connection) stream.connection.endReason = 'station-stopping';
    await this.adapter.stop();
  }

  /** The owner is done with the stream (its grace ran out): the next publish on its name is a new stream. */
  release(streamId: StreamId): void {
    this.table.release(streamId);
  }

  /** The URL a tool on this machine pulls ENTRY_N from (the backup, i=1, is a separate stream). */
  pullUrl(streamName: string, mediaServerIndex: MediaServerIndex = 0): string {
    return this.adapter.pullUrl(streamSlotOf({ streamName, mediaServerIndex }));
  }

  /** The FLV feed of whatever stream is live on ENTRY_N (index 1: its backup); the station reads the accepted event's. */
  feed(streamName: string, mediaServerIndex: MediaServerIndex = 0): MediaFeed {
    return this.table.slotFeed(streamSlotOf({ streamName, mediaServerIndex }));
  }

  activeStreams(): ActiveStream[] {
    return this.table.streams().flatMap(({ connection }) => (connection ? [activeStream(connection)] : []));
  }

  private async onPublish(req: PublishRequest): Promise<void> {
    const input = { app: req.app, tcUrl: req.tcUrl, publishName: req.publishName };
    const parsed = parseBroadcast(input, this.deps.options?.appName ?? 'kLive');
    if (!parsed.ok) {
      this.refuse(req, parsed.partial, refusalFromUrl(parsed.refusal), false);
      return;
    }
    const params = parsed.params;
    const slot = streamSlotOf(params);
    // A healthy publisher on the same name is refused before Kaltura is asked.
    const busy = this.busyRefusal(slot);
    if (busy) return this.refuse(req, params, busy, false);

    // a publisher returning to a held stream is asked about under its id; any other attempt gets a new one (a
    // takeover of a silent publisher joins the held stream only once accepted)
    const heldId = this.table.live(slot) ? null : this.table.heldId(slot);
    const asking = heldId ?? this.table.mint(params);
    // a decision the gate makes from memory is not a promise: awaiting it would queue the answer behind the rest of
    // this read's work (the publish command is parsed inside the socket's data handler)
    const verdict = this.gate.check(params, () =>
      this.emitter.emit('streamAuthenticating', {
        streamId: asking,
        entryId: params.entryId,
        partnerId: params.partnerId,
        streamName: params.streamName,
        mediaServerIndex: params.mediaServerIndex,
        sourceAddress: req.sourceAddress,
        atMs: this.now(),
      }),
    );
    const decision = verdict instanceof Promise ? await verdict : verdict;
    if (!this.adapter.isOpen(req.connectionId))
      return this.deps.logger.info('publisher left while being authenticated', { streamName: params.streamName });
    if (!decision.ok) return this.refuse(req, params, decision.refusal, decision.blocked, asking);

    const existing = this.table.live(slot);
    if (existing) {
      const again = this.busyRefusal(slot);
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
    this.accept(req, params, slot, decision.entry, { id: asking, held: heldId !== null });
  }

  private busyRefusal(slot: string): Refusal | null {
    const existing = this.table.live(slot);
    if (!existing) return null;
    const last = this.adapter.lastDataAtMs(existing.connectionId);
    if (last !== null && this.now() - last >= this.opts.deadPublisherAfterMs) return null;
    return busyRefusal(existing, existing.streamName);
  }

  private accept(
    req: PublishRequest,
    params: BroadcastParams,
    slot: string,
    entry: LiveStreamEntry,
    attempt: { id: StreamId; held: boolean },
  ): void {
    // the encoder waits for this answer; the set-up below is synchronous, so none of its media is read before it
    this.adapter.answerPublish(req.connectionId);
    const nowMs = this.now();
    // the held stream's id; one released while Kaltura was asked is never used again
    const id = this.table.heldId(slot) ?? (attempt.held ? this.table.mint(params) : attempt.id);
    const conn = openConnection(
      {
        connectionId: req.connectionId,
        sourceAddress: req.sourceAddress,
        streamId: id,
        slot,
        params,
        entry,
        pullUrl: this.adapter.pullUrl(slot),
        atMs: nowMs,
      },
      { logger: this.deps.logger, now: this.now, options: this.deps.options ?? {} },
    );
    // the headers an encoder sent before it was accepted are released inside adapter.accept(): the probe and the
    // feed must already be listening, or the station's FFmpeg would start without the sequence headers
    this.table.expect(conn);
    if (!this.adapter.accept(req.connectionId, slot)) {
      this.table.unexpect(req.connectionId);
      return this.refuse(req, params, busyRefusal(null, params.streamName), false);
    }
    const held = this.table.attach(conn);
    const { resumed } = held;
    this.deps.logger.info(resumed ? 'stream resumed' : 'stream accepted', {
      entryId: params.entryId,
      streamName: params.streamName,
      index: params.mediaServerIndex,
      from: req.sourceAddress,
      form: params.form,
    });
    this.emitter.emit('streamAccepted', acceptedEvent(req, conn, held, entry));
  }

  private refuse(req: PublishRequest, who: RefusedWho, refusal: Refusal, blocked: boolean, streamId?: StreamId): void {
    this.adapter.refuse(req.connectionId, `${refusal.reason}: ${refusal.message}`);
    this.deps.logger.warn('publish refused', {
      reason: refusal.reason,
      alertCode: refusal.alertCode,
      message: refusal.message,
      from: req.sourceAddress,
      url: connectionUrlOf(req),
    });
    // every refused attempt on a named entry gets its own id (the window lists it beside the entry's streams)
    const parts = { streamName: who.streamName ?? '(no stream name)', mediaServerIndex: who.mediaServerIndex ?? 0 };
    const id = streamId ?? (who.entryId === null ? null : this.table.mint(parts));
    this.emitter.emit('streamRefused', refusedEvent(req, who, refusal, blocked, id, this.now()));
  }

  private onPublisherClosed(connectionId: string): void {
    const stream = this.table.detach(connectionId);
    if (!stream) return;
    stream.feed.end();
    const nowMs = this.now();
    const reason = stream.endReason ?? 'publisher-left';
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
    for (const held of this.table.streams()) {
      const stream = held.connection;
      if (!stream) continue;
      const last = this.adapter.lastDataAtMs(stream.connectionId);
      if (last !== null && nowMs - last >= this.opts.publisherIdleTimeoutMs && stream.endReason === null) {
        stream.endReason = 'idle-timeout';
        this.deps.logger.warn('closing a silent publisher', { streamName: stream.streamName, silentMs: nowMs - last });
        void this.adapter.close(stream.connectionId);
        continue;
      }
      const probe = stream.probe.sample();
      held.lastProbe = probe;
      this.emitter.emit('probe', { streamId: stream.streamId, probe, ...stream.probe.stalls() });
    }
  }
}
