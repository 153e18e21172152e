// Owns quitting: whatever asks (window close, Cmd-Q, OS shutdown, a signal) ends in one ordered stop
// (unregister from Kaltura, stop transcoders, flush recordings, close) bounded by an overall timeout,
// then exit. While anything is live, a user-initiated quit asks for confirmation first.
import type { Logger } from '../log/logger.js';
import type { StationForShell } from './station-shell.js';

export type QuitReason = 'window-close' | 'app-quit' | 'shutdown' | 'signal';
export type QuitOutcome = 'cancelled' | 'exited';

export type StationStopper = Pick<
  StationForShell,
  'liveStreamCount' | 'unregisterAll' | 'stopTranscoders' | 'flushRecordings' | 'close'
>;

export const DEFAULT_QUIT_TIMEOUT_MS = 10_000;

export interface ShutdownResult {
  timedOut: boolean;
  /** steps that threw (the later steps still ran) */
  failed: string[];
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Runs the stop steps in order; a failing step is logged and the next one still runs. */
export async function runShutdown(
  station: StationStopper,
  logger: Logger,
  timeoutMs: number = DEFAULT_QUIT_TIMEOUT_MS,
  timers: Timers = realTimers,
): Promise<ShutdownResult> {
  const failed: string[] = [];
  const steps: Array<[string, () => Promise<void>]> = [
    ['unregisterAll', () => station.unregisterAll()],
    ['stopTranscoders', () => station.stopTranscoders()],
    ['flushRecordings', () => station.flushRecordings()],
    ['close', () => station.close()],
  ];
  const sequence = (async () => {
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (e) {
        failed.push(name);
        logger.error(`shutdown step ${name} failed; continuing`, { error: (e as Error).message });
      }
    }
  })();
  let handle: unknown;
  const timeout = new Promise<'timeout'>((resolve) => {
    handle = timers.setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([sequence.then(() => 'done' as const), timeout]);
  timers.clearTimeout(handle);
  if (outcome === 'timeout') logger.error(`shutdown did not finish within ${timeoutMs} ms; exiting anyway`);
  return { timedOut: outcome === 'timeout', failed: [...failed] };
}

export interface QuitControllerDeps {
  station: StationStopper;
  /** asked when a user quits while streams are live; true means quit anyway */
  confirmQuitWhileLive: (liveCount: number) => Promise<boolean>;
  /** app.exit in Electron: exits without emitting before-quit again */
  exit: (code: number) => void;
  logger: Logger;
  timeoutMs?: number;
  timers?: Timers;
}

export class QuitController {
  private state: 'running' | 'confirming' | 'stopping' | 'done' = 'running';
  private pending: Promise<QuitOutcome> | null = null;

  constructor(private readonly deps: QuitControllerDeps) {}

  /** true once the stop sequence has begun: quit/close events must then pass through */
  isQuitting(): boolean {
    return this.state === 'stopping' || this.state === 'done';
  }

  /** Starts (or joins) a quit. The OS shutting down never waits for a dialog. */
  requestQuit(reason: QuitReason): Promise<QuitOutcome> {
    if (this.state === 'confirming' && (reason === 'shutdown' || reason === 'signal')) {
      // the OS will not wait for the user: go ahead with the stop now
      this.state = 'stopping';
      this.pending = this.stop(reason);
      return this.pending;
    }
    if (this.pending) return this.pending;
    this.pending = this.run(reason).finally(() => {
      if (this.state === 'running') this.pending = null;
    });
    return this.pending;
  }

  private async run(reason: QuitReason): Promise<QuitOutcome> {
    const { station, logger } = this.deps;
    const live = station.liveStreamCount();
    if (live > 0 && (reason === 'window-close' || reason === 'app-quit')) {
      this.state = 'confirming';
      let confirmed = false;
      try {
        confirmed = await this.deps.confirmQuitWhileLive(live);
      } catch (e) {
        logger.error('quit confirmation failed; staying open', { error: (e as Error).message });
      }
      // a shutdown may have taken over while the dialog was open
      if (this.state !== 'confirming') return this.pending ?? 'exited';
      if (!confirmed) {
        this.state = 'running';
        logger.info('quit cancelled: streams are live', { live });
        return 'cancelled';
      }
    }
    this.state = 'stopping';
    return this.stop(reason);
  }

  private async stop(reason: QuitReason): Promise<QuitOutcome> {
    const { logger } = this.deps;
    logger.info('stopping the station', { reason, live: this.deps.station.liveStreamCount() });
    const result = await runShutdown(
      this.deps.station,
      logger,
      this.deps.timeoutMs ?? DEFAULT_QUIT_TIMEOUT_MS,
      this.deps.timers,
    );
    this.state = 'done';
    this.deps.exit(result.timedOut || result.failed.length > 0 ? 1 : 0);
    return 'exited';
  }
}

/** The confirmation text, kept apart from the dialog call so it can be checked. */
export function liveQuitMessage(liveCount: number): { message: string; detail: string } {
  const streams = liveCount === 1 ? '1 stream is' : `${liveCount} streams are`;
  return {
    message: `${streams} live. Quit kLive Station?`,
    detail:
      'Quitting ends the live broadcast for viewers: the station unregisters from Kaltura, stops transcoding and finishes the recordings.',
  };
}
