// Schemas for a producer's Kaltura session and live entries as the renderer sees them: sign-in input
// (its password or secret goes to main once and is never sent back), the session status (never its KS),
// live entries with their state, and the create form. Stream tokens stay out; PublishDetails carries one.
import { z } from 'zod';
import { EntryIdSchema, EntryNameSchema } from './sandbox.js';

export const ProducerSignInRequestSchema = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('login'),
      loginId: z.string().trim().min(1, 'enter the email you sign in to KMC with').max(320),
      password: z.string().min(1, 'enter your KMC password').max(200),
      /** the 6-digit code of an account with two-factor authentication */
      otp: z.string().trim().max(16).optional(),
      /** one of the partners the login belongs to; omitted: its default partner */
      partnerId: z.number().int().optional(),
    })
    .strict(),
  z
    .object({
      method: z.literal('secret'),
      partnerId: z.number().int().min(1, 'a partner id is a positive number (KMC → Settings → Integration Settings)'),
      adminSecret: z
        .string()
        .trim()
        .regex(
          /^[0-9a-f]{32}$/i,
          'an admin secret is 32 hexadecimal characters (KMC → Settings → Integration Settings)',
        ),
    })
    .strict(),
]);
export type ProducerSignInRequest = z.infer<typeof ProducerSignInRequestSchema>;

export const CapabilitySchema = z.object({
  /** partner feature (or service) name as Kaltura calls it */
  name: z.string(),
  available: z.boolean().nullable(),
  /** what it is for and, when missing, what to ask Kaltura for */
  text: z.string(),
});
export type Capability = z.infer<typeof CapabilitySchema>;

export const ProducerStatusSchema = z.object({
  signedIn: z.boolean(),
  /** the Kaltura the session belongs to (the sandbox's loopback URL in sandbox mode) */
  serviceUrl: z.string(),
  /** e.g. https://kmc.kaltura.com: entries open there; null for the sandbox */
  kmcUrl: z.string().nullable(),
  method: z.enum(['login', 'secret']).nullable(),
  partnerId: z.number().int().nullable(),
  partnerName: z.string().nullable(),
  userId: z.string().nullable(),
  /** every partner the login belongs to (pick another with producer.switchPartner) */
  partners: z.array(z.object({ id: z.number().int(), name: z.string() })),
  expiresAtMs: z.number().nullable(),
  /** a login session cannot be renewed without the password: the UI asks again before this */
  renewable: z.boolean(),
  capabilities: z.array(CapabilitySchema),
  /** the media-server role: whether the admin secret could be read for it, and whether it is stored */
  adminSecret: z.enum(['available', 'stored', 'not-readable', 'not-needed']),
  /** why the last session ended or failed, in words */
  problem: z.string().nullable(),
});
export type ProducerStatus = z.infer<typeof ProducerStatusSchema>;

export const LiveStateSchema = z.enum(['offline', 'live-here', 'live-elsewhere', 'starting']);
export type LiveState = z.infer<typeof LiveStateSchema>;

export const ServerNodeStateSchema = z.object({
  /** EntryServerNodeStatus name: playable, broadcasting, authenticated, stopped, error */
  status: z.string(),
  /** this station publishes this index right now */
  here: z.boolean(),
});

export const ProducerEntrySchema = z.object({
  entryId: z.string(),
  partnerId: z.number().int(),
  name: z.string(),
  conversionProfileId: z.number().int().nullable(),
  conversionProfileName: z.string().nullable(),
  dvrEnabled: z.boolean(),
  recordingEnabled: z.boolean(),
  liveState: LiveStateSchema,
  primary: ServerNodeStateSchema.nullable(),
  backup: ServerNodeStateSchema.nullable(),
  /** opens the entry in KMC; null for the sandbox */
  kmcUrl: z.string().nullable(),
});
export type ProducerEntry = z.infer<typeof ProducerEntrySchema>;

export const ListProducerEntriesRequestSchema = z
  .object({
    nameLike: z.string().max(256).optional(),
    pageIndex: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(100).default(20),
  })
  .strict();

export const ProducerEntryPageSchema = z.object({
  entries: z.array(ProducerEntrySchema),
  totalCount: z.number().int(),
  pageIndex: z.number().int(),
  pageSize: z.number().int(),
});
export type ProducerEntryPage = z.infer<typeof ProducerEntryPageSchema>;

export const CreateProducerEntryRequestSchema = z
  .object({
    name: EntryNameSchema,
    conversionProfileId: z.number().int().optional(),
    dvrEnabled: z.boolean().default(false),
    recordingEnabled: z.boolean().default(false),
  })
  .strict();
export type CreateProducerEntryRequest = z.infer<typeof CreateProducerEntryRequestSchema>;

export const ProducerEntryRefSchema = z.object({ entryId: EntryIdSchema }).strict();

/** liveStream.update from the entries screen: rename, conversion profile, DVR, recording (at least one). */
export const UpdateProducerEntryRequestSchema = z
  .object({
    entryId: EntryIdSchema,
    name: EntryNameSchema.optional(),
    conversionProfileId: z.number().int().optional(),
    dvrEnabled: z.boolean().optional(),
    recordingEnabled: z.boolean().optional(),
  })
  .strict()
  .refine(
    (r) =>
      r.name !== undefined ||
      r.conversionProfileId !== undefined ||
      r.dvrEnabled !== undefined ||
      r.recordingEnabled !== undefined,
    {
      message: 'say what to change: name, conversionProfileId, dvrEnabled or recordingEnabled',
    },
  );
export type UpdateProducerEntryRequest = z.infer<typeof UpdateProducerEntryRequestSchema>;

/** KMC's entry page for a Kaltura service URL (SaaS: kmc.kaltura.com; on-prem: the same host's /index.php/kmcng). */
export function kmcBaseUrl(serviceUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return null;
  }
  if (/(^|\.)kaltura\.com$/.test(url.hostname)) return 'https://kmc.kaltura.com/index.php/kmcng';
  return `${url.origin}/index.php/kmcng`;
}

export function kmcEntryUrl(kmcBase: string, entryId: string): string {
  return `${kmcBase}/content/entries/entry/${encodeURIComponent(entryId)}/metadata`;
}
