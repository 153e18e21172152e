// Owns adapting the station's Kaltura client (main/kaltura) to the RecordingUploader the upload queue
// needs: uploadToken.add/get/upload (one chunk read from disk per call) and liveStream.appendRecording /
// setRecordedContent with a KalturaUploadedFileTokenResource. Impersonation follows the Kaltura mode.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { KalturaClient } from '../kaltura/client.js';
import {
  flavorAssetListLive,
  liveStreamAppendRecording,
  liveStreamSetRecordedContent,
  uploadTokenAdd,
  uploadTokenUpload,
} from '../kaltura/recording-actions.js';
import { parseUploadToken, type Impersonate } from '../kaltura/types.js';
import { RecordingConfigError, RecordingRefusal } from '../recording/uploader.js';
import type { RecordingUploader, UploadTokenStatus } from '../recording/uploader.js';

/** UploadTokenStatus CLOSED 3 (a resource used it), TIMED_OUT 4, DELETED 5: the token takes no more bytes. */
const TOKEN_UNUSABLE_STATUSES = new Set([3, 4, 5]);

export interface KalturaUploaderDeps {
  client: KalturaClient;
  /** KalturaService.impersonationFor: the partner to impersonate for a stream of partnerId (null = the KS's own) */
  impersonationFor(partnerId: number): Impersonate;
}

export function kalturaRecordingUploader(deps: KalturaUploaderDeps): RecordingUploader {
  const { client } = deps;
  return {
    async createUploadToken(a) {
      const token = await uploadTokenAdd(
        client,
        { fileName: a.fileName, fileSizeBytes: a.fileSizeBytes },
        deps.impersonationFor(a.partnerId),
      );
      return { tokenId: token.id };
    },
    async getUploadToken(a): Promise<UploadTokenStatus> {
      const raw = await client.call(
        'uploadtoken',
        'get',
        { uploadTokenId: a.tokenId },
        { partnerId: deps.impersonationFor(a.partnerId), idempotent: true },
      );
      const token = parseUploadToken(raw, 'uploadtoken.get');
      return { uploadedBytes: token.uploadedFileSize ?? 0, consumed: TOKEN_UNUSABLE_STATUSES.has(token.status) };
    },
    async uploadChunk(a) {
      const length = a.endByte - a.startByte;
      const data = Buffer.alloc(length);
      const handle = await fs.open(a.filePath, 'r');
      try {
        const { bytesRead } = await handle.read(data, 0, length, a.startByte);
        if (bytesRead !== length)
          throw new RecordingConfigError(
            `segment ${a.filePath} is shorter than queued (${a.startByte + bytesRead} bytes); it changed after it was finished`,
          );
      } finally {
        await handle.close();
      }
      const token = await uploadTokenUpload(
        client,
        {
          uploadTokenId: a.tokenId,
          data,
          fileName: path.basename(a.filePath),
          resume: a.startByte > 0,
          resumeAtBytes: a.startByte,
          finalChunk: a.finalChunk,
        },
        deps.impersonationFor(a.partnerId),
      );
      a.onProgress?.(length);
      return { uploadedBytes: token.uploadedFileSize ?? a.endByte };
    },
    async resolveLiveAsset(a) {
      const assets = await flavorAssetListLive(client, a.entryId, deps.impersonationFor(a.partnerId));
      const asset = assets.find((x) => x.flavorParamsId === a.flavorParamsId);
      if (!asset) {
        const have = assets.map((x) => x.flavorParamsId).join(', ') || 'none';
        throw new RecordingRefusal(
          'NO_LIVE_ASSET',
          `entry ${a.entryId} has no live asset for liveParams ${a.flavorParamsId}, the recorded rendition (its live assets are for liveParams ${have})`,
        );
      }
      return { assetId: asset.id };
    },
    async appendRecording(a) {
      await liveStreamAppendRecording(
        client,
        {
          entryId: a.entryId,
          assetId: a.assetId,
          mediaServerIndex: a.mediaServerIndex,
          resource: { objectType: 'KalturaUploadedFileTokenResource', token: a.tokenId },
          durationSeconds: a.durationSeconds,
          isLastChunk: a.isLastChunk,
        },
        deps.impersonationFor(a.partnerId),
      );
    },
    async setRecordedContent(a) {
      await liveStreamSetRecordedContent(
        client,
        {
          entryId: a.entryId,
          mediaServerIndex: a.mediaServerIndex,
          resource: { objectType: 'KalturaUploadedFileTokenResource', token: a.tokenId },
          durationSeconds: a.durationSeconds,
          recordedEntryId: a.recordedEntryId,
          flavorParamsId: a.flavorParamsId,
        },
        deps.impersonationFor(a.partnerId),
      );
    },
  };
}
