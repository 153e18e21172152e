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

export const PartnerRecordSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  /** partner ksMaxExpiryInSeconds */
  ksMaxExpirySeconds: z.number().int().positive(),
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
});
export type NodeRecord = z.infer<typeof NodeRecordSchema>;

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
  nextSeq: z.number().int(),
});
export type SandboxState = z.infer<typeof SandboxStateSchema>;

export const SecretsSchema = z.object({ adminSecrets: z.record(z.string(), z.string().regex(/^[0-9a-f]{32}$/)) });
export type SandboxSecrets = z.infer<typeof SecretsSchema>;

export const ENTRY_ID_PATTERN = /^[01]_[a-z0-9]{8}$/;
export const MEDIA_SERVER_PARTNER_ID = -5;
export const SEED_PARTNER_ID = 102;
export const SEED_ENTRY_ID = '0_rkij47dr';
export const SEED_ENTRY_TOKEN = 'dj94kfit';

export const NodeStatus = { ERROR: -1, STOPPED: 0, PLAYABLE: 1, BROADCASTING: 2, AUTHENTICATED: 3, MARKED_FOR_DELETION: 4 } as const;
