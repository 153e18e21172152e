// Owns the types the registry publishes: changes for subscribers, alert transitions, refusal records.
import type { Alert, SystemStatus } from '../../shared/state.js';
import type { StateChange } from '../bridge/state-changes.js';

/** What subscribers get: the changes the bridge forwards as events. */
export type RegistryChange = StateChange;

export interface AlertTransition {
  kind: 'raised' | 'cleared';
  alert: Alert;
  partnerId: number;
}

/** One refused publish as /diagnostics/errors shows it (token already redacted). */
export interface RefusalRecord {
  atMs: number;
  connectionUrl: string;
  message: string;
  ip: string;
  entryId: string | null;
  alertCode: number | null;
  kalturaCode: string | null;
}

export type AuthCounts = Map<string, number>;

export const IDLE_SYSTEM: SystemStatus = {
  cpuPercent: null,
  rssBytes: 0,
  loadAverage1m: 0,
  cores: 1,
  memoryTotalBytes: 0,
  memoryFreeBytes: 0,
  ffmpegCount: 0,
  ffmpegCpuPercent: null,
  ffmpegRssBytes: null,
};
