// Owns the narrow interface the upload queue needs from Kaltura (uploadToken + liveStream recording
// actions), and the rule that decides which failures are worth retrying. The integrator adapts the
// Kaltura client to RecordingUploader; the queue never sees HTTP, KS or secrets.
import { KalturaApiError, KalturaTransportError } from '../core/kaltura-errors.js';
import type { MediaServerIndex } from '../core/kaltura-api.js';

export interface UploadTokenStatus {
  /** bytes Kaltura holds for the token, contiguous from byte 0 (uploadToken.get -> uploadedFileSize) */
  uploadedBytes: number;
  /**
   * true once a resource used the token (Kaltura closes it: UploadTokenStatus CLOSED 3 / DELETED 5).
   * The queue uses it to learn whether an appendRecording whose answer was lost did happen.
   */
  consumed: boolean;
}

export interface RecordingUploader {
  /** uploadToken.add({fileName, fileSize}) impersonating partnerId */
  createUploadToken(a: {
    partnerId: number;
    fileName: string;
    fileSizeBytes: number;
    signal?: AbortSignal;
  }): Promise<{ tokenId: string }>;
  /** uploadToken.get(tokenId) */
  getUploadToken(a: { partnerId: number; tokenId: string; signal?: AbortSignal }): Promise<UploadTokenStatus>;
  /**
   * uploadToken.upload(tokenId, bytes [startByte, endByte) of filePath, resume = startByte > 0,
   * resumeAt = startByte, finalChunk). Returns the bytes Kaltura holds afterwards.
   */
  uploadChunk(a: {
    partnerId: number;
    tokenId: string;
    filePath: string;
    startByte: number;
    endByte: number;
    finalChunk: boolean;
    signal?: AbortSignal;
    onProgress?(sentBytes: number): void;
  }): Promise<{ uploadedBytes: number }>;
  /**
   * The id of the entry's live asset (flavorAsset.list with KalturaLiveAssetFilter) whose flavorParamsId is the
   * recorded rendition's liveParams id; a RecordingRefusal when the entry has none.
   */
  resolveLiveAsset(a: {
    partnerId: number;
    entryId: string;
    flavorParamsId: number;
    signal?: AbortSignal;
  }): Promise<{ assetId: string }>;
  /**
   * liveStream.appendRecording(entryId, assetId, mediaServerIndex, KalturaUploadedFileTokenResource{token},
   * durationSeconds, isLastChunk): the legacy (Wowza) flow, one call per segment. assetId is a live asset id.
   */
  appendRecording(a: {
    partnerId: number;
    entryId: string;
    assetId: string;
    mediaServerIndex: MediaServerIndex;
    tokenId: string;
    durationSeconds: number;
    isLastChunk: boolean;
    signal?: AbortSignal;
  }): Promise<void>;
  /**
   * liveStream.setRecordedContent(entryId, mediaServerIndex, resource, duration, recordedEntryId, flavorParamsId):
   * Kaltura recording, once per session and rendition with the whole session file and its total duration.
   */
  setRecordedContent(a: {
    partnerId: number;
    entryId: string;
    mediaServerIndex: MediaServerIndex;
    tokenId: string;
    durationSeconds: number;
    recordedEntryId: string | null;
    flavorParamsId: number | null;
    signal?: AbortSignal;
  }): Promise<void>;
}

/** Kaltura's answers that tell which recording flow the partner uses (kaltura-producer.md §2 "Feature split"). */
export const KALTURA_RECORDING_ENABLED = 'KALTURA_RECORDING_ENABLED';
export const KALTURA_RECORDING_DISABLED = 'KALTURA_RECORDING_DISABLED';

/** A hand-over Kaltura (or the entry's set-up) refuses for now: the item is held, in order, until retried. */
export class RecordingRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RecordingRefusal';
  }
}

/** A setup problem on our side (missing asset id, a segment changed on disk): retrying cannot help. */
export class RecordingConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingConfigError';
  }
}

/** Kaltura codes that mean "try again later" rather than "this can never succeed". */
const RETRYABLE_API_CODES = new Set([
  'INVALID_KS',
  'EXPIRED_KS',
  'KS_EXPIRED',
  'INTERNAL_SERVERL_ERROR',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
]);
/** Local file problems that no retry will fix. */
const PERMANENT_FS_CODES = new Set(['ENOENT', 'EACCES', 'EISDIR', 'EPERM']);

/**
 * retry: transient, retried with backoff; held: Kaltura refused (or the entry lacks what the hand-over needs):
 * the item stays queued with the reason and the fix, later items of the entry wait behind it (order), and it is
 * tried again on settings changes, a Retry, and slowly; permanent: a local problem no retry fixes (skipped).
 */
export type FailureKind = 'retry' | 'held' | 'permanent';

export function classifyFailure(e: unknown): FailureKind {
  if (e instanceof KalturaTransportError) return 'retry';
  if (e instanceof KalturaApiError) return RETRYABLE_API_CODES.has(e.code) ? 'retry' : 'held';
  if (e instanceof RecordingRefusal) return 'held';
  if (e instanceof RecordingConfigError) return 'permanent';
  // the station's mode does not allow this partner (eCDN): held, a settings change may allow it
  if (e instanceof Error && e.name === 'KalturaModeError') return 'held';
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && PERMANENT_FS_CODES.has(code)) return 'permanent';
  // anything else (a socket reset surfacing as a plain Error) is treated as transient
  return 'retry';
}

/** Kaltura's (or the hand-over's own) refusal code of a failure; '' when it is not a refusal. */
export function refusalCode(e: unknown): string {
  return e instanceof KalturaApiError || e instanceof RecordingRefusal ? e.code : '';
}

/** Kaltura answered appendRecording with KALTURA_RECORDING_ENABLED: the partner uses Kaltura recording. */
export function isKalturaRecordingEnabled(e: unknown): boolean {
  return e instanceof KalturaApiError && e.code === KALTURA_RECORDING_ENABLED;
}

/** What to do about a held hand-over, by Kaltura's code. */
export function refusalFix(code: string): string {
  switch (code) {
    case 'SERVICE_FORBIDDEN':
      return 'the partner lacks the media-server recording permission (in eCDN mode the Hybrid eCDN feature): ask your Kaltura account manager to enable it';
    case 'ASSET_ID_NOT_FOUND':
    case 'NO_LIVE_ASSET':
    case 'FLAVOR_PARAMS_ID_NOT_FOUND':
      return 'the entry has no live asset for the recorded rendition (was its conversion profile changed?): give the entry a live conversion profile with the source (ingest) rendition';
    case 'ENTRY_ID_NOT_FOUND':
      return 'the live entry no longer exists in Kaltura: the recording stays on disk; restore the entry or upload the file by hand';
    case 'LIVE_STREAM_EXCEEDED_MAX_RECORDED_DURATION':
      return "the entry's recording is longer than the partner's limit (max_live_recording_duration_hours): ask your Kaltura account manager to raise it";
    case 'RECORDED_ENTRY_LIVE_MISMATCH':
      return "the recorded entry does not belong to this live entry: check the entry's recording settings in the KMC";
    default:
      return 'fix the cause in Kaltura or in Settings';
  }
}

/** A short, secret-free description of a failure for UploadItem.reason. */
export function describeFailure(e: unknown): string {
  if (e instanceof KalturaApiError) return `Kaltura refused ${e.call || 'the call'}: ${e.code}: ${e.message}`;
  if (e instanceof RecordingRefusal) return `${e.code}: ${e.message}`;
  if (e instanceof KalturaTransportError)
    return `Kaltura unreachable (${e.kind}${e.httpStatus ? ` ${e.httpStatus}` : ''}): ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}
