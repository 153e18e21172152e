// Owns running a short-lived process to its end and reading what it wrote (ffmpeg -version/-buildconf/-h, a test
// encode, ffprobe): argv only, no shell, spawned in its own process group through the Spawner; bounded in time
// (the whole group is killed at the timeout) and in memory (output beyond the cap is dropped, not buffered).
import { systemClock, type Clock } from '../core/clock.js';
import { ffmpegEnv, nodeSpawner, type Spawner } from './spawner.js';

export interface RunOnceOptions {
  timeoutMs: number;
  /** characters kept of stdout and of stderr, each; default 8 MiB */
  maxOutputChars?: number;
  /** the child's whole environment; default ffmpegEnv() (no secrets) */
  env?: NodeJS.ProcessEnv;
  /** default nodeSpawner(env) */
  spawner?: Spawner;
  clock?: Clock;
}

export interface RunOnceResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** killed (with its group) at the timeout */
  timedOut: boolean;
  /** output went past maxOutputChars and was cut */
  truncated: boolean;
  /** the spawn itself failed (ENOENT: no such binary, EACCES: not executable) */
  error: NodeJS.ErrnoException | null;
}

export const DEFAULT_MAX_OUTPUT_CHARS = 8 * 1024 * 1024;

/** Runs bin to its end; never rejects: the result says how it ended. */
export function runOnce(bin: string, args: readonly string[], options: RunOnceOptions): Promise<RunOnceResult> {
  const spawner = options.spawner ?? nodeSpawner(options.env ?? ffmpegEnv());
  const clock = options.clock ?? systemClock();
  const cap = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
  return new Promise((resolve) => {
    const result: RunOnceResult = {
      code: null,
      signal: null,
      stdout: '',
      stderr: '',
      timedOut: false,
      truncated: false,
      error: null,
    };
    const keep = (stream: 'stdout' | 'stderr', chunk: string): void => {
      const room = cap - result[stream].length;
      if (chunk.length > room) result.truncated = true;
      if (room > 0) result[stream] += chunk.length > room ? chunk.slice(0, room) : chunk;
    };
    const child = spawner.spawn(bin, [...args], { waitForOutput: true });
    const timer = clock.setTimer(() => {
      result.timedOut = true;
      child.killGroup('SIGKILL');
    }, options.timeoutMs);
    child.onStdout((chunk) => keep('stdout', chunk));
    child.onStderr((chunk) => keep('stderr', chunk));
    child.onError((error) => (result.error = error));
    child.onExit((code, signal) => {
      timer.cancel();
      result.code = code;
      result.signal = signal;
      resolve(result);
    });
  });
}

/** Ran to the end with code 0, in time. */
export function succeeded(result: RunOnceResult): boolean {
  return result.code === 0 && !result.timedOut && result.error === null;
}

/** How a run that did not succeed ended, for a message: "timed out after 10000 ms", "exited with code 1", ... */
export function howItEnded(result: RunOnceResult, timeoutMs: number): string {
  if (result.error) return `could not be started (${result.error.code ?? result.error.message})`;
  if (result.timedOut) return `timed out after ${timeoutMs} ms`;
  return result.signal ? `ended by signal ${result.signal}` : `exited with code ${result.code}`;
}
