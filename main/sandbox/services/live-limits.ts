// Owns the partner's concurrent live limits as authenticate checks them (LiveStreamService::
// validateMaxStreamsNotReached): connected entries (AUTHENTICATED, BROADCASTING, PLAYABLE registrations)
// are counted per kind, cloud-transcoded (a profile with a CONVERT live params) or passthrough.
import { SandboxApiError } from '../errors.js';
import type { SandboxStore } from '../model/store.js';
import { NodeStatus, type EntryRecord } from '../model/types.js';

const CONNECTED: readonly number[] = [NodeStatus.AUTHENTICATED, NodeStatus.BROADCASTING, NodeStatus.PLAYABLE];

/** isCloudTranscode: the profile has at least one live params with origin CONVERT (0). */
export function isCloudTranscode(store: SandboxStore, conversionProfileId: number): boolean {
  return store.profileRecord(conversionProfileId)?.items.some((i) => i.origin === 0) ?? false;
}

export function validateMaxStreamsNotReached(store: SandboxStore, entry: EntryRecord): void {
  const partner = store.partner(entry.partnerId);
  if (!partner) return;
  const others = new Set(
    store
      .nodes()
      .filter((n) => n.partnerId === entry.partnerId && n.entryId !== entry.id && CONNECTED.includes(n.status))
      .map((n) => n.entryId),
  );
  let transcoded = 0;
  let passthrough = 0;
  for (const id of [entry.id, ...others]) {
    const e = store.entry(id);
    if (!e) continue;
    if (isCloudTranscode(store, e.conversionProfileId)) transcoded++;
    else passthrough++;
  }
  const cloud = isCloudTranscode(store, entry.conversionProfileId);
  const maxTranscoded = partner.features.liveStreamTranscode ? partner.maxLiveStreamOutputs : 0;
  if (cloud && transcoded > maxTranscoded) throw new SandboxApiError('LIVE_STREAM_EXCEEDED_MAX_TRANSCODED', [entry.id]);
  if (!cloud && passthrough > partner.maxLiveStreamInputs)
    throw new SandboxApiError('LIVE_STREAM_EXCEEDED_MAX_PASSTHRU', [entry.id]);
}
