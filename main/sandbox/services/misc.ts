// Owns the small services: beacon.add (kept for tests and the UI), entryServerNode.list,
// conversionProfile.list/get, and wowza_liveConversionProfile.serve (a "file" action answering XML).
import { SandboxApiError } from '../errors.js';
import { RawResult, type ServiceDef } from '../dispatch/types.js';
import { listResponse, nodeToApi, profileToApi } from '../model/api-objects.js';
import { buildServeXml, parseServeStreamName } from '../serve/serve.js';
import { getRaw, isBag, optBag, optBool, optInt, optString, reqBag, reqInt, reqString } from '../wire/params.js';
import { findEntry, listsPartner } from './entry-access.js';

const MAX_BEACON_FIELD_CHARS = 64 * 1024;

export const beaconService: ServiceDef = {
  add: {
    access: 'any',
    run(ctx) {
      const beacon = reqBag(ctx.params, 'beacon');
      const field = (name: string): string => {
        const value = optString(beacon, name) ?? '';
        if (value.length > MAX_BEACON_FIELD_CHARS)
          throw new SandboxApiError('INVALID_PARAMETER_VALUE', [`beacon:${name}`, `${value.length} characters`]);
        return value;
      };
      ctx.store.received.addBeacon({
        partnerId: ctx.session.partnerId ?? 0,
        relatedObjectType: field('relatedObjectType'),
        eventType: field('eventType'),
        objectId: field('objectId'),
        privateData: field('privateData'),
        shouldLog: optBool(ctx.params, 'shouldLog') ?? false,
      });
      return true;
    },
  },
};

export const entryServerNodeService: ServiceDef = {
  list: {
    access: 'any',
    run(ctx) {
      const filter = optBag(ctx.params, 'filter') ?? {};
      const entryIdEqual = optString(filter, 'entryIdEqual');
      const entryIdIn = optString(filter, 'entryIdIn')?.split(',');
      const serverTypeIn = (optString(filter, 'serverTypeIn') ?? optString(filter, 'serverTypeEqual'))
        ?.split(',')
        .map(Number);
      const statusIn = optString(filter, 'statusIn')?.split(',').map(Number);
      const nodes = ctx.store
        .nodes()
        .filter(
          (n) =>
            listsPartner(ctx, n.partnerId) &&
            (entryIdEqual === null || n.entryId === entryIdEqual) &&
            (entryIdIn === undefined || entryIdIn.includes(n.entryId)) &&
            (serverTypeIn === undefined || serverTypeIn.includes(n.serverType)) &&
            (statusIn === undefined || statusIn.includes(n.status)),
        );
      return listResponse(nodes.map(nodeToApi), 'KalturaEntryServerNodeListResponse');
    },
  },
};

export const conversionProfileService: ServiceDef = {
  list: {
    access: 'any',
    run(ctx) {
      const partnerId = ctx.session.partnerId ?? 0;
      // every sandbox profile is a live one (KalturaConversionProfileType LIVE_STREAM = 2); MEDIA (1) has none
      const typeEqual = optInt(optBag(ctx.params, 'filter') ?? {}, 'typeEqual');
      const profiles = typeEqual === null || typeEqual === 2 ? ctx.store.profileRecords() : [];
      return listResponse(
        profiles.map((p) => profileToApi(p, partnerId)),
        'KalturaConversionProfileListResponse',
      );
    },
  },
  get: {
    access: 'any',
    run(ctx) {
      const id = reqInt(ctx.params, 'id');
      const profile = ctx.store.profileRecord(id);
      if (!profile) throw new SandboxApiError('CONVERSION_PROFILE_ID_NOT_FOUND', [id]);
      return profileToApi(profile, ctx.session.partnerId ?? 0);
    },
  },
};

function readExtraParams(raw: unknown): Record<string, string> {
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return {};
    try {
      value = JSON.parse(raw);
    } catch {
      throw new SandboxApiError('INVALID_PARAMETER_VALUE', ['extraParams', 'not JSON']);
    }
  }
  if (value === undefined || value === null) return {};
  if (!isBag(value)) throw new SandboxApiError('INVALID_PARAMETER_VALUE', ['extraParams', 'not a JSON object']);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && typeof v !== 'object') out[k] = String(v);
  return out;
}

export const wowzaLiveConversionProfileService: ServiceDef = {
  serve: {
    access: 'optional',
    file: true,
    run(ctx) {
      const streamName = reqString(ctx.params, 'streamName');
      optString(ctx.params, 'hostname');
      const { entryId, suffix } = parseServeStreamName(streamName);
      const entry = findEntry(ctx, entryId);
      const profile = ctx.store.profileRecord(entry.conversionProfileId);
      if (!profile) throw new SandboxApiError('CONVERSION_PROFILE_ID_NOT_FOUND', [entry.conversionProfileId]);
      const items = profile.items.flatMap((item) => {
        const params = ctx.store.liveParams(item.liveParamsId);
        return params ? [{ params, origin: item.origin }] : [];
      });
      const xml = buildServeXml({
        entryId: entry.id,
        suffix,
        streamName,
        items,
        extraParams: readExtraParams(getRaw(ctx.params, 'extraParams')),
      });
      return new RawResult(xml, 'text/xml', {
        'Cache-Control': 'public, max-age=8640000, max-stale=0',
        'Access-Control-Allow-Origin': '*',
      });
    },
  },
};
