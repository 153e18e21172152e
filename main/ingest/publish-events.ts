// Owns the payloads the ingest emits about a publish: accepted (with the held stream's feed and probe), refused
// (connection URL with the token masked), the words of a busy-name refusal, and what activeStreams() shows.
import type { LiveStreamEntry, MediaServerIndex } from '../core/kaltura-api.js';
import type { StreamId } from '../core/ids.js';
import { redactedConnectionUrl } from './broadcast-url.js';
import type { ActiveStream, StreamAcceptedEvent, StreamRefusedEvent } from './events.js';
import type { PublishRequest } from './adapter-contract.js';
import type { Refusal } from './refusals.js';
import type { HeldStream, LiveConnection } from './stream-table.js';

/** What a refused publish could be read as (the URL may have named no entry). */
export interface RefusedWho {
  entryId: string | null;
  partnerId: number | null;
  streamName: string | null;
  mediaServerIndex: MediaServerIndex | null;
}

/** The connection URL for records and the UI, the token masked. */
export function connectionUrlOf(req: PublishRequest): string {
  return redactedConnectionUrl({ app: req.app, tcUrl: req.tcUrl, publishName: req.publishName });
}

/** A healthy publisher already holds the name (or NMS would not register a second one). */
export function busyRefusal(existing: LiveConnection | null, streamName: string): Refusal {
  return {
    reason: 'stream-busy',
    alertCode: 126,
    kalturaCode: null,
    message: existing
      ? `${existing.streamName} (server index ${existing.mediaServerIndex}) is already being published from ${existing.sourceAddress}: stop the other encoder, or use the next stream name (_2, _3) or the backup URL`
      : `${streamName} could not be registered (another publisher holds it): retry in a few seconds`,
  };
}

export function activeStream(s: LiveConnection): ActiveStream {
  return {
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
  };
}

export function acceptedEvent(
  req: PublishRequest,
  conn: LiveConnection,
  held: { stream: HeldStream; resumed: boolean },
  entry: LiveStreamEntry,
): StreamAcceptedEvent {
  return {
    ...activeStream(conn),
    entry,
    resumed: held.resumed,
    // after the encoder was answered: nothing it waits for is spent on the record
    connectionUrl: connectionUrlOf(req),
    feed: held.stream.feed,
    probe: held.stream.probe,
  };
}

export function refusedEvent(
  req: PublishRequest,
  who: RefusedWho,
  refusal: Refusal,
  blocked: boolean,
  streamId: StreamId | null,
  atMs: number,
): StreamRefusedEvent {
  return {
    streamId,
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
    connectionUrl: connectionUrlOf(req),
    atMs,
  };
}
