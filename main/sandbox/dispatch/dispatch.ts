// Owns api_v3 dispatch: service/action lookup (case-insensitive), KS + impersonation per call, and
// multirequest (nested or flattened, top-level ks/clientTag/partnerId inherited, {N:result:path} references).
import type { Logger } from '../../log/logger.js';
import { SandboxApiError, toApiError } from '../errors.js';
import type { SandboxLogins } from '../model/logins.js';
import type { SandboxStore } from '../model/store.js';
import { beaconService, conversionProfileService, entryServerNodeService, wowzaLiveConversionProfileService } from '../services/misc.js';
import { flavorAssetService } from '../services/flavor-asset.js';
import { liveStreamMediaService } from '../services/live-stream-media.js';
import { liveStreamRecordingService } from '../services/live-stream-recording.js';
import { liveStreamService } from '../services/live-stream.js';
import { partnerService, permissionService } from '../services/partner.js';
import { sessionService } from '../services/session.js';
import { uploadTokenService } from '../services/upload-token.js';
import { userService } from '../services/user.js';
import { isBag, optString, type ParamBag, type ParamValue } from '../wire/params.js';
import type { ApiValue } from '../wire/serialize.js';
import { resolveSession, type KsAgeTable } from './auth.js';
import { RawResult, type ServiceDef, type ServiceGate } from './types.js';
import { liveStreamGate, serverNodeGate, serverNodeService } from '../services/server-node.js';

export const SERVICES: Readonly<Record<string, ServiceDef>> = {
  session: sessionService,
  livestream: { ...liveStreamService, ...liveStreamMediaService, ...liveStreamRecordingService },
  uploadtoken: uploadTokenService,
  beacon: beaconService,
  // the generated clients call plugin services as {plugin}_{service}
  beacon_beacon: beaconService,
  entryservernode: entryServerNodeService,
  conversionprofile: conversionProfileService,
  wowza_liveconversionprofile: wowzaLiveConversionProfileService,
  user: userService,
  partner: partnerService,
  permission: permissionService,
  servernode: serverNodeService,
  flavorasset: flavorAssetService,
};

/** Each service's initService checks (partner features), by lower-cased service name. */
const SERVICE_GATES: Readonly<Record<string, ServiceGate>> = {
  livestream: liveStreamGate,
  servernode: serverNodeGate,
};

export interface DispatchDeps {
  store: SandboxStore;
  logins: SandboxLogins;
  logger: Logger;
  now(): number;
  rtmpBaseUrl: string;
  ksAges: KsAgeTable;
  ksLifetimeSeconds(): number | null;
}

export type CallOutcome =
  | { ok: true; value: ApiValue | RawResult }
  | { ok: false; error: SandboxApiError; /** failed before the action ran: answer also carries X-Kaltura headers */ preDispatch: boolean; file: boolean };

export async function runCall(deps: DispatchDeps, serviceName: string, actionName: string, params: ParamBag): Promise<CallOutcome> {
  const service = SERVICES[serviceName.toLowerCase()];
  if (!service || !Object.prototype.hasOwnProperty.call(SERVICES, serviceName.toLowerCase())) {
    return { ok: false, error: new SandboxApiError('SERVICE_DOES_NOT_EXISTS', [serviceName]), preDispatch: true, file: false };
  }
  const action = Object.prototype.hasOwnProperty.call(service, actionName.toLowerCase()) ? service[actionName.toLowerCase()] : undefined;
  if (!action) {
    return { ok: false, error: new SandboxApiError('ACTION_DOES_NOT_EXISTS', [actionName, serviceName]), preDispatch: true, file: false };
  }
  const callName = `${serviceName.toLowerCase()}->${actionName.toLowerCase()}`;
  const nowMs = deps.now();
  let session;
  try {
    session = resolveSession(params, action.access, { store: deps.store, nowMs, ksAges: deps.ksAges, ksLifetimeSeconds: deps.ksLifetimeSeconds(), callName });
  } catch (e) {
    return { ok: false, error: toApiError(e), preDispatch: true, file: action.file ?? false };
  }
  try {
    const ctx = {
      callName,
      store: deps.store,
      logins: deps.logins,
      params,
      session,
      logger: deps.logger,
      now: deps.now,
      rtmpBaseUrl: deps.rtmpBaseUrl,
      // a KS's age (for the ksLifetimeSeconds fault) counts from its issue time
      onKsIssued: (ks: string) => void deps.ksAges.firstSeen(ks, deps.now()),
    };
    SERVICE_GATES[serviceName.toLowerCase()]?.(ctx, actionName.toLowerCase());
    const value = await action.run(ctx);
    return { ok: true, value };
  } catch (e) {
    if (!(e instanceof SandboxApiError)) deps.logger.error(`sandbox ${callName} failed: ${(e as Error).message}`);
    return { ok: false, error: toApiError(e), preDispatch: false, file: action.file ?? false };
  }
}

const INHERITED = ['ks', 'clientTag', 'partnerId', 'p'];

/** Runs sub-requests in ascending key order; stops at the first key lacking service or action. */
export async function runMultiRequest(deps: DispatchDeps, params: ParamBag): Promise<(ApiValue | SandboxApiError)[]> {
  const keys = Object.keys(params)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b));
  const results: (ApiValue | SandboxApiError)[] = [];
  for (const key of keys) {
    const raw = params[key];
    if (!isBag(raw)) break;
    const service = optString(raw, 'service');
    const action = optString(raw, 'action');
    if (!service || !action) break;
    const sub: ParamBag = { ...raw };
    for (const name of INHERITED) if (sub[name] === undefined && params[name] !== undefined) sub[name] = params[name] as ParamValue;
    const resolved = substituteReferences(sub, results) as ParamBag;
    const outcome = await runCall(deps, service, action, resolved);
    if (!outcome.ok) results.push(outcome.error);
    else if (outcome.value instanceof RawResult) results.push(outcome.value.body);
    else results.push(outcome.value);
  }
  return results;
}

const REFERENCE = /\{(\d+):result(?::([^}]*))?\}/g;

function lookup(results: readonly (ApiValue | SandboxApiError)[], ordinal: number, path: string | undefined): ApiValue | undefined {
  let value: unknown = results[ordinal - 1];
  if (value === undefined || value instanceof SandboxApiError) return undefined;
  for (const part of path ? path.split(':') : []) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value as ApiValue | undefined;
}

/** Replaces {N:result[:path]} in string parameters with the N-th executed request's result (1-based). */
export function substituteReferences(value: ParamValue, results: readonly (ApiValue | SandboxApiError)[]): ParamValue {
  if (typeof value === 'string') {
    const whole = /^\{(\d+):result(?::([^}]*))?\}$/.exec(value);
    if (whole) {
      const found = lookup(results, Number(whole[1]), whole[2]);
      if (found === undefined || (found !== null && typeof found === 'object')) return value;
      return found;
    }
    return value.replace(REFERENCE, (m, n: string, p: string | undefined) => {
      const found = lookup(results, Number(n), p);
      return found === undefined || found === null || typeof found === 'object' ? m : String(found);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substituteReferences(v, results));
  if (isBag(value)) {
    const out: ParamBag = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteReferences(v, results);
    return out;
  }
  return value;
}
