// Schemas for managing the built-in sandbox's live entries from the renderer, and the publish details
// (OBS server URL + stream key) for one entry. Stream tokens are secrets: only PublishDetails carries one.
import { z } from 'zod';

export const EntryIdSchema = z
  .string()
  .regex(/^[01]_[0-9a-zA-Z]{8}$/, 'an entry id looks like 0_rkij47dr: 0 or 1, an underscore, then 8 letters or digits');

export const ConversionProfileSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  /** e.g. "Passthrough + 3 renditions" */
  description: z.string(),
  isDefault: z.boolean(),
});
export type ConversionProfile = z.infer<typeof ConversionProfileSchema>;

/** A sandbox live entry as the renderer sees it: never the stream token. */
export const SandboxEntrySchema = z.object({
  entryId: z.string(),
  partnerId: z.number().int(),
  name: z.string(),
  conversionProfileId: z.number().int(),
  dvrEnabled: z.boolean(),
  recordingEnabled: z.boolean(),
  createdAtMs: z.number(),
  /** when the token was last (re)generated: lets the UI say "regenerated just now" without the token */
  tokenUpdatedAtMs: z.number(),
});
export type SandboxEntry = z.infer<typeof SandboxEntrySchema>;

export const EntryNameSchema = z
  .string()
  .trim()
  .min(1, 'give the entry a name')
  .max(256, 'entry names are at most 256 characters');

export const UpdateSandboxEntryRequestSchema = z
  .object({
    entryId: EntryIdSchema,
    name: EntryNameSchema.optional(),
    conversionProfileId: z.number().int().optional(),
    dvrEnabled: z.boolean().optional(),
    recordingEnabled: z.boolean().optional(),
  })
  .strict();
export type UpdateSandboxEntryRequest = z.infer<typeof UpdateSandboxEntryRequestSchema>;

export const EntryRefRequestSchema = z.object({ entryId: EntryIdSchema }).strict();

export const PublishEndpointSchema = z.object({
  /** OBS "Server": rtmp://HOST:PORT/kLive/?p=P&e=E&i=0&t=T */
  serverUrl: z.string(),
  /** OBS "Stream Key": E_1 */
  streamKey: z.string(),
});
export type PublishEndpoint = z.infer<typeof PublishEndpointSchema>;

export const PublishDetailsSchema = z.object({
  entryId: z.string(),
  partnerId: z.number().int(),
  primary: PublishEndpointSchema,
  backup: PublishEndpointSchema,
});
export type PublishDetails = z.infer<typeof PublishDetailsSchema>;

export interface PublishInput {
  /** StationInfo.rtmpUrl, e.g. rtmp://192.168.1.20:1935/kLive */
  rtmpUrl: string;
  partnerId: number;
  entryId: string;
  token: string;
  /** the stream suffix the encoder publishes (liveParams streamSuffix); 1 for the source */
  streamSuffix?: number;
}

/** The OBS form of kaltura.md 1.2: the parameters ride on the server URL, the key is ENTRY_N. */
export function buildPublishDetails(input: PublishInput): PublishDetails {
  const base = input.rtmpUrl.replace(/\/+$/, '');
  const suffix = input.streamSuffix ?? 1;
  const endpoint = (index: 0 | 1): PublishEndpoint => ({
    serverUrl: `${base}/?p=${input.partnerId}&e=${encodeURIComponent(input.entryId)}&i=${index}&t=${encodeURIComponent(input.token)}`,
    streamKey: `${input.entryId}_${suffix}`,
  });
  return { entryId: input.entryId, partnerId: input.partnerId, primary: endpoint(0), backup: endpoint(1) };
}

/** A KMC login of the built-in sandbox, shown on the Sandbox screen for rehearsals (like its admin secret). */
export const SandboxLoginSchema = z.object({
  loginId: z.string(),
  password: z.string(),
  partnerIds: z.array(z.number().int()),
  /** the current 6-digit code when the login requires two-factor authentication */
  currentCode: z.string().nullable(),
});
export type SandboxLogin = z.infer<typeof SandboxLoginSchema>;

/** The Kaltura partner features the sandbox models (names as in Kaltura's admin console / PermissionName). */
export const SandboxPartnerFeaturesSchema = z.object({
  /** FEATURE_LIVE_STREAM */
  liveStream: z.boolean(),
  /** FEATURE_SERVER_NODE ("Enable Server-Node") */
  serverNode: z.boolean(),
  /** FEATURE_HYBRID_ECDN (MEDIA_SERVER_PARTNER_LEVEL: media-server calls with the partner's own admin KS) */
  hybridEcdn: z.boolean(),
  /** FEATURE_LIVE_STREAM_KALTURA_RECORDING (setRecordedContent instead of appendRecording) */
  kalturaRecording: z.boolean(),
  /** FEATURE_KALTURA_LIVE_STREAM_TRANSCODE (without it no cloud-transcoded stream is allowed) */
  liveStreamTranscode: z.boolean(),
});
export type SandboxPartnerFeatures = z.infer<typeof SandboxPartnerFeaturesSchema>;

/** A sandbox partner as the Sandbox screen shows it: never its admin secret. */
export const SandboxPartnerSchema = z.object({
  partnerId: z.number().int(),
  name: z.string(),
  features: SandboxPartnerFeaturesSchema,
  /** concurrent passthrough live entries */
  maxLiveStreamInputs: z.number().int().nonnegative(),
  /** concurrent cloud-transcoded live entries */
  maxLiveStreamOutputs: z.number().int().nonnegative(),
});
export type SandboxPartner = z.infer<typeof SandboxPartnerSchema>;

const LiveLimitSchema = z
  .number()
  .int('a limit is a whole number')
  .min(0, 'a limit cannot be negative')
  .max(10_000, 'a limit is at most 10000');

export const UpdateSandboxPartnerRequestSchema = z
  .object({
    partnerId: z.number().int(),
    features: SandboxPartnerFeaturesSchema.partial().strict().optional(),
    maxLiveStreamInputs: LiveLimitSchema.optional(),
    maxLiveStreamOutputs: LiveLimitSchema.optional(),
  })
  .strict();
export type UpdateSandboxPartnerRequest = z.infer<typeof UpdateSandboxPartnerRequestSchema>;
