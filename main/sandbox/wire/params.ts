// Owns the api_v3 parameter bag: one nested object from path pairs, query and body (URL wins),
// Kaltura's flattened keys (a:b:c, name:-, prop__null), and typed reads that fail with Kaltura's errors.
import { SandboxApiError } from '../errors.js';

/** A file part of a multipart request (uploadToken.upload's fileData). */
export class UploadedFile {
  constructor(
    readonly fileName: string,
    readonly data: Buffer,
  ) {}
}

export type ParamValue = string | number | boolean | null | UploadedFile | ParamValue[] | ParamBag;
export interface ParamBag {
  [key: string]: ParamValue;
}

export function isBag(value: unknown): value is ParamBag {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof UploadedFile);
}

/** Turns flat Kaltura keys into a nested bag: `filter:entryIdEqual`, `1:service`, `tags:-` (empty array), `x__null`. */
export function unflatten(flat: Iterable<[string, string | UploadedFile]>): ParamBag {
  const root: ParamBag = {};
  for (const [rawKey, rawValue] of flat) {
    let key = rawKey;
    let value: ParamValue = rawValue;
    if (key.endsWith('__null')) {
      key = key.slice(0, -'__null'.length);
      value = null;
    }
    const parts = key.split(':');
    if (parts.length > 1 && parts[parts.length - 1] === '-') {
      parts.pop();
      value = [];
    }
    if (parts.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) continue;
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i] as string;
      const next = node[part];
      if (isBag(next)) node = next;
      else {
        const created: ParamBag = {};
        node[part] = created;
        node = created;
      }
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return root;
}

/** Deep merge where `winner` overrides `base` (URL parameters override body parameters). */
export function mergeBags(base: ParamBag, winner: ParamBag): ParamBag {
  const out: ParamBag = { ...base };
  for (const [key, value] of Object.entries(winner)) {
    const existing = out[key];
    out[key] = isBag(existing) && isBag(value) ? mergeBags(existing, value) : value;
  }
  return out;
}

export interface RouteParts {
  service: string | null;
  action: string | null;
  /** path pairs after service/action: /k1/v1/k2/v2 */
  pairs: [string, string][];
}

/** Parses /api_v3/service/S/action/A[/k/v...] and /api_v3/index.php[/service/S/action/A/k/v...]; null when not api_v3. */
export function parseApiPath(pathname: string): RouteParts | null {
  const segments = pathname.split('/').filter((s) => s.length > 0);
  if (segments[0] !== 'api_v3') return null;
  let rest = segments.slice(1);
  if (rest[0] === 'index.php') rest = rest.slice(1);
  const decoded = rest.map((s) => safeDecode(s));
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < decoded.length; i += 2) pairs.push([decoded[i] as string, decoded[i + 1] as string]);
  // a lone trailing segment after "service" (".../service/multirequest") still names the service
  if (decoded.length % 2 === 1 && decoded[decoded.length - 2] === 'service') {
    pairs.push(['service', decoded[decoded.length - 1] as string]);
  }
  let service: string | null = null;
  let action: string | null = null;
  const rest2: [string, string][] = [];
  for (const [k, v] of pairs) {
    if (k === 'service' && service === null) service = v;
    else if (k === 'action' && action === null) action = v;
    else rest2.push([k, v]);
  }
  return { service, action, pairs: rest2 };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---- typed reads ----

export function getRaw(bag: ParamBag, name: string): ParamValue | undefined {
  return Object.prototype.hasOwnProperty.call(bag, name) ? bag[name] : undefined;
}

export function optString(bag: ParamBag, name: string): string | null {
  const v = getRaw(bag, name);
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new SandboxApiError('INVALID_PARAMETER_VALUE', [name, '[object]']);
}

/** A comma-separated filter value (`idIn`, `statusIn`, ...) as its trimmed, non-empty items; null when absent. */
export function optList(bag: ParamBag, name: string): string[] | null {
  const value = optString(bag, name);
  return value === null
    ? null
    : value
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0);
}

export function reqString(bag: ParamBag, name: string): string {
  const v = optString(bag, name);
  if (v === null || v === '') throw new SandboxApiError('MISSING_MANDATORY_PARAMETER', [name]);
  return v;
}

export function optNumber(bag: ParamBag, name: string): number | null {
  const v = getRaw(bag, name);
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n))
    throw new SandboxApiError('INVALID_PARAMETER_VALUE', [name, typeof v === 'string' ? v : '[object]']);
  return n;
}

export function optInt(bag: ParamBag, name: string): number | null {
  const n = optNumber(bag, name);
  if (n !== null && !Number.isInteger(n)) throw new SandboxApiError('INVALID_PARAMETER_VALUE', [name, String(n)]);
  return n;
}

export function reqInt(bag: ParamBag, name: string): number {
  const n = optInt(bag, name);
  if (n === null) throw new SandboxApiError('MISSING_MANDATORY_PARAMETER', [name]);
  return n;
}

/** An integer enum; `true`/`false` are accepted as 1/0 like Kaltura's caster. */
export function optEnum(bag: ParamBag, name: string, allowed: readonly number[], enumType: string): number | null {
  const v = getRaw(bag, name);
  if (v === undefined || v === null || v === '') return null;
  let n: number;
  if (typeof v === 'boolean') n = v ? 1 : 0;
  else if (typeof v === 'string' && /^(true|false)$/i.test(v)) n = v.toLowerCase() === 'true' ? 1 : 0;
  else if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) n = Number(v);
  else n = NaN;
  if (!allowed.includes(n))
    throw new SandboxApiError('INVALID_ENUM_VALUE', [typeof v === 'string' ? v : String(v), name, enumType]);
  return n;
}

export function optBool(bag: ParamBag, name: string): boolean | null {
  const v = getRaw(bag, name);
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return !(v === '' || v === '0' || v.toLowerCase() === 'false');
  throw new SandboxApiError('INVALID_PARAMETER_VALUE', [name, '[object]']);
}

export function optBag(bag: ParamBag, name: string): ParamBag | null {
  const v = getRaw(bag, name);
  if (v === undefined || v === null || v === '') return null;
  if (isBag(v)) return v;
  throw new SandboxApiError('INVALID_PARAMETER_VALUE', [name, typeof v === 'string' ? v : '[value]']);
}

export function reqBag(bag: ParamBag, name: string): ParamBag {
  const v = optBag(bag, name);
  if (v === null) throw new SandboxApiError('MISSING_MANDATORY_PARAMETER', [name]);
  return v;
}
