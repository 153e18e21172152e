// Owns the api_v3 wire format (kaltura.md 2): JSON request bags with nulls dropped, decoding of results
// and KalturaAPIException objects, the X-Kaltura error headers of file actions, and enum parsing.
import { KalturaApiError, KalturaTransportError } from '../core/kaltura-errors.js';

export type Params = Record<string, unknown>;

/** Deep copy without null/undefined properties (Kaltura clients never send nulls). */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(dropNulls);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== null && v !== undefined) out[k] = dropNulls(v);
    }
    return out;
  }
  return value;
}

export interface RawApiException {
  code: string;
  message: string;
  objectType: 'KalturaAPIException';
  args?: unknown;
}

export function isApiException(value: unknown): value is RawApiException {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { objectType?: unknown }).objectType === 'KalturaAPIException' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** Kaltura sends args as an object, `[]` when empty, or (XML-ish clients) a list of {name, value}. */
function decodeArgs(args: unknown, scrub: (text: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(args)) {
    for (const item of args) {
      if (item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string') {
        out[(item as { name: string }).name] = scrub(String((item as { value?: unknown }).value ?? ''));
      }
    }
  } else if (args && typeof args === 'object') {
    for (const [k, v] of Object.entries(args)) out[k] = scrub(String(v));
  }
  return out;
}

export function toApiError(raw: RawApiException, call: string, scrub: (text: string) => string): KalturaApiError {
  const message = typeof raw.message === 'string' && raw.message !== '' ? raw.message : raw.code;
  return new KalturaApiError(raw.code, scrub(message), decodeArgs(raw.args, scrub), call);
}

/**
 * The error form of "file" actions such as serve: an empty body plus `X-Kaltura: error-CODE` (the server
 * writes `error- CODE` in some paths) and `X-Kaltura-App: exiting on error CODE - message`.
 */
export function serveErrorFromHeaders(
  headers: Headers,
  call: string,
  scrub: (text: string) => string,
): KalturaApiError | null {
  const marker = headers.get('x-kaltura');
  const match = marker ? /^error-\s*(\S+)/i.exec(marker.trim()) : null;
  if (!match?.[1]) return null;
  const code = match[1];
  const app = headers.get('x-kaltura-app') ?? '';
  const appMatch = /exiting on error\s+\S+\s+-\s+(.*)$/i.exec(app);
  return new KalturaApiError(code, scrub(appMatch?.[1] ?? code), {}, call);
}

/** Kaltura enums arrive as numbers or numeric strings (`sourceType: "32"`). */
export function enumNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return null;
}

export function invalidResponse(call: string, what: string): KalturaTransportError {
  return new KalturaTransportError(
    'invalid-response',
    `Kaltura ${call} returned an unexpected answer: ${what}. Check that the service URL points at a Kaltura api_v3 server`,
    call,
  );
}

/** Parses a format=1 body; an empty body is a void result (null). */
export function parseJsonBody(text: string, call: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    throw invalidResponse(call, 'the body is not JSON');
  }
}
