// Owns the api_v3 calls of a producer's workflow (kaltura-producer.md 3): sign-in (user.loginByLoginId,
// session.start, user.loginByKs to switch partner), the partner and its permissions, live entries (list/get/add/update/regenerateStreamToken),
// live conversion profiles and entry server nodes, with their parameter names and result parsing.
// Every call here runs with the producer's KS (the client's getKs), never the media-server KS.
import { sessionStart } from './actions.js';
import type { KalturaClient } from './client.js';
import { enumNumber, invalidResponse } from './wire.js';
import { parseEntryServerNode, parseListResponse, parseString, type EntryServerNode } from './types.js';

/** A live entry with the fields the producer screens need; streamPassword only reaches main. */
export interface ProducerLiveEntry {
  id: string;
  partnerId: number;
  name: string;
  conversionProfileId: number | null;
  dvrStatus: number;
  recordStatus: number;
  /** null unless the KS may see it (admin KS, owner, or edit:<entryId>) */
  streamPassword: string | null;
  /** EntryServerNodeStatus summary Kaltura computes */
  liveStatus: number | null;
}

export interface PartnerInfo {
  id: number;
  name: string;
  /** answered only to a KS with INTEGRATION_BASE */
  adminSecret: string | null;
}

export interface ProfileInfo {
  id: number;
  name: string;
  description: string;
  isDefault: boolean;
}

type Obj = Record<string, unknown>;

function obj(raw: unknown, call: string): Obj {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalidResponse(call, 'expected an object');
  return raw as Obj;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function parseEntry(raw: unknown, call: string): ProducerLiveEntry {
  const o = obj(raw, call);
  const id = text(o.id);
  const partnerId = enumNumber(o.partnerId);
  if (id === '' || partnerId === null) throw invalidResponse(call, 'a live entry without id or partnerId');
  return {
    id,
    partnerId,
    name: text(o.name),
    conversionProfileId: enumNumber(o.conversionProfileId),
    dvrStatus: enumNumber(o.dvrStatus) ?? 0,
    recordStatus: enumNumber(o.recordStatus) ?? 0,
    streamPassword: typeof o.streamPassword === 'string' && o.streamPassword !== '' ? o.streamPassword : null,
    liveStatus: enumNumber(o.liveStatus),
  };
}

function parseProfile(raw: unknown, call: string): ProfileInfo {
  const o = obj(raw, call);
  const id = enumNumber(o.id);
  if (id === null) throw invalidResponse(call, 'a conversion profile without id');
  return {
    id,
    name: text(o.name),
    description: text(o.description),
    isDefault: enumNumber(o.isDefault) === 1 || o.isDefault === true,
  };
}

export function userLoginByLoginId(
  client: KalturaClient,
  args: { loginId: string; password: string; partnerId?: number; otp?: string; expirySeconds: number },
): Promise<string> {
  return client
    .call(
      'user',
      'loginByLoginId',
      {
        loginId: args.loginId,
        password: args.password,
        partnerId: args.partnerId ?? null,
        expiry: args.expirySeconds,
        privileges: '*',
        otp: args.otp ?? null,
      },
      // a retry after a lost answer would count twice against the login's wrong-password limit
      { idempotent: false },
    )
    .then((raw) => parseString(raw, 'user.loginByLoginId'));
}

/** KMC's partner switch: the login's KS gets a KS of another partner the same login belongs to (no password). */
export function userLoginByKs(
  client: KalturaClient,
  requestedPartnerId: number,
): Promise<{ ks: string; partnerId: number; userId: string }> {
  return client.call('user', 'loginByKs', { requestedPartnerId }, { idempotent: true }).then((raw) => {
    const o = obj(raw, 'user.loginByKs');
    const ks = text(o.ks);
    if (ks === '') throw invalidResponse('user.loginByKs', 'a session response without ks');
    return { ks, partnerId: enumNumber(o.partnerId) ?? requestedPartnerId, userId: text(o.userId) };
  });
}

/** An ADMIN KS for partner p from its admin secret; `*` privileges, as KMC's own session has. */
export function producerSessionStart(
  client: KalturaClient,
  args: { secret: string; partnerId: number; expirySeconds: number },
): Promise<string> {
  return sessionStart(client, {
    secret: args.secret,
    partnerId: args.partnerId,
    type: 2,
    expirySeconds: args.expirySeconds,
    privileges: '*',
  });
}

export function partnerGet(client: KalturaClient, partnerId: number): Promise<PartnerInfo> {
  return client.call('partner', 'get', { id: partnerId }, { idempotent: true }).then((raw) => {
    const o = obj(raw, 'partner.get');
    return {
      id: enumNumber(o.id) ?? partnerId,
      name: text(o.name),
      adminSecret: typeof o.adminSecret === 'string' && o.adminSecret !== '' ? o.adminSecret : null,
    };
  });
}

export function partnerListForUser(client: KalturaClient): Promise<{ id: number; name: string }[]> {
  return client.call('partner', 'listPartnersForUser', {}, { idempotent: true }).then(
    (raw) =>
      parseListResponse(raw, 'partner.listPartnersForUser', (item, call) => {
        const o = obj(item, call);
        return { id: enumNumber(o.id) ?? 0, name: text(o.name) };
      }).objects,
  );
}

/** The KS's permission names, comma-separated by Kaltura (FEATURE_LIVE_STREAM, FEATURE_HYBRID_ECDN, ...). */
export function permissionGetCurrent(client: KalturaClient): Promise<string[]> {
  return client.call('permission', 'getCurrentPermissions', {}, { idempotent: true }).then((raw) =>
    text(raw)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
}

export function liveStreamList(
  client: KalturaClient,
  args: { nameLike?: string; pageIndex: number; pageSize: number },
): Promise<{ objects: ProducerLiveEntry[]; totalCount: number }> {
  const filter: Obj = { objectType: 'KalturaLiveStreamEntryFilter', orderBy: '-createdAt' };
  if (args.nameLike && args.nameLike.trim() !== '') filter.nameLike = args.nameLike.trim();
  return client
    .call(
      'livestream',
      'list',
      { filter, pager: { objectType: 'KalturaFilterPager', pageIndex: args.pageIndex, pageSize: args.pageSize } },
      { idempotent: true },
    )
    .then((raw) => parseListResponse(raw, 'livestream.list', parseEntry));
}

export function liveStreamGetForProducer(client: KalturaClient, entryId: string): Promise<ProducerLiveEntry> {
  return client
    .call('livestream', 'get', { entryId }, { idempotent: true })
    .then((raw) => parseEntry(raw, 'livestream.get'));
}

/** What KMC-ng's create-live form sends (kaltura-producer.md 3): mediaType 201, sourceType 32, dvrWindow 120 with DVR. */
export function liveStreamAdd(
  client: KalturaClient,
  args: { name: string; conversionProfileId?: number; dvr: boolean; recording: boolean },
): Promise<ProducerLiveEntry> {
  const entry: Obj = {
    objectType: 'KalturaLiveStreamEntry',
    name: args.name,
    mediaType: 201,
    dvrStatus: args.dvr ? 1 : 0,
    recordStatus: args.recording ? 1 : 0,
  };
  if (args.dvr) entry.dvrWindow = 120;
  if (args.conversionProfileId !== undefined) entry.conversionProfileId = args.conversionProfileId;
  // not retried: a repeat after a lost answer would create a second entry
  return client
    .call('livestream', 'add', { liveStreamEntry: entry, sourceType: '32' }, { idempotent: false })
    .then((raw) => parseEntry(raw, 'livestream.add'));
}

export function liveStreamUpdate(
  client: KalturaClient,
  entryId: string,
  patch: { name?: string; conversionProfileId?: number; dvr?: boolean; recording?: boolean },
): Promise<ProducerLiveEntry> {
  const entry: Obj = { objectType: 'KalturaLiveStreamEntry' };
  if (patch.name !== undefined) entry.name = patch.name;
  if (patch.conversionProfileId !== undefined) entry.conversionProfileId = patch.conversionProfileId;
  if (patch.dvr !== undefined) entry.dvrStatus = patch.dvr ? 1 : 0;
  if (patch.recording !== undefined) entry.recordStatus = patch.recording ? 1 : 0;
  return client
    .call('livestream', 'update', { entryId, liveStreamEntry: entry }, { idempotent: true })
    .then((raw) => parseEntry(raw, 'livestream.update'));
}

/** liveStream.delete: Kaltura deletes the entry (and its server-node registrations); answers nothing. */
export async function liveStreamDelete(client: KalturaClient, entryId: string): Promise<void> {
  // a repeat after a lost answer would fail with ENTRY_ID_NOT_FOUND: the caller treats that as done
  await client.call('livestream', 'delete', { entryId }, { idempotent: false });
}

export function liveStreamRegenerateToken(client: KalturaClient, entryId: string): Promise<ProducerLiveEntry> {
  return client
    .call('livestream', 'regenerateStreamToken', { entryId }, { idempotent: false })
    .then((raw) => parseEntry(raw, 'livestream.regenerateStreamToken'));
}

/** KalturaConversionProfileType LIVE_STREAM = 2, as KMC-ng's live form asks. */
export function conversionProfileListLive(client: KalturaClient): Promise<ProfileInfo[]> {
  return client
    .call(
      'conversionProfile',
      'list',
      { filter: { objectType: 'KalturaConversionProfileFilter', typeEqual: 2 }, pager: { pageSize: 500 } },
      { idempotent: true },
    )
    .then((raw) => parseListResponse(raw, 'conversionprofile.list', parseProfile).objects);
}

export function entryServerNodesFor(client: KalturaClient, entryIds: readonly string[]): Promise<EntryServerNode[]> {
  if (entryIds.length === 0) return Promise.resolve([]);
  return client
    .call(
      'entryServerNode',
      'list',
      {
        filter: { objectType: 'KalturaLiveEntryServerNodeFilter', entryIdIn: entryIds.join(','), serverTypeIn: '0,1' },
        pager: { pageSize: 500 },
      },
      { idempotent: true },
    )
    .then((raw) => parseListResponse(raw, 'entryservernode.list', parseEntryServerNode).objects);
}
