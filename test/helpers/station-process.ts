// Starts the built headless station (dist/node/main/cli.js) as a child process for integration and e2e tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT, freePort, tempDir } from './net.js';

export interface StationProcess {
  child: ChildProcess;
  httpPort: number;
  rtmpPort: number;
  dataDir: string;
  httpUrl: string;
  readyLine: string;
  stdout: () => string;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The FFmpeg of @ffmpeg-installer/ffmpeg (the 2018 static 4.1 build): what a machine without FFmpeg runs. */
export function bundledFfmpeg(): string {
  const found = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path?: string }).path;
  if (!found) throw new Error('@ffmpeg-installer/ffmpeg has no binary for this platform: run npm ci');
  return found;
}

export const CLI_PATH = path.join(REPO_ROOT, 'dist', 'node', 'main', 'cli.js');

export async function startStation(
  options: { args?: string[]; env?: NodeJS.ProcessEnv; dataDir?: string; readyTimeoutMs?: number } = {},
): Promise<StationProcess> {
  const httpPort = await freePort();
  const rtmpPort = await freePort();
  const dataDir = options.dataDir ?? tempDir('klive-station-');
  const child = spawn(
    process.execPath,
    [
      CLI_PATH,
      '--data-dir',
      dataDir,
      '--http-port',
      String(httpPort),
      '--rtmp-port',
      String(rtmpPort),
      ...(options.args ?? []),
    ],
    {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const readyLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`station not ready in time\nstdout: ${out}\nstderr: ${err}`)),
      options.readyTimeoutMs ?? 30_000,
    );
    const check = (): void => {
      const line = out.split('\n').find((l) => l.includes(' ready: '));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`station exited with ${code} before it was ready\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  return {
    child,
    httpPort,
    rtmpPort,
    dataDir,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    readyLine,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
