// Owns the entries' live assets (kaltura-producer.md 2): kBusinessConvertDL::decideLiveProfile, run when an
// entry is inserted and when its conversion profile changes, keeps one live asset per liveParams of the profile.
import crypto from 'node:crypto';
import type { EntryRecord, LiveAssetRecord, SandboxState } from './types.js';

export const RECORDING_ANCHOR_TAG = 'recording_anchor';

function assetId(taken: (id: string) => boolean): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id: string;
  do id = '0_' + Array.from(crypto.randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
  while (taken(id));
  return id;
}

/**
 * Drops the entry's assets whose liveParams left the profile, adds one per new liveParams
 * (flavorParamsId = liveParams id, the liveParams' tags), and tags the first new one recording_anchor
 * when the entry records. Returns true when anything changed.
 */
export function syncLiveAssets(state: SandboxState, entry: EntryRecord, nowSeconds: number): boolean {
  const profile = state.conversionProfiles.find((p) => p.id === entry.conversionProfileId);
  const wanted = profile ? profile.items.map((i) => i.liveParamsId) : [];
  const before = state.liveAssets.length;
  state.liveAssets = state.liveAssets.filter((a) => a.entryId !== entry.id || wanted.includes(a.flavorParamsId));
  let changed = state.liveAssets.length !== before;
  const have = new Set(state.liveAssets.filter((a) => a.entryId === entry.id).map((a) => a.flavorParamsId));
  let anchorPlaced = false;
  const taken = (id: string): boolean =>
    state.liveAssets.some((a) => a.id === id) || state.entries.some((e) => e.id === id);
  for (const paramsId of wanted) {
    if (have.has(paramsId)) continue;
    const params = state.liveParams.find((p) => p.id === paramsId);
    const tags = params ? params.tags.split(',').filter((t) => t.length > 0) : [];
    if (entry.recordStatus !== 0 && !anchorPlaced) {
      tags.push(RECORDING_ANCHOR_TAG);
      anchorPlaced = true;
    }
    const asset: LiveAssetRecord = {
      id: assetId(taken),
      entryId: entry.id,
      partnerId: entry.partnerId,
      flavorParamsId: paramsId,
      tags: tags.join(','),
      createdAtSeconds: nowSeconds,
    };
    state.liveAssets.push(asset);
    have.add(paramsId);
    changed = true;
  }
  return changed;
}

/** Gives every entry without live assets its assets (state files older than live assets). */
export function syncMissingLiveAssets(state: SandboxState, nowSeconds: number): boolean {
  let changed = false;
  for (const entry of state.entries)
    if (!state.liveAssets.some((a) => a.entryId === entry.id))
      changed = syncLiveAssets(state, entry, nowSeconds) || changed;
  return changed;
}
