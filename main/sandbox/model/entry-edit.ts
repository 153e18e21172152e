// Owns changing and showing a sandbox live entry: the validated patch liveStream.update and the Sandbox screen
// apply (the refusals Kaltura gives), and the UI view of an entry, which never carries the stream token.
import type { SandboxEntry } from '../../../shared/sandbox.js';
import { SandboxApiError } from '../errors.js';
import type { EntryRecord } from './types.js';

export interface UpdateEntryInput {
  name?: string;
  conversionProfileId?: number;
  dvr?: boolean;
  dvrWindowMinutes?: number;
  /** on: APPENDED (1) unless the entry already records; off: DISABLED (0) */
  record?: boolean;
  /** Kaltura's RecordStatus: 0 DISABLED, 1 APPENDED, 2 PER_SESSION */
  recordStatus?: number;
  segmentDurationMs?: number;
}

/** Applies the patch to the entry; returns whether its conversion profile changed (its live assets follow). */
export function applyEntryPatch(
  entry: EntryRecord,
  patch: UpdateEntryInput,
  profileExists: (profileId: number) => boolean,
): boolean {
  let profileChanged = false;
  if (patch.name !== undefined) {
    if (patch.name.trim().length === 0) throw new Error('an entry name cannot be empty');
    entry.name = patch.name.trim();
  }
  if (patch.conversionProfileId !== undefined) {
    if (!profileExists(patch.conversionProfileId))
      throw new SandboxApiError('CONVERSION_PROFILE_ID_NOT_FOUND', [patch.conversionProfileId]);
    profileChanged = entry.conversionProfileId !== patch.conversionProfileId;
    entry.conversionProfileId = patch.conversionProfileId;
  }
  if (patch.dvr !== undefined) entry.dvrStatus = patch.dvr ? 1 : 0;
  if (patch.dvrWindowMinutes !== undefined) entry.dvrWindow = patch.dvrWindowMinutes;
  if (patch.record !== undefined) entry.recordStatus = patch.record ? entry.recordStatus || 1 : 0;
  if (patch.recordStatus !== undefined) entry.recordStatus = patch.recordStatus;
  if (patch.segmentDurationMs !== undefined) entry.segmentDuration = patch.segmentDurationMs;
  return profileChanged;
}

/** The UI's view of an entry: never the stream token. */
export function toSandboxEntry(entry: EntryRecord): SandboxEntry {
  return {
    entryId: entry.id,
    partnerId: entry.partnerId,
    name: entry.name,
    conversionProfileId: entry.conversionProfileId,
    dvrEnabled: entry.dvrStatus === 1,
    recordingEnabled: entry.recordStatus !== 0,
    createdAtMs: entry.createdAtSeconds * 1000,
    tokenUpdatedAtMs: entry.tokenUpdatedAtMs,
  };
}
