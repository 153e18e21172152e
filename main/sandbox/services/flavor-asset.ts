// Owns flavorAsset.list/get for live entries: the live assets (KalturaLiveAsset), filtered by
// KalturaLiveAssetFilter / KalturaFlavorAssetFilter {entryIdEqual, entryIdIn, flavorParamsIdEqual, flavorParamsIdIn}.
import { SandboxApiError } from '../errors.js';
import type { ActionContext, ServiceDef } from '../dispatch/types.js';
import { listResponse } from '../model/api-objects.js';
import type { LiveAssetRecord } from '../model/types.js';
import { listsPartner } from './entry-access.js';
import type { ApiObject } from '../wire/serialize.js';
import { optBag, optInt, optString, reqString, optList } from '../wire/params.js';

const FILTERS = [
  'KalturaLiveAssetFilter',
  'KalturaFlavorAssetFilter',
  'KalturaAssetFilter',
  'KalturaFlavorAssetBaseFilter',
  'KalturaLiveAssetBaseFilter',
];

function liveAssetToApi(ctx: ActionContext, asset: LiveAssetRecord): ApiObject {
  const params = ctx.store.liveParams(asset.flavorParamsId);
  return {
    flavorParamsId: asset.flavorParamsId,
    width: params?.width ?? 0,
    height: params?.height ?? 0,
    bitrate: params?.videoBitrateKbps ?? 0,
    frameRate: params?.frameRate ?? 0,
    isOriginal: false,
    isWeb: true,
    containerFormat: '',
    videoCodecId: '',
    status: 2,
    id: asset.id,
    entryId: asset.entryId,
    partnerId: asset.partnerId,
    version: 0,
    size: 0,
    tags: asset.tags,
    fileExt: '',
    createdAt: asset.createdAtSeconds,
    updatedAt: asset.createdAtSeconds,
    objectType: 'KalturaLiveAsset',
  };
}

const visible = (ctx: ActionContext, asset: LiveAssetRecord): boolean => listsPartner(ctx, asset.partnerId);

export const flavorAssetService: ServiceDef = {
  list: {
    access: 'any',
    run(ctx) {
      const filter = optBag(ctx.params, 'filter') ?? {};
      const filterType = optString(filter, 'objectType') ?? 'KalturaAssetFilter';
      if (!FILTERS.includes(filterType)) throw new SandboxApiError('INVALID_OBJECT_TYPE', [filterType]);
      const entryIdEqual = optString(filter, 'entryIdEqual');
      const entryIdIn = optList(filter, 'entryIdIn');
      const paramsEqual = optInt(filter, 'flavorParamsIdEqual');
      const paramsIn = optList(filter, 'flavorParamsIdIn')?.map(Number) ?? null;
      const idEqual = optString(filter, 'idEqual');
      const matching = ctx.store
        .allLiveAssets()
        .filter(
          (a) =>
            visible(ctx, a) &&
            (entryIdEqual === null || a.entryId === entryIdEqual) &&
            (entryIdIn === null || entryIdIn.includes(a.entryId)) &&
            (paramsEqual === null || a.flavorParamsId === paramsEqual) &&
            (paramsIn === null || paramsIn.includes(a.flavorParamsId)) &&
            (idEqual === null || a.id === idEqual),
        );
      return listResponse(
        matching.map((a) => liveAssetToApi(ctx, a)),
        'KalturaFlavorAssetListResponse',
      );
    },
  },
  get: {
    access: 'any',
    run(ctx) {
      const id = reqString(ctx.params, 'id');
      const asset = ctx.store.allLiveAssets().find((a) => a.id === id && visible(ctx, a));
      if (!asset) throw new SandboxApiError('FLAVOR_ASSET_ID_NOT_FOUND', [id]);
      return liveAssetToApi(ctx, asset);
    },
  },
};
