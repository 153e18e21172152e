// Owns the shapes the registry accepts: exactly the payloads the ingest, transcode, kaltura and recording
// parts emit, so the composition root forwards them without translating.
import type { LiveStreamEntry } from '../kaltura/api.js';
import type { InputProbe, RenditionState, TranscoderState } from '../../shared/state.js';

/** RTMP connect/publish seen, Kaltura authenticate in flight (optional: ingest may skip it). */
export interface StreamAuthenticatingInput {
  streamId: string;
  entryId: string;
  partnerId: number;
  streamName: string;
  mediaServerIndex: number;
  sourceAddress: string;
  atMs: number;
}

export interface StreamAcceptedInput {
  streamId: string;
  entryId: string;
  partnerId: number;
  streamName: string;
  suffix: string | number;
  mediaServerIndex: number;
  sourceAddress: string;
  entry: LiveStreamEntry;
  connectedAtMs: number;
  /** the same entry/name/index came back within the ingest's grace period */
  resumed: boolean;
}

export interface StreamRefusedInput {
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
  streamId: string;
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
  streamId: string;
  probe: InputProbe;
}

export interface TranscodeStateInput {
  transcoder: TranscoderState;
  renditions: RenditionState[];
}
