// Owns how a server node crosses the wire: reading a KalturaServerNode subclass from the parameters
// (objectType picks the class, per-class fields, KeyValue arrays in JSON or flattened form) and writing
// it back (KalturaWowzaMediaServerNode etc., child fields first, objectType last, status as Kaltura reads it).
import { SandboxApiError } from '../errors.js';
import { isBag, optInt, optString, getRaw, type ParamBag, type ParamValue } from '../wire/params.js';
import type { ApiObject, ApiValue } from '../wire/serialize.js';
import {
  ABSTRACT_SERVER_NODE_TYPES,
  SERVER_NODE_TYPES,
  statusAsRead,
  type NewServerNode,
  type ServerNodePatch,
} from './server-nodes.js';
import type { ServerNodeRecord } from './types.js';

type FieldKind = 'string' | 'int' | 'keyValues';

/** The subclass fields, per class, in the order Kaltura writes them (the most derived class first). */
const CLASS_FIELDS: Readonly<Record<string, readonly [string, FieldKind][]>> = {
  KalturaWowzaMediaServerNode: [
    ['appPrefix', 'string'],
    ['transcoder', 'string'],
    ['GPUID', 'string'],
    ['liveServicePort', 'int'],
    ['liveServiceProtocol', 'string'],
    ['liveServiceInternalDomain', 'string'],
    ['applicationName', 'string'],
    ['mediaServerPortConfig', 'keyValues'],
    ['mediaServerPlaybackDomainConfig', 'keyValues'],
    ['deliveryProfileIds', 'keyValues'],
    ['config', 'string'],
  ],
  KalturaLiveClusterMediaServerNode: [
    ['applicationName', 'string'],
    ['mediaServerPortConfig', 'keyValues'],
    ['mediaServerPlaybackDomainConfig', 'keyValues'],
    ['deliveryProfileIds', 'keyValues'],
    ['config', 'string'],
  ],
  KalturaEdgeServerNode: [
    ['playbackDomain', 'string'],
    ['deliveryProfileIds', 'keyValues'],
    ['config', 'string'],
  ],
};

/** Defaults a new node of the class gets (MediaServerNode: applicationName kLive; Wowza: liveServicePort 888, http). */
const CLASS_DEFAULTS: Readonly<Record<string, Record<string, unknown>>> = {
  KalturaWowzaMediaServerNode: { applicationName: 'kLive', liveServicePort: 888, liveServiceProtocol: 'http' },
  KalturaLiveClusterMediaServerNode: { applicationName: 'kLive' },
  KalturaEdgeServerNode: {},
};

const BASE_STRINGS = ['name', 'hostName', 'systemName', 'description', 'tags', 'parentId', 'environment'] as const;

/** KalturaKeyValueArray: a JSON array, or a flattened `name:0:key` bag; empty array from `name:-`. */
function readKeyValues(raw: ParamValue, name: string): { key: string; value: string }[] {
  const items: ParamValue[] = Array.isArray(raw)
    ? raw
    : isBag(raw)
      ? Object.keys(raw)
          .filter((k) => /^\d+$/.test(k))
          .sort((a, b) => Number(a) - Number(b))
          .map((k) => raw[k] as ParamValue)
      : (() => {
          throw new SandboxApiError('INVALID_PARAMETER_VALUE', [name, typeof raw === 'string' ? raw : '[value]']);
        })();
  return items.map((item) => {
    if (!isBag(item)) throw new SandboxApiError('INVALID_PARAMETER_VALUE', [name, '[item]']);
    return { key: optString(item, 'key') ?? '', value: optString(item, 'value') ?? '' };
  });
}

function objectTypeOf(bag: ParamBag): string {
  const objectType = optString(bag, 'objectType') ?? 'KalturaServerNode';
  if (ABSTRACT_SERVER_NODE_TYPES.includes(objectType)) throw new SandboxApiError('OBJECT_TYPE_ABSTRACT', [objectType]);
  if (!SERVER_NODE_TYPES[objectType]) throw new SandboxApiError('INVALID_OBJECT_TYPE', [objectType]);
  return objectType;
}

function readFields(bag: ParamBag, objectType: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, kind] of CLASS_FIELDS[objectType] ?? []) {
    const raw = getRaw(bag, name);
    if (raw === undefined) continue;
    if (raw === null) fields[name] = null;
    else if (kind === 'int') fields[name] = optInt(bag, name);
    else if (kind === 'keyValues') fields[name] = readKeyValues(raw, name);
    else fields[name] = optString(bag, name);
  }
  return fields;
}

function readBase(bag: ParamBag): Partial<Record<(typeof BASE_STRINGS)[number], string | null>> {
  const out: Partial<Record<(typeof BASE_STRINGS)[number], string | null>> = {};
  for (const name of BASE_STRINGS) {
    const raw = getRaw(bag, name);
    if (raw !== undefined) out[name] = raw === null ? null : optString(bag, name);
  }
  return out;
}

/** serverNode.add / reportStatus's object: validated like KalturaServerNode::validateForInsert. */
export function readNewServerNode(bag: ParamBag, partnerId: number): NewServerNode {
  const objectType = objectTypeOf(bag);
  const base = readBase(bag);
  for (const name of ['name', 'hostName'] as const) {
    const value = base[name];
    if (value === undefined || value === null) throw new SandboxApiError('PROPERTY_VALIDATION_CANNOT_BE_NULL', [name]);
    if (value.length < 1) throw new SandboxApiError('PROPERTY_VALIDATION_MIN_LENGTH', [name, 1]);
  }
  return {
    partnerId,
    type: (SERVER_NODE_TYPES[objectType] as { type: string }).type,
    objectType,
    name: base.name as string,
    hostName: base.hostName as string,
    systemName: base.systemName ?? null,
    description: base.description ?? null,
    tags: base.tags ?? null,
    parentId: base.parentId ?? null,
    environment: base.environment ?? null,
    fields: { ...CLASS_DEFAULTS[objectType], ...readFields(bag, objectType) },
  };
}

/** serverNode.update's object: only the properties sent change; name and hostName cannot become empty. */
export function readServerNodePatch(bag: ParamBag, node: ServerNodeRecord): ServerNodePatch {
  if (optString(bag, 'objectType') !== null) objectTypeOf(bag);
  const base = readBase(bag);
  for (const name of ['name', 'hostName'] as const) {
    if (base[name] === null) throw new SandboxApiError('PROPERTY_VALIDATION_CANNOT_BE_NULL', [name]);
    if (base[name] !== undefined && (base[name] as string).length < 1)
      throw new SandboxApiError('PROPERTY_VALIDATION_MIN_LENGTH', [name, 1]);
  }
  const patch: ServerNodePatch = { fields: readFields(bag, node.objectType) };
  for (const name of BASE_STRINGS) {
    const value = base[name];
    if (value === undefined) continue;
    if (name === 'name' || name === 'hostName') patch[name] = value as string;
    else patch[name] = value;
  }
  return patch;
}

function keyValuesToApi(value: unknown): ApiValue {
  if (!Array.isArray(value)) return null;
  return value.map((kv: { key: string; value: string }) => ({
    key: kv.key,
    value: kv.value,
    objectType: 'KalturaKeyValue',
  }));
}

export function serverNodeToApi(node: ServerNodeRecord, nowSeconds: number): ApiObject {
  const out: ApiObject = {};
  for (const [name, kind] of CLASS_FIELDS[node.objectType] ?? []) {
    const value = node.fields[name];
    out[name] =
      value === undefined || value === null ? null : kind === 'keyValues' ? keyValuesToApi(value) : (value as ApiValue);
  }
  return {
    ...out,
    id: node.id,
    partnerId: node.partnerId,
    createdAt: node.createdAtSeconds,
    updatedAt: node.updatedAtSeconds,
    heartbeatTime: node.heartbeatTime,
    name: node.name,
    systemName: node.systemName,
    description: node.description,
    hostName: node.hostName,
    status: statusAsRead(node, nowSeconds),
    type: node.type,
    tags: node.tags,
    // ServerNode::preInsert sets dc only for Kaltura's own (partner -5) nodes
    dc: node.partnerId === -5 ? 0 : null,
    parentId: node.parentId,
    environment: node.environment,
    objectType: node.objectType,
  };
}
