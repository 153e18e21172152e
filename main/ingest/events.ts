// Owns the types of the ingest surface: options, the typed events the station subscribes to, and
// the shape of an active stream.
import type { LiveStreamEntry, MediaServerIndex } from '../core/kaltura-api.js';
import type { InputProbe } from '../../shared/state.js';
import type { StreamId } from '../core/ids.js';
import type { MediaFeed } from '../media/flv-feed.js';
import type { AlertCode, RefusalReason } from './refusals.js';

export interface IngestOptions {
  /** RTMP application encoders publish to (default kLive) */
  appName?: string;
  successTtlMs?: number;
  /** an unanswered Kaltura authenticate counts as unreachable after this (default 15 s) */
  authTimeoutMs?: number;
  /** a token Kaltura refused is refused locally for this long, per (entry, index, token) (default 30 s) */
  failureBlockMs?: number;
  /** most different tokens one entry may have refused or pending within failureBlockMs; more are refused locally (default 5) */
  maxTokensPerEntry?: number;
  /** a live publisher silent this long may be replaced by a new one on the same name (default 5 s) */
  deadPublisherAfterMs?: number;
  /** a live publisher silent this long is closed (default 30 s) */
  publisherIdleTimeoutMs?: number;
  stallAfterMs?: number;
  probeIntervalMs?: number;
  probeWindowMs?: number;
  maxConnections?: number;
  handshakeTimeoutMs?: number;
  maxMessageBytes?: number;
  allowRemotePlay?: boolean;
  /** an RTMP reader whose unsent backlog passes this is closed (default 32 MiB) */
  maxReaderBacklogBytes?: number;
  /** a feed reader (the station's FFmpeg) past this backlog loses frames up to a key frame (default 16 MiB) */
  maxFeedBacklogBytes?: number;
  /** longest pause between reads of an accepted publisher, in ms (default 200; 0 = on every arrival); see read-pacer.ts */
  readBatchMs?: number;
  /** ...but on every arrival for this long after it was accepted (default 10 s: the first segments come at once) */
  readBatchAfterMs?: number;
}

/** The sample the ingest reported last for a stream (once a second); null until its first one. */
export interface LatestProbe {
  latest(): InputProbe | null;
}

/**
 * An accepted publish: the active stream, what Kaltura said about the entry, and what its readers need: the feed
 * (FFmpeg's input, following a resumed publisher) and its latest probe. Both stay valid across resumes.
 */
export interface StreamAcceptedEvent extends ActiveStream {
  entry: LiveStreamEntry;
  /** the publisher joined a stream that was still held (the same streamId): a reconnect, or a takeover */
  resumed: boolean;
  connectionUrl: string;
  feed: MediaFeed;
  probe: LatestProbe;
}

/** The gate started asking Kaltura about a publish (a cached answer or a local refusal skips this). */
export interface StreamAuthenticatingEvent {
  streamId: StreamId;
  entryId: string;
  partnerId: number;
  streamName: string;
  mediaServerIndex: MediaServerIndex;
  sourceAddress: string;
  atMs: number;
}

export interface StreamRefusedEvent {
  /** the id this publish attempt had (null when the URL named no entry) */
  streamId: StreamId | null;
  entryId: string | null;
  partnerId: number | null;
  streamName: string | null;
  mediaServerIndex: MediaServerIndex | null;
  sourceAddress: string;
  reason: RefusalReason;
  alertCode: AlertCode;
  kalturaCode: string | null;
  message: string;
  /** true when refused locally because of an earlier failure (Kaltura not asked) */
  blocked: boolean;
  connectionUrl: string;
  atMs: number;
}

export type StreamEndReason = 'publisher-left' | 'replaced' | 'idle-timeout' | 'station-stopping';

export interface StreamEndedEvent {
  streamId: StreamId;
  connectionId: string;
  entryId: string;
  streamName: string;
  mediaServerIndex: MediaServerIndex;
  reason: StreamEndReason;
  atMs: number;
}

export interface ProbeEvent {
  streamId: StreamId;
  probe: InputProbe;
  videoStalled: boolean;
  audioStalled: boolean;
}

export interface IngestEvents extends Record<string, unknown> {
  streamAuthenticating: StreamAuthenticatingEvent;
  streamAccepted: StreamAcceptedEvent;
  streamRefused: StreamRefusedEvent;
  streamEnded: StreamEndedEvent;
  probe: ProbeEvent;
}

export interface ActiveStream {
  /** minted once by the ingest, kept while the stream is held: see core/ids.ts */
  streamId: StreamId;
  connectionId: string;
  entryId: string;
  partnerId: number;
  streamName: string;
  suffix: number;
  mediaServerIndex: MediaServerIndex;
  sourceAddress: string;
  connectedAtMs: number;
  /** where a tool on this machine can pull the stream over RTMP (the station's own FFmpeg reads the ingest feed) */
  pullUrl: string;
}
