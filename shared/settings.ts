// The station's user settings as the renderer may see them: no secret ever appears here
// (the admin secret is write-only: the renderer learns only whether one is stored).
import { z } from 'zod';

export const KALTURA_MODES = ['sandbox', 'saas', 'onprem', 'ecdn'] as const;
export type KalturaMode = (typeof KALTURA_MODES)[number];

export const VIDEO_ENCODERS = ['libx264', 'h264_nvenc', 'h264_vaapi', 'h264_qsv', 'h264_videotoolbox'] as const;
export type VideoEncoder = (typeof VIDEO_ENCODERS)[number];

export const KalturaSettingsSchema = z.object({
  mode: z.enum(KALTURA_MODES),
  /** e.g. https://www.kaltura.com; ignored in sandbox mode */
  serviceUrl: z.string(),
  /** -5 (media-server partner) in saas/onprem, the partner's own id in ecdn */
  partnerId: z.number().int(),
  ksExpirySeconds: z
    .number()
    .int()
    .min(20)
    .max(10 * 365 * 86400),
  /** renew when this fraction of the KS lifetime has passed */
  ksRenewAtFraction: z.number().min(0.1).max(0.95),
  ksPrivileges: z.string(),
  requestTimeoutMs: z.number().int().min(1000).max(300_000),
  /** the server-node hostname sent to authenticate/registerMediaServer */
  hostname: z.string(),
  beaconsEnabled: z.boolean(),
});
export type KalturaSettings = z.infer<typeof KalturaSettingsSchema>;

export const MediaSettingsSchema = z.object({
  /** empty: discover (FFMPEG_PATH, PATH, bundled) */
  ffmpegPath: z.string(),
  videoEncoder: z.enum(VIDEO_ENCODERS),
  /** default HLS segment length when the entry does not say */
  defaultSegmentDurationSeconds: z.number().min(1).max(20),
  recordingSegmentSeconds: z.number().min(2).max(3600),
  deleteRecordingsAfterUpload: z.boolean(),
});
export type MediaSettings = z.infer<typeof MediaSettingsSchema>;

export const SettingsSchema = z.object({
  kaltura: KalturaSettingsSchema,
  media: MediaSettingsSchema,
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_KS_PRIVILEGES = 'disableentitlement,sessionkey:kalturaWowzaPermanentSessionKey';

export const DEFAULT_SETTINGS: Settings = {
  kaltura: {
    mode: 'sandbox',
    serviceUrl: '',
    partnerId: -5,
    ksExpirySeconds: 86_400,
    ksRenewAtFraction: 0.9,
    ksPrivileges: DEFAULT_KS_PRIVILEGES,
    requestTimeoutMs: 30_000,
    hostname: '',
    beaconsEnabled: true,
  },
  media: {
    ffmpegPath: '',
    videoEncoder: 'libx264',
    defaultSegmentDurationSeconds: 2,
    recordingSegmentSeconds: 900,
    deleteRecordingsAfterUpload: false,
  },
};

/** Which video encoders work with the FFmpeg in use (each tested with a one-second encode at start). */
export const EncoderAvailabilitySchema = z.object({
  state: z.enum(['detecting', 'done', 'no-ffmpeg']),
  working: z.array(z.enum(VIDEO_ENCODERS)),
  /** encoder -> why its test encode failed */
  failures: z.record(z.string(), z.string()),
});
export type EncoderAvailability = z.infer<typeof EncoderAvailabilitySchema>;

/** What the renderer sees: the settings plus whether a secret is stored, never the secret. */
export const PublicSettingsSchema = SettingsSchema.extend({
  adminSecretStored: z.boolean(),
  /**
   * Kaltura fields the station's start-up flags hold for this run (mode, serviceUrl, partnerId, adminSecret,
   * hostname): they win over what is saved here until the station restarts without them.
   */
  startupOverrides: z.array(z.string()).optional(),
});
export type PublicSettings = z.infer<typeof PublicSettingsSchema>;
