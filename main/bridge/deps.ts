// Owns what the bridge handlers need of the station, as narrow interfaces of their own: the station's
// registry, events log and Kaltura runtime satisfy them structurally, so bridge/ never imports station/.
import type { ConnectionTestResult, RequestPayload } from '../../shared/bridge/contract.js';
import type { EntryState, KalturaStatus, Snapshot, StationEvent } from '../../shared/state.js';
import type { EncoderAvailability, Settings } from '../../shared/settings.js';
import type { StationInfo } from '../../shared/station-info.js';
import type { SettingsStore } from '../config/settings-store.js';
import type { SecretStore } from '../config/secret-store.js';
import type { Logger } from '../log/logger.js';
import type { KalturaApi } from '../kaltura/api.js';
import type { ProducerSession } from '../kaltura/producer-session.js';
import type { ObsControl } from '../obs/obs-control.js';
import type { SandboxHandle } from '../sandbox/index.js';

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

/** The station's Kaltura as the bridge uses it: the sandbox, the media-server KS, serve for OBS warnings. */
export interface BridgeKaltura {
  readonly sandbox: SandboxHandle | null;
  /** why no Kaltura is usable right now (null when one is) */
  readonly configurationProblem: string | null;
  readonly api: Pick<KalturaApi, 'serveConversionProfile'>;
  testConnection(): Promise<ConnectionTestResult>;
  renewKs(): Promise<KalturaStatus['ks']>;
}

export interface BridgeHandlerDeps {
  info: () => StationInfo;
  registry: BridgeLiveState;
  events: BridgeEventsLog;
  settings: SettingsStore;
  secrets: SecretStore;
  kaltura: BridgeKaltura;
  logger: Logger;
  /** settings fields held by start-up flags for this run (shown as such in Settings) */
  startupOverrides?: string[];
  encoders: () => EncoderAvailability;
  /** a partner's features changed (sandbox): refused registrations and hand-overs are tried again */
  partnerChanged?: () => void;
  /** tries refused recording hand-overs again; returns how many entries had one */
  retryRecordings: (entryId?: string) => number;
  /** the producer's own Kaltura session (sign-in, live entries) */
  producer: ProducerSession;
  obs: ObsControl;
  /** applies changed settings (reconfigures Kaltura, re-detects FFmpeg) */
  applySettings: (previous: Settings, next: Settings, secretChanged: boolean) => Promise<void>;
}
