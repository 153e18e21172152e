// The narrow interface the rest of the station uses to talk to Kaltura (ARCHITECTURE.md: depend on
// narrow interfaces). The mode-aware implementation (media-server partner impersonating p, or eCDN)
// lives beside it; ingest, transcode and recording see only this.

/** The KalturaLiveStreamEntry fields the station uses (kaltura.md 4.1). */
export interface LiveStreamEntry {
  id: string;
  partnerId: number;
  name: string;
  conversionProfileId: number | null;
  /** DVRStatus: 0 disabled, 1 enabled */
  dvrStatus: number;
  /** minutes */
  dvrWindow: number | null;
  /** RecordStatus: 0 disabled, 1 appended, 2 per session */
  recordStatus: number;
  recordedEntryId: string | null;
  /** ms; Kaltura default 6000 */
  segmentDuration: number | null;
  explicitLive: boolean | null;
  /**
   * RecordingStatus: 0 stopped, 1 paused, 2 active, 3 disabled (null/absent: the server did not say).
   * registerMediaServer's shouldCreateRecordedEntry follows `recordingStatus == ACTIVE`, as liveDVR does.
   */
  recordingStatus?: number | null;
}

/** RecordingStatus.ACTIVE (alpha/lib/enums/RecordingStatus.php) */
export const RECORDING_STATUS_ACTIVE = 2;

/**
 * Whether Kaltura should create a recorded entry on registration: recordingStatus == ACTIVE (kaltura-producer.md
 * §2). When the answer lacks the field, Kaltura's own derivation is used: for an entry that is not explicit-live,
 * ACTIVE unless recording is disabled; for an explicit-live entry the stored value (default STOPPED).
 */
export function shouldCreateRecordedEntry(
  entry: Pick<LiveStreamEntry, 'recordingStatus' | 'recordStatus' | 'explicitLive'>,
): boolean {
  if (entry.recordingStatus !== undefined && entry.recordingStatus !== null)
    return entry.recordingStatus === RECORDING_STATUS_ACTIVE;
  if (entry.explicitLive === true) return false;
  return entry.recordStatus !== 0;
}

export type MediaServerIndex = 0 | 1;

export interface AuthenticateArgs {
  partnerId: number;
  entryId: string;
  token: string;
  mediaServerIndex: MediaServerIndex;
}

export interface ServeConversionProfileArgs {
  partnerId: number;
  streamName: string;
  extraParams: Record<string, string>;
}

export interface RegisterMediaServerArgs {
  partnerId: number;
  entryId: string;
  mediaServerIndex: MediaServerIndex;
  status: 'BROADCASTING' | 'PLAYABLE';
  shouldCreateRecordedEntry?: boolean;
}

export interface UnregisterMediaServerArgs {
  partnerId: number;
  entryId: string;
  mediaServerIndex: MediaServerIndex;
}
export interface KalturaApi {
  /** liveStream.authenticate(e, t, hostname, i), impersonating p in media-server mode. Not retried blindly. */
  authenticate(args: AuthenticateArgs): Promise<LiveStreamEntry>;
  getLiveStream(partnerId: number, entryId: string): Promise<LiveStreamEntry>;
  /** wowza_liveConversionProfile.serve: the XML text of the ladder for ENTRY_N */
  serveConversionProfile(args: ServeConversionProfileArgs): Promise<string>;
  registerMediaServer(args: RegisterMediaServerArgs): Promise<LiveStreamEntry>;
  unregisterMediaServer(args: UnregisterMediaServerArgs): Promise<void>;
  /** beacon.add with relatedObjectType ENTRY_BEACON; privateData is a JSON string with no secrets */
  addBeacon(args: { partnerId: number; entryId: string; eventType: string; privateData: string }): Promise<void>;
}

/** A node of entryServerNode.list (kaltura.md 4.1): who is registered for the entry, with which status. */
export interface EntryServerNodeInfo {
  id: number;
  entryId: string;
  serverNodeId: number;
  /** EntryServerNodeStatus: -1 error, 0 stopped, 1 playable, 2 broadcasting, 3 authenticated, 4 marked for deletion */
  status: number;
  /** 0 primary, 1 backup */
  serverType: number;
  updatedAt: number | null;
}

/** Reads beside the narrow interface: liveness as Kaltura sees it (for the UI and the sandbox tests). */
export interface KalturaLiveApi extends KalturaApi {
  isLive(args: { partnerId: number; entryId: string }): Promise<boolean>;
  listEntryServerNodes(args: { partnerId: number; entryId: string }): Promise<EntryServerNodeInfo[]>;
}
