// Owns the one id a stream has, from the RTMP publish to the unregister, and every name derived from it.
//
// A StreamId is `<ENTRY_N>[-b]~<n>`: the stream name the encoder publishes (`0_rkij47dr_1`, Kaltura's
// `ENTRY_<suffix>`), `-b` for the backup (server index 1), and `n`, a session number (base 36) the ingest counts
// up for each new stream. The ingest mints it once, for the first publish on a name; a publisher that comes back
// while its stream is still held (the pipeline's reconnect grace) gets the same id, one that comes back later gets
// a new `n`. So an id never names two sessions, and a late event of a finished session (an FFmpeg run, a Kaltura
// answer) can never change the state of the next session on the same name.
//
// Names the outside world sees are derived from the id, never stored beside it: the slot the ingest fans the stream
// out under (`streamSlot`), the HLS folder served under /hls/ (`hlsFolder`), and Kaltura's entry id + server index
// (`streamParts`).

/** A plain string on the wire (the bridge's IngestStream.id, map keys); the name says where it comes from. */
export type StreamId = string;

/** 0: the primary, 1: the backup (Kaltura's mediaServerIndex) */
export type StreamIndex = 0 | 1;

export interface StreamParts {
  /** Kaltura's ENTRY_N as published */
  streamName: string;
  mediaServerIndex: StreamIndex;
}

const SESSION_MARK = '~';
const BACKUP_MARK = '-b';

/** The id of session `session` of a stream name and server index (only the ingest mints). */
export function mintStreamId(parts: StreamParts, session: number): StreamId {
  return `${streamSlotOf(parts)}${SESSION_MARK}${session.toString(36)}`;
}

/**
 * `ENTRY_N` (primary) or `ENTRY_N-b` (backup): one publisher at a time per slot, and every session of a name shares
 * it: the ingest fans the stream out under it, the registry keeps the name's record (what the window shows) under it.
 */
export function streamSlotOf(parts: { streamName: string; mediaServerIndex: number }): string {
  return parts.mediaServerIndex === 1 ? `${parts.streamName}${BACKUP_MARK}` : parts.streamName;
}

/** The slot of a stream id (the ingest's fan-out name, the registry's record of the name and index). */
export function streamSlot(id: StreamId): string {
  const at = id.lastIndexOf(SESSION_MARK);
  return at < 0 ? id : id.slice(0, at);
}

/** The stream name and server index an id was minted for. */
export function streamParts(id: StreamId): StreamParts {
  const slot = streamSlot(id);
  return slot.endsWith(BACKUP_MARK)
    ? { streamName: slot.slice(0, -BACKUP_MARK.length), mediaServerIndex: 1 }
    : { streamName: slot, mediaServerIndex: 0 };
}

/**
 * The HLS folder (and /hls/<folder>/ URL segment) of a stream: the entry id for the primary's `_1`, which viewers and
 * the Wowza-shaped paths play; `<entryId>-b<N>` for a backup and `<entryId>-p<N>` for another primary stream name,
 * so they never write into the primary's playlists. ENTRY_N splits at its last `_` (entry ids hold one `_`).
 */
export function hlsFolder(id: StreamId): string {
  const { streamName, mediaServerIndex } = streamParts(id);
  const cut = streamName.lastIndexOf('_');
  const entryId = cut > 0 ? streamName.slice(0, cut) : streamName;
  const suffix = cut > 0 ? streamName.slice(cut + 1) : '1';
  if (mediaServerIndex === 0 && suffix === '1') return entryId;
  return `${entryId}-${mediaServerIndex === 1 ? 'b' : 'p'}${suffix}`;
}
