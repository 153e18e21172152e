// Owns reading an api_v3 request body (size-limited) and turning it into a parameter bag:
// JSON objects, urlencoded forms with flattened keys, and multipart with a `json` field plus file parts.
import type http from 'node:http';
import { SandboxApiError } from '../errors.js';
import { boundaryOf, parseMultipart } from './multipart.js';
import { isBag, mergeBags, unflatten, type ParamBag, type UploadedFile } from './params.js';

export interface BodyLimits {
  /** JSON and form bodies */
  maxBodyBytes: number;
  /** multipart bodies (upload chunks) */
  maxUploadBytes: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { maxBodyBytes: 1024 * 1024, maxUploadBytes: 200 * 1024 * 1024 };

export function isMultipart(contentType: string): boolean {
  return contentType.toLowerCase().startsWith('multipart/form-data');
}

/**
 * Reads the whole body. Past the limit the rest is drained (up to twice the limit, so the client
 * can read the answer) and a REQUEST_BODY_TOO_LARGE error is thrown; beyond that the socket is cut.
 */
export function readBody(req: http.IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        tooLarge = true;
        chunks.length = 0;
        if (size > limitBytes * 2) req.socket.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) reject(new SandboxApiError('REQUEST_BODY_TOO_LARGE', [limitBytes]));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
  });
}

/** Parses a body by its content type. Lenient about `application/json; charset=...` (real Kaltura is not). */
export function parseBody(body: Buffer, contentType: string): ParamBag {
  const type = contentType.toLowerCase();
  if (body.length === 0) return {};
  if (type.startsWith('application/json')) return parseJsonBag(body.toString('utf8'));
  if (isMultipart(type)) {
    const boundary = boundaryOf(contentType);
    if (!boundary) throw new SandboxApiError('INVALID_MULTIPART_BODY', ['no boundary in Content-Type']);
    const parts = parseMultipart(body, boundary);
    const flat: [string, string | UploadedFile][] = [];
    let json: ParamBag = {};
    for (const part of parts) {
      if (part.name === 'json' && typeof part.value === 'string') json = parseJsonBag(part.value);
      else flat.push([part.name, part.value]);
    }
    return mergeJsonFirst(json, unflatten(flat));
  }
  return unflatten(new URLSearchParams(body.toString('utf8')).entries());
}

function mergeJsonFirst(json: ParamBag, fields: ParamBag): ParamBag {
  // file parts of a multirequest are keyed "0:fileData": merge them into the nested request bags
  const out: ParamBag = { ...json };
  for (const [k, v] of Object.entries(fields)) {
    const existing = out[k];
    out[k] = isBag(existing) && isBag(v) ? { ...existing, ...v } : v;
  }
  return out;
}

export function parseJsonBag(text: string): ParamBag {
  const trimmed = text.trim();
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (e) {
    throw new SandboxApiError('INVALID_JSON_BODY', [(e as Error).message.slice(0, 120)]);
  }
  if (!isBag(value)) throw new SandboxApiError('INVALID_JSON_BODY', ['the body must be a JSON object']);
  // Kaltura splits "1:service" and "filter:idEqual" keys whatever the body format: flat keys join the nested ones
  const flat = Object.entries(value).filter(([k, v]) => k.includes(':') && (typeof v !== 'object' || v === null)) as [
    string,
    string,
  ][];
  if (flat.length === 0) return value;
  const nested: ParamBag = {};
  for (const [k, v] of Object.entries(value))
    if (!(k.includes(':') && (typeof v !== 'object' || v === null))) nested[k] = v;
  return mergeBags(nested, unflatten(flat.map(([k, v]) => [k, v === null ? '' : String(v)])));
}
