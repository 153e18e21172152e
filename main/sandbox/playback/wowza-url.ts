// Owns the rules playManifest applies to a live entry's server nodes (kaltura-playback.md 3): which registrations
// can serve (PLAYABLE, joined to an active media server node, primary first) and the URL Kaltura builds for a Wowza
// node (WowzaMediaServerNode::getPlaybackHost + getAppNameAndPrefix, DeliveryProfileLiveAppleHttp::getHttpUrl).
// Pure functions over the sandbox's records.
import { isMediaServerType } from '../model/server-nodes.js';
import { NodeStatus, ServerNodeStatus, type NodeRecord, type ServerNodeRecord } from '../model/types.js';

/** WowzaMediaServerNode::DEFAULT_MANIFEST_PORT */
export const DEFAULT_MANIFEST_PORT = 1935;
/** MediaServerNode's default application */
export const DEFAULT_APPLICATION_NAME = 'kLive';
/** PlaybackProtocol::HLS, the stream format LiveAppleHttp asks the node for */
const HLS_FORMAT = 'hls';

export interface PlaybackTarget {
  registration: NodeRecord;
  serverNode: ServerNodeRecord;
}

/**
 * DeliveryProfileLive::getSortedLiveEntryServerNodes: PLAYABLE registrations of the entry whose server node is an
 * active (not disabled, not deleted) media server node, the primary (weight 10) before the backup (weight 0).
 * The heartbeat is not looked at: a dead station's registration expires instead (120 s).
 */
export function playbackTargets(
  entryId: string,
  registrations: readonly NodeRecord[],
  serverNodes: readonly ServerNodeRecord[],
): PlaybackTarget[] {
  const targets: { target: PlaybackTarget; weight: number }[] = [];
  for (const registration of registrations) {
    if (registration.entryId !== entryId || registration.status !== NodeStatus.PLAYABLE) continue;
    if (registration.serverType !== 0 && registration.serverType !== 1) continue;
    const serverNode = serverNodes.find((n) => n.id === registration.serverNodeId);
    if (
      !serverNode ||
      serverNode.status === ServerNodeStatus.DISABLED ||
      serverNode.status === ServerNodeStatus.DELETED ||
      !isMediaServerType(serverNode.type)
    )
      continue;
    targets.push({ target: { registration, serverNode }, weight: registration.serverType === 0 ? 10 : 0 });
  }
  // a stable sort keeps registration order between equal weights, like PHP's usort on a fresh array
  return targets.sort((a, b) => b.weight - a.weight).map((t) => t.target);
}

/** A KalturaKeyValueArray as the API stored it (array or numbered object of {key,value}) or a plain map. */
export function keyValueMap(raw: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!raw || typeof raw !== 'object') return out;
  const items = Array.isArray(raw) ? raw : Object.values(raw as Record<string, unknown>);
  const pairs = items.every((i) => i && typeof i === 'object' && 'key' in (i as object));
  if (pairs) {
    for (const item of items as { key: unknown; value: unknown }[])
      if (item.value !== null && item.value !== undefined) out.set(String(item.key), String(item.value));
    return out;
  }
  for (const [k, v] of Object.entries(raw as Record<string, unknown>))
    if (v !== null && typeof v !== 'object') out.set(k, String(v));
  return out;
}

function field(node: ServerNodeRecord, name: string): string | null {
  const value = node.fields[name];
  return typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number'
      ? String(value)
      : null;
}

/** {hostName} stands for the node's host name, cut at the first dot for Kaltura's own (partner -5) nodes. */
function withHostName(text: string, node: ServerNodeRecord): string {
  const external = node.partnerId !== -5;
  return text.split('{hostName}').join(external ? node.hostName : node.hostName.replace(/\..*$/, ''));
}

/** `{protocol}://{domain}:{port}/{appPrefix/}{applicationName}`: where a Wowza node serves HLS. */
export function wowzaBaseUrl(node: ServerNodeRecord, protocol: 'http' | 'https'): string {
  const key = `${protocol}-${HLS_FORMAT}`;
  const domain =
    keyValueMap(node.fields.mediaServerPlaybackDomainConfig).get(key) ??
    field(node, 'playbackHostName') ??
    node.hostName;
  const configuredPort = keyValueMap(node.fields.mediaServerPortConfig).get(key);
  const port =
    configuredPort !== undefined && configuredPort !== String(DEFAULT_MANIFEST_PORT)
      ? configuredPort
      : String(DEFAULT_MANIFEST_PORT);
  const appPrefix = field(node, 'appPrefix');
  const application = field(node, 'applicationName') ?? DEFAULT_APPLICATION_NAME;
  const path = (appPrefix ? `${appPrefix.replace(/\/+$/, '')}/` : '') + application;
  return withHostName(`${protocol}://${domain}:${port}/${path}`, node);
}

/** DeliveryProfileLive::getStreamName: one rendition by name, several (sorted) or none as a SMIL. */
export function wowzaStreamName(entryId: string, flavorParamsIds: readonly number[]): string {
  if (flavorParamsIds.length === 1) return `${entryId}_${flavorParamsIds[0]}`;
  if (flavorParamsIds.length > 1) return `smil:${entryId}_${[...flavorParamsIds].sort((a, b) => a - b).join('_')}.smil`;
  return `smil:${entryId}_all.smil`;
}

/** The full playlist URL, with getQueryAttributes' `DVR` and `flavorIds=` (several renditions). */
export function wowzaPlaylistUrl(
  node: ServerNodeRecord,
  protocol: 'http' | 'https',
  entryId: string,
  flavorParamsIds: readonly number[],
  dvr: boolean,
): string {
  const query: string[] = [];
  if (dvr) query.push('DVR');
  if (flavorParamsIds.length > 1) query.push(`flavorIds=${[...flavorParamsIds].sort((a, b) => a - b).join(',')}`);
  return `${wowzaBaseUrl(node, protocol)}/${wowzaStreamName(entryId, flavorParamsIds)}/playlist.m3u8${query.length > 0 ? `?${query.join('&')}` : ''}`;
}
