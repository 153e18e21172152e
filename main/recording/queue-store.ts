// Owns the upload queue's file on disk (DATA/recordings/queue.json): its schema, and durable writes
// (write a temp file, fsync, rename over the old one, fsync the directory), so a crash at any
// moment leaves either the previous or the new queue, never a torn one.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const QueuedSegmentStateSchema = z.enum(['pending', 'uploading', 'done', 'failed']);
export type QueuedSegmentState = z.infer<typeof QueuedSegmentStateSchema>;

export const QueuedSegmentSchema = z.object({
  id: z.string(),
  entryId: z.string(),
  partnerId: z.number().int(),
  mediaServerIndex: z.union([z.literal(0), z.literal(1)]),
  /** the live asset id for appendRecording; null until resolved from flavorParamsId (flavorAsset.list) */
  assetId: z.string().nullable(),
  /** the liveParams id of the recorded rendition (the ladder's source/ingest rendition, e.g. 32) */
  flavorParamsId: z.number().int().nullable().default(null),
  /** the live entry's recorded entry when the segment was recorded (setRecordedContent's recordedEntryId) */
  recordedEntryId: z.string().nullable().default(null),
  sessionId: z.string(),
  filePath: z.string(),
  sequence: z.number().int(),
  durationSeconds: z.number(),
  sizeBytes: z.number().int(),
  state: QueuedSegmentStateSchema,
  /** persisted as soon as uploadToken.add answered, before any byte is sent */
  tokenId: z.string().nullable(),
  uploadedBytes: z.number().int(),
  isLastChunk: z.boolean(),
  /** persisted before appendRecording is sent: on restart the token tells whether it happened */
  appendSent: z.boolean(),
  reason: z.string().nullable(),
  /** Kaltura refused the hand-over: kept (state failed) and retried in order on settings change, Retry, or slowly */
  held: z.boolean().default(false),
  attempts: z.number().int(),
  enqueuedAtMs: z.number(),
  doneAtMs: z.number().nullable(),
  fileDeleted: z.boolean(),
});
export type QueuedSegment = z.infer<typeof QueuedSegmentSchema>;

/** Kaltura recording: one upload of a whole session's file (its segments concatenated), then setRecordedContent. */
export const SessionUploadSchema = QueuedSegmentSchema.extend({
  /** ids of the segment items whose bytes the session file holds, in order */
  segmentIds: z.array(z.string()),
  /** the session file is complete on disk (written to a temp name, then renamed) */
  built: z.boolean(),
});
export type SessionUpload = z.infer<typeof SessionUploadSchema>;

/** legacy: appendRecording per segment; kaltura: setRecordedContent per session (FEATURE_LIVE_STREAM_KALTURA_RECORDING) */
export const RecordingFlavourSchema = z.enum(['legacy', 'kaltura']);
export type RecordingFlavour = z.infer<typeof RecordingFlavourSchema>;

export const QueueFileSchema = z.object({
  version: z.literal(1),
  items: z.array(QueuedSegmentSchema),
  /** "entryId/sessionId" of recording sessions that may still produce segments */
  openSessions: z.array(z.string()),
  /** partner id -> recording flavour, learned from Kaltura's answers and kept across restarts */
  flavours: z.record(z.string(), RecordingFlavourSchema).default({}),
  sessionUploads: z.array(SessionUploadSchema).default([]),
});
export type QueueFile = z.infer<typeof QueueFileSchema>;

export function emptyQueueFile(): QueueFile {
  return { version: 1, items: [], openSessions: [], flavours: {}, sessionUploads: [] };
}

export type LoadResult = { file: QueueFile; problem: string | null };

/** Reads the queue; a corrupt file is moved aside (kept for inspection) and an empty queue returned with the problem. */
export function loadQueueFile(filePath: string): LoadResult {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { file: emptyQueueFile(), problem: null };
    throw new Error(
      `cannot read the upload queue ${filePath}: ${(e as Error).message}. Check the permissions of the data folder.`,
    );
  }
  let problem: string;
  try {
    const parsed = QueueFileSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { file: parsed.data, problem: null };
    problem = `the upload queue ${filePath} does not match its schema (${parsed.error.issues[0]?.message ?? 'invalid'})`;
  } catch (e) {
    problem = `the upload queue ${filePath} is not valid JSON (${(e as Error).message})`;
  }
  const aside = `${filePath}.corrupt-${Date.now()}`;
  fs.renameSync(filePath, aside);
  return {
    file: emptyQueueFile(),
    problem: `${problem}; moved it to ${aside} and started an empty queue: segments listed there were not uploaded and are still on disk`,
  };
}

export function saveQueueFile(filePath: string, file: QueueFile): void {
  const dir = path.dirname(filePath);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${filePath}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, JSON.stringify(file));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, filePath);
  try {
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    // directory fsync is not supported everywhere (Windows); the rename is still atomic
  }
}
