// Owns how a child process is started and signalled: spawn(bin, argv) with no shell, detached into its own
// process group (so the whole group can be killed), pipes on stdin/stdout/stderr (plus fd 3 for a media feed),
// and a minimal environment. killProcessGroup is the one place a process group is signalled.
import { spawn } from 'node:child_process';
import type { FeedSink } from '../media/flv-feed.js';
import { childFeedSink } from '../media/pipe-sink.js';

export interface ChildHandle {
  readonly pid: number | null;
  /** the write end of fd 3 when spawned with { feed: true } (FFmpeg reads flv-feed's FEED_INPUT_URL) */
  readonly feedSink: FeedSink | null;
  /** e.g. 'q' to ask FFmpeg to finish cleanly; ignored once stdin is closed */
  writeStdin(text: string): void;
  onStdout(fn: (chunk: string) => void): void;
  onStderr(fn: (chunk: string) => void): void;
  /** once, after the process is gone (or failed to start: code null, signal null) */
  onExit(fn: (code: number | null, signal: string | null) => void): void;
  onError(fn: (error: Error) => void): void;
  /** signals the whole process group; a group that is already gone is fine */
  killGroup(signal: NodeJS.Signals): void;
}

export interface SpawnOptions {
  /** open fd 3 as a pipe the station writes the input into */
  feed?: boolean;
  /** report the exit only once stdout and stderr were read to their end (runOnce reads all the output) */
  waitForOutput?: boolean;
}

export interface Spawner {
  spawn(bin: string, args: string[], options?: SpawnOptions): ChildHandle;
}

/** FFmpeg needs no secrets and almost no environment: pass only what finding libraries/devices needs. */
export function ffmpegEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const keep = [
    'PATH',
    'LD_LIBRARY_PATH',
    'DYLD_LIBRARY_PATH',
    'LIBVA_DRIVER_NAME',
    'LIBVA_DRIVERS_PATH',
    'SystemRoot',
    'TEMP',
    'TMP',
  ];
  const out: NodeJS.ProcessEnv = {};
  for (const key of keep) if (env[key] !== undefined) out[key] = env[key];
  return out;
}

export function nodeSpawner(env: NodeJS.ProcessEnv = ffmpegEnv()): Spawner {
  return {
    spawn(bin, args, options = {}) {
      const stdio: Array<'pipe' | 'ignore'> = options.feed
        ? ['pipe', 'pipe', 'pipe', 'pipe']
        : ['pipe', 'pipe', 'pipe'];
      const child = spawn(bin, args, { detached: process.platform !== 'win32', stdio, env, windowsHide: true });
      child.stdout?.setEncoding('utf8');
      child.stderr?.setEncoding('utf8');
      // a write after FFmpeg closed stdin (or its input pipe) raises EPIPE on the stream: not an error of ours
      child.stdin?.on('error', () => undefined);
      const feedSink = options.feed ? childFeedSink(child.stdio[3]) : null;
      let exited = false;
      const exitListeners: Array<(code: number | null, signal: string | null) => void> = [];
      const errorListeners: Array<(error: Error) => void> = [];
      const finish = (code: number | null, signal: string | null): void => {
        if (exited) return;
        exited = true;
        for (const fn of exitListeners) fn(code, signal);
      };
      child.on(options.waitForOutput ? 'close' : 'exit', (code: number | null, signal: string | null) =>
        finish(code, signal),
      );
      child.on('error', (error) => {
        // the error first, so whoever waits for the exit knows why it came
        for (const fn of errorListeners) fn(error);
        // spawn failure (ENOENT/EACCES): no 'exit' follows
        if (child.pid === undefined) finish(null, null);
      });
      return {
        get pid() {
          return child.pid ?? null;
        },
        feedSink,
        writeStdin(text) {
          if (child.stdin?.writable) child.stdin.write(text);
        },
        onStdout: (fn) => void child.stdout?.on('data', fn),
        onStderr: (fn) => void child.stderr?.on('data', fn),
        onExit: (fn) => void exitListeners.push(fn),
        onError: (fn) => void errorListeners.push(fn),
        killGroup(signal) {
          const pid = child.pid;
          if (pid === undefined || exited) return;
          killProcessGroup(pid, signal);
        },
      };
    },
  };
}

/**
 * Signals the process group led by pid (every child spawned here leads its own), else the process alone (Windows,
 * or a process that is not a group leader); a group or process that is already gone is fine.
 */
export function killProcessGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // ESRCH: already gone
    }
  }
}
