// Owns the durable upload queue: every finished recording segment becomes an item in
// DATA/recordings/queue.json and is delivered to Kaltura strictly in order per entry, once:
// uploadToken.add (token id persisted before any byte), resumable chunked upload (resuming from what
// Kaltura holds after a crash), then appendRecording (or setRecordedContent). Transport failures are
// retried with capped exponential backoff. A Kaltura refusal holds the item (file kept, reason and fix shown):
// later items of the entry wait behind it, in order, until a retry (settings change, Retry, or every 10 min).
//
// Recording flavour, per partner, learned from Kaltura and kept in queue.json: legacy = appendRecording per
// segment under the live asset of the recorded rendition; Kaltura recording (KALTURA_RECORDING_ENABLED on
// appendRecording) = the closed session's segments concatenated into one file, uploaded once, and
// setRecordedContent with its total duration; KALTURA_RECORDING_DISABLED on setRecordedContent switches back.
//
// Once-only: `appendSent` is persisted before appendRecording is sent. If the answer is lost (crash,
// timeout), the item's upload token decides: Kaltura closes a token when a resource consumed it, so
// a consumed token means the append happened (item done), an open one means it did not (send again).
// This relies on the server closing a token once a resource used it (uploadToken status CLOSED 3),
// as Kaltura does; a server that leaves it FULL_UPLOAD would receive that one append a second time.
import fs from 'node:fs';
import type { Logger } from '../log/logger.js';
import type { UploadItem } from '../../shared/state.js';
import type { MediaServerIndex } from '../kaltura/api.js';
import { abortable, isAbortError, sleep, systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { appendDecision, pruneDone, queueFilePath, sessionKey, toUploadItem } from './queue-model.js';
import { loadQueueFile, saveQueueFile } from './queue-store.js';
import type { QueueFile, QueuedSegment } from './queue-store.js';
import { deliverSegment, type DeliveryOutcome } from './segment-delivery.js';
export { queueFilePath } from './queue-model.js';
import {
  classifyFailure,
  describeFailure,
  KALTURA_RECORDING_ENABLED,
  RecordingRefusal,
  refusalFix,
} from './uploader.js';
import type { RecordingUploader } from './uploader.js';
import type { RecordingFlavour } from './queue-store.js';
import { isKalturaApiError, KalturaApiError } from '../kaltura/errors.js';
import { deliverSession } from './session-uploads.js';

/** A held (refused) hand-over is tried again this often, besides settings changes and Retry. */
export const DEFAULT_HELD_RETRY_MS = 10 * 60_000;

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
  private readonly lastProgressAtMs = new Map<string, number>();
  private readonly workers = new Map<string, Promise<void>>();
  private readonly wakeGeneration = new Map<string, number>();
  private readonly wakers = new Map<string, () => void>();
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
      // queues written before issue 16 carried the rendition's stream name (ENTRY_<liveParamsId>) as assetId
      const legacyName =
        item.assetId !== null && item.flavorParamsId === null
          ? new RegExp(`^${item.entryId}_(\\d+)$`).exec(item.assetId)
          : null;
      if (legacyName) {
        item.flavorParamsId = Number(legacyName[1]);
        item.assetId = null;
      }
    }
    for (const upload of this.file.sessionUploads) this.needsSync.add(upload.id);
    this.persist();
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
    for (const wake of this.wakers.values()) wake();
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
    this.wake(entryId);
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
    const item: QueuedSegment = {
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
      state: 'pending',
      tokenId: null,
      uploadedBytes: 0,
      isLastChunk: false,
      appendSent: false,
      reason: null,
      held: false,
      attempts: 0,
      enqueuedAtMs: this.clock.nowMs(),
      doneAtMs: null,
      fileDeleted: false,
    };
    this.file.items.push(item);
    this.persist();
    this.publish(item.entryId);
    if (this.abort) this.ensureWorker(item.entryId);
    this.wake(item.entryId);
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
    return (
      this.file.flavours[String(partnerId)] ??
      (this.options.recordingApi === 'setRecordedContent' ? 'kaltura' : 'legacy')
    );
  }

  /** Tries held (refused) hand-overs again now: after a settings change, a partner feature switched, or Retry. */
  retryHeld(entryId?: string): number {
    const entries = new Set(
      this.file.items.filter((i) => i.held && (entryId === undefined || i.entryId === entryId)).map((i) => i.entryId),
    );
    for (const e of entries) this.wake(e);
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

  private wake(entryId: string): void {
    this.wakeGeneration.set(entryId, (this.wakeGeneration.get(entryId) ?? 0) + 1);
    this.wakers.get(entryId)?.();
  }

  private waitForWake(entryId: string, sinceGeneration: number, signal: AbortSignal): Promise<void> {
    if ((this.wakeGeneration.get(entryId) ?? 0) !== sinceGeneration || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakers.set(entryId, () => {
        this.wakers.delete(entryId);
        resolve();
      });
    });
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
    await Promise.race([this.waitForWake(entryId, generation, signal), retry]);
  }

  private async runEntry(entryId: string, signal: AbortSignal): Promise<void> {
    const baseMs = this.options.retryBaseMs ?? 1000;
    const maxMs = this.options.retryMaxMs ?? 60_000;
    let backoffMs = 0;
    while (!signal.aborted) {
      const generation = this.wakeGeneration.get(entryId) ?? 0;
      const item = this.nextItem(entryId);
      if (!item) {
        await this.waitForWake(entryId, generation, signal);
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
        const outcome = await this.deliver(item, signal);
        backoffMs = 0;
        if (outcome === 'waiting') await this.waitForWake(entryId, generation, signal);
      } catch (e) {
        if (signal.aborted || isAbortError(e)) return;
        this.needsSync.add(item.id);
        this.progressBytes.delete(item.id);
        item.attempts += 1;
        const kind = classifyFailure(e);
        if (kind === 'permanent') {
          this.fail(item, describeFailure(e));
          continue;
        }
        if (kind === 'held') {
          this.hold(item, e);
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

  /** Kaltura refused: keep the item (and those after it) with the reason and the fix until a retry. */
  private hold(item: QueuedSegment, e: unknown): void {
    const code = e instanceof KalturaApiError || e instanceof RecordingRefusal ? e.code : '';
    item.state = 'failed';
    item.held = true;
    item.reason = `${describeFailure(e)}. To fix: ${refusalFix(code)}. Nothing is lost: the recording stays queued and is tried again when the settings change, on Retry, and every ${Math.round((this.options.heldRetryMs ?? DEFAULT_HELD_RETRY_MS) / 60_000)} min.`;
    this.options.logger.error('Kaltura refused a recording hand-over; holding it', {
      id: item.id,
      code,
      reason: describeFailure(e),
    });
    this.persist();
    this.publish(item.entryId);
  }

  private fail(item: QueuedSegment, reason: string): void {
    item.state = 'failed';
    item.reason = `${reason}. The file is kept at ${item.filePath}.`;
    this.options.logger.error('segment could not be delivered to Kaltura', { id: item.id, reason });
    this.persist();
    this.publish(item.entryId);
  }

  private async deliver(item: QueuedSegment, signal: AbortSignal): Promise<'done' | 'waiting'> {
    if (item.state === 'pending') {
      item.state = 'uploading';
      this.persist();
      this.publish(item.entryId);
    }
    if (item.sizeBytes === 0) {
      this.fail(item, 'the segment file is empty (FFmpeg wrote no media)');
      return 'done';
    }
    if (this.flavourOf(item.partnerId) === 'kaltura') return this.deliverSession(item, signal);
    await this.ensureLiveAsset(item, signal);
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliverSegment(
        item,
        this.context(item, 'appendRecording', signal, () => appendDecision(this.file, item)),
      );
    } catch (e) {
      if (!isKalturaApiError(e, KALTURA_RECORDING_ENABLED)) throw e;
      this.learn(item.partnerId, 'kaltura');
      return this.deliverSession(item, signal);
    }
    if (outcome === 'waiting') return 'waiting';
    this.finish(item);
    return 'done';
  }

  private context(
    item: QueuedSegment,
    recordingApi: 'appendRecording' | 'setRecordedContent',
    signal: AbortSignal,
    appendable: () => { ok: boolean; isLastChunk: boolean },
  ) {
    return {
      uploader: this.options.uploader,
      chunkBytes: this.chunkBytes,
      recordingApi,
      signal,
      logger: this.options.logger,
      needsSync: this.needsSync.has(item.id),
      save: () => {
        this.needsSync.delete(item.id);
        this.progressBytes.delete(item.id);
        this.persist();
        this.publish(item.entryId);
      },
      progress: (sentBytes: number) => this.progress(item, sentBytes),
      appendable,
    };
  }

  /** The live asset the hand-over goes under: the entry's liveAsset whose flavorParamsId the rendition carries. */
  private async ensureLiveAsset(item: QueuedSegment, signal: AbortSignal): Promise<void> {
    if (item.assetId !== null) return;
    if (item.flavorParamsId === null) {
      if (this.flavourOf(item.partnerId) === 'kaltura') return;
      throw new RecordingRefusal(
        'NO_LIVE_ASSET',
        `segment ${item.id} does not say which rendition it holds, so it has no live asset to go under`,
      );
    }
    const { assetId } = await abortable(
      this.options.uploader.resolveLiveAsset({
        partnerId: item.partnerId,
        entryId: item.entryId,
        flavorParamsId: item.flavorParamsId,
        signal,
      }),
      signal,
    );
    item.assetId = assetId;
    this.persist();
  }

  private learn(partnerId: number, flavour: RecordingFlavour): void {
    if (this.file.flavours[String(partnerId)] === flavour) return;
    this.file.flavours[String(partnerId)] = flavour;
    this.persist();
    this.options.logger.info(
      `partner ${partnerId} uses ${flavour === 'kaltura' ? 'Kaltura recording (setRecordedContent per session)' : 'legacy recording (appendRecording per segment)'}; remembered for this partner`,
    );
  }

  /** Kaltura recording: once the session is over, its segments as one file, uploaded once, then setRecordedContent. */
  private deliverSession(head: QueuedSegment, signal: AbortSignal): Promise<'done' | 'waiting'> {
    return deliverSession(
      {
        file: this.file,
        now: () => this.clock.nowMs(),
        logger: this.options.logger,
        needsSync: this.needsSync,
        keepDoneItems: this.options.keepDoneItems ?? 200,
        persist: () => this.persist(),
        publish: (entryId) => this.publish(entryId),
        handOver: (upload) =>
          deliverSegment(
            upload,
            this.context(upload, 'setRecordedContent', signal, () => ({ ok: true, isLastChunk: true })),
          ),
        ensureLiveAsset: (item) => this.ensureLiveAsset(item, signal),
        learn: (partnerId, flavour) => this.learn(partnerId, flavour),
        deleteIfWanted: (item) => this.deleteIfWanted(item),
      },
      head,
    );
  }

  private deleteIfWanted(item: QueuedSegment): void {
    if (!this.options.deleteAfterUpload) return;
    try {
      fs.unlinkSync(item.filePath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        this.options.logger.warn('could not delete an uploaded segment', {
          file: item.filePath,
          error: (e as Error).message,
        });
    }
    item.fileDeleted = true;
  }

  private progress(item: QueuedSegment, sentBytes: number): void {
    this.progressBytes.set(item.id, Math.min(sentBytes, item.sizeBytes));
    const nowMs = this.clock.nowMs();
    if (nowMs - (this.lastProgressAtMs.get(item.id) ?? -Infinity) < (this.options.progressIntervalMs ?? 250)) return;
    this.lastProgressAtMs.set(item.id, nowMs);
    this.publish(item.entryId);
  }

  private finish(item: QueuedSegment): void {
    item.state = 'done';
    item.reason = null;
    item.doneAtMs = this.clock.nowMs();
    item.uploadedBytes = item.sizeBytes;
    this.progressBytes.delete(item.id);
    this.lastProgressAtMs.delete(item.id);
    // "done" is on disk before anything is deleted, so a crash cannot lose an unconfirmed segment
    this.persist();
    this.options.logger.info('segment delivered to Kaltura', { id: item.id, isLastChunk: item.isLastChunk });
    this.deleteIfWanted(item);
    pruneDone(this.file, item.entryId, this.options.keepDoneItems ?? 200);
    this.persist();
    this.publish(item.entryId);
  }
}
