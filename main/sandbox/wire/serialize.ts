// Owns api_v3 response rendering: format 1 (JSON: bare result, nulls dropped, objectType last, "\/" and
// \uXXXX escapes) and format 2 (XML: <xml><result>, objectType first, bools 1/0, arrays as <item>), errors included.
import { SandboxApiError } from '../errors.js';

export type ApiValue = string | number | boolean | null | undefined | ApiValue[] | ApiObject;
export interface ApiObject {
  [key: string]: ApiValue;
}

export const FORMAT_JSON = 1;
export const FORMAT_XML = 2;

// ---- JSON ----

function orderForJson(value: ApiValue): unknown {
  if (Array.isArray(value)) return value.map(orderForJson);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'objectType' || v === null || v === undefined) continue;
      out[k] = orderForJson(v);
    }
    if (typeof value.objectType === 'string') out.objectType = value.objectType;
    return out;
  }
  return value;
}

/** PHP json_encode style: escaped slashes and non-ASCII as \uXXXX. */
export function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

export function errorJson(error: SandboxApiError): Record<string, unknown> {
  return {
    code: error.code,
    message: error.message,
    objectType: 'KalturaAPIException',
    args: Object.keys(error.args).length > 0 ? error.args : [],
  };
}

export function renderJson(result: ApiValue | SandboxApiError): string {
  if (result instanceof SandboxApiError) return phpJson(errorJson(result));
  return phpJson(orderForJson(result) ?? null);
}

export function renderJsonMulti(results: readonly (ApiValue | SandboxApiError)[]): string {
  return phpJson(results.map((r) => (r instanceof SandboxApiError ? errorJson(r) : (orderForJson(r) ?? null))));
}

// ---- XML ----

export function xmlEscape(text: string): string {
  return text.replace(
    /[&"<>']/g,
    (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;', "'": '&apos;' })[c] as string,
  );
}

function xmlValue(value: ApiValue, ignoreNull: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number' || typeof value === 'string') return xmlEscape(String(value));
  if (Array.isArray(value)) return value.map((v) => `<item>${xmlValue(v, ignoreNull)}</item>`).join('');
  const keys = Object.keys(value).filter((k) => k !== 'objectType');
  let out = typeof value.objectType === 'string' ? `<objectType>${xmlEscape(value.objectType)}</objectType>` : '';
  for (const k of keys) {
    const v = value[k];
    if (v === undefined || (v === null && ignoreNull)) continue;
    out += `<${k}>${xmlValue(v, ignoreNull)}</${k}>`;
  }
  return out;
}

export function errorXml(error: SandboxApiError): string {
  const args = Object.entries(error.args)
    .map(
      ([name, value]) =>
        `<item><objectType>KalturaApiExceptionArg</objectType><name>${xmlEscape(name)}</name><value>${xmlEscape(value)}</value></item>`,
    )
    .join('');
  return `<error><code>${xmlEscape(error.code)}</code><message>${xmlEscape(error.message)}</message><objectType>KalturaAPIException</objectType><args>${args}</args></error>`;
}

function xmlEnvelope(inner: string, executionSeconds: number): string {
  return `<?xml version="1.0" encoding="utf-8"?><xml><result>${inner}</result><executionTime>${executionSeconds.toFixed(3)}</executionTime></xml>`;
}

export function renderXml(result: ApiValue | SandboxApiError, executionSeconds: number, ignoreNull: boolean): string {
  const inner = result instanceof SandboxApiError ? errorXml(result) : xmlValue(result, ignoreNull);
  return xmlEnvelope(inner, executionSeconds);
}

export function renderXmlMulti(
  results: readonly (ApiValue | SandboxApiError)[],
  executionSeconds: number,
  ignoreNull: boolean,
): string {
  const inner = results
    .map((r) => `<item>${r instanceof SandboxApiError ? errorXml(r) : xmlValue(r, ignoreNull)}</item>`)
    .join('');
  return xmlEnvelope(inner, executionSeconds);
}
