// Owns the liveStream CRUD actions: get, list, add, update, delete, regenerateStreamToken (kaltura.md 4).
import { SandboxApiError } from '../errors.js';
import type { ActionContext, ServiceDef } from '../dispatch/types.js';
import { listResponse } from '../model/api-objects.js';
import type { UpdateEntryInput } from '../model/entry-edit.js';
import { MEDIA_SERVER_PARTNER_ID } from '../model/types.js';
import { optBag, optEnum, optInt, optString, reqBag, reqString, type ParamBag } from '../wire/params.js';
import { entryResult, findEntry, listsPartner } from './entry-access.js';

function ownPartner(ctx: ActionContext, call: string): number {
  const partnerId = ctx.session.partnerId;
  if (partnerId === null || partnerId === MEDIA_SERVER_PARTNER_ID) {
    throw new SandboxApiError('SERVICE_FORBIDDEN', [call]);
  }
  return partnerId;
}

function checkObjectType(bag: ParamBag, allowed: readonly string[]): void {
  const type = optString(bag, 'objectType');
  if (type !== null && !allowed.includes(type)) throw new SandboxApiError('INVALID_OBJECT_TYPE', [type]);
}

/** The writable KalturaLiveStreamEntry properties, validated like Kaltura's property validators. */
function entryPatch(bag: ParamBag): UpdateEntryInput {
  checkObjectType(bag, ['KalturaLiveStreamEntry', 'KalturaLiveEntry']);
  const patch: UpdateEntryInput = {};
  const name = optString(bag, 'name');
  if (name !== null) patch.name = name;
  const profile = optInt(bag, 'conversionProfileId');
  if (profile !== null) patch.conversionProfileId = profile;
  const dvr = optEnum(bag, 'dvrStatus', [0, 1], 'KalturaDVRStatus');
  if (dvr !== null) patch.dvr = dvr === 1;
  const dvrWindow = optInt(bag, 'dvrWindow');
  if (dvrWindow !== null) {
    if (dvrWindow < 1) throw new SandboxApiError('PROPERTY_VALIDATION_MIN_VALUE', ['dvrWindow', 1]);
    patch.dvrWindowMinutes = dvrWindow;
  }
  const record = optEnum(bag, 'recordStatus', [0, 1, 2], 'KalturaRecordStatus');
  if (record !== null) patch.recordStatus = record;
  const segment = optInt(bag, 'segmentDuration');
  if (segment !== null) {
    if (segment < 2000) throw new SandboxApiError('PROPERTY_VALIDATION_MIN_VALUE', ['segmentDuration', 2000]);
    if (segment > 20000) throw new SandboxApiError('PROPERTY_VALIDATION_MAX_VALUE', ['segmentDuration', 20000]);
    patch.segmentDurationMs = segment;
  }
  return patch;
}

export const liveStreamService: ServiceDef = {
  get: {
    access: 'any',
    run: (ctx) => entryResult(ctx, findEntry(ctx, reqString(ctx.params, 'entryId'))),
  },
  list: {
    access: 'any',
    run(ctx) {
      const filter = optBag(ctx.params, 'filter') ?? {};
      const idEqual = optString(filter, 'idEqual');
      const idIn = optString(filter, 'idIn')
        ?.split(',')
        .map((s) => s.trim());
      const nameLike = optString(filter, 'nameLike')?.toLowerCase();
      const pager = optBag(ctx.params, 'pager') ?? {};
      const pageSize = Math.max(1, Math.min(500, optInt(pager, 'pageSize') ?? 30));
      const pageIndex = Math.max(1, optInt(pager, 'pageIndex') ?? 1);
      const matching = ctx.store
        .entries()
        .filter(
          (e) =>
            listsPartner(ctx, e.partnerId) &&
            (idEqual === null || e.id === idEqual) &&
            (idIn === undefined || idIn.includes(e.id)) &&
            (nameLike === undefined || e.name.toLowerCase().includes(nameLike)),
        );
      // newest first, the order KMC asks for (-createdAt); +createdAt gives oldest first
      const orderBy = optString(filter, 'orderBy');
      if (orderBy !== '+createdAt') matching.sort((a, b) => b.createdAtSeconds - a.createdAtSeconds);
      const page = matching.slice((pageIndex - 1) * pageSize, pageIndex * pageSize).map((e) => entryResult(ctx, e));
      return { ...listResponse(page, 'KalturaLiveStreamListResponse'), totalCount: matching.length };
    },
  },
  add: {
    access: 'admin',
    run(ctx) {
      const partnerId = ownPartner(ctx, 'livestream->add');
      const bag = reqBag(ctx.params, 'liveStreamEntry');
      const patch = entryPatch(bag);
      const mediaType = optInt(bag, 'mediaType');
      if (mediaType !== null && mediaType !== 201)
        throw new SandboxApiError('INVALID_ENUM_VALUE', [String(mediaType), 'mediaType', 'KalturaMediaType']);
      const sourceType = optEnum(ctx.params, 'sourceType', [30, 32, 33, 42], 'KalturaSourceType');
      if (sourceType !== null && sourceType !== 32)
        throw new SandboxApiError('INVALID_PARAMETER_VALUE', ['sourceType', String(sourceType)]);
      const entry = ctx.store.createEntry({
        partnerId,
        name: patch.name ?? 'Live stream',
        ...(patch.conversionProfileId !== undefined ? { conversionProfileId: patch.conversionProfileId } : {}),
        ...(patch.dvr !== undefined ? { dvr: patch.dvr } : {}),
        ...(patch.recordStatus !== undefined ? { record: patch.recordStatus !== 0 } : {}),
      });
      const rest: UpdateEntryInput = {};
      if (patch.dvrWindowMinutes !== undefined) rest.dvrWindowMinutes = patch.dvrWindowMinutes;
      if (patch.segmentDurationMs !== undefined) rest.segmentDurationMs = patch.segmentDurationMs;
      if (patch.recordStatus !== undefined) rest.recordStatus = patch.recordStatus;
      const final = Object.keys(rest).length > 0 ? ctx.store.updateEntry(entry.id, rest) : entry;
      return entryResult(ctx, final);
    },
  },
  update: {
    access: 'admin',
    run(ctx) {
      const entry = findEntry(ctx, reqString(ctx.params, 'entryId'));
      const patch = entryPatch(reqBag(ctx.params, 'liveStreamEntry'));
      if (patch.name !== undefined && patch.name.trim() === '')
        throw new SandboxApiError('PROPERTY_VALIDATION_CANNOT_BE_NULL', ['name']);
      return entryResult(ctx, ctx.store.updateEntry(entry.id, patch));
    },
  },
  delete: {
    access: 'admin',
    run(ctx) {
      const entry = findEntry(ctx, reqString(ctx.params, 'entryId'));
      ctx.store.deleteEntry(entry.id);
      return null;
    },
  },
  regeneratestreamtoken: {
    access: 'admin',
    run(ctx) {
      const entry = findEntry(ctx, reqString(ctx.params, 'entryId'));
      ctx.store.regenerateToken(entry.id);
      return entryResult(ctx, entry);
    },
  },
};
