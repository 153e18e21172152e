// Owns KS checks and impersonation for each call (kaltura.md 2.4, 3.5): parse + verify against the partner's
// admin secrets, expiry (and the ksLifetimeSeconds fault), partnerId/p impersonation, and the action's access level.
import { readKs } from '../../core/ks-read.js';
import { SandboxApiError } from '../errors.js';
import type { SandboxStore } from '../model/store.js';
import { MEDIA_SERVER_PARTNER_ID } from '../model/types.js';
import { optInt, optString, type ParamBag } from '../wire/params.js';
import type { ActionAccess, SessionInfo } from './types.js';

/** Remembers when each KS was first seen, so a fault can expire KSs older than a lifetime. */
export class KsAgeTable {
  private readonly firstSeenMs = new Map<string, number>();
  private static readonly MAX = 10_000;

  firstSeen(key: string, nowMs: number): number {
    const seen = this.firstSeenMs.get(key);
    if (seen !== undefined) return seen;
    if (this.firstSeenMs.size >= KsAgeTable.MAX) this.firstSeenMs.clear();
    this.firstSeenMs.set(key, nowMs);
    return nowMs;
  }
}

export interface AuthOptions {
  store: SandboxStore;
  nowMs: number;
  ksAges: KsAgeTable;
  ksLifetimeSeconds: number | null;
  /** "service->action" for SERVICE_FORBIDDEN */
  callName: string;
}

const invalidKs = (ksid: string): SandboxApiError => new SandboxApiError('INVALID_KS', [ksid, -1, 'INVALID_STR']);

export function resolveSession(params: ParamBag, access: ActionAccess, opts: AuthOptions): SessionInfo {
  const requested = optInt(params, 'p') ?? optInt(params, 'partnerId');
  const ks = access === 'none' ? null : optString(params, 'ks');
  if (!ks) {
    if (access === 'none' || access === 'optional') {
      if (requested !== null && !opts.store.partner(requested))
        throw new SandboxApiError('SERVICE_FORBIDDEN_CONTENT_BLOCKED');
      return {
        ks: null,
        ksPartnerId: null,
        partnerId: requested,
        sessionType: null,
        userId: '',
        privileges: '',
        isAdmin: false,
      };
    }
    throw new SandboxApiError('SERVICE_FORBIDDEN', [opts.callName]);
  }
  const secretsFor = (pid: number): string[] => {
    const secret = opts.store.adminSecret(pid);
    return secret ? [secret] : [];
  };
  const read = readKs(ks, secretsFor, Math.floor(opts.nowMs / 1000));
  if (!read.ok) throw invalidKs(read.reason === 'EXPIRED' ? 'EXPIRED' : ks);
  const session = read.session;
  if (opts.ksLifetimeSeconds !== null) {
    const firstSeen = opts.ksAges.firstSeen(ks, opts.nowMs);
    if (opts.nowMs - firstSeen > opts.ksLifetimeSeconds * 1000) throw invalidKs('EXPIRED');
  }
  let partnerId = session.partnerId;
  if (requested !== null && requested !== session.partnerId) {
    if (!opts.store.partner(requested)) throw new SandboxApiError('SERVICE_FORBIDDEN_CONTENT_BLOCKED');
    if (session.partnerId !== MEDIA_SERVER_PARTNER_ID) throw new SandboxApiError('SERVICE_FORBIDDEN', [opts.callName]);
    partnerId = requested;
  }
  const isAdmin = session.type >= 1;
  if ((access === 'admin' || access === 'mediaServer') && !isAdmin)
    throw new SandboxApiError('SERVICE_FORBIDDEN', [opts.callName]);
  // media-server actions: partner -5, or a partner whose role has MEDIA_SERVER_PARTNER_LEVEL (FEATURE_HYBRID_ECDN)
  if (
    access === 'mediaServer' &&
    session.partnerId !== MEDIA_SERVER_PARTNER_ID &&
    !opts.store.partner(session.partnerId)?.features.hybridEcdn
  ) {
    throw new SandboxApiError('SERVICE_FORBIDDEN', [opts.callName]);
  }
  return {
    ks,
    ksPartnerId: session.partnerId,
    partnerId,
    sessionType: session.type,
    userId: session.userId,
    privileges: session.privileges,
    isAdmin,
  };
}
