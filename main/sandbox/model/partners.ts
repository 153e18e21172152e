// Owns changing and showing a sandbox partner's Kaltura features and live limits (the Sandbox screen's
// switches): finding one, validated patches, and the UI view that never carries the admin secret.
import type { SandboxPartner } from '../../../shared/sandbox.js';
import type { PartnerFeatures, PartnerRecord } from './types.js';

/** What the Sandbox screen and tests may change on a partner: its features and live limits. */
export interface PartnerSettingsPatch {
  features?: Partial<PartnerFeatures>;
  maxLiveStreamInputs?: number;
  maxLiveStreamOutputs?: number;
}

export function applyPartnerPatch(partner: PartnerRecord, patch: PartnerSettingsPatch): PartnerRecord {
  for (const [name, value] of [
    ['maxLiveStreamInputs', patch.maxLiveStreamInputs],
    ['maxLiveStreamOutputs', patch.maxLiveStreamOutputs],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0))
      throw new Error(`${name} must be a whole number >= 0, got ${String(value)}`);
  }
  if (patch.features) partner.features = { ...partner.features, ...patch.features };
  if (patch.maxLiveStreamInputs !== undefined) partner.maxLiveStreamInputs = patch.maxLiveStreamInputs;
  if (patch.maxLiveStreamOutputs !== undefined) partner.maxLiveStreamOutputs = patch.maxLiveStreamOutputs;
  return partner;
}

/** The partner with this id; an unknown id is an error that lists the sandbox's partners. */
export function mustFindPartner(partners: PartnerRecord[], id: number): PartnerRecord {
  const partner = partners.find((p) => p.id === id);
  if (!partner)
    throw new Error(`unknown sandbox partner ${id}: the sandbox has partners ${partners.map((p) => p.id).join(', ')}`);
  return partner;
}

export function toSandboxPartner(p: PartnerRecord): SandboxPartner {
  return {
    partnerId: p.id,
    name: p.name,
    features: { ...p.features },
    maxLiveStreamInputs: p.maxLiveStreamInputs,
    maxLiveStreamOutputs: p.maxLiveStreamOutputs,
  };
}
