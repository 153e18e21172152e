// Owns the narrow view of the station that the Electron shell depends on. Any object with these methods
// will do (the real Station, or a stub in tests); the shell never reaches further into the station.
import type { BridgeHost } from '../bridge/host.js';
import type { StationInfo } from '../../shared/station-info.js';

export interface StationForShell {
  start(): Promise<StationInfo>;
  /** how many streams are being published right now */
  liveStreamCount(): number;
  /** calls cb with the new count whenever it changes; returns an unsubscribe */
  onLiveCountChange(cb: (n: number) => void): () => void;
  /** tells Kaltura this station no longer serves its entries */
  unregisterAll(): Promise<void>;
  stopTranscoders(): Promise<void>;
  /** finishes the segments being recorded so no footage is lost */
  flushRecordings(): Promise<void>;
  close(): Promise<void>;
  bridgeHost(): BridgeHost;
}

const SHELL_METHODS = [
  'start',
  'liveStreamCount',
  'onLiveCountChange',
  'unregisterAll',
  'stopTranscoders',
  'flushRecordings',
  'close',
  'bridgeHost',
] as const satisfies ReadonlyArray<keyof StationForShell>;

/** Fails loudly, naming what is missing, when the station object cannot drive the shell. */
export function assertStationForShell<T extends object>(station: T): asserts station is T & StationForShell {
  const missing = SHELL_METHODS.filter((name) => typeof (station as Record<string, unknown>)[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(
      `the station lacks ${missing.join(', ')}: the Electron shell needs every method of StationForShell (main/electron/station-shell.ts)`,
    );
  }
}
