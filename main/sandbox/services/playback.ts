// Owns what the Kaltura Player asks the API for (kaltura-playback.md 1b, 2, 1d): baseEntry.list (redirectFromEntryId /
// idEqual, with the response profile's fields), baseEntry.getPlaybackContext (one applehttp source over the entry's
// live assets and the playManifest URL, the same whether or not the entry is live), metadata_metadata.list (always
// empty here) and liveStream.getDetails (broadcastStatus as LiveStreamService::getLiveStreamDetails computes it).
import { SandboxApiError } from '../errors.js';
import type { ActionContext, ServiceDef } from '../dispatch/types.js';
import { listResponse } from '../model/api-objects.js';
import { NodeStatus, type EntryRecord, type LiveAssetRecord } from '../model/types.js';
import { optBag, optInt, optString, reqString, type ParamBag } from '../wire/params.js';
import type { ApiObject } from '../wire/serialize.js';
import { entryResult, findEntry, findEntryOrInvalidId, listsPartner } from './entry-access.js';

/** The sandbox's one live HLS delivery profile (Kaltura's are per deployment; the player only echoes the id). */
export const LIVE_HLS_DELIVERY_PROFILE_ID = 1001;
/** KalturaLiveStreamBroadcastStatus */
export const BroadcastStatus = { OFFLINE: 1, PREVIEW: 2, LIVE: 3 } as const;
/** EntryServerNodePeer::$connectedServerNodeStatuses */
const CONNECTED_STATUSES: readonly number[] = [NodeStatus.AUTHENTICATED, NodeStatus.BROADCASTING, NodeStatus.PLAYABLE];
/** ViewMode::ALLOW_ALL */
const VIEW_MODE_ALLOW_ALL = 1;

/** KalturaDetachedResponseProfile: type 1 INCLUDE_FIELDS, 2 EXCLUDE_FIELDS over a comma list of fields. */
export function applyResponseProfile(object: ApiObject, profile: ParamBag | null): ApiObject {
  if (!profile) return object;
  const type = optInt(profile, 'type');
  const fields = (optString(profile, 'fields') ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
  if ((type !== 1 && type !== 2) || fields.length === 0) return object;
  const out: ApiObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (key === 'objectType' || fields.includes(key) === (type === 1)) out[key] = value;
  }
  return out;
}

/** The manifest URL Kaltura puts in a playback source (myEntryUtils::buildManifestUrl), on the host the caller used. */
export function manifestUrl(
  origin: string,
  entry: EntryRecord,
  assetIds: readonly string[],
  protocol: 'http' | 'https',
): string {
  const flavors = assetIds.length > 0 ? `/flavorIds/${assetIds.join(',')}` : '';
  return `${origin}/p/${entry.partnerId}/sp/${entry.partnerId}/playManifest/entryId/${entry.id}${flavors}/deliveryProfileId/${LIVE_HLS_DELIVERY_PROFILE_ID}/protocol/${protocol}/format/applehttp/a.m3u8`;
}

export function liveAssetToApi(ctx: ActionContext, asset: LiveAssetRecord): ApiObject {
  const params = ctx.store.liveParams(asset.flavorParamsId);
  return {
    flavorParamsId: asset.flavorParamsId,
    width: params?.width ?? 0,
    height: params?.height ?? 0,
    bitrate: params ? params.videoBitrateKbps + params.audioBitrateKbps : 0,
    frameRate: params?.frameRate ?? 0,
    isOriginal: false,
    isWeb: true,
    containerFormat: 'flash video',
    videoCodecId: params?.videoCodec ?? '',
    status: 2,
    language: 'Undefined',
    isDefault: false,
    id: asset.id,
    entryId: asset.entryId,
    partnerId: asset.partnerId,
    version: '1',
    size: 0,
    tags: asset.tags,
    fileExt: '',
    createdAt: asset.createdAtSeconds,
    updatedAt: asset.createdAtSeconds,
    description: '',
    objectType: 'KalturaLiveAsset',
  };
}

function visibleEntries(ctx: ActionContext): readonly EntryRecord[] {
  return ctx.store.entries().filter((e) => listsPartner(ctx, e.partnerId));
}

export const baseEntryService: ServiceDef = {
  list: {
    access: 'any',
    run(ctx) {
      const filter = optBag(ctx.params, 'filter') ?? {};
      // a live entry redirects only to a READY VOD; the sandbox serves no VOD, so the live entry answers
      const redirectFrom = optString(filter, 'redirectFromEntryId');
      const idEqual = optString(filter, 'idEqual');
      const idIn = optString(filter, 'idIn')
        ?.split(',')
        .map((s) => s.trim());
      const pager = optBag(ctx.params, 'pager') ?? {};
      const pageSize = Math.max(1, Math.min(500, optInt(pager, 'pageSize') ?? 30));
      const pageIndex = Math.max(1, optInt(pager, 'pageIndex') ?? 1);
      const matching = visibleEntries(ctx).filter(
        (e) =>
          (redirectFrom === null || e.id === redirectFrom) &&
          (idEqual === null || e.id === idEqual) &&
          (idIn === undefined || idIn.includes(e.id)),
      );
      const profile = optBag(ctx.params, 'responseProfile');
      const page = matching
        .slice((pageIndex - 1) * pageSize, pageIndex * pageSize)
        .map((e) => applyResponseProfile(entryResult(ctx, e), profile));
      // a list that finds nothing is totalCount 0, not an error (the player's next call then fails on entryId "")
      return { ...listResponse(page, 'KalturaBaseEntryListResponse'), totalCount: matching.length };
    },
  },
  get: {
    access: 'any',
    run: (ctx) => entryResult(ctx, findEntry(ctx, reqString(ctx.params, 'entryId'))),
  },
  getplaybackcontext: {
    access: 'any',
    run(ctx) {
      const entryId = optString(ctx.params, 'entryId') ?? '';
      if (entryId === '') throw new SandboxApiError('ENTRY_ID_NOT_FOUND', ['']);
      const entry = findEntry(ctx, entryId);
      const context = optBag(ctx.params, 'contextDataParams');
      const type = context ? optString(context, 'objectType') : null;
      if (
        type !== null &&
        type !== 'KalturaContextDataParams' &&
        type !== 'KalturaEntryContextDataParams' &&
        type !== 'KalturaPlaybackContextOptions'
      ) {
        throw new SandboxApiError('INVALID_OBJECT_TYPE', [type]);
      }
      const assets = ctx.store.liveAssets(entry.id);
      const protocol = ctx.requestOrigin.startsWith('https:') ? 'https' : 'http';
      // kPlaybackContextDataHelper::constructLivePlaybackSources never asks whether the entry is live
      const source: ApiObject = {
        deliveryProfileId: LIVE_HLS_DELIVERY_PROFILE_ID,
        format: 'applehttp',
        protocols: 'http,https',
        flavorIds: assets.map((a) => a.id).join(','),
        url: manifestUrl(
          ctx.requestOrigin,
          entry,
          assets.map((a) => a.id),
          protocol,
        ),
        drm: [],
        objectType: 'KalturaPlaybackSource',
      };
      return {
        sources: [source],
        playbackCaptions: [],
        flavorAssets: assets.map((a) => liveAssetToApi(ctx, a)),
        actions: [],
        messages: [],
        bumperData: [],
        objectType: 'KalturaPlaybackContext',
      };
    },
  },
};

export const metadataService: ServiceDef = {
  list: {
    access: 'any',
    run(ctx) {
      const filter = optBag(ctx.params, 'filter');
      const type = filter ? optString(filter, 'objectType') : null;
      if (type !== null && type !== 'KalturaMetadataFilter') throw new SandboxApiError('INVALID_OBJECT_TYPE', [type]);
      // the sandbox has no custom-metadata profiles, so no entry has metadata
      return listResponse([], 'KalturaMetadataListResponse');
    },
  },
};

export const liveStreamDetailsService: ServiceDef = {
  getdetails: {
    access: 'optional',
    run(ctx) {
      const id = reqString(ctx.params, 'id');
      const entry = findEntryOrInvalidId(ctx, id);
      const nodes = ctx.store.nodes().filter((n) => n.entryId === entry.id && CONNECTED_STATUSES.includes(n.status));
      const primary = nodes.find((n) => n.serverType === 0)?.status ?? null;
      const secondary = nodes.find((n) => n.serverType === 1)?.status ?? null;
      // every sandbox node is a playable user (LiveEntryServerNode::getIsPlayableUser's default)
      const statusOf = (nodeStatus: number | null): number => {
        if (nodeStatus !== NodeStatus.PLAYABLE) return BroadcastStatus.OFFLINE;
        return entry.viewMode === VIEW_MODE_ALLOW_ALL ? BroadcastStatus.LIVE : BroadcastStatus.PREVIEW;
      };
      const broadcastStatus = Math.max(statusOf(primary), statusOf(secondary));
      return {
        broadcastStatus,
        primaryStreamStatus: primary,
        secondaryStreamStatus: secondary,
        viewMode: entry.viewMode,
        wasBroadcast: entry.lastBroadcast !== null,
        objectType: 'KalturaLiveStreamDetails',
      };
    },
  },
};
