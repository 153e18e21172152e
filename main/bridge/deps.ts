// Owns what the bridge handlers need of the station, as narrow interfaces of their own: the station's
// registry, events log and Kaltura runtime satisfy them structurally, so bridge/ imports neither station/ nor
// another feature for them (the sandbox and the producer's Kaltura are typed where they are used).
import type { ConnectionTestResult, RequestPayload } from '../../shared/bridge/contract.js';
import type { EntryState, KalturaStatus, Snapshot, StationEvent } from '../../shared/state.js';
import type { EncoderAvailability, Settings } from '../../shared/settings.js';
import type { StationInfo } from '../../shared/station-info.js';
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
}
