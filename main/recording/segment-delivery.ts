// Owns delivering one queued segment to Kaltura, step by step, saving after each step so a restart
// resumes where it stopped: token (persisted before any byte), chunks from the byte Kaltura holds,
// then appendRecording/setRecordedContent with `appendSent` persisted first.
//
// Once-only: `appendSent` is persisted before appendRecording is sent. If the answer is lost (crash,
// timeout), the item's upload token decides: Kaltura closes a token when a resource consumed it, so
// a consumed token means the append happened (item done), an open one means it did not (send again).
// This relies on the server closing a token once a resource used it (uploadToken status CLOSED 3),
// as Kaltura does; a server that leaves it FULL_UPLOAD would receive that one append a second time.
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { abortable } from '../core/clock.js';
import type { QueuedSegment } from './queue-store.js';
import type { RecordingUploader } from './uploader.js';
import { KalturaApiError } from '../core/kaltura-errors.js';

export interface DeliveryContext {
  uploader: RecordingUploader;
  chunkBytes: number;
  recordingApi: 'appendRecording' | 'setRecordedContent';
  signal: AbortSignal;
  logger: Logger;
  /** ask Kaltura how many bytes it holds before sending more (after a restart or a failure) */
  needsSync: boolean;
  save(): void;
  progress(sentBytes: number): void;
  /** whether the segment may be appended now, and whether it is its session's last */
  appendable(): { ok: boolean; isLastChunk: boolean };
}

/** delivered: Kaltura confirmed; confirmed-earlier: a lost append had reached it; waiting: held until the session moves on */
export type DeliveryOutcome = 'delivered' | 'confirmed-earlier' | 'waiting';

export async function deliverSegment(item: QueuedSegment, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  const { uploader, signal } = ctx;
  const who = { partnerId: item.partnerId, signal };
  let needsSync = ctx.needsSync;
  if (!item.tokenId) {
    const { tokenId } = await abortable(
      uploader.createUploadToken({ ...who, fileName: path.basename(item.filePath), fileSizeBytes: item.sizeBytes }),
      signal,
    );
    item.tokenId = tokenId;
    item.uploadedBytes = 0;
    needsSync = false;
    ctx.save();
  }
  const tokenId = item.tokenId;
  if (needsSync || item.appendSent) {
    const status = await abortable(uploader.getUploadToken({ ...who, tokenId }), signal);
    if (status.consumed && item.appendSent) {
      ctx.logger.info('the append whose answer was lost did reach Kaltura (its upload token is closed)', {
        id: item.id,
      });
      return 'confirmed-earlier';
    }
    if (status.consumed) {
      // closed or expired without our append: the token is useless, start over with a new one
      ctx.logger.warn('upload token is no longer usable; uploading the segment again with a new token', {
        id: item.id,
      });
      item.tokenId = null;
      item.uploadedBytes = 0;
      ctx.save();
      return deliverSegment(item, { ...ctx, needsSync: false });
    }
    item.uploadedBytes = Math.min(status.uploadedBytes, item.sizeBytes);
    item.appendSent = false;
    ctx.save();
  }
  while (item.uploadedBytes < item.sizeBytes) {
    const startByte = item.uploadedBytes;
    const endByte = Math.min(item.sizeBytes, startByte + ctx.chunkBytes);
    const result = await abortable(
      uploader.uploadChunk({
        ...who,
        tokenId,
        filePath: item.filePath,
        startByte,
        endByte,
        finalChunk: endByte === item.sizeBytes,
        onProgress: (sent) => ctx.progress(startByte + sent),
      }),
      signal,
    );
    if (result.uploadedBytes <= startByte) {
      throw new Error(
        `Kaltura holds ${result.uploadedBytes} bytes of the upload after a chunk ending at byte ${endByte}`,
      );
    }
    item.uploadedBytes = Math.min(result.uploadedBytes, item.sizeBytes);
    item.reason = null;
    ctx.save();
  }
  const append = ctx.appendable();
  if (!append.ok) return 'waiting';
  item.isLastChunk = append.isLastChunk;
  item.appendSent = true;
  ctx.save();
  const common = {
    ...who,
    entryId: item.entryId,
    mediaServerIndex: item.mediaServerIndex,
    tokenId,
    durationSeconds: item.durationSeconds,
  };
  try {
    if (ctx.recordingApi === 'setRecordedContent') {
      await abortable(
        uploader.setRecordedContent({
          ...common,
          recordedEntryId: item.recordedEntryId,
          flavorParamsId: item.flavorParamsId,
        }),
        signal,
      );
    } else {
      if (item.assetId === null)
        throw new Error(`segment ${item.id} has no live asset id: resolve it before appendRecording`);
      await abortable(
        uploader.appendRecording({ ...common, assetId: item.assetId, isLastChunk: item.isLastChunk }),
        signal,
      );
    }
  } catch (error) {
    // a refusal says the call did not happen: the next attempt sends it again (appendSent only covers lost answers)
    if (error instanceof KalturaApiError) {
      item.appendSent = false;
      ctx.save();
    }
    throw error;
  }
  return 'delivered';
}
