// Owns looking up a live entry for a call: the id shape is checked before anything else (no path
// tricks reach the store or the disk), then partner visibility (-5 and KS-less optional calls see all).
import { SandboxApiError } from '../errors.js';
import type { ActionContext } from '../dispatch/types.js';
import { entryToApi } from '../model/api-objects.js';
import { ENTRY_ID_PATTERN, MEDIA_SERVER_PARTNER_ID, type EntryRecord } from '../model/types.js';
import type { ApiObject } from '../wire/serialize.js';

export function findEntry(ctx: ActionContext, entryId: string): EntryRecord {
  if (!ENTRY_ID_PATTERN.test(entryId)) throw new SandboxApiError('ENTRY_ID_NOT_FOUND', [entryId]);
  const entry = ctx.store.entry(entryId);
  if (!entry) throw new SandboxApiError('ENTRY_ID_NOT_FOUND', [entryId]);
  const partnerId = ctx.session.partnerId;
  if (partnerId !== null && partnerId !== MEDIA_SERVER_PARTNER_ID && partnerId !== entry.partnerId) {
    throw new SandboxApiError('ENTRY_ID_NOT_FOUND', [entryId]);
  }
  return entry;
}

/** findEntry for the liveStream actions that Kaltura answers INVALID_ENTRY_ID (isLive, getDetails). */
export function findEntryOrInvalidId(ctx: ActionContext, entryId: string): EntryRecord {
  try {
    return findEntry(ctx, entryId);
  } catch {
    throw new SandboxApiError('INVALID_ENTRY_ID', [entryId]);
  }
}

/** Whether a list shows the session an object of this partner: its own, or every partner's to the media server (-5). */
export function listsPartner(ctx: ActionContext, ownerPartnerId: number): boolean {
  const partnerId = ctx.session.partnerId;
  return partnerId === MEDIA_SERVER_PARTNER_ID || ownerPartnerId === partnerId;
}

export function entryResult(ctx: ActionContext, entry: EntryRecord, objectType?: string): ApiObject {
  return entryToApi(entry, ctx.store, { admin: ctx.session.isAdmin, rtmpBaseUrl: ctx.rtmpBaseUrl }, objectType);
}
