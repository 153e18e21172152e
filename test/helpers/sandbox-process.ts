// Starts the built sandbox (`station sandbox --port N`) as its own process, the way a producer (or a second
// station) uses an external Kaltura: the station then reaches it only through --kaltura-mode ecdn flags.
// Partner features are switched the way an operator would: stop, edit state.json, start again on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI_PATH } from './station-process.js';
import { freePort, tempDir } from './net.js';

export interface SandboxProcess {
  port: number;
  serviceUrl: string;
  dataDir: string;
  /** the sandbox's state.json */
  state(): SandboxFileState;
  /** writes partner `partnerId`'s admin secret to a 0600 file and returns its path (for --admin-secret-file) */
  secretFile(partnerId: number): string;
  /** stops the sandbox, lets `edit` change state.json, and starts it again on the same port */
  restart(edit?: (state: SandboxFileState) => void): Promise<void>;
  stop(): Promise<void>;
}

export interface SandboxFileState {
  partners: Array<{ id: number; features: Record<string, boolean> }>;
  entries: Array<{ id: string; streamPassword: string; recordStatus: number; recordedEntryId?: string | null }>;
  nodes: Array<{
    entryId: string;
    status: number;
    serverNodeId: number | null;
    hostname: string;
    createdAtSeconds: number;
  }>;
  serverNodes: Array<{
    id: number;
    partnerId: number;
    hostName: string;
    status: number;
    heartbeatTime: number | null;
    createdAtSeconds: number;
    objectType: string;
    fields: Record<string, unknown>;
  }>;
  liveAssets: Array<{ id: string; entryId: string; flavorParamsId: number }>;
  recordings: Array<{
    action: string;
    entryId: string;
    assetId: string | null;
    storedFilePath: string | null;
    durationSeconds: number;
    isLastChunk: boolean;
    recordedEntryId: string | null;
    flavorParamsId: number | null;
  }>;
  recordedEntries: Array<{
    id: string;
    rootEntryId: string;
    flavors: Array<{ flavorParamsId: number | null; file: string; durationSeconds: number; parts: number }>;
  }>;
}

export async function startSandboxProcess(
  options: { timeScale?: number; edit?: (state: SandboxFileState) => void } = {},
): Promise<SandboxProcess> {
  const port = await freePort();
  const dataDir = tempDir('klive-ext-sandbox-');
  const stateFile = path.join(dataDir, 'sandbox', 'state.json');
  let child: ChildProcess | null = null;
  const launch = async (): Promise<void> => {
    const args = [
      CLI_PATH,
      'sandbox',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      ...(options.timeScale ? ['--time-scale', String(options.timeScale)] : []),
    ];
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sandbox not ready\n${out}`)), 20_000);
      const onData = (d: Buffer): void => {
        out += d.toString();
        if (out.includes('kLive sandbox api_v3 at')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sandbox exited with ${code}\n${out}`));
      });
    });
  };
  const halt = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };
  const state = (): SandboxFileState => JSON.parse(fs.readFileSync(stateFile, 'utf8')) as SandboxFileState;
  await launch();
  if (options.edit) {
    await halt();
    const s = state();
    options.edit(s);
    fs.writeFileSync(stateFile, JSON.stringify(s));
    await launch();
  }
  return {
    port,
    serviceUrl: `http://127.0.0.1:${port}`,
    dataDir,
    state,
    secretFile(partnerId) {
      const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'sandbox', 'secrets.json'), 'utf8')) as {
        adminSecrets: Record<string, string>;
      };
      const secret = secrets.adminSecrets[String(partnerId)];
      if (!secret) throw new Error(`the sandbox has no partner ${partnerId}`);
      const file = path.join(tempDir('klive-secret-'), 'admin-secret');
      fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
      return file;
    },
    async restart(edit) {
      await halt();
      if (edit) {
        const s = state();
        edit(s);
        fs.writeFileSync(stateFile, JSON.stringify(s));
      }
      await launch();
    },
    stop: halt,
  };
}

/** Sets features of a partner in a state file (for restart/edit). */
export function setFeatures(state: SandboxFileState, partnerId: number, features: Record<string, boolean>): void {
  const partner = state.partners.find((p) => p.id === partnerId);
  if (!partner) throw new Error(`no partner ${partnerId} in the sandbox state`);
  partner.features = { ...partner.features, ...features };
}
