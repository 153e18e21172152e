// Owns the server-node model (kaltura-producer.md 1): the rules Kaltura applies to nodes as pure functions
// (status as read, registered, the active-node matches) and the table of nodes kept in state.json.
import { SandboxApiError } from '../errors.js';
import { ServerNodeStatus, type SandboxState, type ServerNodeRecord } from './types.js';

/** ServerNode::SERVER_NODE_TTL_TIME: a heartbeat older than this reads as NOT_REGISTERED. */
export const SERVER_NODE_TTL_SECONDS = 120;

export const WOWZA_MEDIA_SERVER_TYPE = 'wowza.WOWZA_MEDIA_SERVER';

/** The node types the sandbox knows, by the API class a client sends (objectType) and Kaltura's type value. */
export const SERVER_NODE_TYPES: Readonly<Record<string, { type: string; mediaServer: boolean }>> = {
  KalturaWowzaMediaServerNode: { type: WOWZA_MEDIA_SERVER_TYPE, mediaServer: true },
  KalturaLiveClusterMediaServerNode: { type: 'liveCluster.LIVE_CLUSTER_MEDIA_SERVER', mediaServer: true },
  KalturaEdgeServerNode: { type: '1', mediaServer: false },
};

/** The abstract classes: sending one as objectType is OBJECT_TYPE_ABSTRACT. */
export const ABSTRACT_SERVER_NODE_TYPES = ['KalturaServerNode', 'KalturaDeliveryServerNode', 'KalturaMediaServerNode'];

export function isMediaServerType(type: string): boolean {
  return Object.values(SERVER_NODE_TYPES).some((t) => t.type === type && t.mediaServer);
}

/** KalturaServerNode::doFromObject: a stale heartbeat reads as NOT_REGISTERED unless the node is DISABLED. */
export function statusAsRead(node: ServerNodeRecord, nowSeconds: number): number {
  if (
    node.status !== ServerNodeStatus.DISABLED &&
    node.heartbeatTime !== null &&
    node.heartbeatTime < nowSeconds - SERVER_NODE_TTL_SECONDS
  ) {
    return ServerNodeStatus.NOT_REGISTERED;
  }
  return node.status;
}

/** ServerNodePeer::retrieveRegisteredServerNodeByPk: ACTIVE, and a heartbeat within the TTL (cut rounded down to 30 s) or none. */
export function isRegistered(node: ServerNodeRecord, nowSeconds: number): boolean {
  if (node.status !== ServerNodeStatus.ACTIVE) return false;
  if (node.heartbeatTime === null) return true;
  const cutoff = Math.floor((nowSeconds - SERVER_NODE_TTL_SECONDS) / 30) * 30;
  return node.heartbeatTime >= cutoff;
}

/** ServerNodePeer::retrieveActiveServerNode's criteria: exact host name, not DISABLED (DELETED never matches). */
export function isActiveMatch(
  node: ServerNodeRecord,
  hostName: string,
  partnerId: number | null,
  type: string | null,
): boolean {
  return (
    node.hostName === hostName &&
    node.status !== ServerNodeStatus.DISABLED &&
    node.status !== ServerNodeStatus.DELETED &&
    (partnerId === null || node.partnerId === partnerId) &&
    (type === null || node.type === type)
  );
}

export interface NewServerNode {
  partnerId: number;
  type: string;
  objectType: string;
  name: string;
  hostName: string;
  systemName: string | null;
  description: string | null;
  tags: string | null;
  parentId: string | null;
  environment: string | null;
  fields: Record<string, unknown>;
}

export type ServerNodePatch = Partial<Omit<NewServerNode, 'partnerId' | 'type' | 'objectType'>>;

/** The server nodes in state.json; every change is saved at once. */
export class ServerNodeTable {
  constructor(
    private readonly state: () => SandboxState,
    private readonly save: () => void,
    private readonly nowSeconds: () => number,
    private readonly nextId: () => number,
  ) {}

  /** Every node that is not DELETED. */
  all(): readonly ServerNodeRecord[] {
    return this.state().serverNodes.filter((n) => n.status !== ServerNodeStatus.DELETED);
  }

  byId(id: number, partnerId: number | null): ServerNodeRecord | undefined {
    return this.all().find((n) => n.id === id && (partnerId === null || n.partnerId === partnerId));
  }

  /** retrieveActiveServerNode(hostName, partnerId, type). */
  findActive(hostName: string, partnerId: number | null, type: string | null): ServerNodeRecord | undefined {
    return this.all().find((n) => isActiveMatch(n, hostName, partnerId, type));
  }

  /** retrieveActiveMediaServerNode(hostName): any partner, first node that is a media server. */
  findActiveMediaServer(hostName: string): ServerNodeRecord | undefined {
    return this.all().find((n) => isActiveMatch(n, hostName, null, null) && isMediaServerType(n.type));
  }

  /** serverNode.add: a new node starts DISABLED; host and system names are unique per type. */
  add(input: NewServerNode): ServerNodeRecord {
    this.checkUnique(input.partnerId, input.type, input.hostName, input.systemName, null);
    const nowS = this.nowSeconds();
    const node: ServerNodeRecord = {
      ...input,
      id: this.nextId(),
      status: ServerNodeStatus.DISABLED,
      heartbeatTime: null,
      createdAtSeconds: nowS,
      updatedAtSeconds: nowS,
    };
    this.state().serverNodes.push(node);
    this.save();
    return node;
  }

  /**
   * What a Kaltura admin does for a media server (serverNode.add + enable): an ACTIVE KalturaWowzaMediaServerNode
   * with no heartbeat (always registered), application kLive. Returns the existing node when the host has one.
   */
  addActiveMediaServer(hostName: string, partnerId: number): ServerNodeRecord {
    const existing = this.findActive(hostName, partnerId, WOWZA_MEDIA_SERVER_TYPE);
    if (existing) return existing;
    const node = this.add({
      partnerId,
      type: WOWZA_MEDIA_SERVER_TYPE,
      objectType: 'KalturaWowzaMediaServerNode',
      name: hostName,
      hostName,
      systemName: null,
      description: null,
      tags: null,
      parentId: null,
      environment: null,
      fields: { applicationName: 'kLive', liveServicePort: 888, liveServiceProtocol: 'http' },
    });
    return this.setStatus(node, ServerNodeStatus.ACTIVE);
  }

  update(node: ServerNodeRecord, patch: ServerNodePatch): ServerNodeRecord {
    this.checkUnique(
      node.partnerId,
      node.type,
      patch.hostName ?? node.hostName,
      patch.systemName === undefined ? node.systemName : patch.systemName,
      node.id,
    );
    const { fields, ...rest } = patch;
    Object.assign(node, rest);
    if (fields) node.fields = { ...node.fields, ...fields };
    node.updatedAtSeconds = this.nowSeconds();
    this.save();
    return node;
  }

  setStatus(node: ServerNodeRecord, status: number): ServerNodeRecord {
    node.status = status;
    node.updatedAtSeconds = this.nowSeconds();
    this.save();
    return node;
  }

  /** reportStatus: heartbeat now and the reported status (NOT_OPERATIONAL is stored as ACTIVE); updatedAt only moves when the status does. */
  heartbeat(node: ServerNodeRecord, status: number): ServerNodeRecord {
    const stored = status === ServerNodeStatus.NOT_OPERATIONAL ? ServerNodeStatus.ACTIVE : status;
    if (stored !== node.status) node.updatedAtSeconds = this.nowSeconds();
    node.status = stored;
    node.heartbeatTime = this.nowSeconds();
    this.save();
    return node;
  }

  /** Unique per type among the partner's nodes (the service's partner filter scopes Kaltura's check). */
  private checkUnique(
    partnerId: number,
    type: string,
    hostName: string,
    systemName: string | null,
    selfId: number | null,
  ): void {
    const others = this.all().filter((n) => n.partnerId === partnerId && n.type === type && n.id !== selfId);
    if (others.some((n) => n.hostName === hostName)) throw new SandboxApiError('HOST_NAME_ALREADY_EXISTS', [hostName]);
    if (systemName && others.some((n) => n.systemName === systemName))
      throw new SandboxApiError('SYSTEM_NAME_ALREADY_EXISTS', [systemName]);
  }
}

/** The seed's partner -5 node for this machine: ACTIVE, no heartbeat (always registered), application kLive. */
export function seedMediaServerNode(hostName: string, id: number, nowSeconds: number): ServerNodeRecord {
  return {
    id,
    partnerId: -5,
    type: WOWZA_MEDIA_SERVER_TYPE,
    objectType: 'KalturaWowzaMediaServerNode',
    name: hostName,
    hostName,
    systemName: null,
    description: 'this machine, registered as a Kaltura media server (SaaS/on-prem mode)',
    tags: null,
    parentId: null,
    environment: null,
    status: ServerNodeStatus.ACTIVE,
    heartbeatTime: null,
    createdAtSeconds: nowSeconds,
    updatedAtSeconds: nowSeconds,
    fields: { applicationName: 'kLive', liveServicePort: 888, liveServiceProtocol: 'http' },
  };
}
