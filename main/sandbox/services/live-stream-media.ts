// Owns the media-server side of liveStream (kaltura.md 4, kaltura-producer.md 1): authenticate and
// registerMediaServer through a registered media server node (MEDIA_SERVER_NOT_FOUND otherwise), the
// recorded entry registerMediaServer creates, unregisterMediaServer, and isLive. Registrations expire in the store.
import { SandboxApiError } from '../errors.js';
import type { ActionContext, ServiceDef } from '../dispatch/types.js';
import { liveStatusOf } from '../model/api-objects.js';
import { isRegistered } from '../model/server-nodes.js';
import { NodeStatus, type EntryRecord, type ServerNodeRecord } from '../model/types.js';
import { optBool, optEnum, optString, reqString } from '../wire/params.js';
import { entryResult, findEntry, findEntryOrInvalidId } from './entry-access.js';
import { validateMaxStreamsNotReached } from './live-limits.js';

const NODE_STATUSES = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const nowSeconds = (ctx: ActionContext): number => Math.floor(ctx.now() / 1000);

export function serverIndex(ctx: ActionContext, required: boolean): number | null {
  const index = optEnum(ctx.params, 'mediaServerIndex', [0, 1], 'KalturaEntryServerNodeType');
  if (index === null && required) throw new SandboxApiError('MISSING_MANDATORY_PARAMETER', ['mediaServerIndex']);
  return index;
}

/** LiveEntry::setMediaServer's lookup: a non-disabled, non-deleted media server node of any partner. */
/** The entry, hostname and mediaServerIndex every media-server registration action takes. */
function mediaServerArgs(ctx: ActionContext): { entry: EntryRecord; hostname: string; index: number } {
  const entry = findEntry(ctx, reqString(ctx.params, 'entryId'));
  return { entry, hostname: reqString(ctx.params, 'hostname'), index: serverIndex(ctx, true) as number };
}

function mediaServer(ctx: ActionContext, hostname: string): ServerNodeRecord {
  const node = ctx.store.serverNodes.findActiveMediaServer(hostname);
  if (!node) throw new SandboxApiError('MEDIA_SERVER_NOT_FOUND', [hostname]);
  return node;
}

/** Another registered node, in a different environment, broadcasting or playing this entry's index. */
function otherEnvironmentBroadcaster(
  ctx: ActionContext,
  entry: EntryRecord,
  index: number,
  own: ServerNodeRecord | undefined,
): ServerNodeRecord | null {
  const esn = ctx.store.nodes().find((n) => n.entryId === entry.id && n.serverType === index);
  if (!esn || esn.serverNodeId === null || esn.serverNodeId === own?.id) return null;
  if (esn.status !== NodeStatus.BROADCASTING && esn.status !== NodeStatus.PLAYABLE) return null;
  const holder = ctx.store.serverNodes.byId(esn.serverNodeId, null);
  if (!holder || !isRegistered(holder, nowSeconds(ctx))) return null;
  return holder.environment !== (own?.environment ?? null) ? holder : null;
}

/** shouldCreateRecordedEntry + createRecordedEntryWrapper (APPENDED clears the old id first). */
function maybeCreateRecordedEntry(
  ctx: ActionContext,
  entry: EntryRecord,
  index: number,
  status: number,
  wanted: boolean,
): void {
  if (!wanted || entry.recordStatus === 0 || index !== 0) return;
  if (status !== NodeStatus.BROADCASTING && status !== NodeStatus.PLAYABLE) return;
  if (!ctx.store.recordedEntries.needsNew(entry)) return;
  const recorded = ctx.store.recordedEntries.create(entry);
  ctx.store.mutateEntry(entry.id, (e) => (e.recordedEntryId = recorded.id));
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
        const own = ctx.store.serverNodes.findActiveMediaServer(hostname);
        const other = otherEnvironmentBroadcaster(ctx, entry, index, own);
        if (other) throw new SandboxApiError('LIVE_STREAM_ALREADY_BROADCASTING', [entry.id, other.hostName]);
        const node = mediaServer(ctx, hostname);
        ctx.store.upsertNode(entry, index, hostname, applicationName, NodeStatus.AUTHENTICATED, node.id);
        if (index === 0 && entry.currentBroadcastStartTime === 0)
          ctx.store.mutateEntry(entry.id, (e) => (e.currentBroadcastStartTime = nowSeconds(ctx)));
      }
      validateMaxStreamsNotReached(ctx.store, entry);
      return entryResult(ctx, entry);
    },
  },
  registermediaserver: {
    access: 'mediaServer',
    run(ctx) {
      const { entry, hostname, index } = mediaServerArgs(ctx);
      const applicationName = optString(ctx.params, 'applicationName');
      const status =
        optEnum(ctx.params, 'liveEntryStatus', NODE_STATUSES, 'KalturaEntryServerNodeStatus') ?? NodeStatus.PLAYABLE;
      const createRecorded = optBool(ctx.params, 'shouldCreateRecordedEntry') ?? true;
      const node = mediaServer(ctx, hostname);
      ctx.store.upsertNode(entry, index, hostname, applicationName, status, node.id);
      const nowS = nowSeconds(ctx);
      ctx.store.mutateEntry(entry.id, (e) => {
        if (index === 0 && status === NodeStatus.PLAYABLE) {
          e.firstBroadcast ??= nowS;
          e.lastBroadcast = nowS;
        }
        if (index === 0 && e.currentBroadcastStartTime === 0) e.currentBroadcastStartTime = nowS;
        e.redirectEntryId = null;
      });
      maybeCreateRecordedEntry(ctx, entry, index, status, createRecorded);
      return entryResult(ctx, entry, 'KalturaLiveStreamEntry');
    },
  },
  unregistermediaserver: {
    access: 'mediaServer',
    run(ctx) {
      const { entry, hostname, index } = mediaServerArgs(ctx);
      const node = ctx.store.serverNodes.findActiveMediaServer(hostname);
      if (!node) throw new SandboxApiError('SERVER_NODE_NOT_FOUND', [hostname]);
      const esn = ctx.store.nodes().find((n) => n.entryId === entry.id && n.serverType === index);
      if (!esn) throw new SandboxApiError('ENTRY_SERVER_NODE_NOT_FOUND', [entry.id, index]);
      // deleteOrMarkForDeletion: the primary of a recording entry is kept (MARKED_FOR_DELETION) until it expires
      if (index === 0 && entry.recordStatus !== 0)
        ctx.store.upsertNode(
          entry,
          index,
          esn.hostname,
          esn.applicationName,
          NodeStatus.MARKED_FOR_DELETION,
          esn.serverNodeId,
        );
      else ctx.store.removeNode(esn.id);
      ctx.store.mutateEntry(entry.id, (e) => {
        if (liveStatusOf(ctx.store.nodes(), e.id) !== NodeStatus.PLAYABLE) {
          e.redirectEntryId = e.recordedEntryId;
          e.currentBroadcastStartTime = 0;
        }
        if (index === 0) e.lastBroadcastEndTime = nowSeconds(ctx);
      });
      return entryResult(ctx, entry);
    },
  },
  islive: {
    access: 'optional',
    run(ctx) {
      const id = reqString(ctx.params, 'id');
      const entry = findEntryOrInvalidId(ctx, id);
      return liveStatusOf(ctx.store.nodes(), entry.id) === NodeStatus.PLAYABLE;
    },
  },
};
