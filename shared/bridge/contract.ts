// Every message between main and renderer, defined once. The Electron preload, the WebSocket server
// and the renderer client are all derived from these two maps; main validates every incoming payload.
import { z } from 'zod';
import { defineEvent, defineRequest } from './define.js';
import { StationInfoSchema } from '../station-info.js';
import {
  EntryStateSchema,
  KalturaStatusSchema,
  SnapshotSchema,
  StationEventSchema,
  SystemStatusSchema,
} from '../state.js';
import {
  EncoderAvailabilitySchema,
  KalturaSettingsSchema,
  MediaSettingsSchema,
  PublicSettingsSchema,
} from '../settings.js';
import {
  ConversionProfileSchema,
  EntryRefRequestSchema,
  PublishDetailsSchema,
  SandboxEntrySchema,
  SandboxLoginSchema,
  SandboxPartnerSchema,
  UpdateSandboxEntryRequestSchema,
  UpdateSandboxPartnerRequestSchema,
} from '../sandbox.js';
import {
  CreateProducerEntryRequestSchema,
  ListProducerEntriesRequestSchema,
  ProducerEntryPageSchema,
  ProducerEntryRefSchema,
  UpdateProducerEntryRequestSchema,
  ProducerEntrySchema,
  ProducerSignInRequestSchema,
  ProducerStatusSchema,
} from '../producer.js';
import { ObsSendRequestSchema, ObsStatusSchema } from '../obs.js';

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

export const requests = {
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
  'sandbox.listEntries': defineRequest({
    request: z.object({}).strict(),
    response: z.array(SandboxEntrySchema),
    mutates: false,
    description: 'the built-in sandbox live entries (never their stream tokens); [] when not in sandbox mode',
  }),
  'sandbox.listProfiles': defineRequest({
    request: z.object({}).strict(),
    response: z.array(ConversionProfileSchema),
    mutates: false,
    description: 'the sandbox live conversion profiles an entry can use',
  }),
  'sandbox.updateEntry': defineRequest({
    request: UpdateSandboxEntryRequestSchema,
    response: SandboxEntrySchema,
    mutates: true,
    description: 'rename a sandbox entry, change its conversion profile, turn DVR or recording on/off',
  }),
  'sandbox.listLogins': defineRequest({
    request: z.object({}).strict(),
    response: z.array(SandboxLoginSchema),
    // sandbox passwords are rehearsal secrets: shown to the producer on purpose, never to an untrusted LAN viewer
    mutates: true,
    description:
      'the sandbox KMC logins (login id, password per install, current 2FA code) for rehearsing sign-in; [] outside sandbox mode',
  }),
  'sandbox.listPartners': defineRequest({
    request: z.object({}).strict(),
    response: z.array(SandboxPartnerSchema),
    mutates: false,
    description: 'the sandbox partners with their Kaltura features and live limits; [] when not in sandbox mode',
  }),
  'sandbox.updatePartner': defineRequest({
    request: UpdateSandboxPartnerRequestSchema,
    response: SandboxPartnerSchema,
    mutates: true,
    description:
      'switch a sandbox partner feature (server node, Hybrid eCDN, Kaltura recording, live stream) or change its live limits',
  }),
  'connect.getPublishDetails': defineRequest({
    request: EntryRefRequestSchema,
    response: PublishDetailsSchema,
    // gated like a mutation: a LAN viewer without the access token must not learn stream tokens
    mutates: true,
    description:
      'THE ONE PLACE A STREAM TOKEN IS SHOWN ON PURPOSE: the OBS server URL (with t=token) and stream key for one entry, primary and backup, for the producer to paste into the encoder',
  }),
  'producer.getStatus': defineRequest({
    request: z.object({}).strict(),
    response: ProducerStatusSchema,
    mutates: false,
    description: 'whether a producer is signed in to Kaltura, as whom, what the account can do (never the KS)',
  }),
  'producer.signIn': defineRequest({
    request: ProducerSignInRequestSchema,
    response: ProducerStatusSchema,
    mutates: true,
    description:
      'sign in with a KMC login (+ 2FA code, + partner) or partner id + admin secret; the session stays in main',
  }),
  'producer.switchPartner': defineRequest({
    request: z.object({ partnerId: z.number().int() }).strict(),
    response: ProducerStatusSchema,
    mutates: true,
    description:
      "switch a KMC login's session to another partner it belongs to (user.loginByKs with the session main holds; no password)",
  }),
  'producer.signOut': defineRequest({
    request: z.object({}).strict(),
    response: ProducerStatusSchema,
    mutates: true,
    description: 'forget the producer session',
  }),
  'producer.storeAdminSecret': defineRequest({
    request: z.object({ consent: z.boolean() }).strict(),
    response: ProducerStatusSchema,
    mutates: true,
    description:
      'store the partner admin secret read at sign-in in the secret store for the media-server role (eCDN), only with consent',
  }),
  'producer.listEntries': defineRequest({
    request: ListProducerEntriesRequestSchema,
    response: ProducerEntryPageSchema,
    mutates: true,
    description: "one page of the partner's live entries (search by name) with live state, profile, DVR and recording",
  }),
  'producer.listProfiles': defineRequest({
    request: z.object({}).strict(),
    response: z.array(ConversionProfileSchema),
    mutates: true,
    description: "the partner's live conversion profiles (conversionProfile.list typeEqual LIVE_STREAM)",
  }),
  'producer.createEntry': defineRequest({
    request: CreateProducerEntryRequestSchema,
    response: ProducerEntrySchema,
    mutates: true,
    description: 'create a live entry in Kaltura (liveStream.add)',
  }),
  'producer.regenerateToken': defineRequest({
    request: ProducerEntryRefSchema,
    response: ProducerEntrySchema,
    mutates: true,
    description: 'give an entry a new stream token in Kaltura: encoders using the old one are refused',
  }),
  'producer.updateEntry': defineRequest({
    request: UpdateProducerEntryRequestSchema,
    response: ProducerEntrySchema,
    mutates: true,
    description:
      'rename a live entry in Kaltura, change its conversion profile, turn DVR or recording on/off (liveStream.update)',
  }),
  'producer.deleteEntry': defineRequest({
    request: ProducerEntryRefSchema,
    response: z.object({ entryId: z.string() }),
    mutates: true,
    description: 'delete a live entry in Kaltura (liveStream.delete)',
  }),
  'obs.send': defineRequest({
    request: ObsSendRequestSchema,
    response: ObsStatusSchema,
    mutates: true,
    description:
      "connect to OBS (obs-websocket 5) and set its stream service to this station's server and key for the entry",
  }),
  'obs.getStatus': defineRequest({
    request: z.object({}).strict(),
    response: ObsStatusSchema,
    mutates: false,
    description: 'whether OBS streams, its output bitrate and the settings that hurt the ladder',
  }),
  'obs.startStreaming': defineRequest({
    request: z.object({}).strict(),
    response: ObsStatusSchema,
    mutates: true,
    description: 'ask OBS to start streaming',
  }),
  'obs.stopStreaming': defineRequest({
    request: z.object({}).strict(),
    response: ObsStatusSchema,
    mutates: true,
    description: 'ask OBS to stop streaming',
  }),
  'obs.disconnect': defineRequest({
    request: z.object({}).strict(),
    response: ObsStatusSchema,
    mutates: true,
    description: 'close the link to OBS',
  }),
} as const;

export const events = {
  'station.info': defineEvent({
    payload: StationInfoSchema,
    description: 'sent when the station info changes (e.g. FFmpeg re-detected)',
  }),
  'state.snapshot': defineEvent({
    payload: SnapshotSchema,
    description: 'the whole state: on connect and whenever a client must resync',
  }),
  'state.entry': defineEvent({
    payload: EntryStateSchema,
    description: 'one entry changed (whole EntryState, throttled per entry)',
  }),
  'state.entryRemoved': defineEvent({
    payload: z.object({ entryId: z.string() }),
    description: 'an entry left the live state (ended long enough ago)',
  }),
  'state.kaltura': defineEvent({
    payload: KalturaStatusSchema,
    description: 'KS or API reachability changed',
  }),
  'state.system': defineEvent({
    payload: SystemStatusSchema,
    description: 'CPU and memory of the station and its FFmpeg processes, about once a second',
  }),
  'state.event': defineEvent({
    payload: StationEventSchema,
    description: 'one new line of the station events log',
  }),
} as const;

export type Requests = typeof requests;
export type Events = typeof events;
export type RequestName = keyof Requests;
export type EventName = keyof Events;
export type RequestPayload<N extends RequestName> = z.infer<Requests[N]['request']>;
export type ResponsePayload<N extends RequestName> = z.infer<Requests[N]['response']>;
export type EventPayload<N extends EventName> = z.infer<Events[N]['payload']>;
