// Owns the typed api_v3 actions the station uses (kaltura.md 3.7, 4, 5): their parameter names, which are
// safe to retry on a transport failure, and the parsing of their results. Mode decisions live in service.ts.
import type { LiveStreamEntry, MediaServerIndex } from './api.js';
import type { KalturaClient } from './client.js';
import {
  parseBoolean,
  parseEntryServerNode,
  parseListResponse,
  parseLiveStreamEntry,
  parseSessionInfo,
  parseString,
  parseUploadToken,
  type EntryServerNode,
  type RecordingResource,
  type SessionInfo,
  type UploadToken,
} from './types.js';

/** Impersonated partner for the call, or null for the KS's own partner. */
export type Impersonate = number | null;

export const LIVE_ENTRY_STATUS = { PLAYABLE: 1, BROADCASTING: 2 } as const;
/** BeaconObjectTypes.ENTRY_BEACON as the PHP client sends it */
export const ENTRY_BEACON = '4';

export function sessionStart(
  client: KalturaClient,
  args: {
    secret: string;
    partnerId: number;
    userId?: string;
    type?: 0 | 2;
    expirySeconds?: number;
    privileges?: string;
  },
): Promise<string> {
  // partnerId here is the action's argument, not impersonation; the secret travels only in the body
  return client
    .call(
      'session',
      'start',
      {
        secret: args.secret,
        userId: args.userId ?? '',
        type: args.type ?? 0,
        partnerId: args.partnerId,
        expiry: args.expirySeconds ?? 86_400,
        privileges: args.privileges ?? null,
      },
      { idempotent: true },
    )
    .then((raw) => parseString(raw, 'session.start'));
}

/** session.get; with `ks` it checks that KS (and never triggers a KS regeneration). */
export function sessionGet(client: KalturaClient, ks?: string): Promise<SessionInfo> {
  return client
    .call('session', 'get', {}, ks === undefined ? { idempotent: true } : { idempotent: true, ks })
    .then((raw) => parseSessionInfo(raw, 'session.get'));
}

export function liveStreamGet(
  client: KalturaClient,
  entryId: string,
  partnerId: Impersonate,
): Promise<LiveStreamEntry> {
  return client
    .call('livestream', 'get', { entryId }, { partnerId, idempotent: true })
    .then((raw) => parseLiveStreamEntry(raw, 'livestream.get'));
}

/** Never retried blindly: a repeated authenticate after a lost answer can hit LIVE_STREAM_ALREADY_BROADCASTING. */
export function liveStreamAuthenticate(
  client: KalturaClient,
  args: {
    entryId: string;
    token: string;
    hostname: string;
    mediaServerIndex: MediaServerIndex;
    applicationName?: string;
  },
  partnerId: Impersonate,
): Promise<LiveStreamEntry> {
  return client
    .call(
      'livestream',
      'authenticate',
      {
        entryId: args.entryId,
        token: args.token,
        hostname: args.hostname,
        mediaServerIndex: String(args.mediaServerIndex),
        applicationName: args.applicationName ?? null,
      },
      { partnerId, idempotent: false },
    )
    .then((raw) => parseLiveStreamEntry(raw, 'livestream.authenticate'));
}

/** An upsert of the (entry, index) node: safe to repeat. */
export function liveStreamRegisterMediaServer(
  client: KalturaClient,
  args: {
    entryId: string;
    hostname: string;
    mediaServerIndex: MediaServerIndex;
    applicationName?: string;
    liveEntryStatus: 1 | 2;
    shouldCreateRecordedEntry?: boolean;
  },
  partnerId: Impersonate,
): Promise<LiveStreamEntry> {
  return client
    .call(
      'livestream',
      'registerMediaServer',
      {
        entryId: args.entryId,
        hostname: args.hostname,
        mediaServerIndex: String(args.mediaServerIndex),
        applicationName: args.applicationName ?? 'kLive',
        liveEntryStatus: args.liveEntryStatus,
        shouldCreateRecordedEntry: args.shouldCreateRecordedEntry ?? null,
      },
      { partnerId, idempotent: true },
    )
    .then((raw) => parseLiveStreamEntry(raw, 'livestream.registermediaserver'));
}

export function liveStreamUnregisterMediaServer(
  client: KalturaClient,
  args: { entryId: string; hostname: string; mediaServerIndex: MediaServerIndex },
  partnerId: Impersonate,
): Promise<LiveStreamEntry | null> {
  return client
    .call(
      'livestream',
      'unregisterMediaServer',
      { entryId: args.entryId, hostname: args.hostname, mediaServerIndex: String(args.mediaServerIndex) },
      { partnerId, idempotent: true },
    )
    .then((raw) => (raw === null ? null : parseLiveStreamEntry(raw, 'livestream.unregistermediaserver')));
}

export function liveStreamIsLive(
  client: KalturaClient,
  entryId: string,
  partnerId: Impersonate,
  protocol: string | null = null,
): Promise<boolean> {
  return client
    .call('livestream', 'isLive', { id: entryId, protocol }, { partnerId, idempotent: true })
    .then((raw) => parseBoolean(raw, 'livestream.islive'));
}

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

export function beaconAdd(
  client: KalturaClient,
  args: { entryId: string; eventType: string; privateData: string; shouldLog?: boolean },
  partnerId: Impersonate,
): Promise<void> {
  const beacon = {
    objectType: 'KalturaBeacon',
    relatedObjectType: ENTRY_BEACON,
    eventType: args.eventType,
    objectId: args.entryId,
    privateData: args.privateData,
  };
  return client
    .call('beacon_beacon', 'add', { beacon, shouldLog: args.shouldLog ?? true }, { partnerId, idempotent: false })
    .then(() => undefined);
}

export function entryServerNodeList(
  client: KalturaClient,
  args: { entryId: string; serverTypeIn?: number[] },
  partnerId: Impersonate,
): Promise<{ objects: EntryServerNode[]; totalCount: number }> {
  const filter = {
    objectType: 'KalturaLiveEntryServerNodeFilter',
    entryIdEqual: args.entryId,
    serverTypeIn: args.serverTypeIn ? args.serverTypeIn.join(',') : null,
  };
  return client
    .call('entryservernode', 'list', { filter }, { partnerId, idempotent: true })
    .then((raw) => parseListResponse(raw, 'entryservernode.list', parseEntryServerNode));
}

/** wowza_liveConversionProfile.serve as Wowza fetched it: GET with path pairs, XML text back (kaltura.md 5.1). */
export function serveConversionProfile(
  client: KalturaClient,
  args: { streamName: string; extraParams?: Record<string, string> | null },
  partnerId: Impersonate,
): Promise<string> {
  const pairs: Array<[string, string]> = [];
  if (partnerId !== null) pairs.push(['partnerId', String(partnerId)]);
  pairs.push(['streamName', args.streamName], ['f', 'transcode.xml']);
  if (args.extraParams && Object.keys(args.extraParams).length > 0)
    pairs.push(['extraParams', JSON.stringify(args.extraParams)]);
  return client.getFile('wowza_liveConversionProfile', 'serve', pairs, { idempotent: true });
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
