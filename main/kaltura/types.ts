// Owns the typed shapes of the api_v3 results the station reads (kaltura.md 4) and their zod schemas for the
// JSON Kaltura sends (nulls dropped, enums as number or numeric string). A wrong shape is an invalid-response
// transport error naming the call and the field. Optional fields of the wrong type read as absent, as Kaltura's
// own clients do.
import { z } from 'zod';
import type { LiveStreamEntry } from '../core/kaltura-api.js';
import { enumNumber, invalidResponse } from './wire.js';

export interface EntryServerNode {
  id: number;
  entryId: string;
  serverNodeId: number;
  partnerId: number;
  /** EntryServerNodeStatus (kaltura.md 4.2): -1 error, 0 stopped, 1 playable, 2 broadcasting, 3 authenticated, 4 marked for deletion */
  status: number;
  /** EntryServerNodeType: 0 LIVE_PRIMARY, 1 LIVE_BACKUP */
  serverType: number;
  createdAt: number | null;
  updatedAt: number | null;
}

export interface UploadToken {
  id: string;
  /** UploadTokenStatus: 0 pending, 1 partial, 2 full, 3 closed, 4 timed out, 5 deleted */
  status: number;
  fileName: string | null;
  fileSize: number | null;
  uploadedFileSize: number | null;
}

export interface SessionInfo {
  sessionType: number;
  partnerId: number;
  userId: string;
  /** absolute unix seconds */
  expiry: number | null;
  privileges: string;
}

/** Recording resources (kaltura.md 4: appendRecording / setRecordedContent) */
export type RecordingResource =
  | { objectType: 'KalturaServerFileResource'; localFilePath: string; keepOriginalFile?: boolean }
  | { objectType: 'KalturaUploadedFileTokenResource'; token: string };

/** A field that may be absent: read with `read`, never refused. */
const lenient = <T>(read: (v: unknown) => T) => z.unknown().optional().transform(read);
const optNumber = lenient(enumNumber);
const optText = lenient((v) => (typeof v === 'string' && v !== '' ? v : null));
const text = lenient((v) => (typeof v === 'string' ? v : ''));

/** NullableBoolean: a boolean, 1/0, '1'/'0' or 'true'/'false'; anything else is null. */
const nullableBoolean = lenient((v): boolean | null => {
  if (typeof v === 'boolean') return v;
  const n = enumNumber(v);
  if (n === 1) return true;
  if (n === 0) return false;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
});

/** A required number (enum as number or numeric string); the error names the field. */
const requiredNumber = (what: string, key: string) =>
  lenient((v) => v).transform((v, ctx) => {
    const n = enumNumber(v);
    if (n !== null) return n;
    ctx.addIssue({ code: 'custom', message: `${what} has no numeric ${key}` });
    return z.NEVER;
  });

/** A required id: a non-empty string, or a number read as its text; the error names the field. */
const requiredId = (what: string, key: string) =>
  lenient((v) => v).transform((v, ctx) => {
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
    ctx.addIssue({ code: 'custom', message: `${what} has no ${key}` });
    return z.NEVER;
  });

/** An api_v3 object (never an array or a scalar). */
const apiObject = <S extends z.ZodRawShape>(what: string, shape: S) =>
  z.object(shape, { error: () => `expected ${what}` });

const liveStreamEntrySchema = apiObject('a live stream entry', {
  id: requiredId('the entry', 'id'),
  partnerId: requiredNumber('the entry', 'partnerId'),
  name: text,
  conversionProfileId: optNumber,
  dvrStatus: optNumber.transform((v) => v ?? 0),
  dvrWindow: optNumber,
  recordStatus: optNumber.transform((v) => v ?? 0),
  recordedEntryId: optText,
  segmentDuration: optNumber,
  explicitLive: nullableBoolean,
  recordingStatus: optNumber,
}) satisfies z.ZodType<LiveStreamEntry>;

const entryServerNodeSchema = apiObject('an entry server node', {
  id: requiredNumber('the entry server node', 'id'),
  entryId: requiredId('the entry server node', 'entryId'),
  serverNodeId: optNumber.transform((v) => v ?? 0),
  partnerId: optNumber.transform((v) => v ?? 0),
  status: requiredNumber('the entry server node', 'status'),
  serverType: optNumber.transform((v) => v ?? 0),
  createdAt: optNumber,
  updatedAt: optNumber,
}) satisfies z.ZodType<EntryServerNode>;

const uploadTokenSchema = apiObject('an upload token', {
  id: requiredId('the upload token', 'id'),
  status: optNumber.transform((v) => v ?? 0),
  fileName: optText,
  fileSize: optNumber,
  uploadedFileSize: optNumber,
}) satisfies z.ZodType<UploadToken>;

const sessionInfoSchema = apiObject('session info', {
  sessionType: optNumber.transform((v) => v ?? 0),
  partnerId: requiredNumber('the session info', 'partnerId'),
  userId: text,
  expiry: optNumber,
  privileges: text,
}) satisfies z.ZodType<SessionInfo>;

const listResponseSchema = apiObject('a list response', {
  objects: z
    .array(z.unknown(), { error: () => 'objects is not a list' })
    .optional()
    .transform((v) => v ?? []),
  totalCount: optNumber,
});

const booleanSchema = z
  .union(
    [z.boolean(), z.literal(1), z.literal('1'), z.literal('true'), z.literal(0), z.literal('0'), z.literal('false')],
    {
      error: () => 'expected a boolean',
    },
  )
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');

const stringSchema = z.string({ error: () => 'expected a string' }).min(1, { error: () => 'expected a string' });

/** Parses with the schema; the first problem becomes the invalid-response error of the call. */
function parseWith<T>(schema: z.ZodType<T>, raw: unknown, call: string): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw invalidResponse(call, result.error.issues[0]?.message ?? 'an unreadable answer');
}

export function parseLiveStreamEntry(raw: unknown, call: string): LiveStreamEntry {
  return parseWith(liveStreamEntrySchema, raw, call);
}

export function parseEntryServerNode(raw: unknown, call: string): EntryServerNode {
  return parseWith(entryServerNodeSchema, raw, call);
}

export function parseListResponse<T>(
  raw: unknown,
  call: string,
  item: (raw: unknown, call: string) => T,
): { objects: T[]; totalCount: number } {
  const list = parseWith(listResponseSchema, raw, call);
  const objects = list.objects.map((x) => item(x, call));
  return { objects, totalCount: list.totalCount ?? objects.length };
}

export function parseUploadToken(raw: unknown, call: string): UploadToken {
  return parseWith(uploadTokenSchema, raw, call);
}

export function parseSessionInfo(raw: unknown, call: string): SessionInfo {
  return parseWith(sessionInfoSchema, raw, call);
}

export function parseBoolean(raw: unknown, call: string): boolean {
  return parseWith(booleanSchema, raw, call);
}

export function parseString(raw: unknown, call: string): string {
  return parseWith(stringSchema, raw, call);
}

/** Impersonated partner for the call, or null for the KS's own partner. */
export type Impersonate = number | null;
