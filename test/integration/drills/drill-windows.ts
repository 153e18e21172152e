// Owns the length of every drill's window and how long its test may take. The quick lengths run in CI
// (`npm test`); `npm run drills` runs the full lengths the issue names; each window has an environment
// variable so one drill can be run at any length, and the test's timeout follows the window it runs.
import fs from 'node:fs';

export interface DrillWindow {
  /** the environment variable that sets it, in seconds */
  env: string;
  quickSeconds: number;
  fullSeconds: number;
  what: string;
}

export const DRILL_WINDOWS = {
  outage: { env: 'KLIVE_DRILL_OUTAGE_SECONDS', quickSeconds: 15, fullSeconds: 60, what: 'Kaltura unreachable' },
  ksStream: {
    env: 'KLIVE_DRILL_KS_STREAM_SECONDS',
    quickSeconds: 45,
    fullSeconds: 120,
    what: 'stream through 20 s KS lifetimes',
  },
  loop: { env: 'KLIVE_DRILL_LOOP_SECONDS', quickSeconds: 15, fullSeconds: 60, what: 'wrong-token reconnect loop' },
  flood: { env: 'KLIVE_DRILL_FLOOD_SECONDS', quickSeconds: 10, fullSeconds: 30, what: 'malformed RTMP flood' },
  diskFull: {
    env: 'KLIVE_DRILL_DISK_FULL_SECONDS',
    quickSeconds: 15,
    fullSeconds: 60,
    what: 'recording on a filling tmpfs, then space freed',
  },
  reconnectStorm: {
    env: 'KLIVE_DRILL_RECONNECT_SECONDS',
    quickSeconds: 15,
    fullSeconds: 60,
    what: 'encoder reconnecting every few seconds',
  },
  restartUpload: {
    env: 'KLIVE_DRILL_RESTART_UPLOAD_SECONDS',
    quickSeconds: 10,
    fullSeconds: 30,
    what: 'upload of one large recording, station killed half way',
  },
  flappingUplink: {
    env: 'KLIVE_DRILL_FLAPPING_SECONDS',
    quickSeconds: 15,
    fullSeconds: 60,
    what: '30 % errors and 2 s latency while live and uploading',
  },
  ksDown: {
    env: 'KLIVE_DRILL_KS_DOWN_SECONDS',
    quickSeconds: 25,
    fullSeconds: 60,
    what: 'Kaltura unreachable while the 20 s KS expires',
  },
} as const satisfies Record<string, DrillWindow>;

export type DrillWindowName = keyof typeof DRILL_WINDOWS;

/** The window a drill runs now: its variable when set to a positive number, else the quick (CI) length. */
export function drillSeconds(name: DrillWindowName, env: NodeJS.ProcessEnv = process.env): number {
  const window = DRILL_WINDOWS[name];
  const raw = env[window.env];
  if (raw === undefined || raw === '') return window.quickSeconds;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(
      `${window.env}=${raw} is not a number of seconds; set it to a positive number (full length ${window.fullSeconds}) or unset it`,
    );
  }
  return seconds;
}

/**
 * A drill's test timeout: its window, plus what it spends around the window (start, reaching playable,
 * waiting for uploads afterwards), doubled as a margin for a loaded machine. A fixed timeout would fail a
 * drill run at a longer window (the KS drill did at 120 s).
 */
export function drillTimeoutMs(windowSeconds: number, aroundWindowSeconds: number): number {
  return Math.ceil((windowSeconds + aroundWindowSeconds) * 2 * 1000);
}

/** One drill's result: the line it prints, and the figures `npm run drills` collects. */
export interface DrillFigure {
  drill: string;
  windowSeconds: number | null;
  summary: string;
  figures: Record<string, number | string | boolean>;
}

/**
 * Prints a drill's figure (as the drills always did) and, under `npm run drills`, appends it to the file
 * named by KLIVE_DRILL_RESULTS (JSON lines) so the runner can collect every drill into one table.
 */
export function recordDrill(figure: DrillFigure, env: NodeJS.ProcessEnv = process.env): void {
  console.log(`[drill] ${figure.summary}`);
  const file = env['KLIVE_DRILL_RESULTS'];
  if (file) fs.appendFileSync(file, `${JSON.stringify({ ...figure, atMs: Date.now() })}\n`);
}
