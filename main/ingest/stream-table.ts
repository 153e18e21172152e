// Owns the streams the ingest holds: one per slot (ENTRY_N, or ENTRY_N-b for the backup) from its first accepted
// publish until its owner (the station's pipeline, at the end of its reconnect grace) releases it. A publisher that
// returns while its stream is held continues the same StreamId, feed and probe; the ingest keeps no timer of its own.
import { mintStreamId, type StreamId, type StreamParts } from '../core/ids.js';
import type { FeedSink, FlvFeed, MediaFeed } from '../media/flv-feed.js';
import type { FlvProbe } from '../media/flv-probe.js';
import type { InputProbe } from '../../shared/state.js';
import type { ActiveStream, LatestProbe, StreamEndReason } from './events.js';

/** One accepted publisher connection of a held stream. */
export interface LiveConnection extends ActiveStream {
  slot: string;
  probe: FlvProbe;
  /** the station's own readers (transcoder, recorder): FLV over a pipe */
  feed: FlvFeed;
  endReason: StreamEndReason | null;
}

/** A stream from its first accepted publish to its release: what its owner reads across reconnects. */
export interface HeldStream {
  id: StreamId;
  /** attaches to whichever connection is live at that moment; with none live the sink is ended at once */
  feed: MediaFeed;
  /** the sample the ingest reported last (once a second); null until the first one of the current connection */
  probe: LatestProbe;
  connection: LiveConnection | null;
  lastProbe: InputProbe | null;
  /** the owner let it go while a publisher was still on it: forgotten when that one leaves */
  released: boolean;
}

export class StreamTable {
  private readonly held = new Map<string, HeldStream>();
  private readonly byConnection = new Map<string, LiveConnection>();
  private nextSession = 1;

  /** The id of the stream held on the slot (null: none, or its owner released it). */
  heldId(slot: string): StreamId | null {
    const stream = this.held.get(slot);
    return stream && !stream.released ? stream.id : null;
  }

  /** A new stream's id (minted here only, once per stream). */
  mint(parts: StreamParts): StreamId {
    return mintStreamId(parts, this.nextSession++);
  }

  live(slot: string): LiveConnection | null {
    return this.held.get(slot)?.connection ?? null;
  }

  connection(connectionId: string): LiveConnection | null {
    return this.byConnection.get(connectionId) ?? null;
  }

  /** Before the connection is accepted by NMS: its headers arrive on accept and must reach the probe and feed. */
  expect(conn: LiveConnection): void {
    this.byConnection.set(conn.connectionId, conn);
  }

  unexpect(connectionId: string): void {
    this.byConnection.delete(connectionId);
  }

  /** The connection is on air: it joins its held stream (resumed) or starts a new one. */
  attach(conn: LiveConnection): { stream: HeldStream; resumed: boolean } {
    const existing = this.held.get(conn.slot);
    const resumed = existing !== undefined && !existing.released && existing.id === conn.streamId;
    const stream = resumed ? existing : this.newStream(conn.streamId);
    stream.connection = conn;
    stream.lastProbe = null;
    this.held.set(conn.slot, stream);
    return { stream, resumed };
  }

  /** The publisher left: the stream stays held (for its owner's grace) unless the station is stopping. */
  detach(connectionId: string): LiveConnection | null {
    const conn = this.byConnection.get(connectionId);
    if (!conn) return null;
    this.byConnection.delete(connectionId);
    const stream = this.held.get(conn.slot);
    if (stream?.connection === conn) {
      stream.connection = null;
      stream.lastProbe = null;
      if (stream.released || conn.endReason === 'station-stopping') this.held.delete(conn.slot);
    }
    return conn;
  }

  /** The owner ended the stream: the next publish on its slot is a new stream with a new id. */
  release(id: StreamId): void {
    for (const [slot, stream] of this.held) {
      if (stream.id !== id) continue;
      if (stream.connection) stream.released = true;
      else this.held.delete(slot);
    }
  }

  /** A feed of whatever connection is live on the slot when a reader attaches (tests and tools; not the station's). */
  slotFeed(slot: string): MediaFeed {
    return { attach: (sink) => endedAttach(this.live(slot), sink) };
  }

  /** Held streams with a publisher on air. */
  streams(): HeldStream[] {
    return [...this.held.values()].filter((s) => s.connection !== null);
  }

  private newStream(id: StreamId): HeldStream {
    const stream: HeldStream = {
      id,
      connection: null,
      lastProbe: null,
      released: false,
      feed: {
        attach: (sink: FeedSink) => endedAttach(stream.connection, sink),
      },
      probe: { latest: () => stream.lastProbe },
    };
    return stream;
  }
}

/** Attaches to the connection's feed; with none live, ends the sink at once (its FFmpeg sees the input end). */
function endedAttach(conn: LiveConnection | null, sink: FeedSink): () => void {
  if (conn) return conn.feed.attach(sink);
  if (!sink.destroyed) sink.end();
  return () => undefined;
}
