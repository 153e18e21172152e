// The bridge requests of a producer with a Kaltura account (sign-in, partner switch, live entries, profiles)
// and of Send to OBS. Assembled in contract.ts.
import { z } from 'zod';
import { defineRequest } from './define.js';
import { ConversionProfileSchema } from '../sandbox.js';
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

export const producerRequests = {
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
