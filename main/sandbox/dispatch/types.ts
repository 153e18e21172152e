// Owns the contract between the api_v3 dispatcher and the service modules: what an action declares
// (who may call it) and what it gets (store, parameters, the resolved session).
import type { Logger } from '../../log/logger.js';
import type { SandboxLogins } from '../model/logins.js';
import type { SandboxStore } from '../model/store.js';
import type { ParamBag } from '../wire/params.js';
import type { ApiValue } from '../wire/serialize.js';

/**
 * none: no KS looked at (session.start); optional: a KS is checked when given (isLive, serve);
 * any: a valid KS of any type; admin: an ADMIN KS; mediaServer: an ADMIN KS of partner -5 or of the entry's partner.
 */
export type ActionAccess = 'none' | 'optional' | 'any' | 'admin' | 'mediaServer';

export interface SessionInfo {
  ks: string | null;
  /** partner of the KS (null without KS) */
  ksPartnerId: number | null;
  /** the partner the call operates on: the KS partner, or partnerId/p when impersonating */
  partnerId: number | null;
  sessionType: number | null;
  userId: string;
  privileges: string;
  isAdmin: boolean;
}

export interface ActionContext {
  /** "service->action" (lower case), the argument of SERVICE_FORBIDDEN */
  callName: string;
  store: SandboxStore;
  /** KMC logins for user.loginByLoginId */
  logins: SandboxLogins;
  params: ParamBag;
  session: SessionInfo;
  logger: Logger;
  now(): number;
  /** e.g. rtmp://127.0.0.1:1935/kLive */
  rtmpBaseUrl: string;
  /** KSs issued here (session.start) are tracked for the ksLifetimeSeconds fault */
  onKsIssued(ks: string): void;
  /** the sandbox as the caller reached it, e.g. http://192.168.1.20:41234 (playManifest URLs are built on it) */
  requestOrigin: string;
}

/** A "file" action's answer (serve): raw bytes, not the api_v3 envelope. */
export class RawResult {
  constructor(
    readonly body: string,
    readonly contentType: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

export interface ActionDef {
  access: ActionAccess;
  /** a "file" action (serve): its errors answer with an empty body and the X-Kaltura headers */
  file?: boolean;
  run(ctx: ActionContext): ApiValue | RawResult | Promise<ApiValue | RawResult>;
}

/** lower-cased action name → definition */
export type ServiceDef = Record<string, ActionDef>;

/** A service's initService: runs after the KS check, before the action (partner feature gates). */
export type ServiceGate = (ctx: ActionContext, actionName: string) => void;
