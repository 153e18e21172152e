// Owns the queue's Kaltura-recording unit (setRecordedContent once per session and rendition): which segments a
// session's upload holds, its record in the queue file, delivering it once the session is over, and what "done"
// means for its segments. The upload queue (upload-queue.ts) runs it for partners on Kaltura recording.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { isKalturaApiError } from '../core/kaltura-errors.js';
import type { QueueFile, QueuedSegment, RecordingFlavour, SessionUpload } from './queue-store.js';
import { freshDelivery, sessionKey, pruneDone } from './queue-model.js';
import { buildSessionFile, sessionFilePath } from './session-file.js';
import type { DeliveryOutcome } from './segment-delivery.js';
import { KALTURA_RECORDING_DISABLED } from './uploader.js';

/** The session's segments still to hand over, in recording order. */
export function sessionSegments(file: QueueFile, entryId: string, sessionId: string): QueuedSegment[] {
  return file.items
    .filter((i) => i.entryId === entryId && i.sessionId === sessionId && i.state !== 'done')
    .sort((a, b) => a.sequence - b.sequence);
}

export function findSessionUpload(file: QueueFile, entryId: string, sessionId: string): SessionUpload | undefined {
  return file.sessionUploads.find((u) => u.entryId === entryId && u.sessionId === sessionId);
}

/** A new upload record for the session (its file not built yet); added to the queue file. */
export function createSessionUpload(file: QueueFile, head: QueuedSegment, nowMs: number): SessionUpload {
  const segments = sessionSegments(file, head.entryId, head.sessionId);
  const last = segments[segments.length - 1] ?? head;
  const upload: SessionUpload = {
    ...head,
    id: `${head.entryId}:${head.sessionId}:session`,
    filePath: sessionFilePath(path.dirname(head.filePath)),
    sequence: last.sequence,
    durationSeconds: Math.round(segments.reduce((sum, s) => sum + s.durationSeconds, 0) * 1000) / 1000,
    sizeBytes: segments.reduce((sum, s) => sum + s.sizeBytes, 0),
    // the newest recordedEntryId known while the session recorded
    recordedEntryId: [...segments].reverse().find((s) => s.recordedEntryId !== null)?.recordedEntryId ?? null,
    isLastChunk: true,
    ...freshDelivery(nowMs),
    segmentIds: segments.map((s) => s.id),
    built: false,
  };
  file.sessionUploads.push(upload);
  return upload;
}

/** Kaltura has the session: its segments are done. Returns them (their files may now be deleted). */
export function completeSessionUpload(file: QueueFile, upload: SessionUpload, nowMs: number): QueuedSegment[] {
  const ids = new Set(upload.segmentIds);
  const segments = file.items.filter((i) => ids.has(i.id));
  for (const s of segments) {
    s.state = 'done';
    s.reason = null;
    s.held = false;
    s.uploadedBytes = s.sizeBytes;
    s.doneAtMs = nowMs;
  }
  file.sessionUploads = file.sessionUploads.filter((u) => u !== upload);
  return segments;
}

export function dropSessionUpload(file: QueueFile, upload: SessionUpload): void {
  file.sessionUploads = file.sessionUploads.filter((u) => u !== upload);
}

/** What delivering a session needs from the queue. */
export interface SessionHost {
  file: QueueFile;
  now(): number;
  logger: Logger;
  /** ids whose byte count must be asked from Kaltura before continuing */
  needsSync: Set<string>;
  keepDoneItems: number;
  persist(): void;
  publish(entryId: string): void;
  /** token, chunks and setRecordedContent for the session file (segment-delivery.ts) */
  handOver(upload: SessionUpload): Promise<DeliveryOutcome>;
  ensureLiveAsset(item: QueuedSegment): Promise<void>;
  learn(partnerId: number, flavour: RecordingFlavour): void;
  deleteIfWanted(item: QueuedSegment): void;
}

/**
 * Kaltura recording for the session of `head` (the entry's next segment): waits while the session records, then
 * builds the session file, uploads it once and calls setRecordedContent; the segments are done once Kaltura has
 * it. KALTURA_RECORDING_DISABLED means the partner is on legacy recording: the session upload is dropped and the
 * segments go one by one. Other failures are thrown for the queue to retry or hold.
 */
export async function deliverSession(host: SessionHost, head: QueuedSegment): Promise<'done' | 'waiting'> {
  const { file } = host;
  if (file.openSessions.includes(sessionKey(head.entryId, head.sessionId))) {
    const reason = 'waiting for the recording session to end: Kaltura recording takes the whole session as one file';
    if (head.reason !== reason) {
      head.reason = reason;
      host.persist();
      host.publish(head.entryId);
    }
    return 'waiting';
  }
  let upload = findSessionUpload(file, head.entryId, head.sessionId);
  if (!upload) {
    upload = createSessionUpload(file, head, host.now());
    host.persist();
  }
  try {
    if (!upload.built) {
      const ids = new Set(upload.segmentIds);
      const segments = file.items.filter((i) => ids.has(i.id)).sort((a, b) => a.sequence - b.sequence);
      upload.sizeBytes = await buildSessionFile(
        upload.filePath,
        segments.map((s) => s.filePath),
      );
      upload.built = true;
      host.persist();
    }
    await host.ensureLiveAsset(upload);
    await host.handOver(upload);
  } catch (e) {
    host.needsSync.add(upload.id);
    if (isKalturaApiError(e, KALTURA_RECORDING_DISABLED)) {
      host.learn(upload.partnerId, 'legacy');
      dropSessionUpload(file, upload);
      host.persist();
      fs.rmSync(upload.filePath, { force: true });
      return 'done';
    }
    throw e;
  }
  const segments = completeSessionUpload(file, upload, host.now());
  // "done" is on disk before anything is deleted, so a crash cannot lose an unconfirmed segment
  host.persist();
  host.logger.info('recording session delivered to Kaltura (setRecordedContent)', {
    id: upload.id,
    segments: segments.length,
    durationSeconds: upload.durationSeconds,
  });
  fs.rmSync(upload.filePath, { force: true });
  for (const s of segments) host.deleteIfWanted(s);
  pruneDone(file, upload.entryId, host.keepDoneItems);
  host.persist();
  host.publish(upload.entryId);
  return 'done';
}
