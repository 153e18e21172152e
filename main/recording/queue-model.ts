// Owns the pure rules over the queue's data: where the file lives, a new item and an item loaded from an older
// file, when a segment may be appended (and whether it is its session's last), the UI projection (UploadItem),
// and forgetting old done items.
import path from 'node:path';
import type { UploadItem } from '../../shared/state.js';
import type { QueueFile, QueuedSegment } from './queue-store.js';
import type { MediaServerIndex } from '../core/kaltura-api.js';

/** One recorded segment handed to the queue, as the recorder knows it. */
export interface SegmentToUpload {
  entryId: string;
  partnerId: number;
  mediaServerIndex: MediaServerIndex;
  assetId?: string | null;
  /** the recorded rendition's liveParams id; its live asset is looked up (flavorAsset.list) at hand-over */
  flavorParamsId?: number | null;
  recordedEntryId?: string | null;
  sessionId: string;
  filePath: string;
  sequence: number;
  durationSeconds: number;
  sizeBytes: number;
}

export function queueFilePath(dataDir: string): string {
  return path.join(dataDir, 'recordings', 'queue.json');
}

/** A segment as it enters the queue: pending, nothing sent yet. */
export function newQueuedSegment(id: string, segment: SegmentToUpload, nowMs: number): QueuedSegment {
  return {
    id,
    entryId: segment.entryId,
    partnerId: segment.partnerId,
    mediaServerIndex: segment.mediaServerIndex,
    assetId: segment.assetId ?? null,
    flavorParamsId: segment.flavorParamsId ?? null,
    recordedEntryId: segment.recordedEntryId ?? null,
    sessionId: segment.sessionId,
    filePath: segment.filePath,
    sequence: segment.sequence,
    durationSeconds: segment.durationSeconds,
    sizeBytes: segment.sizeBytes,
    isLastChunk: false,
    ...freshDelivery(nowMs),
  };
}

/** The delivery fields of an item nothing of which has been sent yet (a new segment or session upload). */
export function freshDelivery(nowMs: number) {
  return {
    state: 'pending' as const,
    tokenId: null,
    uploadedBytes: 0,
    appendSent: false,
    reason: null,
    held: false,
    attempts: 0,
    enqueuedAtMs: nowMs,
    doneAtMs: null,
    fileDeleted: false,
  };
}

/** Queues written before issue 16 carried the rendition's stream name (ENTRY_<liveParamsId>) as assetId. */
export function migrateLoadedItem(item: QueuedSegment): void {
  const legacyName =
    item.assetId !== null && item.flavorParamsId === null
      ? new RegExp(`^${item.entryId}_(\\d+)$`).exec(item.assetId)
      : null;
  if (legacyName) {
    item.flavorParamsId = Number(legacyName[1]);
    item.assetId = null;
  }
}

export function sessionKey(entryId: string, sessionId: string): string {
  return `${entryId}/${sessionId}`;
}

/**
 * A segment may be appended once a later segment of its entry exists or its session is over: only
 * then is it known whether it is the session's last (isLastChunk).
 */
export function appendDecision(file: QueueFile, item: QueuedSegment): { ok: boolean; isLastChunk: boolean } {
  const index = file.items.indexOf(item);
  const later = file.items.slice(index + 1).filter((i) => i.entryId === item.entryId);
  if (later.some((i) => i.sessionId === item.sessionId)) return { ok: true, isLastChunk: false };
  const sessionOpen = file.openSessions.includes(sessionKey(item.entryId, item.sessionId));
  if (sessionOpen && later.length === 0) return { ok: false, isLastChunk: false };
  return { ok: true, isLastChunk: true };
}

/** sentBytes: bytes Kaltura holds or that are on their way (progress inside a chunk). */
export function toUploadItem(item: QueuedSegment, sentBytes: number): UploadItem {
  const sent = item.state === 'done' ? item.sizeBytes : sentBytes;
  const percent =
    item.sizeBytes > 0
      ? Math.min(100, Math.round((sent / item.sizeBytes) * 1000) / 10)
      : item.state === 'done'
        ? 100
        : 0;
  return {
    id: item.id,
    entryId: item.entryId,
    fileName: path.basename(item.filePath),
    sequence: item.sequence,
    durationSeconds: item.durationSeconds,
    sizeBytes: item.sizeBytes,
    state: item.state,
    percent,
    reason: item.reason,
    isLastChunk: item.isLastChunk,
  };
}

/** Keeps the newest `keep` done items of the entry in the file (their segment files are not touched). */
export function pruneDone(file: QueueFile, entryId: string, keep: number): void {
  const done = file.items.filter((i) => i.entryId === entryId && i.state === 'done');
  if (done.length <= keep) return;
  const drop = new Set(done.slice(0, done.length - keep).map((i) => i.id));
  file.items = file.items.filter((i) => !drop.has(i.id));
}
