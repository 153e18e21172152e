// Starts the built sandbox as its own process (`station sandbox --port N`), the shared Kaltura of several stations,
// and gives what a station or a viewer needs from it: the service URL and partner 102's admin secret (in a 0600 file).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI_PATH } from './station-process.js';
import { freePort, tempDir } from './net.js';

export interface SandboxProcess {
  child: ChildProcess;
  serviceUrl: string;
  dataDir: string;
  /** a file holding only partner 102's admin secret, for --admin-secret-file */
  secretFile: string;
  adminSecret: string;
  /** the station flags that point a station at this sandbox as partner 102 (eCDN) */
  stationArgs(hostname: string): string[];
  stop(): Promise<void>;
}

export async function startSandboxProcess(options: { env?: NodeJS.ProcessEnv; args?: string[] } = {}): Promise<SandboxProcess> {
  const port = await freePort();
  const dataDir = tempDir('klive-sandbox-proc-');
  const child = spawn(process.execPath, [CLI_PATH, 'sandbox', '--port', String(port), '--data-dir', dataDir, ...(options.args ?? [])], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const serviceUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox not ready in time: ${out}`)), 20_000);
    child.stdout?.on('data', () => {
      const match = /kLive sandbox api_v3 at (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    void exited.then(() => reject(new Error(`sandbox exited before it was ready: ${out}`)));
  });
  const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'sandbox', 'secrets.json'), 'utf8')) as { adminSecrets: Record<string, string> };
  const adminSecret = secrets.adminSecrets['102'] as string;
  const secretFile = path.join(dataDir, 'partner-102.secret');
  fs.writeFileSync(secretFile, adminSecret, { mode: 0o600 });
  return {
    child,
    serviceUrl,
    dataDir,
    secretFile,
    adminSecret,
    stationArgs: (hostname) => ['--kaltura-mode', 'ecdn', '--kaltura-url', serviceUrl, '--partner-id', '102', '--admin-secret-file', secretFile, '--hostname', hostname],
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An admin KS call through the sandbox's api_v3 (JSON); throws Kaltura's error message. */
export async function adminCall(sandbox: SandboxProcess, service: string, action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const call = async (s: string, a: string, p: Record<string, unknown>): Promise<unknown> => {
    const res = await fetch(`${sandbox.serviceUrl}/api_v3/service/${s}/action/${a}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ format: 1, ...p }) });
    const body = (await res.json()) as unknown;
    if (body && typeof body === 'object' && (body as { objectType?: string }).objectType === 'KalturaAPIException') throw new Error((body as { message: string }).message);
    return body;
  };
  const ks = (await call('session', 'start', { secret: sandbox.adminSecret, partnerId: 102, type: 2 })) as string;
  return (await call(service, action, { ...params, ks })) as Record<string, unknown>;
}
