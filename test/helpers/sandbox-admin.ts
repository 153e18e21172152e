// For tests that put stations and viewers on an external sandbox process (sandbox-process.ts): the station flags that
// make a station use it as partner 102's Kaltura (eCDN), and admin calls through its api_v3 (JSON).
import fs from 'node:fs';
import path from 'node:path';
import type { SandboxProcess } from './sandbox-process.js';

/** --kaltura-mode ecdn ... for a station named `hostname` on this sandbox, as partner 102. */
export function stationArgs(sandbox: SandboxProcess, hostname: string): string[] {
  return [
    '--kaltura-mode',
    'ecdn',
    '--kaltura-url',
    sandbox.serviceUrl,
    '--partner-id',
    '102',
    '--admin-secret-file',
    sandbox.secretFile(102),
    '--hostname',
    hostname,
  ];
}

/** An admin KS call (partner 102); throws Kaltura's error message. */
export async function adminCall(
  sandbox: SandboxProcess,
  service: string,
  action: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const secrets = JSON.parse(fs.readFileSync(path.join(sandbox.dataDir, 'sandbox', 'secrets.json'), 'utf8')) as {
    adminSecrets: Record<string, string>;
  };
  const call = async (s: string, a: string, p: Record<string, unknown>): Promise<unknown> => {
    const res = await fetch(`${sandbox.serviceUrl}/api_v3/service/${s}/action/${a}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ format: 1, ...p }),
    });
    const body = (await res.json()) as unknown;
    if (body && typeof body === 'object' && (body as { objectType?: string }).objectType === 'KalturaAPIException')
      throw new Error((body as { message: string }).message);
    return body;
  };
  const ks = (await call('session', 'start', {
    secret: secrets.adminSecrets['102'],
    partnerId: 102,
    type: 2,
  })) as string;
  return (await call(service, action, { ...params, ks })) as Record<string, unknown>;
}
