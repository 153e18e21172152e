// Owns the sandbox's persisted state schema (state.json): partners, conversion profiles and live params,
// live entries, entry server nodes, upload tokens, recordings and beacons. Secrets live apart (secrets.json).
import { z } from 'zod';

export const LiveParamsSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  systemName: z.string(),
  /** comma-separated: source, ingest, optional_flavor, audio_only, web, mbr ... */
  tags: z.string(),
  /** the encoder publishes ENTRY_<streamSuffix> */
  streamSuffix: z.string().nullable(),
  /** h264 | h264b | h264m | h264h | flv | vp6 | h263 | copy | '' */
  videoCodec: z.string(),
  videoBitrateKbps: z.number().nonnegative(),
  /** aac | aache | '' */
  audioCodec: z.string(),
  audioBitrateKbps: z.number().nonnegative(),
  audioSampleRate: z.number().nonnegative(),
  audioChannels: z.number().nonnegative(),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  frameRate: z.number().nonnegative(),
  maxFrameRate: z.number().nonnegative(),
  /** conversionEnginesExtraParams */
  skipFrameCount: z.number().int().nullable(),
  constantBitrate: z.boolean(),
});
export type LiveParams = z.infer<typeof LiveParamsSchema>;

export const ConversionProfileRecordSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  systemName: z.string(),
  description: z.string(),
  isDefault: z.boolean(),
  /** AssetParamsOrigin per live params: 0 CONVERT, 1 INGEST, 2 CONVERT_WHEN_MISSING */
  items: z.array(z.object({ liveParamsId: z.number().int(), origin: z.number().int() })),
  createdAtSeconds: z.number(),
});
export type ConversionProfileRecord = z.infer<typeof ConversionProfileRecordSchema>;

/** The partner permissions (Kaltura "features") the sandbox models; switchable in state.json and the Sandbox screen. */
export const PartnerFeaturesSchema = z.object({
  /** FEATURE_LIVE_STREAM: without it the liveStream service answers SERVICE_FORBIDDEN (isLive excepted) */
  liveStream: z.boolean(),
  /** FEATURE_SERVER_NODE ("Enable Server-Node"): without it the serverNode service answers SERVICE_FORBIDDEN */
  serverNode: z.boolean(),
  /** FEATURE_HYBRID_ECDN: grants MEDIA_SERVER_PARTNER_LEVEL, i.e. media-server calls with the partner's own admin KS */
  hybridEcdn: z.boolean(),
  /** FEATURE_LIVE_STREAM_KALTURA_RECORDING: setRecordedContent (on) or appendRecording (off) */
  kalturaRecording: z.boolean(),
  /** FEATURE_KALTURA_LIVE_STREAM_TRANSCODE: without it maxLiveStreamOutputs counts as 0 */
  liveStreamTranscode: z.boolean(),
});
export type PartnerFeatures = z.infer<typeof PartnerFeaturesSchema>;

/** A correctly enabled eCDN partner (the seed's partner 102). */
export const ECDN_PARTNER_FEATURES: PartnerFeatures = {
  liveStream: true,
  serverNode: true,
  hybridEcdn: true,
  kalturaRecording: false,
  liveStreamTranscode: true,
};
/** Kaltura's default limits (partner_max_live_stream_inputs / _outputs = 10). */
export const DEFAULT_MAX_LIVE_STREAM_INPUTS = 10;
export const DEFAULT_MAX_LIVE_STREAM_OUTPUTS = 10;

export const PartnerRecordSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  /** partner ksMaxExpiryInSeconds */
  ksMaxExpirySeconds: z.number().int().positive(),
  // state files written before the features existed load as a correctly enabled eCDN partner
  features: PartnerFeaturesSchema.default(ECDN_PARTNER_FEATURES),
  /** concurrent passthrough entries (connected entry server nodes) */
  maxLiveStreamInputs: z.number().int().nonnegative().default(DEFAULT_MAX_LIVE_STREAM_INPUTS),
  /** concurrent cloud-transcoded entries */
  maxLiveStreamOutputs: z.number().int().nonnegative().default(DEFAULT_MAX_LIVE_STREAM_OUTPUTS),
});
export type PartnerRecord = z.infer<typeof PartnerRecordSchema>;

export const EntryRecordSchema = z.object({
  id: z.string(),
  partnerId: z.number().int(),
  name: z.string(),
  description: z.string(),
  userId: z.string(),
  streamPassword: z.string(),
  conversionProfileId: z.number().int(),
  dvrStatus: z.number().int(),
  dvrWindow: z.number().int(),
  recordStatus: z.number().int(),
  segmentDuration: z.number().int(),
  explicitLive: z.boolean(),
  viewMode: z.number().int(),
  createdAtSeconds: z.number(),
  updatedAtSeconds: z.number(),
  tokenUpdatedAtMs: z.number(),
  firstBroadcast: z.number().nullable(),
  lastBroadcast: z.number().nullable(),
  currentBroadcastStartTime: z.number(),
  lastBroadcastEndTime: z.number(),
  recordedEntryId: z.string().nullable(),
  redirectEntryId: z.string().nullable(),
  lengthInMsecs: z.number(),
});
export type EntryRecord = z.infer<typeof EntryRecordSchema>;

export const NodeRecordSchema = z.object({
  id: z.number().int(),
  entryId: z.string(),
  partnerId: z.number().int(),
  /** EntryServerNodeType: 0 LIVE_PRIMARY, 1 LIVE_BACKUP */
  serverType: z.number().int(),
  hostname: z.string(),
  applicationName: z.string().nullable(),
  /** EntryServerNodeStatus */
  status: z.number().int(),
  createdAtSeconds: z.number(),
  updatedAtSeconds: z.number(),
  /** last authenticate/register call, ms: a registration not renewed for 120 s expires */
  renewedAtMs: z.number(),
  /** the media server node (ServerNodeRecord.id) the registration was made through */
  serverNodeId: z.number().int().nullable().default(null),
});
export type NodeRecord = z.infer<typeof NodeRecordSchema>;

/** Kaltura's ServerNodeStatus. */
export const ServerNodeStatus = { ACTIVE: 1, DISABLED: 2, DELETED: 3, NOT_REGISTERED: 4, NOT_OPERATIONAL: 5 } as const;

export const ServerNodeRecordSchema = z.object({
  id: z.number().int(),
  partnerId: z.number().int(),
  /** KalturaServerNodeType, e.g. "wowza.WOWZA_MEDIA_SERVER" */
  type: z.string(),
  /** the API class the node was added as, e.g. KalturaWowzaMediaServerNode */
  objectType: z.string(),
  name: z.string(),
  hostName: z.string(),
  systemName: z.string().nullable(),
  description: z.string().nullable(),
  tags: z.string().nullable(),
  parentId: z.string().nullable(),
  environment: z.string().nullable(),
  /** ServerNodeStatus as stored (reads may report NOT_REGISTERED: see server-nodes.ts) */
  status: z.number().int(),
  /** unix s of the last reportStatus; null = never (treated as always registered) */
  heartbeatTime: z.number().nullable(),
  createdAtSeconds: z.number(),
  updatedAtSeconds: z.number(),
  /** the subclass fields (applicationName, mediaServerPortConfig, liveServicePort, config ...), as sent */
  fields: z.record(z.string(), z.unknown()),
});
export type ServerNodeRecord = z.infer<typeof ServerNodeRecordSchema>;

/** A live asset: one per liveParams of the entry's conversion profile (kBusinessConvertDL::decideLiveProfile). */
export const LiveAssetRecordSchema = z.object({
  id: z.string(),
  entryId: z.string(),
  partnerId: z.number().int(),
  flavorParamsId: z.number().int(),
  tags: z.string(),
  createdAtSeconds: z.number(),
});
export type LiveAssetRecord = z.infer<typeof LiveAssetRecordSchema>;

/** A recorded VOD entry (MEDIA_CLIP, sourceType KALTURA_RECORDED_LIVE 36) and the files it holds in DATA/sandbox/recorded/<id>/. */
export const RecordedEntryRecordSchema = z.object({
  id: z.string(),
  partnerId: z.number().int(),
  rootEntryId: z.string(),
  name: z.string(),
  createdAtSeconds: z.number(),
  /** one file per flavor: appended segments are concatenated, a setRecordedContent file replaces nothing (first wins) */
  flavors: z.array(
    z.object({
      flavorParamsId: z.number().int().nullable(),
      assetId: z.string().nullable(),
      file: z.string(),
      durationSeconds: z.number(),
      parts: z.number().int(),
    }),
  ),
});
export type RecordedEntryRecord = z.infer<typeof RecordedEntryRecordSchema>;

export const UploadTokenRecordSchema = z.object({
  id: z.string(),
  partnerId: z.number().int(),
  /** UploadTokenStatus: 0 PENDING, 1 PARTIAL_UPLOAD, 2 FULL_UPLOAD, 3 CLOSED, 4 TIMED_OUT, 5 DELETED */
  status: z.number().int(),
  fileName: z.string().nullable(),
  fileSize: z.number().nullable(),
  uploadedFileSize: z.number(),
  /** every byte uploadToken.upload received for this token, re-sent ones included (drills measure resumes by it) */
  receivedBytes: z.number().default(0),
  createdAtSeconds: z.number(),
  updatedAtSeconds: z.number(),
});
export type UploadTokenRecord = z.infer<typeof UploadTokenRecordSchema>;

export const RecordingRecordSchema = z.object({
  seq: z.number().int(),
  action: z.enum(['appendRecording', 'setRecordedContent']),
  entryId: z.string(),
  partnerId: z.number().int(),
  mediaServerIndex: z.number().int(),
  assetId: z.string().nullable(),
  uploadTokenId: z.string().nullable(),
  localFilePath: z.string().nullable(),
  /** the uploaded file inside the sandbox data dir (uploads/<token>), when a token was used */
  storedFilePath: z.string().nullable(),
  fileSizeBytes: z.number().nullable(),
  durationSeconds: z.number(),
  isLastChunk: z.boolean(),
  atMs: z.number(),
  /** the recorded entry the file landed on (null: not landed, e.g. a backup-index call) */
  recordedEntryId: z.string().nullable().default(null),
  /** the live asset's (appendRecording) or the given (setRecordedContent) flavor params id */
  flavorParamsId: z.number().int().nullable().default(null),
});
export type RecordingRecord = z.infer<typeof RecordingRecordSchema>;

export const BeaconRecordSchema = z.object({
  seq: z.number().int(),
  partnerId: z.number().int(),
  relatedObjectType: z.string(),
  eventType: z.string(),
  objectId: z.string(),
  privateData: z.string(),
  shouldLog: z.boolean(),
  atMs: z.number(),
});
export type BeaconRecord = z.infer<typeof BeaconRecordSchema>;

export const SandboxStateSchema = z.object({
  version: z.literal(1),
  partners: z.array(PartnerRecordSchema),
  liveParams: z.array(LiveParamsSchema),
  conversionProfiles: z.array(ConversionProfileRecordSchema),
  entries: z.array(EntryRecordSchema),
  nodes: z.array(NodeRecordSchema),
  uploadTokens: z.array(UploadTokenRecordSchema),
  recordings: z.array(RecordingRecordSchema),
  beacons: z.array(BeaconRecordSchema),
  serverNodes: z.array(ServerNodeRecordSchema).default([]),
  liveAssets: z.array(LiveAssetRecordSchema).default([]),
  recordedEntries: z.array(RecordedEntryRecordSchema).default([]),
  nextSeq: z.number().int(),
});
export type SandboxState = z.infer<typeof SandboxStateSchema>;

export const SecretsSchema = z.object({ adminSecrets: z.record(z.string(), z.string().regex(/^[0-9a-f]{32}$/)) });
export type SandboxSecrets = z.infer<typeof SecretsSchema>;

export const ENTRY_ID_PATTERN = /^[01]_[a-z0-9]{8}$/;
export const MEDIA_SERVER_PARTNER_ID = -5;
export const SEED_PARTNER_ID = 102;
/** a second partner the seeded producer login also belongs to (rehearses picking a partner) */
export const SECOND_PARTNER_ID = 103;
export const SEED_ENTRY_ID = '0_rkij47dr';
export const SEED_ENTRY_TOKEN = 'dj94kfit';

export const NodeStatus = {
  ERROR: -1,
  STOPPED: 0,
  PLAYABLE: 1,
  BROADCASTING: 2,
  AUTHENTICATED: 3,
  MARKED_FOR_DELETION: 4,
} as const;
