// Owns the typed shapes of the api_v3 results the station reads (kaltura.md 4) and their parsers from the
// JSON Kaltura sends (nulls dropped, enums as number or numeric string). A wrong shape is a transport error.
import type { LiveStreamEntry } from './api.js';
import { enumNumber, invalidResponse } from './wire.js';

/** EntryServerNodeStatus (kaltura.md 4.2) */
export const ENTRY_SERVER_NODE_STATUS = {
  ERROR: -1,
  STOPPED: 0,
  PLAYABLE: 1,
  BROADCASTING: 2,
  AUTHENTICATED: 3,
  MARKED_FOR_DELETION: 4,
} as const;

export interface EntryServerNode {
  id: number;
  entryId: string;
  serverNodeId: number;
  partnerId: number;
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

type Obj = Record<string, unknown>;

function asObject(raw: unknown, call: string, what: string): Obj {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalidResponse(call, `expected ${what}`);
  return raw as Obj;
}

function requireString(o: Obj, key: string, call: string, what: string): string {
  const v = o[key];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  throw invalidResponse(call, `${what} has no ${key}`);
}

function requireNumber(o: Obj, key: string, call: string, what: string): number {
  const v = enumNumber(o[key]);
  if (v === null) throw invalidResponse(call, `${what} has no numeric ${key}`);
  return v;
}

const num = (v: unknown): number | null => enumNumber(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function nullableBoolean(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  const n = enumNumber(v);
  if (n === 1) return true;
  if (n === 0) return false;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}

export function parseLiveStreamEntry(raw: unknown, call: string): LiveStreamEntry {
  const o = asObject(raw, call, 'a live stream entry');
  return {
    id: requireString(o, 'id', call, 'the entry'),
    partnerId: requireNumber(o, 'partnerId', call, 'the entry'),
    name: typeof o.name === 'string' ? o.name : '',
    conversionProfileId: num(o.conversionProfileId),
    dvrStatus: num(o.dvrStatus) ?? 0,
    dvrWindow: num(o.dvrWindow),
    recordStatus: num(o.recordStatus) ?? 0,
    recordedEntryId: str(o.recordedEntryId),
    segmentDuration: num(o.segmentDuration),
    explicitLive: nullableBoolean(o.explicitLive),
    recordingStatus: num(o.recordingStatus),
  };
}

export function parseEntryServerNode(raw: unknown, call: string): EntryServerNode {
  const o = asObject(raw, call, 'an entry server node');
  return {
    id: requireNumber(o, 'id', call, 'the entry server node'),
    entryId: requireString(o, 'entryId', call, 'the entry server node'),
    serverNodeId: num(o.serverNodeId) ?? 0,
    partnerId: num(o.partnerId) ?? 0,
    status: requireNumber(o, 'status', call, 'the entry server node'),
    serverType: num(o.serverType) ?? 0,
    createdAt: num(o.createdAt),
    updatedAt: num(o.updatedAt),
  };
}

export function parseListResponse<T>(
  raw: unknown,
  call: string,
  item: (raw: unknown, call: string) => T,
): { objects: T[]; totalCount: number } {
  const o = asObject(raw, call, 'a list response');
  const objects = o.objects === undefined ? [] : o.objects;
  if (!Array.isArray(objects)) throw invalidResponse(call, 'objects is not a list');
  const parsed = objects.map((x) => item(x, call));
  return { objects: parsed, totalCount: num(o.totalCount) ?? parsed.length };
}

export function parseUploadToken(raw: unknown, call: string): UploadToken {
  const o = asObject(raw, call, 'an upload token');
  return {
    id: requireString(o, 'id', call, 'the upload token'),
    status: num(o.status) ?? 0,
    fileName: str(o.fileName),
    fileSize: num(o.fileSize),
    uploadedFileSize: num(o.uploadedFileSize),
  };
}

export function parseSessionInfo(raw: unknown, call: string): SessionInfo {
  const o = asObject(raw, call, 'session info');
  return {
    sessionType: num(o.sessionType) ?? 0,
    partnerId: requireNumber(o, 'partnerId', call, 'the session info'),
    userId: typeof o.userId === 'string' ? o.userId : '',
    expiry: num(o.expiry),
    privileges: typeof o.privileges === 'string' ? o.privileges : '',
  };
}

export function parseBoolean(raw: unknown, call: string): boolean {
  if (typeof raw === 'boolean') return raw;
  if (raw === 1 || raw === '1' || raw === 'true') return true;
  if (raw === 0 || raw === '0' || raw === 'false') return false;
  throw invalidResponse(call, 'expected a boolean');
}

export function parseString(raw: unknown, call: string): string {
  if (typeof raw === 'string' && raw !== '') return raw;
  throw invalidResponse(call, 'expected a string');
}
