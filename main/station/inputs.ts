// Owns the shapes the registry accepts: exactly the payloads the ingest, transcode, kaltura and recording
// parts emit, so the composition root forwards them without translating.
import type { LiveStreamEntry } from '../core/kaltura-api.js';
import type { InputProbe, RenditionState, TranscoderState } from '../../shared/state.js';
import type { StreamId } from '../core/ids.js';

/** The ingest asks Kaltura about a publish (a cached answer or a local refusal skips this). */
export interface StreamAuthenticatingInput {
  streamId: StreamId;
  entryId: string;
  partnerId: number;
  streamName: string;
  mediaServerIndex: number;
  sourceAddress: string;
  atMs: number;
}

export interface StreamAcceptedInput {
  streamId: StreamId;
  entryId: string;
  partnerId: number;
  streamName: string;
  suffix: string | number;
  mediaServerIndex: number;
  sourceAddress: string;
  entry: LiveStreamEntry;
  connectedAtMs: number;
  /** the publisher joined a stream still held (same streamId): a reconnect within the grace, or a takeover */
  resumed: boolean;
}

export interface StreamRefusedInput {
  /** the id of the refused attempt; null when the URL named no entry (then only the ledger records it) */
  streamId: StreamId | null;
  entryId: string | null;
  partnerId: number | null;
  streamName: string | null;
  mediaServerIndex: number | null;
  sourceAddress: string;
  /** ingest's typed reason ('wrong-token', ...) or, without `message`, the human text */
  reason: string;
  /** safe text (no token): why, and what to do; shown to the user when present */
  message?: string;
  /** Kaltura alert code (111 invalid token, 113 entry not found, ...) or null when none applies */
  alertCode: number | null;
  kalturaCode: string | null;
  /** the RTMP URL as the encoder sent it; the registry redacts the token before keeping it */
  connectionUrl: string;
  atMs: number;
}

export interface StreamEndedInput {
  streamId: StreamId;
  entryId: string;
  streamName: string;
  /** ingest's StreamEndReason ('publisher-left', 'replaced', 'idle-timeout', 'station-stopping') or free text */
  reason: string;
  atMs: number;
}

const END_REASON_TEXT: Record<string, string> = {
  'publisher-left': 'the encoder stopped publishing',
  replaced: 'a new connection for the same stream took over',
  'idle-timeout': 'no data from the encoder for too long; the station closed the connection',
  'station-stopping': 'the station is stopping',
};

/** The words for an end reason, and whether the stream is over at once (no reconnect grace). */
export function describeEnd(reason: string): { text: string; final: boolean } {
  return { text: END_REASON_TEXT[reason] ?? reason, final: reason === 'station-stopping' };
}

export interface ProbeInput {
  streamId: StreamId;
  probe: InputProbe;
}

export interface TranscodeStateInput {
  transcoder: TranscoderState;
  renditions: RenditionState[];
}
