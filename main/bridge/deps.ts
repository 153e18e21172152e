// Owns what the bridge handlers need of the station, as narrow interfaces of their own: the station's
// registry, events log, Kaltura runtime and sandbox satisfy them structurally, so bridge/ imports neither
// station/ nor another feature for them (the producer's Kaltura session is typed in producer-handlers.ts).
import type { ConnectionTestResult, RequestPayload } from '../../shared/bridge/contract.js';
import type { EntryState, KalturaStatus, Snapshot, StationEvent } from '../../shared/state.js';
import type { EncoderAvailability, Settings } from '../../shared/settings.js';
import type { StationInfo } from '../../shared/station-info.js';
import type {
  ConversionProfile,
  SandboxEntry,
  SandboxPartner,
  UpdateSandboxPartnerRequest,
} from '../../shared/sandbox.js';
import type { SettingsStore } from '../config/settings-store.js';
import type { SecretStore } from '../config/secret-store.js';
import type { Logger } from '../log/logger.js';
import type { BridgeObs, ObsTopRung } from './obs-handlers.js';

/** The live state the bridge reads. */
export interface BridgeLiveState {
  snapshot(): Snapshot;
  entry(entryId: string): EntryState | null;
}

/** The events log: what the handlers add (settings changes, upload retries) and list. */
export interface BridgeEventsLog {
  add(event: { severity: 'info'; kind: 'settings' | 'upload'; entryId?: string; message: string }): unknown;
  list(filter: RequestPayload<'events.list'>): StationEvent[];
}

/** The station's Kaltura as the bridge uses it: why none is usable, the media-server KS. */
export interface BridgeKaltura {
  /** why no Kaltura is usable right now (null when one is) */
  readonly configurationProblem: string | null;
  testConnection(): Promise<ConnectionTestResult>;
  renewKs(): Promise<KalturaStatus['ks']>;
}

/** What every group of handlers may be given. */
export interface BridgeBaseDeps {
  info: () => StationInfo;
  registry: BridgeLiveState;
  events: BridgeEventsLog;
  settings: SettingsStore;
  secrets: SecretStore;
  kaltura: BridgeKaltura;
  logger: Logger;
  obs: BridgeObs;
  /** the top transcoded rung of an entry's profile, for OBS warnings (null: nothing to check) */
  topRung: (partnerId: number, entryId: string) => Promise<ObsTopRung | null>;
  /** settings fields held by start-up flags for this run (shown as such in Settings) */
  startupOverrides?: string[];
  encoders: () => EncoderAvailability;
  /** a partner's features changed (sandbox): refused registrations and hand-overs are tried again */
  partnerChanged?: () => void;
  /** tries refused recording hand-overs again; returns how many entries had one */
  retryRecordings: (entryId?: string) => number;
  /** applies changed settings (reconfigures Kaltura, re-detects FFmpeg) */
  applySettings: (previous: Settings, next: Settings, secretChanged: boolean) => Promise<void>;
  /** the current 2FA code of a sandbox login's TOTP secret (shown with the rehearsal logins) */
  totpCode: (secret: string, nowMs: number) => string;
}

/** A sandbox entry as the handlers hold it between calls (the store's record has more). */
export interface SandboxEntryRef {
  readonly partnerId: number;
}

/** The built-in sandbox as the handlers use it (sandbox/'s SandboxHandle satisfies it). */
export interface BridgeSandbox {
  readonly serviceUrl: string;
  /** the KMC logins for rehearsing sign-in; their passwords are rehearsal secrets shown to the producer */
  logins(): readonly { loginId: string; password: string; partnerIds: number[]; otpSecret: string | null }[];
  readonly store: {
    entries(): readonly SandboxEntryRef[];
    entry(entryId: string): SandboxEntryRef | undefined;
    entryToken(entryId: string): string | undefined;
    toSandboxEntry(entry: SandboxEntryRef): SandboxEntry;
    updateEntry(
      entryId: string,
      patch: { name?: string; conversionProfileId?: number; dvr?: boolean; record?: boolean },
    ): SandboxEntryRef;
    listProfiles(): ConversionProfile[];
    listPartners(): SandboxPartner[];
    partner(partnerId: number): unknown;
    updatePartner(partnerId: number, patch: Omit<UpdateSandboxPartnerRequest, 'partnerId'>): unknown;
    toSandboxPartner(partnerId: number): SandboxPartner;
  };
}
