// Owns the media-server side of liveStream (kaltura.md 4): authenticate, registerMediaServer (with the 120 s
// keep-alive expiry in the store), unregisterMediaServer, isLive, appendRecording and setRecordedContent.
import { SandboxApiError } from '../errors.js';
import type { ActionContext, ServiceDef } from '../dispatch/types.js';
import { liveStatusOf } from '../model/api-objects.js';
import { randomHex } from '../model/store.js';
import { NodeStatus, type EntryRecord } from '../model/types.js';
import { optBool, optEnum, optNumber, optString, reqBag, reqString } from '../wire/params.js';
import { entryResult, findEntry } from './entry-access.js';
import { closeUsedToken, resolveRecordingResource } from './upload-token.js';

const NODE_STATUSES = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

function serverIndex(ctx: ActionContext, required: boolean): number | null {
  const index = optEnum(ctx.params, 'mediaServerIndex', [0, 1], 'KalturaEntryServerNodeType');
  if (index === null && required) throw new SandboxApiError('MISSING_MANDATORY_PARAMETER', ['mediaServerIndex']);
  return index;
}

function otherBroadcaster(ctx: ActionContext, entry: EntryRecord, index: number, hostname: string | null): string | null {
  const node = ctx.store.nodes().find((n) => n.entryId === entry.id && n.serverType === index);
  if (!node || node.hostname === hostname) return null;
  return node.status === NodeStatus.BROADCASTING || node.status === NodeStatus.PLAYABLE ? node.hostname : null;
}

export const liveStreamMediaService: ServiceDef = {
  authenticate: {
    access: 'mediaServer',
    run(ctx) {
      const entry = findEntry(ctx, reqString(ctx.params, 'entryId'));
      const token = reqString(ctx.params, 'token');
      const hostname = optString(ctx.params, 'hostname');
      const index = serverIndex(ctx, false);
      const applicationName = optString(ctx.params, 'applicationName');
      if (token !== entry.streamPassword) throw new SandboxApiError('LIVE_STREAM_INVALID_TOKEN', [entry.id]);
      if (hostname && index !== null) {
        const other = otherBroadcaster(ctx, entry, index, hostname);
        if (other) throw new SandboxApiError('LIVE_STREAM_ALREADY_BROADCASTING', [entry.id, other]);
        const existing = ctx.store.nodes().find((n) => n.entryId === entry.id && n.serverType === index);
        const keep = existing && existing.hostname === hostname && (existing.status === NodeStatus.BROADCASTING || existing.status === NodeStatus.PLAYABLE);
        ctx.store.upsertNode(entry, index, hostname, applicationName, keep ? existing.status : NodeStatus.AUTHENTICATED, null);
        if (index === 0 && entry.currentBroadcastStartTime === 0) {
          ctx.store.mutateEntry(entry.id, (e) => (e.currentBroadcastStartTime = Math.floor(ctx.now() / 1000)));
        }
      }
      return entryResult(ctx, entry);
    },
  },
  registermediaserver: {
    access: 'mediaServer',
    run(ctx) {
      const entry = findEntry(ctx, reqString(ctx.params, 'entryId'));
      const hostname = reqString(ctx.params, 'hostname');
      const index = serverIndex(ctx, true) as number;
      const applicationName = optString(ctx.params, 'applicationName');
      const status = optEnum(ctx.params, 'liveEntryStatus', NODE_STATUSES, 'KalturaEntryServerNodeStatus') ?? NodeStatus.PLAYABLE;
      const createRecorded = optBool(ctx.params, 'shouldCreateRecordedEntry') ?? true;
      const other = otherBroadcaster(ctx, entry, index, hostname);
      if (other) throw new SandboxApiError('LIVE_STREAM_ALREADY_BROADCASTING', [entry.id, other]);
      ctx.store.upsertNode(entry, index, hostname, applicationName, status, null);
      const nowS = Math.floor(ctx.now() / 1000);
      ctx.store.mutateEntry(entry.id, (e) => {
        if (index === 0 && status === NodeStatus.PLAYABLE) {
          e.firstBroadcast ??= nowS;
          e.lastBroadcast = nowS;
        }
        if (index === 0 && e.currentBroadcastStartTime === 0) e.currentBroadcastStartTime = nowS;
        const live = status === NodeStatus.PLAYABLE || status === NodeStatus.BROADCASTING;
        if (createRecorded && e.recordStatus !== 0 && live && index === 0 && e.recordedEntryId === null) {
          e.recordedEntryId = `0_${randomHex(4)}`;
        }
        e.redirectEntryId = null;
      });
      return entryResult(ctx, entry);
    },
  },
  unregistermediaserver: {
    access: 'mediaServer',
    run(ctx) {
      const entry = findEntry(ctx, reqString(ctx.params, 'entryId'));
      const hostname = reqString(ctx.params, 'hostname');
      const index = serverIndex(ctx, true) as number;
      const node = ctx.store.nodes().find((n) => n.entryId === entry.id && n.serverType === index);
      if (!node) throw new SandboxApiError('ENTRY_SERVER_NODE_NOT_FOUND', [entry.id, index]);
      if (node.hostname !== hostname) throw new SandboxApiError('SERVER_NODE_NOT_FOUND', [hostname]);
      ctx.store.removeNode(node.id);
      ctx.store.mutateEntry(entry.id, (e) => {
        if (liveStatusOf(ctx.store.nodes(), e.id) !== NodeStatus.PLAYABLE) {
          e.redirectEntryId = e.recordedEntryId;
          e.currentBroadcastStartTime = 0;
        }
        if (index === 0) e.lastBroadcastEndTime = Math.floor(ctx.now() / 1000);
      });
      return entryResult(ctx, entry);
    },
  },
  islive: {
    access: 'optional',
    run(ctx) {
      const id = reqString(ctx.params, 'id');
      let entry: EntryRecord;
      try {
        entry = findEntry(ctx, id);
      } catch {
        throw new SandboxApiError('INVALID_ENTRY_ID', [id]);
      }
      return liveStatusOf(ctx.store.nodes(), entry.id) === NodeStatus.PLAYABLE;
    },
  },
  appendrecording: {
    access: 'mediaServer',
    run(ctx) {
      const entry = findEntry(ctx, reqString(ctx.params, 'entryId'));
      const assetId = reqString(ctx.params, 'assetId');
      if (!/^[\w-]{1,64}$/.test(assetId)) throw new SandboxApiError('ASSET_ID_NOT_FOUND', [assetId]);
      const index = serverIndex(ctx, true) as number;
      const resource = resolveRecordingResource(ctx, reqBag(ctx.params, 'resource'));
      const duration = optNumber(ctx.params, 'duration');
      if (duration === null) throw new SandboxApiError('MISSING_MANDATORY_PARAMETER', ['duration']);
      const isLastChunk = optBool(ctx.params, 'isLastChunk') ?? false;
      ctx.store.addRecording({ action: 'appendRecording', entryId: entry.id, partnerId: entry.partnerId, mediaServerIndex: index, assetId, ...resource, durationSeconds: duration, isLastChunk });
      closeUsedToken(ctx, resource);
      if (index === 0) ctx.store.mutateEntry(entry.id, (e) => (e.lengthInMsecs += Math.round(duration * 1000)));
      return entryResult(ctx, entry);
    },
  },
  setrecordedcontent: {
    access: 'mediaServer',
    run(ctx) {
      const entry = findEntry(ctx, reqString(ctx.params, 'entryId'));
      const index = serverIndex(ctx, true) as number;
      const resource = resolveRecordingResource(ctx, reqBag(ctx.params, 'resource'));
      const duration = optNumber(ctx.params, 'duration');
      if (duration === null) throw new SandboxApiError('MISSING_MANDATORY_PARAMETER', ['duration']);
      if (index !== 0) return entryResult(ctx, entry);
      ctx.store.addRecording({ action: 'setRecordedContent', entryId: entry.id, partnerId: entry.partnerId, mediaServerIndex: index, assetId: null, ...resource, durationSeconds: duration, isLastChunk: true });
      closeUsedToken(ctx, resource);
      ctx.store.mutateEntry(entry.id, (e) => (e.lengthInMsecs = Math.round(duration * 1000)));
      return entryResult(ctx, entry);
    },
  },
};
