// Owns how sandbox records look on the wire: KalturaLiveStreamEntry, KalturaLiveEntryServerNode,
// KalturaUploadToken, KalturaConversionProfile (kaltura.md 4.1: child properties first, objectType last).
import crypto from 'node:crypto';
import type { ApiObject } from '../wire/serialize.js';
import type { SandboxStore } from './store.js';
import {
  NodeStatus,
  type ConversionProfileRecord,
  type EntryRecord,
  type NodeRecord,
  type UploadTokenRecord,
} from './types.js';

export interface EntryView {
  /** admin KS (or the media server): sees streamPassword and the broadcasting URLs */
  admin: boolean;
  rtmpBaseUrl: string;
}

export function broadcastUrl(rtmpBaseUrl: string, entry: EntryRecord, index: 0 | 1): string {
  const base = rtmpBaseUrl.replace(/\/+$/, '');
  return `${base}/?p=${entry.partnerId}&e=${entry.id}&i=${index}&t=${encodeURIComponent(entry.streamPassword)}`;
}

/** Max over PRIMARY/BACKUP nodes in the order STOPPED < AUTHENTICATED < BROADCASTING < PLAYABLE. */
export function liveStatusOf(nodes: readonly NodeRecord[], entryId: string): number {
  const rank = [NodeStatus.STOPPED, NodeStatus.AUTHENTICATED, NodeStatus.BROADCASTING, NodeStatus.PLAYABLE] as number[];
  let best = 0;
  for (const n of nodes) {
    if (n.entryId !== entryId || (n.serverType !== 0 && n.serverType !== 1)) continue;
    best = Math.max(best, rank.indexOf(n.status));
  }
  return rank[best] ?? NodeStatus.STOPPED;
}

export function entryToApi(
  entry: EntryRecord,
  store: SandboxStore,
  view: EntryView,
  objectType = 'KalturaLiveStreamEntry',
): ApiObject {
  const urls = view.admin;
  return {
    streamPassword: view.admin ? entry.streamPassword : null,
    primaryBroadcastingUrl: urls ? broadcastUrl(view.rtmpBaseUrl, entry, 0) : null,
    secondaryBroadcastingUrl: urls ? broadcastUrl(view.rtmpBaseUrl, entry, 1) : null,
    streamName: `${entry.id}_%i`,
    recordStatus: entry.recordStatus,
    dvrStatus: entry.dvrStatus,
    dvrWindow: entry.dvrWindow,
    lastElapsedRecordingTime: 0,
    liveStreamConfigurations: [],
    recordedEntryId: entry.recordedEntryId,
    pushPublishEnabled: 0,
    firstBroadcast: entry.firstBroadcast,
    lastBroadcast: entry.lastBroadcast,
    currentBroadcastStartTime: entry.currentBroadcastStartTime,
    liveStatus: liveStatusOf(store.nodes(), entry.id),
    segmentDuration: entry.segmentDuration,
    explicitLive: entry.explicitLive,
    viewMode: entry.viewMode,
    // LiveEntry::getRecordingStatus: DISABLED (3) when the entry does not record; otherwise the stored value
    // with explicitLive (default STOPPED 0), else ACTIVE (2)
    recordingStatus: entry.recordStatus === 0 ? 3 : entry.explicitLive ? 0 : 2,
    lastBroadcastEndTime: entry.lastBroadcastEndTime,
    mediaType: 201,
    sourceType: '32',
    plays: 0,
    views: 0,
    duration: Math.round(entry.lengthInMsecs / 1000),
    msDuration: entry.lengthInMsecs,
    id: entry.id,
    name: entry.name,
    description: entry.description,
    partnerId: entry.partnerId,
    userId: entry.userId,
    creatorId: entry.userId,
    status: 2,
    moderationStatus: 6,
    type: 7,
    createdAt: entry.createdAtSeconds,
    updatedAt: entry.updatedAtSeconds,
    version: 0,
    conversionProfileId: entry.conversionProfileId,
    redirectEntryId: entry.redirectEntryId,
    primaryServerNodeId: store.nodes().find((n) => n.entryId === entry.id && n.serverType === 0)?.serverNodeId ?? null,
    rootEntryId: entry.id,
    objectType,
  };
}

/** A stable numeric id for a registration kept from before server nodes (no serverNodeId recorded). */
export function serverNodeIdOf(hostname: string): number {
  return 1000 + (crypto.createHash('sha1').update(hostname).digest().readUInt32BE(0) % 900_000);
}

export function nodeToApi(node: NodeRecord): ApiObject {
  return {
    streams: [],
    id: node.id,
    entryId: node.entryId,
    // the media server node the registration went through (older state files: a stable id from the host name)
    serverNodeId: node.serverNodeId ?? serverNodeIdOf(node.hostname),
    partnerId: node.partnerId,
    createdAt: node.createdAtSeconds,
    updatedAt: node.updatedAtSeconds,
    status: node.status,
    serverType: String(node.serverType),
    objectType: 'KalturaLiveEntryServerNode',
  };
}

export function uploadTokenToApi(token: UploadTokenRecord): ApiObject {
  return {
    id: token.id,
    partnerId: token.partnerId,
    userId: '',
    status: token.status,
    fileName: token.fileName,
    fileSize: token.fileSize,
    uploadedFileSize: token.uploadedFileSize,
    createdAt: token.createdAtSeconds,
    updatedAt: token.updatedAtSeconds,
    autoFinalize: -1,
    objectType: 'KalturaUploadToken',
  };
}

export function profileToApi(profile: ConversionProfileRecord, partnerId: number): ApiObject {
  return {
    id: profile.id,
    partnerId,
    status: '2',
    type: '2',
    name: profile.name,
    systemName: profile.systemName,
    description: profile.description,
    isDefault: profile.isDefault ? 1 : 0,
    flavorParamsIds: profile.items.map((i) => i.liveParamsId).join(','),
    createdAt: profile.createdAtSeconds,
    objectType: 'KalturaConversionProfile',
  };
}

export function listResponse(objects: ApiObject[], objectType = 'KalturaListResponse'): ApiObject {
  return { objects, totalCount: objects.length, objectType };
}
