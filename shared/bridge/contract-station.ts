// The bridge requests about the station itself: who it is, its live state, settings, the encoders it can
// use, its Kaltura connection, recording retries and the events log. Assembled in contract.ts.
import { z } from 'zod';
import { defineRequest } from './define.js';
import { StationInfoSchema } from '../station-info.js';
import { KalturaStatusSchema, SnapshotSchema, StationEventSchema } from '../state.js';
import {
  EncoderAvailabilitySchema,
  KalturaSettingsSchema,
  MediaSettingsSchema,
  PublicSettingsSchema,
} from '../settings.js';

/** settings.update input: any subset of the settings, plus the write-only admin secret. */
export const SettingsUpdateSchema = z
  .object({
    kaltura: KalturaSettingsSchema.partial().strict().optional(),
    media: MediaSettingsSchema.partial().strict().optional(),
    /** write-only: stored in the OS secret store, never returned; '' clears it */
    adminSecret: z.string().max(200).optional(),
  })
  .strict();
export type SettingsUpdate = z.infer<typeof SettingsUpdateSchema>;

/** A rejected field: `path` like "kaltura.serviceUrl", `message` says what is wrong and how to fix it. */
export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldErrorSchema>;

export const SettingsUpdateResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), settings: PublicSettingsSchema }),
  z.object({ ok: z.literal(false), errors: z.array(FieldErrorSchema).min(1) }),
]);
export type SettingsUpdateResult = z.infer<typeof SettingsUpdateResultSchema>;

export const EventsListRequestSchema = z
  .object({
    entryId: z.string().max(100).optional(),
    severity: StationEventSchema.shape.severity.optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const ConnectionTestResultSchema = z.object({
  ok: z.boolean(),
  message: z.string(),
  latencyMs: z.number().nullable(),
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResultSchema>;

export const stationRequests = {
  'station.getInfo': defineRequest({
    request: z.object({}).strict(),
    response: StationInfoSchema,
    mutates: false,
    description: 'who the station is, where it listens, which FFmpeg it runs',
  }),
  'state.getSnapshot': defineRequest({
    request: z.object({}).strict(),
    response: SnapshotSchema,
    mutates: false,
    description: 'the whole live state: entries, Kaltura status, system, recent events',
  }),
  'settings.get': defineRequest({
    request: z.object({}).strict(),
    response: PublicSettingsSchema,
    mutates: false,
    description: 'the settings as the renderer may see them (never the admin secret)',
  }),
  'settings.update': defineRequest({
    request: SettingsUpdateSchema,
    response: SettingsUpdateResultSchema,
    mutates: true,
    description: 'merge a partial update into the settings; returns the new settings or field errors',
  }),
  'media.listEncoders': defineRequest({
    request: z.object({}).strict(),
    response: EncoderAvailabilitySchema,
    mutates: false,
    description:
      'which video encoders passed their test encode with the FFmpeg in use (libx264 always, when FFmpeg works)',
  }),
  'kaltura.testConnection': defineRequest({
    request: z.object({}).strict(),
    response: ConnectionTestResultSchema,
    // it generates a KS with the stored secret and calls the API: only trusted callers may spend that
    mutates: true,
    description: 'generate a KS and call the Kaltura API once; says whether it works and how fast',
  }),
  'kaltura.renewKs': defineRequest({
    request: z.object({}).strict(),
    response: KalturaStatusSchema.shape.ks,
    mutates: true,
    description: 'renew the media-server KS now',
  }),
  'recording.retry': defineRequest({
    request: z.object({ entryId: z.string().max(100).optional() }).strict(),
    response: z.object({ entries: z.number().int() }),
    mutates: true,
    description:
      'try refused (held) recording hand-overs again now, for one entry or all; answers how many entries had one',
  }),
  'events.list': defineRequest({
    request: EventsListRequestSchema,
    response: z.array(StationEventSchema),
    mutates: false,
    description: 'recent station events, newest last, optionally for one entry or one severity',
  }),
} as const;
