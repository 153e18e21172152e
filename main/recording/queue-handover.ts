// Owns handing one queued item over to Kaltura for the upload queue: the live asset it goes under, the partner's
// recording flavour (learned from Kaltura's answers), per-segment or per-session delivery, and what happens to
// the item after (done + optional file deletion, held on a refusal, failed for good).
//
// Recording flavour, per partner, learned from Kaltura and kept in queue.json: legacy = appendRecording per
// segment under the live asset of the recorded rendition; Kaltura recording (KALTURA_RECORDING_ENABLED on
// appendRecording) = the closed session's segments concatenated into one file, uploaded once, and
// setRecordedContent with its total duration; KALTURA_RECORDING_DISABLED on setRecordedContent switches back.
import fs from 'node:fs';
import type { Logger } from '../log/logger.js';
import { abortable } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { appendDecision, pruneDone } from './queue-model.js';
import type { QueueFile, QueuedSegment, RecordingFlavour } from './queue-store.js';
import { deliverSegment, type DeliveryOutcome } from './segment-delivery.js';
import { deliverSession } from './session-uploads.js';
import { describeFailure, isKalturaRecordingEnabled, RecordingRefusal, refusalCode, refusalFix } from './uploader.js';
import type { RecordingUploader } from './uploader.js';

/** A held (refused) hand-over is tried again this often, besides settings changes and Retry. */
export const DEFAULT_HELD_RETRY_MS = 10 * 60_000;

/** The queue options the hand-over reads (see UploadQueueOptions for their meaning and defaults). */
export interface HandOverOptions {
  uploader: RecordingUploader;
  logger: Logger;
  deleteAfterUpload?: boolean;
  recordingApi?: 'appendRecording' | 'setRecordedContent';
  heldRetryMs?: number;
  keepDoneItems?: number;
  progressIntervalMs?: number;
}

/** The queue's state the hand-over works on, shared with the queue that owns it. */
export interface HandOverHost {
  readonly file: QueueFile;
  readonly clock: Clock;
  readonly chunkBytes: number;
  /** items whose byte count must be asked from Kaltura before continuing */
  readonly needsSync: Set<string>;
  /** bytes on their way per item (progress inside a chunk), for the UI */
  readonly progressBytes: Map<string, number>;
  persist(): void;
  publish(entryId: string): void;
}

export class QueueHandOver {
  private readonly lastProgressAtMs = new Map<string, number>();

  constructor(
    private readonly host: HandOverHost,
    private readonly options: HandOverOptions,
  ) {}

  /** The recording flavour in use for a partner (learned from Kaltura, else the configured default). */
  flavourOf(partnerId: number): RecordingFlavour {
    return (
      this.host.file.flavours[String(partnerId)] ??
      (this.options.recordingApi === 'setRecordedContent' ? 'kaltura' : 'legacy')
    );
  }

  async deliver(item: QueuedSegment, signal: AbortSignal): Promise<'done' | 'waiting'> {
    if (item.state === 'pending') {
      item.state = 'uploading';
      this.host.persist();
      this.host.publish(item.entryId);
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
        this.context(item, 'appendRecording', signal, () => appendDecision(this.host.file, item)),
      );
    } catch (e) {
      if (!isKalturaRecordingEnabled(e)) throw e;
      this.learn(item.partnerId, 'kaltura');
      return this.deliverSession(item, signal);
    }
    if (outcome === 'waiting') return 'waiting';
    this.finish(item);
    return 'done';
  }

  /** Kaltura refused: keep the item (and those after it) with the reason and the fix until a retry. */
  hold(item: QueuedSegment, e: unknown): void {
    const code = refusalCode(e);
    item.state = 'failed';
    item.held = true;
    item.reason = `${describeFailure(e)}. To fix: ${refusalFix(code)}. Nothing is lost: the recording stays queued and is tried again when the settings change, on Retry, and every ${Math.round((this.options.heldRetryMs ?? DEFAULT_HELD_RETRY_MS) / 60_000)} min.`;
    this.options.logger.error('Kaltura refused a recording hand-over; holding it', {
      id: item.id,
      code,
      reason: describeFailure(e),
    });
    this.host.persist();
    this.host.publish(item.entryId);
  }

  fail(item: QueuedSegment, reason: string): void {
    item.state = 'failed';
    item.reason = `${reason}. The file is kept at ${item.filePath}.`;
    this.options.logger.error('segment could not be delivered to Kaltura', { id: item.id, reason });
    this.host.persist();
    this.host.publish(item.entryId);
  }

  private context(
    item: QueuedSegment,
    recordingApi: 'appendRecording' | 'setRecordedContent',
    signal: AbortSignal,
    appendable: () => { ok: boolean; isLastChunk: boolean },
  ) {
    return {
      uploader: this.options.uploader,
      chunkBytes: this.host.chunkBytes,
      recordingApi,
      signal,
      logger: this.options.logger,
      needsSync: this.host.needsSync.has(item.id),
      save: () => {
        this.host.needsSync.delete(item.id);
        this.host.progressBytes.delete(item.id);
        this.host.persist();
        this.host.publish(item.entryId);
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
    this.host.persist();
  }

  private learn(partnerId: number, flavour: RecordingFlavour): void {
    if (this.host.file.flavours[String(partnerId)] === flavour) return;
    this.host.file.flavours[String(partnerId)] = flavour;
    this.host.persist();
    this.options.logger.info(
      `partner ${partnerId} uses ${flavour === 'kaltura' ? 'Kaltura recording (setRecordedContent per session)' : 'legacy recording (appendRecording per segment)'}; remembered for this partner`,
    );
  }

  /** Kaltura recording: once the session is over, its segments as one file, uploaded once, then setRecordedContent. */
  private deliverSession(head: QueuedSegment, signal: AbortSignal): Promise<'done' | 'waiting'> {
    return deliverSession(
      {
        file: this.host.file,
        now: () => this.host.clock.nowMs(),
        logger: this.options.logger,
        needsSync: this.host.needsSync,
        keepDoneItems: this.options.keepDoneItems ?? 200,
        persist: () => this.host.persist(),
        publish: (entryId) => this.host.publish(entryId),
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
    this.host.progressBytes.set(item.id, Math.min(sentBytes, item.sizeBytes));
    const nowMs = this.host.clock.nowMs();
    if (nowMs - (this.lastProgressAtMs.get(item.id) ?? -Infinity) < (this.options.progressIntervalMs ?? 250)) return;
    this.lastProgressAtMs.set(item.id, nowMs);
    this.host.publish(item.entryId);
  }

  private finish(item: QueuedSegment): void {
    item.state = 'done';
    item.reason = null;
    item.doneAtMs = this.host.clock.nowMs();
    item.uploadedBytes = item.sizeBytes;
    this.host.progressBytes.delete(item.id);
    this.lastProgressAtMs.delete(item.id);
    // "done" is on disk before anything is deleted, so a crash cannot lose an unconfirmed segment
    this.host.persist();
    this.options.logger.info('segment delivered to Kaltura', { id: item.id, isLastChunk: item.isLastChunk });
    this.deleteIfWanted(item);
    pruneDone(this.host.file, item.entryId, this.options.keepDoneItems ?? 200);
    this.host.persist();
    this.host.publish(item.entryId);
  }
}
