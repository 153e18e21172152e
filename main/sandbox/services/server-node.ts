// Owns the serverNode service (kaltura-producer.md 1): add, get, list, update, enable, disable, delete,
// reportStatus (auto-add, heartbeat) and markOffline, behind FEATURE_SERVER_NODE; and the liveStream
// service's FEATURE_LIVE_STREAM gate (both are Kaltura's initService checks).
import { SandboxApiError } from '../errors.js';
import type { ActionContext, ServiceDef, ServiceGate } from '../dispatch/types.js';
import { listResponse } from '../model/api-objects.js';
import { readNewServerNode, readServerNodePatch, serverNodeToApi } from '../model/server-node-view.js';
import { SERVER_NODE_TYPES } from '../model/server-nodes.js';
import { MEDIA_SERVER_PARTNER_ID, ServerNodeStatus, type ServerNodeRecord } from '../model/types.js';
import { optBag, optEnum, optInt, optString, reqBag, reqInt, reqString, optList } from '../wire/params.js';

const STATUSES = Object.values(ServerNodeStatus) as number[];

/** ServerNodeService::initService: SERVICE_FORBIDDEN unless the partner has FEATURE_SERVER_NODE. */
export const serverNodeGate: ServiceGate = (ctx) => {
  const partnerId = ctx.session.partnerId;
  if (partnerId === null || !ctx.store.partner(partnerId)?.features.serverNode)
    throw new SandboxApiError('SERVICE_FORBIDDEN', [ctx.callName]);
};

/** LiveStreamService::initService: SERVICE_FORBIDDEN unless the partner has FEATURE_LIVE_STREAM (isLive is exempt). */
export const liveStreamGate: ServiceGate = (ctx, action) => {
  const partnerId = ctx.session.partnerId;
  if (action === 'islive' || partnerId === null || partnerId === MEDIA_SERVER_PARTNER_ID) return;
  if (!ctx.store.partner(partnerId)?.features.liveStream)
    throw new SandboxApiError('SERVICE_FORBIDDEN', [ctx.callName]);
};

const nowSeconds = (ctx: ActionContext): number => Math.floor(ctx.now() / 1000);
const partnerOf = (ctx: ActionContext): number => ctx.session.partnerId as number;

function mustNode(ctx: ActionContext, id: number): ServerNodeRecord {
  const node = ctx.store.serverNodes.byId(id, partnerOf(ctx));
  if (!node) throw new SandboxApiError('SERVER_NODE_NOT_FOUND_WITH_ID', [id]);
  return node;
}

const toApi = (ctx: ActionContext, node: ServerNodeRecord) => serverNodeToApi(node, nowSeconds(ctx));

function setStatus(status: number, onlyFrom: number | null = null): ServiceDef[string] {
  return {
    access: 'admin',
    run(ctx) {
      const node = mustNode(ctx, reqInt(ctx.params, 'serverNodeId'));
      if (onlyFrom === null || node.status === onlyFrom) ctx.store.serverNodes.setStatus(node, status);
      return toApi(ctx, node);
    },
  };
}

/** The filter classes and the node type each implies (KalturaWowzaMediaServerNodeFilter lists Wowza nodes only). */
const FILTER_TYPES: Readonly<Record<string, string | null>> = {
  KalturaServerNodeFilter: null,
  KalturaDeliveryServerNodeFilter: null,
  KalturaMediaServerNodeFilter: null,
  KalturaWowzaMediaServerNodeFilter: (SERVER_NODE_TYPES.KalturaWowzaMediaServerNode as { type: string }).type,
  KalturaLiveClusterMediaServerNodeFilter: (SERVER_NODE_TYPES.KalturaLiveClusterMediaServerNode as { type: string })
    .type,
  KalturaEdgeServerNodeFilter: (SERVER_NODE_TYPES.KalturaEdgeServerNode as { type: string }).type,
};

const like = (value: string | null, pattern: string | null): boolean =>
  pattern === null || (value ?? '').toLowerCase().includes(pattern.toLowerCase());

export const serverNodeService: ServiceDef = {
  add: {
    access: 'admin',
    run(ctx) {
      return toApi(ctx, ctx.store.serverNodes.add(readNewServerNode(reqBag(ctx.params, 'serverNode'), partnerOf(ctx))));
    },
  },
  get: {
    access: 'any',
    run: (ctx) => toApi(ctx, mustNode(ctx, reqInt(ctx.params, 'serverNodeId'))),
  },
  update: {
    access: 'admin',
    run(ctx) {
      const node = mustNode(ctx, reqInt(ctx.params, 'serverNodeId'));
      return toApi(
        ctx,
        ctx.store.serverNodes.update(node, readServerNodePatch(reqBag(ctx.params, 'serverNode'), node)),
      );
    },
  },
  enable: setStatus(ServerNodeStatus.ACTIVE),
  disable: setStatus(ServerNodeStatus.DISABLED),
  markoffline: setStatus(ServerNodeStatus.NOT_REGISTERED, ServerNodeStatus.ACTIVE),
  delete: {
    access: 'admin',
    run(ctx) {
      ctx.store.serverNodes.setStatus(mustNode(ctx, reqInt(ctx.params, 'serverNodeId')), ServerNodeStatus.DELETED);
      return null;
    },
  },
  reportstatus: {
    access: 'admin',
    run(ctx) {
      const hostName = reqString(ctx.params, 'hostName');
      const bag = optBag(ctx.params, 'serverNode');
      const status =
        optEnum(ctx.params, 'serverNodeStatus', STATUSES, 'KalturaServerNodeStatus') ?? ServerNodeStatus.ACTIVE;
      const incoming = bag ? readNewServerNode(bag, partnerOf(ctx)) : null;
      let node = ctx.store.serverNodes.findActive(hostName, partnerOf(ctx), incoming?.type ?? null);
      if (!node) {
        if (!incoming) throw new SandboxApiError('SERVER_NODE_NOT_FOUND', [hostName]);
        node = ctx.store.serverNodes.add(incoming);
      }
      return toApi(ctx, ctx.store.serverNodes.heartbeat(node, status));
    },
  },
  list: {
    access: 'any',
    run(ctx) {
      const filter = optBag(ctx.params, 'filter') ?? {};
      const filterType = optString(filter, 'objectType') ?? 'KalturaServerNodeFilter';
      if (!(filterType in FILTER_TYPES)) throw new SandboxApiError('INVALID_OBJECT_TYPE', [filterType]);
      const impliedType = FILTER_TYPES[filterType] ?? null;
      const idEqual = optInt(filter, 'idEqual');
      const idIn = optList(filter, 'idIn')?.map(Number) ?? null;
      const statusEqual = optInt(filter, 'statusEqual');
      const statusIn = optList(filter, 'statusIn')?.map(Number) ?? null;
      const typeEqual = optString(filter, 'typeEqual');
      const typeIn = optList(filter, 'typeIn');
      const hostNameLike = optString(filter, 'hostNameLike');
      const nameLike = optString(filter, 'nameLike');
      const tagsLike = optString(filter, 'tagsLike');
      const systemNameEqual = optString(filter, 'systemNameEqual');
      const environmentEqual = optString(filter, 'environmentEqual');
      const partnerId = partnerOf(ctx);
      const matching = ctx.store.serverNodes
        .all()
        .filter(
          (n) =>
            n.partnerId === partnerId &&
            (impliedType === null || n.type === impliedType) &&
            (idEqual === null || n.id === idEqual) &&
            (idIn === null || idIn.includes(n.id)) &&
            (statusEqual === null || n.status === statusEqual) &&
            (statusIn === null || statusIn.includes(n.status)) &&
            (typeEqual === null || n.type === typeEqual) &&
            (typeIn === null || typeIn.includes(n.type)) &&
            like(n.hostName, hostNameLike) &&
            like(n.name, nameLike) &&
            like(n.tags, tagsLike) &&
            (systemNameEqual === null || n.systemName === systemNameEqual) &&
            (environmentEqual === null || n.environment === environmentEqual),
        );
      const pager = optBag(ctx.params, 'pager') ?? {};
      const pageSize = Math.max(1, Math.min(500, optInt(pager, 'pageSize') ?? 30));
      const pageIndex = Math.max(1, optInt(pager, 'pageIndex') ?? 1);
      const page = matching.slice((pageIndex - 1) * pageSize, pageIndex * pageSize).map((n) => toApi(ctx, n));
      return { ...listResponse(page, 'KalturaServerNodeListResponse'), totalCount: matching.length };
    },
  },
};
