// Owns the api_v3 actions that deliver a recording (kaltura.md 4, kaltura-producer.md §2): uploadToken.add and
// (chunked) upload, liveStream.appendRecording / setRecordedContent, and flavorAsset.list of the entry's live
// assets; their parameter names, which are safe to retry on a transport failure, and their results.
import type { LiveStreamEntry, MediaServerIndex } from '../core/kaltura-api.js';
import type { Impersonate } from './types.js';
import type { KalturaClient } from './client.js';
import {
  parseListResponse,
  parseLiveStreamEntry,
  parseUploadToken,
  type RecordingResource,
  type UploadToken,
} from './types.js';

/** Legacy Wowza recording path; queues a conversion, so not repeated on a lost answer. */
export function liveStreamAppendRecording(
  client: KalturaClient,
  args: {
    entryId: string;
    assetId: string;
    mediaServerIndex: MediaServerIndex;
    resource: RecordingResource;
    durationSeconds: number;
    isLastChunk?: boolean;
  },
  partnerId: Impersonate,
): Promise<LiveStreamEntry> {
  return client
    .call(
      'livestream',
      'appendRecording',
      {
        entryId: args.entryId,
        assetId: args.assetId,
        mediaServerIndex: String(args.mediaServerIndex),
        resource: args.resource,
        duration: args.durationSeconds,
        isLastChunk: args.isLastChunk ?? false,
      },
      { partnerId, idempotent: false },
    )
    .then((raw) => parseLiveStreamEntry(raw, 'livestream.appendrecording'));
}

/** Sets the recorded entry's content: repeating it sets the same content. */
export function liveStreamSetRecordedContent(
  client: KalturaClient,
  args: {
    entryId: string;
    mediaServerIndex: MediaServerIndex;
    resource: RecordingResource;
    durationSeconds: number;
    recordedEntryId?: string | null;
    flavorParamsId?: number | null;
  },
  partnerId: Impersonate,
): Promise<LiveStreamEntry> {
  return client
    .call(
      'livestream',
      'setRecordedContent',
      {
        entryId: args.entryId,
        mediaServerIndex: String(args.mediaServerIndex),
        resource: args.resource,
        duration: args.durationSeconds,
        recordedEntryId: args.recordedEntryId ?? null,
        flavorParamsId: args.flavorParamsId ?? null,
      },
      { partnerId, idempotent: true },
    )
    .then((raw) => parseLiveStreamEntry(raw, 'livestream.setrecordedcontent'));
}

export function uploadTokenAdd(
  client: KalturaClient,
  args: { fileName?: string; fileSizeBytes?: number },
  partnerId: Impersonate,
): Promise<UploadToken> {
  const uploadToken = {
    objectType: 'KalturaUploadToken',
    fileName: args.fileName ?? null,
    fileSize: args.fileSizeBytes ?? null,
  };
  return client
    .call('uploadtoken', 'add', { uploadToken }, { partnerId, idempotent: false })
    .then((raw) => parseUploadToken(raw, 'uploadtoken.add'));
}

/**
 * uploadToken.upload: one whole file, or one chunk of a resumable upload (resume=true, resumeAt = byte offset
 * of this chunk, finalChunk on the last). A chunk at a fixed offset may be re-sent, so it is retried.
 */
export function uploadTokenUpload(
  client: KalturaClient,
  args: {
    uploadTokenId: string;
    data: Uint8Array;
    fileName: string;
    resume?: boolean;
    resumeAtBytes?: number;
    finalChunk?: boolean;
  },
  partnerId: Impersonate,
): Promise<UploadToken> {
  const resume = args.resume ?? false;
  return client
    .upload(
      'uploadtoken',
      'upload',
      {
        uploadTokenId: args.uploadTokenId,
        resume,
        finalChunk: args.finalChunk ?? true,
        resumeAt: resume ? (args.resumeAtBytes ?? 0) : -1,
      },
      { data: args.data, fileName: args.fileName },
      // a chunk may take a while on a slow uplink: allow for 32 KB/s on top of the usual timeout
      { partnerId, idempotent: true, minTimeoutMs: 30_000 + Math.ceil(args.data.byteLength / 32) },
    )
    .then((raw) => parseUploadToken(raw, 'uploadtoken.upload'));
}

/** A KalturaLiveAsset of the entry (one per liveParams of its conversion profile, kaltura-producer.md §2). */
export interface LiveAssetInfo {
  id: string;
  flavorParamsId: number;
  tags: string;
}

/** flavorAsset.list with KalturaLiveAssetFilter{entryIdEqual}: the entry's live assets. */
export async function flavorAssetListLive(
  client: KalturaClient,
  entryId: string,
  partnerId: Impersonate,
): Promise<LiveAssetInfo[]> {
  const filter = { objectType: 'KalturaLiveAssetFilter', entryIdEqual: entryId };
  const raw = await client.call(
    'flavorasset',
    'list',
    { filter, pager: { objectType: 'KalturaFilterPager', pageSize: 500 } },
    { partnerId, idempotent: true },
  );
  return parseListResponse(raw, 'flavorasset.list', (o, call) => {
    const a = (o ?? {}) as Record<string, unknown>;
    const flavorParamsId = typeof a.flavorParamsId === 'number' ? a.flavorParamsId : Number(a.flavorParamsId);
    if (typeof a.id !== 'string' || a.id === '' || !Number.isInteger(flavorParamsId))
      throw new Error(`${call}: a live asset without id or flavorParamsId`);
    return { id: a.id, flavorParamsId, tags: typeof a.tags === 'string' ? a.tags : '' };
  }).objects;
}
