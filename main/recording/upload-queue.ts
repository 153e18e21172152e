// Owns the durable upload queue: every finished recording segment becomes an item in DATA/recordings/queue.json
// and is delivered to Kaltura strictly in order per entry, once, by one worker per entry. Transport failures are
// retried with capped exponential backoff. A Kaltura refusal holds the item (file kept, reason and fix shown):
// later items of the entry wait behind it, in order, until a retry (settings change, Retry, or every 10 min).
// Handing one item over is queue-handover.ts; the steps of one upload (token, chunks, append) segment-delivery.ts.
import type { Logger } from '../log/logger.js';
import type { UploadItem } from '../../shared/state.js';
import { isAbortError, sleep, systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import {
  migrateLoadedItem,
  newQueuedSegment,
  queueFilePath,
  sessionKey,
  toUploadItem,
  type SegmentToUpload,
} from './queue-model.js';
import { loadQueueFile, saveQueueFile } from './queue-store.js';
import type { QueueFile, QueuedSegment, RecordingFlavour } from './queue-store.js';
import { DEFAULT_HELD_RETRY_MS, QueueHandOver } from './queue-handover.js';
import { EntryWakers } from './entry-wakers.js';
import { classifyFailure, describeFailure } from './uploader.js';
import type { RecordingUploader } from './uploader.js';

export interface UploadQueueOptions {
  /** the station's data folder; the queue lives in DATA/recordings/queue.json */
  dataDir: string;
  uploader: RecordingUploader;
  logger: Logger;
  clock?: Clock;
  /** bytes per uploadToken.upload call; default 1 MiB */
  chunkBytes?: number;
  /** first retry delay after a transport failure; doubles up to retryMaxMs. Defaults 1 s and 60 s */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** remove a segment file once Kaltura confirmed it; default false (files are kept) */
  deleteAfterUpload?: boolean;
  /**
   * The flavour assumed for a partner Kaltura has not yet told about: appendRecording (legacy, default) or
   * setRecordedContent (Kaltura recording). Kaltura's answer then sets it per partner.
   */
  recordingApi?: 'appendRecording' | 'setRecordedContent';
  /** how often a held (refused) hand-over is tried again; default 10 minutes */
  heldRetryMs?: number;
  /** done items remembered per entry (older ones leave queue.json, not the disk); default 200 */
  keepDoneItems?: number;
  /** minimum time between progress notifications of one item; default 250 ms */
  progressIntervalMs?: number;
}

export type UploadQueueListener = (entryId: string, items: UploadItem[]) => void;

export class UploadQueue {
  private readonly file: QueueFile;
  private readonly filePath: string;
  private readonly clock: Clock;
  private readonly chunkBytes: number;
  private readonly listeners = new Set<UploadQueueListener>();
  /** items whose byte count must be asked from Kaltura before continuing (after a load or a failure) */
  private readonly needsSync = new Set<string>();
  private readonly progressBytes = new Map<string, number>();
  private readonly handOver: QueueHandOver;
  private readonly workers = new Map<string, Promise<void>>();
  private readonly wakers = new EntryWakers();
  private abort: AbortController | null = null;

  constructor(private readonly options: UploadQueueOptions) {
    if (options.chunkBytes !== undefined && (!Number.isInteger(options.chunkBytes) || options.chunkBytes < 1)) {
      throw new Error(
        `upload chunkBytes must be a positive integer, got ${options.chunkBytes}; use e.g. 1048576 (1 MiB)`,
      );
    }
    this.clock = options.clock ?? systemClock();
    this.chunkBytes = options.chunkBytes ?? 1024 * 1024;
    this.filePath = queueFilePath(options.dataDir);
    const loaded = loadQueueFile(this.filePath);
    if (loaded.problem) options.logger.error(loaded.problem);
    this.file = loaded.file;
    // The recorders that fed sessions open at the last run are gone: those sessions are over, so
    // their last segment can be appended with isLastChunk.
    if (this.file.openSessions.length > 0) {
      options.logger.info('closing recording sessions left open by the previous run', {
        sessions: this.file.openSessions.length,
      });
      this.file.openSessions = [];
    }
    for (const item of this.file.items) {
      if (item.state === 'pending' || item.state === 'uploading') this.needsSync.add(item.id);
      migrateLoadedItem(item);
    }
    for (const upload of this.file.sessionUploads) this.needsSync.add(upload.id);
    this.persist();
    this.handOver = new QueueHandOver(
      {
        file: this.file,
        clock: this.clock,
        chunkBytes: this.chunkBytes,
        needsSync: this.needsSync,
        progressBytes: this.progressBytes,
        persist: () => this.persist(),
        publish: (entryId) => this.publish(entryId),
      },
      options,
    );
  }

  /** Starts delivering (idempotent). */
  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    for (const entryId of new Set(this.file.items.map((i) => i.entryId))) this.ensureWorker(entryId);
  }

  /** Stops delivering: aborts calls in flight and waits for the workers. Progress on disk stays valid. */
  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    abort.abort();
    this.wakers.wakeAll();
    await Promise.allSettled([...this.workers.values()]);
    this.workers.clear();
    this.abort = null;
  }

  /** A recorder started a session: its newest segment is held back from append until the session ends. */
  openSession(entryId: string, sessionId: string): void {
    const key = sessionKey(entryId, sessionId);
    if (!this.file.openSessions.includes(key)) this.file.openSessions.push(key);
    this.persist();
  }

  /** The session's recorder stopped: its last segment is appended with isLastChunk. */
  closeSession(entryId: string, sessionId: string): void {
    const key = sessionKey(entryId, sessionId);
    this.file.openSessions = this.file.openSessions.filter((k) => k !== key);
    this.persist();
    this.wakers.wake(entryId);
  }

  enqueue(segment: SegmentToUpload): QueuedSegment {
    if (!Number.isInteger(segment.sizeBytes) || segment.sizeBytes < 0) {
      throw new Error(
        `segment ${segment.filePath} has an invalid size ${segment.sizeBytes}; pass the file's size in bytes`,
      );
    }
    const id = `${segment.entryId}:${segment.sessionId}:${String(segment.sequence).padStart(6, '0')}`;
    const existing = this.file.items.find((i) => i.id === id);
    if (existing) {
      this.options.logger.warn('segment already queued; ignoring the duplicate', { id });
      return { ...existing };
    }
    const item = newQueuedSegment(id, segment, this.clock.nowMs());
    this.file.items.push(item);
    this.persist();
    this.publish(item.entryId);
    if (this.abort) this.ensureWorker(item.entryId);
    this.wakers.wake(item.entryId);
    return { ...item };
  }

  /** Copies of the queued items, in delivery order. */
  list(entryId?: string): QueuedSegment[] {
    return this.file.items.filter((i) => entryId === undefined || i.entryId === entryId).map((i) => ({ ...i }));
  }

  /** The UI projection (shared/state.ts UploadItem) of one entry's queue, session uploads after their segments. */
  uploadItems(entryId: string): UploadItem[] {
    const view = (i: QueuedSegment) => toUploadItem(i, this.progressBytes.get(i.id) ?? i.uploadedBytes);
    return [
      ...this.file.items.filter((i) => i.entryId === entryId).map(view),
      ...this.file.sessionUploads.filter((u) => u.entryId === entryId).map(view),
    ];
  }

  /** The recording flavour in use for a partner (learned from Kaltura, else the configured default). */
  flavourOf(partnerId: number): RecordingFlavour {
    return this.handOver.flavourOf(partnerId);
  }

  /** Tries held (refused) hand-overs again now: after a settings change, a partner feature switched, or Retry. */
  retryHeld(entryId?: string): number {
    const entries = new Set(
      this.file.items.filter((i) => i.held && (entryId === undefined || i.entryId === entryId)).map((i) => i.entryId),
    );
    for (const e of entries) this.wakers.wake(e);
    return entries.size;
  }

  onChange(listener: UploadQueueListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private persist(): void {
    saveQueueFile(this.filePath, this.file);
  }

  private publish(entryId: string): void {
    if (this.listeners.size === 0) return;
    const items = this.uploadItems(entryId);
    for (const listener of this.listeners) {
      try {
        listener(entryId, items);
      } catch (e) {
        this.options.logger.warn('upload queue listener threw', { error: (e as Error).message });
      }
    }
  }

  private ensureWorker(entryId: string): void {
    const abort = this.abort;
    if (!abort || this.workers.has(entryId)) return;
    const worker = this.runEntry(entryId, abort.signal).catch((e: unknown) => {
      this.options.logger.error('upload worker stopped unexpectedly', { entryId, error: (e as Error).message });
    });
    this.workers.set(entryId, worker);
  }

  /** The entry's next item to hand over: the first pending/uploading one, or a held one (which blocks those after it). */
  private nextItem(entryId: string): QueuedSegment | undefined {
    return this.file.items.find(
      (i) => i.entryId === entryId && (i.state === 'pending' || i.state === 'uploading' || i.held),
    );
  }

  private async waitForRetry(entryId: string, generation: number, signal: AbortSignal): Promise<void> {
    const retry = sleep(this.clock, this.options.heldRetryMs ?? DEFAULT_HELD_RETRY_MS, signal).catch(() => undefined);
    await Promise.race([this.wakers.wait(entryId, generation, signal), retry]);
  }

  private async runEntry(entryId: string, signal: AbortSignal): Promise<void> {
    const baseMs = this.options.retryBaseMs ?? 1000;
    const maxMs = this.options.retryMaxMs ?? 60_000;
    let backoffMs = 0;
    while (!signal.aborted) {
      const generation = this.wakers.generation(entryId);
      const item = this.nextItem(entryId);
      if (!item) {
        await this.wakers.wait(entryId, generation, signal);
        continue;
      }
      if (item.held) {
        await this.waitForRetry(entryId, generation, signal);
        if (signal.aborted) return;
        item.held = false;
        item.state = 'pending';
        item.reason = `${item.reason ?? ''} Trying again now.`.trim();
        this.persist();
        this.publish(entryId);
        continue;
      }
      try {
        const outcome = await this.handOver.deliver(item, signal);
        backoffMs = 0;
        if (outcome === 'waiting') await this.wakers.wait(entryId, generation, signal);
      } catch (e) {
        if (signal.aborted || isAbortError(e)) return;
        this.needsSync.add(item.id);
        this.progressBytes.delete(item.id);
        item.attempts += 1;
        const kind = classifyFailure(e);
        if (kind === 'permanent') {
          this.handOver.fail(item, describeFailure(e));
          continue;
        }
        if (kind === 'held') {
          this.handOver.hold(item, e);
          continue;
        }
        backoffMs = backoffMs === 0 ? baseMs : Math.min(maxMs, backoffMs * 2);
        item.reason = `${describeFailure(e)}; retrying in ${Math.round(backoffMs / 100) / 10} s`;
        this.options.logger.warn('segment upload will be retried', {
          id: item.id,
          attempt: item.attempts,
          reason: describeFailure(e),
          retryInMs: backoffMs,
        });
        this.persist();
        this.publish(entryId);
        try {
          await sleep(this.clock, backoffMs, signal);
        } catch {
          return;
        }
      }
    }
  }
}
