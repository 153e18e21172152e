// Owns the queue's Kaltura-recording unit (setRecordedContent once per session and rendition): which segments a
// session's upload holds, its record in the queue file, and what "done" means for them. Pure over the queue data.
import path from 'node:path';
import type { QueueFile, QueuedSegment, SessionUpload } from './queue-store.js';
import { sessionFilePath } from './session-file.js';

/** The session's segments still to hand over, in recording order. */
export function sessionSegments(file: QueueFile, entryId: string, sessionId: string): QueuedSegment[] {
  return file.items.filter((i) => i.entryId === entryId && i.sessionId === sessionId && i.state !== 'done').sort((a, b) => a.sequence - b.sequence);
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
    state: 'pending',
    tokenId: null,
    uploadedBytes: 0,
    isLastChunk: true,
    appendSent: false,
    reason: null,
    held: false,
    attempts: 0,
    enqueuedAtMs: nowMs,
    doneAtMs: null,
    fileDeleted: false,
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
