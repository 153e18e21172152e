// Owns liveStream's recording hand-over (kaltura-producer.md 2): appendRecording (legacy, per segment, onto a
// live asset) and setRecordedContent (Kaltura recording, one file per session and flavor), each refused when
// the partner's FEATURE_LIVE_STREAM_KALTURA_RECORDING says the other one; accepted files land on the recorded entry.
import { SandboxApiError } from '../errors.js';
import type { ActionContext, ServiceDef } from '../dispatch/types.js';
import { RECORDING_ANCHOR_TAG } from '../model/live-assets.js';
import type { EntryRecord, RecordedEntryRecord, RecordingRecord } from '../model/types.js';
import { optBool, optInt, optNumber, optString, reqBag, reqString } from '../wire/params.js';
import { entryResult, findEntry } from './entry-access.js';
import { serverIndex } from './live-stream-media.js';
import { closeUsedToken, resolveRecordingResource, type ResourceFields } from './upload-token.js';

/** max_live_recording_duration_hours (24) + 1: appendRecording refuses a recording longer than this. */
const MAX_RECORDED_DURATION_MS = 25 * 3600 * 1000;

/** Keeps what the station handed over, closes the upload token it used (Kaltura does), and answers the entry. */
function received(
  ctx: ActionContext,
  entry: EntryRecord,
  resource: ResourceFields,
  call: Omit<RecordingRecord, 'seq' | 'atMs' | 'entryId' | 'partnerId' | keyof ResourceFields>,
): ReturnType<typeof entryResult> {
  ctx.store.received.addRecording({ ...call, entryId: entry.id, partnerId: entry.partnerId, ...resource });
  closeUsedToken(ctx, resource);
  return entryResult(ctx, entry);
}

function kalturaRecording(ctx: ActionContext): boolean {
  return ctx.store.partner(ctx.session.partnerId as number)?.features.kalturaRecording ?? false;
}

function requireDuration(ctx: ActionContext): number {
  const duration = optNumber(ctx.params, 'duration');
  if (duration === null) throw new SandboxApiError('MISSING_MANDATORY_PARAMETER', ['duration']);
  return duration;
}

function recordedEntryFor(ctx: ActionContext, entry: EntryRecord): RecordedEntryRecord {
  const existing = ctx.store.recordedEntries.get(entry.recordedEntryId);
  if (existing) return existing;
  const created = ctx.store.recordedEntries.create(entry);
  ctx.store.mutateEntry(entry.id, (e) => (e.recordedEntryId = created.id));
  return created;
}

export const liveStreamRecordingService: ServiceDef = {
  appendrecording: {
    access: 'mediaServer',
    run(ctx) {
      if (kalturaRecording(ctx))
        throw new SandboxApiError('KALTURA_RECORDING_ENABLED', [ctx.session.partnerId as number]);
      const entry = findEntry(ctx, reqString(ctx.params, 'entryId'));
      const assetId = reqString(ctx.params, 'assetId');
      const asset = ctx.store.liveAssets(entry.id).find((a) => a.id === assetId);
      if (!asset) throw new SandboxApiError('ASSET_ID_NOT_FOUND', [assetId]);
      const index = serverIndex(ctx, true) as number;
      const resource = resolveRecordingResource(ctx, reqBag(ctx.params, 'resource'));
      const duration = requireDuration(ctx);
      const isLastChunk = optBool(ctx.params, 'isLastChunk') ?? false;
      if (entry.lengthInMsecs + duration * 1000 > MAX_RECORDED_DURATION_MS)
        throw new SandboxApiError('LIVE_STREAM_EXCEEDED_MAX_RECORDED_DURATION', [entry.id]);
      let recordedEntryId: string | null = null;
      if (index === 0) {
        const recorded = recordedEntryFor(ctx, entry);
        ctx.store.recordedEntries.append(
          recorded,
          { flavorParamsId: asset.flavorParamsId, assetId: asset.id },
          resource.storedFilePath ?? resource.localFilePath,
          duration,
        );
        recordedEntryId = recorded.id;
        if (asset.tags.split(',').includes(RECORDING_ANCHOR_TAG))
          ctx.store.mutateEntry(entry.id, (e) => (e.lengthInMsecs += Math.round(duration * 1000)));
      }
      return received(ctx, entry, resource, {
        action: 'appendRecording',
        mediaServerIndex: index,
        assetId,
        durationSeconds: duration,
        isLastChunk,
        recordedEntryId,
        flavorParamsId: asset.flavorParamsId,
      });
    },
  },
  setrecordedcontent: {
    access: 'mediaServer',
    run(ctx) {
      if (!kalturaRecording(ctx))
        throw new SandboxApiError('KALTURA_RECORDING_DISABLED', [ctx.session.partnerId as number]);
      const entry = findEntry(ctx, reqString(ctx.params, 'entryId'));
      const index = serverIndex(ctx, true) as number;
      const resource = resolveRecordingResource(ctx, reqBag(ctx.params, 'resource'));
      const duration = requireDuration(ctx);
      if (index !== 0) return entryResult(ctx, entry);
      const recordedEntryId = optString(ctx.params, 'recordedEntryId');
      const flavorParamsId = optInt(ctx.params, 'flavorParamsId');
      let recorded = recordedEntryId
        ? ctx.store.recordedEntries.get(recordedEntryId)
        : ctx.store.recordedEntries.get(entry.recordedEntryId);
      const otherEntry = recordedEntryId ? ctx.store.entry(recordedEntryId) : undefined;
      if ((recorded && recorded.rootEntryId !== entry.id) || (otherEntry && otherEntry.id !== entry.id)) {
        throw new SandboxApiError('RECORDED_ENTRY_LIVE_MISMATCH', [entry.id, recordedEntryId as string]);
      }
      let assetId: string | null = null;
      if (flavorParamsId !== null) {
        const asset = ctx.store.liveAssets(entry.id).find((a) => a.flavorParamsId === flavorParamsId);
        const inProfile =
          ctx.store.profileRecord(entry.conversionProfileId)?.items.some((i) => i.liveParamsId === flavorParamsId) ??
          false;
        if (!asset && !inProfile) throw new SandboxApiError('FLAVOR_PARAMS_ID_NOT_FOUND', [flavorParamsId]);
        assetId = asset?.id ?? null;
      }
      if (!recorded) {
        recorded = ctx.store.recordedEntries.create(entry);
        const id = recorded.id;
        ctx.store.mutateEntry(entry.id, (e) => (e.recordedEntryId = id));
      }
      ctx.store.mutateEntry(entry.id, (e) => (e.lengthInMsecs = Math.round(duration * 1000)));
      const landed = ctx.store.recordedEntries.setContent(
        recorded,
        { flavorParamsId, assetId },
        resource.storedFilePath ?? resource.localFilePath,
        duration,
      );
      return received(ctx, entry, resource, {
        action: 'setRecordedContent',
        mediaServerIndex: index,
        assetId,
        durationSeconds: duration,
        isLastChunk: true,
        recordedEntryId: landed ? recorded.id : null,
        flavorParamsId,
      });
    },
  },
};
