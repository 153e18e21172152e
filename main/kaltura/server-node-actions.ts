// Owns the serverNode actions the station uses (kaltura-producer.md §1) and the KalturaWowzaMediaServerNode
// it describes itself with: reportStatus (auto-add + heartbeat), add, enable, list by host name, markOffline.
// The node belongs to the KS's own partner, so these calls never impersonate.
import type { KalturaClient } from './client.js';
import { enumNumber, invalidResponse } from './wire.js';
import { parseListResponse } from './types.js';

/** ServerNodeStatus (alpha/lib/enums/ServerNodeStatus.php) */
export const SERVER_NODE_STATUS = {
  ACTIVE: 1,
  DISABLED: 2,
  DELETED: 3,
  NOT_REGISTERED: 4,
  NOT_OPERATIONAL: 5,
} as const;

/** What Kaltura needs to send viewers to this station: where it serves HLS, and under which application. */
export interface ServerNodeSpec {
  hostName: string;
  /** the RTMP application (Kaltura's default for media servers) */
  applicationName: string;
  /** host of the station's HTTP server as viewers reach it (its HLS address) */
  playbackHost: string;
  playbackPort: number;
  playbackProtocol: 'http' | 'https';
  description: string;
}

export interface ServerNodeInfo {
  id: number;
  hostName: string;
  /** ServerNodeStatus; Kaltura reports NOT_REGISTERED (4) for an ACTIVE node whose heartbeat is over 120 s old */
  status: number;
  /** unix seconds of the last reportStatus, null when the node never sent one */
  heartbeatTime: number | null;
  partnerId: number | null;
}

/**
 * The node object. playbackHostName is not an API field (a DB column only): the playback address travels in
 * mediaServerPlaybackDomainConfig / mediaServerPortConfig, keyed by protocol and protocol-format, which is how
 * WowzaMediaServerNode::getPlaybackHost reads them: DeliveryProfileLiveAppleHttp::getHttpUrl asks for format
 * PlaybackProtocol::HLS, so the key live HLS uses is `http-hls` (`http` and `http-applehttp` kept for other readers).
 */
export function wowzaMediaServerNode(spec: ServerNodeSpec): Record<string, unknown> {
  const keys = [spec.playbackProtocol, `${spec.playbackProtocol}-applehttp`, `${spec.playbackProtocol}-hls`];
  const keyValues = (value: string) => keys.map((key) => ({ objectType: 'KalturaKeyValue', key, value }));
  return {
    objectType: 'KalturaWowzaMediaServerNode',
    name: spec.hostName,
    hostName: spec.hostName,
    description: spec.description,
    applicationName: spec.applicationName,
    mediaServerPortConfig: keyValues(String(spec.playbackPort)),
    mediaServerPlaybackDomainConfig: keyValues(spec.playbackHost),
  };
}

export function parseServerNode(raw: unknown, call: string): ServerNodeInfo {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalidResponse(call, 'expected a server node');
  const o = raw as Record<string, unknown>;
  const id = enumNumber(o.id);
  const status = enumNumber(o.status);
  if (id === null) throw invalidResponse(call, 'the server node has no id');
  if (status === null) throw invalidResponse(call, 'the server node has no status');
  return {
    id,
    hostName: typeof o.hostName === 'string' ? o.hostName : '',
    status,
    heartbeatTime: enumNumber(o.heartbeatTime),
    partnerId: enumNumber(o.partnerId),
  };
}

/** The serverNode calls, as the keeper (server-node.ts) sees them. */
export interface ServerNodeApi {
  /** reportStatus(hostName, node, ACTIVE): adds the node when missing, sets ACTIVE and the heartbeat */
  reportStatus(spec: ServerNodeSpec): Promise<ServerNodeInfo>;
  add(spec: ServerNodeSpec): Promise<ServerNodeInfo>;
  enable(id: number): Promise<ServerNodeInfo>;
  /** nodes whose host name is exactly hostName (Kaltura filters with LIKE; the exact match is made here) */
  findByHostName(hostName: string): Promise<ServerNodeInfo[]>;
  /** -> NOT_REGISTERED (only from ACTIVE); the next reportStatus makes it ACTIVE again */
  markOffline(id: number): Promise<ServerNodeInfo>;
}

export function serverNodeApi(client: KalturaClient): ServerNodeApi {
  const own = { partnerId: null };
  return {
    reportStatus: (spec) =>
      // a heartbeat that is repeated sets the same status and time: safe to retry
      client
        .call(
          'servernode',
          'reportStatus',
          {
            hostName: spec.hostName,
            serverNode: wowzaMediaServerNode(spec),
            serverNodeStatus: SERVER_NODE_STATUS.ACTIVE,
          },
          { ...own, idempotent: true },
        )
        .then((raw) => parseServerNode(raw, 'servernode.reportstatus')),
    add: (spec) =>
      client
        .call('servernode', 'add', { serverNode: wowzaMediaServerNode(spec) }, { ...own, idempotent: false })
        .then((raw) => parseServerNode(raw, 'servernode.add')),
    enable: (id) =>
      client
        .call('servernode', 'enable', { serverNodeId: id }, { ...own, idempotent: true })
        .then((raw) => parseServerNode(raw, 'servernode.enable')),
    findByHostName: async (hostName) => {
      const filter = { objectType: 'KalturaWowzaMediaServerNodeFilter', hostNameLike: hostName };
      const raw = await client.call(
        'servernode',
        'list',
        { filter, pager: { objectType: 'KalturaFilterPager', pageSize: 500 } },
        { ...own, idempotent: true },
      );
      return parseListResponse(raw, 'servernode.list', parseServerNode).objects.filter((n) => n.hostName === hostName);
    },
    markOffline: (id) =>
      client
        .call('servernode', 'markOffline', { serverNodeId: id }, { ...own, idempotent: true })
        .then((raw) => parseServerNode(raw, 'servernode.markoffline')),
  };
}
