// Schemas for "Send to OBS": the request (address and password of OBS's WebSocket server; the password
// goes to main only and is never sent back) and what the renderer sees of OBS (never the stream key).
import { z } from 'zod';
import { EntryIdSchema } from './sandbox.js';

export const DEFAULT_OBS_ADDRESS = 'ws://127.0.0.1:4455';

export const ObsAddressSchema = z
  .string()
  .trim()
  .regex(
    /^wss?:\/\/[^\s/]+(:\d+)?\/?$/,
    'the OBS address looks like ws://127.0.0.1:4455 (OBS → Tools → WebSocket Server Settings → Show Connect Info)',
  );

export const ObsSendRequestSchema = z
  .object({
    address: ObsAddressSchema.default(DEFAULT_OBS_ADDRESS),
    /** '' when OBS's "Enable Authentication" is off */
    password: z.string().max(200).default(''),
    entryId: EntryIdSchema,
    /** 0 primary, 1 backup */
    mediaServerIndex: z.union([z.literal(0), z.literal(1)]).default(0),
  })
  .strict();
export type ObsSendRequest = z.infer<typeof ObsSendRequestSchema>;

export const ObsStatusSchema = z.object({
  connected: z.boolean(),
  address: z.string().nullable(),
  obsVersion: z.string().nullable(),
  /** the entry and index whose settings were sent */
  entryId: z.string().nullable(),
  mediaServerIndex: z.number().int().nullable(),
  /** OBS's stream service still points at what the station sent */
  settingsApplied: z.boolean(),
  streaming: z.boolean(),
  reconnecting: z.boolean(),
  /** from OBS's output byte counter between two status reads */
  outputBitrateKbps: z.number().nullable(),
  outputDurationMs: z.number().nullable(),
  skippedFrames: z.number().nullable(),
  totalFrames: z.number().nullable(),
  /** OBS settings that will hurt the ladder, in words */
  warnings: z.array(z.string()),
  /** why OBS cannot be reached or refused, with how to fix it */
  problem: z.string().nullable(),
});
export type ObsStatus = z.infer<typeof ObsStatusSchema>;
