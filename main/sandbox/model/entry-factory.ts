// Owns creating sandbox records: the first-run state (partners 102, 103 and -5, built-in profiles) and new
// live entries with validated ids (0_xxxxxxxx), names and profiles, plus the random ids and tokens.
import crypto from 'node:crypto';
import { SandboxApiError } from '../errors.js';
import { DEFAULT_PROFILE_ID, defaultConversionProfiles, defaultLiveParams } from './profiles.js';
import {
  DEFAULT_MAX_LIVE_STREAM_INPUTS,
  DEFAULT_MAX_LIVE_STREAM_OUTPUTS,
  ECDN_PARTNER_FEATURES,
  ENTRY_ID_PATTERN,
  MEDIA_SERVER_PARTNER_ID,
  SECOND_PARTNER_ID,
  SEED_PARTNER_ID,
  type EntryRecord,
  type SandboxState,
} from './types.js';

export interface CreateEntryInput {
  partnerId?: number;
  name: string;
  conversionProfileId?: number;
  dvr?: boolean;
  record?: boolean;
  /** a fixed id (tests: 0_abcd1234); must match /^[01]_[a-z0-9]{8}$/ */
  id?: string;
  streamPassword?: string;
  /** HLS segment length; default 2 s (Kaltura's default is 6 s, too slow to go live on a laptop) */
  segmentDurationMs?: number;
}

/** Sandbox entries are made for a laptop: 2 s segments make the preview playable in about 2.5 s. */
export const LAPTOP_SEGMENT_MS = 2000;

export function seedState(nowSeconds: number): SandboxState {
  return {
    version: 1,
    partners: [
      // a correctly enabled eCDN partner: server nodes, Hybrid eCDN, legacy (appendRecording) recording
      {
        id: SEED_PARTNER_ID,
        name: 'Sandbox partner',
        ksMaxExpirySeconds: 86400,
        features: { ...ECDN_PARTNER_FEATURES },
        maxLiveStreamInputs: DEFAULT_MAX_LIVE_STREAM_INPUTS,
        maxLiveStreamOutputs: DEFAULT_MAX_LIVE_STREAM_OUTPUTS,
      },
      // a second partner of the seeded producer login: its sign-in picks 102 by default and may switch here
      {
        id: SECOND_PARTNER_ID,
        name: 'Second sandbox partner',
        ksMaxExpirySeconds: 86400,
        features: { ...ECDN_PARTNER_FEATURES },
        maxLiveStreamInputs: DEFAULT_MAX_LIVE_STREAM_INPUTS,
        maxLiveStreamOutputs: DEFAULT_MAX_LIVE_STREAM_OUTPUTS,
      },
      // Kaltura's media-server partner: registers its own nodes, reaches every partner by impersonation
      {
        id: MEDIA_SERVER_PARTNER_ID,
        name: 'Media server',
        ksMaxExpirySeconds: 86400,
        features: {
          liveStream: true,
          serverNode: true,
          hybridEcdn: false,
          kalturaRecording: false,
          liveStreamTranscode: true,
        },
        maxLiveStreamInputs: DEFAULT_MAX_LIVE_STREAM_INPUTS,
        maxLiveStreamOutputs: DEFAULT_MAX_LIVE_STREAM_OUTPUTS,
      },
    ],
    liveParams: defaultLiveParams(),
    conversionProfiles: defaultConversionProfiles(nowSeconds),
    entries: [],
    nodes: [],
    uploadTokens: [],
    recordings: [],
    beacons: [],
    serverNodes: [],
    liveAssets: [],
    recordedEntries: [],
    nextSeq: 1,
  };
}

export function buildEntry(input: CreateEntryInput, state: SandboxState, nowMs: number): EntryRecord {
  const partnerId = input.partnerId ?? SEED_PARTNER_ID;
  if (!state.partners.some((p) => p.id === partnerId && p.id >= 0))
    throw new Error(`unknown sandbox partner ${partnerId}: use partner ${SEED_PARTNER_ID}`);
  const name = input.name.trim();
  if (name.length === 0) throw new Error('an entry needs a name: give it one, e.g. "Rehearsal stream"');
  const conversionProfileId = input.conversionProfileId ?? DEFAULT_PROFILE_ID;
  if (!state.conversionProfiles.some((p) => p.id === conversionProfileId)) {
    throw new SandboxApiError('CONVERSION_PROFILE_ID_NOT_FOUND', [conversionProfileId]);
  }
  let id = input.id;
  if (id !== undefined) {
    if (!ENTRY_ID_PATTERN.test(id))
      throw new Error(`entry id "${id}" is not of the form 0_xxxxxxxx (0 or 1, "_", 8 lower-case letters or digits)`);
    if (state.entries.some((e) => e.id === id))
      throw new Error(`entry ${id} already exists: choose another id or omit it`);
  } else {
    do id = `0_${randomAlnum(8)}`;
    while (state.entries.some((e) => e.id === id));
  }
  const nowS = Math.floor(nowMs / 1000);
  return {
    id,
    partnerId,
    name,
    description: '',
    userId: '',
    streamPassword: input.streamPassword ?? randomHex(4),
    conversionProfileId,
    dvrStatus: input.dvr ? 1 : 0,
    dvrWindow: 120,
    recordStatus: input.record ? 1 : 0,
    segmentDuration: input.segmentDurationMs ?? LAPTOP_SEGMENT_MS,
    explicitLive: false,
    viewMode: 1,
    createdAtSeconds: nowS,
    updatedAtSeconds: nowS,
    tokenUpdatedAtMs: nowMs,
    firstBroadcast: null,
    lastBroadcast: null,
    currentBroadcastStartTime: 0,
    lastBroadcastEndTime: 0,
    recordedEntryId: null,
    redirectEntryId: null,
    lengthInMsecs: 0,
  };
}

export function randomHex(bytes: number): string {
  return crypto.randomBytes(bytes).toString('hex');
}

function randomAlnum(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(crypto.randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}
