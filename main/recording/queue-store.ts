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
  /** the live asset id for appendRecording; null lets the uploader resolve it */
  assetId: z.string().nullable(),
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
  attempts: z.number().int(),
  enqueuedAtMs: z.number(),
  doneAtMs: z.number().nullable(),
  fileDeleted: z.boolean(),
});
export type QueuedSegment = z.infer<typeof QueuedSegmentSchema>;

export const QueueFileSchema = z.object({
  version: z.literal(1),
  items: z.array(QueuedSegmentSchema),
  /** "entryId/sessionId" of recording sessions that may still produce segments */
  openSessions: z.array(z.string()),
});
export type QueueFile = z.infer<typeof QueueFileSchema>;

export function emptyQueueFile(): QueueFile {
  return { version: 1, items: [], openSessions: [] };
}

export type LoadResult = { file: QueueFile; problem: string | null };

/** Reads the queue; a corrupt file is moved aside (kept for inspection) and an empty queue returned with the problem. */
export function loadQueueFile(filePath: string): LoadResult {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { file: emptyQueueFile(), problem: null };
    throw new Error(`cannot read the upload queue ${filePath}: ${(e as Error).message}. Check the permissions of the data folder.`);
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
  return { file: emptyQueueFile(), problem: `${problem}; moved it to ${aside} and started an empty queue: segments listed there were not uploaded and are still on disk` };
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
