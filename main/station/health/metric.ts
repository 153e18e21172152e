// Owns how numbers become health metrics ({value, unit, status, text}) and the condition type
// the per-area assessors return for the alert trackers.
import type { Metric, MetricStatus } from '../../../shared/state.js';

/** One alert condition observed in one sample: `holds` goes through hysteresis before an alert is raised. */
export interface AlertCondition {
  code: number;
  holds: boolean;
  /** what happened and what to do (used when the alert is raised) */
  text: string;
  /** Kaltura beacon argument: never a token */
  parameter: string;
}

export function metric(value: Metric['value'], unit: string, status: MetricStatus, text: string): Metric {
  return { value, unit, status, text };
}

export function unknownMetric(unit: string, text = 'not measured yet'): Metric {
  return { value: null, unit, status: 'normal', text };
}

export function formatBitrate(bps: number): string {
  if (bps >= 1_000_000) return `${(bps / 1_000_000).toFixed(1)} Mbps`;
  return `${Math.round(bps / 1000)} kbps`;
}

export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(1)} s`;
}

export function worstStatus(statuses: MetricStatus[]): MetricStatus {
  if (statuses.includes('critical')) return 'critical';
  if (statuses.includes('warning')) return 'warning';
  return 'normal';
}
