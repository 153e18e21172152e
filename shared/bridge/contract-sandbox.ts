// The bridge requests about the built-in sandbox (its entries, profiles, rehearsal logins and partners) and
// the publish details of an entry (the one place a stream token is shown). Assembled in contract.ts.
import { z } from 'zod';
import { defineRequest } from './define.js';
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

export const sandboxRequests = {
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
} as const;
