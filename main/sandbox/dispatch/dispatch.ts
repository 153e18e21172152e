// Owns api_v3 dispatch: service/action lookup (case-insensitive), KS + impersonation per call, and
// multirequest (nested or flattened, top-level ks/clientTag/partnerId inherited, {N:result:path} references).
import type { Logger } from '../../log/logger.js';
import { SandboxApiError, toApiError } from '../errors.js';
import type { SandboxLogins } from '../model/logins.js';
import type { SandboxStore } from '../model/store.js';
import {
  beaconService,
  conversionProfileService,
  entryServerNodeService,
  wowzaLiveConversionProfileService,
} from '../services/misc.js';
import { flavorAssetService } from '../services/flavor-asset.js';
import { liveStreamMediaService } from '../services/live-stream-media.js';
import { liveStreamRecordingService } from '../services/live-stream-recording.js';
import { liveStreamService } from '../services/live-stream.js';
import { baseEntryService, liveStreamDetailsService, metadataService } from '../services/playback.js';
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
  livestream: {
    ...liveStreamService,
    ...liveStreamMediaService,
    ...liveStreamRecordingService,
    ...liveStreamDetailsService,
  },
  baseentry: baseEntryService,
  // the Kaltura Player calls the metadata plugin's service by its full name
  metadata_metadata: metadataService,
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
  | {
      ok: false;
      error: SandboxApiError;
      /** failed before the action ran: answer also carries X-Kaltura headers */ preDispatch: boolean;
      file: boolean;
    };

/** What the dispatcher needs to know of the HTTP request itself. */
export interface RequestInfo {
  /** scheme://host[:port] as the caller reached the sandbox */
  origin: string;
}

export async function runCall(
  deps: DispatchDeps,
  serviceName: string,
  actionName: string,
  params: ParamBag,
  request: RequestInfo,
): Promise<CallOutcome> {
  const service = SERVICES[serviceName.toLowerCase()];
  if (!service || !Object.prototype.hasOwnProperty.call(SERVICES, serviceName.toLowerCase())) {
    return {
      ok: false,
      error: new SandboxApiError('SERVICE_DOES_NOT_EXISTS', [serviceName]),
      preDispatch: true,
      file: false,
    };
  }
  const action = Object.prototype.hasOwnProperty.call(service, actionName.toLowerCase())
    ? service[actionName.toLowerCase()]
    : undefined;
  if (!action) {
    return {
      ok: false,
      error: new SandboxApiError('ACTION_DOES_NOT_EXISTS', [actionName, serviceName]),
      preDispatch: true,
      file: false,
    };
  }
  const callName = `${serviceName.toLowerCase()}->${actionName.toLowerCase()}`;
  const nowMs = deps.now();
  let session;
  try {
    session = resolveSession(params, action.access, {
      store: deps.store,
      nowMs,
      ksAges: deps.ksAges,
      ksLifetimeSeconds: deps.ksLifetimeSeconds(),
      callName,
    });
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
      requestOrigin: request.origin,
    };
    SERVICE_GATES[serviceName.toLowerCase()]?.(ctx, actionName.toLowerCase());
    const value = await action.run(ctx);
    return { ok: true, value };
  } catch (e) {
    if (!(e instanceof SandboxApiError)) deps.logger.error(`sandbox ${callName} failed: ${(e as Error).message}`);
    return { ok: false, error: toApiError(e), preDispatch: false, file: action.file ?? false };
  }
}

/** the common parameters Kaltura copies into each sub-request that lacks them (handleMultiRequest) */
const INHERITED = ['clientTag', 'ks', 'partnerId'];

/**
 * Runs sub-requests "N" (nested objects; flat "N:param" keys arrive already nested) from the lowest index
 * (at most 1) upwards without gaps, stopping at the first index lacking service or action, as Kaltura does.
 */
export async function runMultiRequest(
  deps: DispatchDeps,
  params: ParamBag,
  request: RequestInfo,
): Promise<(ApiValue | SandboxApiError)[]> {
  const indices = Object.keys(params)
    .filter((k) => /^\d+$/.test(k))
    .map(Number);
  const results: (ApiValue | SandboxApiError)[] = [];
  if (indices.length === 0) return results;
  const first = Math.min(1, ...indices);
  const last = Math.max(...indices);
  for (let index = first; index <= last; index++) {
    const raw = params[String(index)];
    if (!isBag(raw)) break;
    const service = optString(raw, 'service');
    const action = optString(raw, 'action');
    if (!service || !action) break;
    const sub: ParamBag = { ...raw };
    for (const name of INHERITED)
      if (sub[name] === undefined && params[name] !== undefined) sub[name] = params[name] as ParamValue;
    delete sub.format;
    const resolved = substituteReferences(sub, results) as ParamBag;
    const outcome = await runCall(deps, service, action, resolved, request);
    if (!outcome.ok) results.push(outcome.error);
    else if (outcome.value instanceof RawResult) results.push(outcome.value.body);
    else results.push(outcome.value);
  }
  return results;
}

const REFERENCE = /\{(\d+):result(?::([^}]*))?\}/g;

/** The value at `path` in the N-th executed result; null when that request ran but the path is absent (or it failed). */
function lookup(results: readonly (ApiValue | SandboxApiError)[], ordinal: number, path: string | undefined): ApiValue {
  let value: unknown = results[ordinal - 1];
  if (value instanceof SandboxApiError) return null;
  for (const part of path ? path.split(':') : []) {
    if (value === null || typeof value !== 'object') return null;
    value = Object.prototype.hasOwnProperty.call(value, part) ? (value as Record<string, unknown>)[part] : null;
  }
  return (value ?? null) as ApiValue;
}

/** PHP's str_replace of a value into a string: null and false are "", true is "1". */
function asText(value: ApiValue): string | null {
  if (value === null || value === undefined || value === false) return '';
  if (value === true) return '1';
  if (typeof value === 'object') return null;
  return String(value);
}

/**
 * Replaces {N:result[:path]} anywhere in the parameters, nested objects included, with the N-th executed request's
 * result (1-based), as KalturaFrontController::replaceMultiRequestResults does: a request that ran but has no such
 * value (or failed) gives "", so a list that found nothing makes the next call fail with a clear error; a reference
 * to a request that has not run yet stays as sent. A whole-value reference keeps a number's type.
 */
export function substituteReferences(value: ParamValue, results: readonly (ApiValue | SandboxApiError)[]): ParamValue {
  if (typeof value === 'string') {
    const whole = /^\{(\d+):result(?::([^}]*))?\}$/.exec(value);
    if (whole) {
      const ordinal = Number(whole[1]);
      if (ordinal < 1 || ordinal > results.length) return value;
      const found = lookup(results, ordinal, whole[2]);
      if (typeof found === 'number') return found;
      return asText(found) ?? value;
    }
    return value.replace(REFERENCE, (m, n: string, p: string | undefined) => {
      const ordinal = Number(n);
      if (ordinal < 1 || ordinal > results.length) return m;
      return asText(lookup(results, ordinal, p)) ?? m;
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
