// Owns the narrow interface the upload queue needs from Kaltura (uploadToken + liveStream recording
// actions), and the rule that decides which failures are worth retrying. The integrator adapts the
// Kaltura client to RecordingUploader; the queue never sees HTTP, KS or secrets.
import { KalturaApiError, KalturaTransportError } from '../kaltura/errors.js';
import type { MediaServerIndex } from '../kaltura/api.js';

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
  createUploadToken(a: { partnerId: number; fileName: string; fileSizeBytes: number; signal?: AbortSignal }): Promise<{ tokenId: string }>;
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
   * liveStream.appendRecording(entryId, assetId, mediaServerIndex, KalturaUploadedFileTokenResource{token},
   * durationSeconds, isLastChunk). assetId is the entry's live asset (the adapter may resolve it when null).
   */
  appendRecording(a: {
    partnerId: number;
    entryId: string;
    assetId: string | null;
    mediaServerIndex: MediaServerIndex;
    tokenId: string;
    durationSeconds: number;
    isLastChunk: boolean;
    signal?: AbortSignal;
  }): Promise<void>;
  /** liveStream.setRecordedContent: for partners on Kaltura's newer recording (option recordingApi: 'setRecordedContent') */
  setRecordedContent?(a: {
    partnerId: number;
    entryId: string;
    mediaServerIndex: MediaServerIndex;
    tokenId: string;
    durationSeconds: number;
    signal?: AbortSignal;
  }): Promise<void>;
}

/** A setup problem on our side (missing asset id, a segment changed on disk): retrying cannot help. */
export class RecordingConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingConfigError';
  }
}

/** Kaltura codes that mean "try again later" rather than "this can never succeed". */
const RETRYABLE_API_CODES = new Set(['INVALID_KS', 'EXPIRED_KS', 'KS_EXPIRED', 'INTERNAL_SERVERL_ERROR', 'INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);
/** Local file problems that no retry will fix. */
const PERMANENT_FS_CODES = new Set(['ENOENT', 'EACCES', 'EISDIR', 'EPERM']);

export type FailureKind = 'retry' | 'permanent';

export function classifyFailure(e: unknown): FailureKind {
  if (e instanceof KalturaTransportError) return 'retry';
  if (e instanceof KalturaApiError) return RETRYABLE_API_CODES.has(e.code) ? 'retry' : 'permanent';
  if (e instanceof RecordingConfigError) return 'permanent';
  // the station's mode does not allow this partner (eCDN): no retry will change that
  if (e instanceof Error && e.name === 'KalturaModeError') return 'permanent';
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && PERMANENT_FS_CODES.has(code)) return 'permanent';
  // anything else (a socket reset surfacing as a plain Error) is treated as transient
  return 'retry';
}

/** A short, secret-free description of a failure for UploadItem.reason. */
export function describeFailure(e: unknown): string {
  if (e instanceof KalturaApiError) return `Kaltura refused ${e.call || 'the call'}: ${e.code}: ${e.message}`;
  if (e instanceof KalturaTransportError) return `Kaltura unreachable (${e.kind}${e.httpStatus ? ` ${e.httpStatus}` : ''}): ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}
