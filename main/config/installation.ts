// Owns this installation's identity (DATA/installation.json): a short random installation id and the
// default server-node hostname made from it and the machine's fully qualified name, both fixed at the
// first start. Kaltura matches media servers by exact host name across partners, so two stations must
// never share one, and a station must keep its own across restarts (a laptop's domain changes with the
// network; the stored name does not).
import crypto from 'node:crypto';
import dns from 'node:dns';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostnameProblem, MAX_HOSTNAME_LENGTH } from '../../shared/hostname.js';
import { writeAtomic } from './settings-store.js';

export interface Installation {
  /** 6 characters [a-z2-7], random at the first start */
  installationId: string;
  /** e.g. studio-laptop-k3f9q2.example.com: the server-node hostname unless the settings name another */
  defaultHostname: string;
  createdAtMs: number;
}

export function installationFilePath(dataDir: string): string {
  return path.join(dataDir, 'installation.json');
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function newInstallationId(random: (n: number) => Buffer = crypto.randomBytes): string {
  return [...random(6)].map((b) => BASE32[b % 32]).join('');
}

/**
 * The machine's name made a valid DNS name with the installation id on its first label:
 * `Studio_Laptop.example.com` + `k3f9q2` -> `studio-laptop-k3f9q2.example.com`.
 */
export function composeDefaultHostname(machineName: string, installationId: string): string {
  const labels = machineName
    .toLowerCase()
    .split('.')
    .map((l) => l.replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter((l) => l.length > 0);
  const first = (labels.shift() ?? 'klive-station').slice(0, 63 - installationId.length - 1).replace(/-+$/, '');
  let name = [`${first || 'klive'}-${installationId}`, ...labels].join('.');
  while (name.length > MAX_HOSTNAME_LENGTH && labels.length > 0) {
    labels.pop();
    name = [`${first}-${installationId}`, ...labels].join('.');
  }
  return name;
}

/**
 * This machine's fully qualified name when the resolver knows one (the short name looked up and its
 * address named back, as `hostname -f` does), else the short name. Never waits more than `timeoutMs`.
 */
export async function machineFqdn(options: { hostname?: string; timeoutMs?: number } = {}): Promise<string> {
  const short = options.hostname ?? os.hostname();
  if (short.includes('.')) return short;
  const lookup = (async (): Promise<string> => {
    const { address } = await dns.promises.lookup(short);
    const { hostname } = await dns.promises.lookupService(address, 0);
    return hostname.toLowerCase().startsWith(`${short.toLowerCase()}.`) ? hostname : short;
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(short), options.timeoutMs ?? 1500);
  });
  try {
    return await Promise.race([lookup.catch(() => short), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads DATA/installation.json, or creates it (once) from a fresh id and the machine's name. */
export async function loadOrCreateInstallation(
  dataDir: string,
  deps: { machineName?: () => Promise<string>; now?: () => number; random?: (n: number) => Buffer } = {},
): Promise<{ installation: Installation; problem: string | null }> {
  const file = installationFilePath(dataDir);
  let problem: string | null = null;
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Installation>;
    if (
      typeof raw.installationId === 'string' &&
      typeof raw.defaultHostname === 'string' &&
      hostnameProblem(raw.defaultHostname) === null
    ) {
      return {
        installation: {
          installationId: raw.installationId,
          defaultHostname: raw.defaultHostname,
          createdAtMs: typeof raw.createdAtMs === 'number' ? raw.createdAtMs : 0,
        },
        problem: null,
      };
    }
    problem = `${file} does not hold an installation id and hostname`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') problem = `${file} could not be read (${(e as Error).message})`;
  }
  if (problem) {
    const aside = `${file}.corrupt-${(deps.now ?? Date.now)()}`;
    fs.renameSync(file, aside);
    problem = `${problem}; kept it as ${aside} and made a new installation id: this station now registers with Kaltura under a new hostname (set the old one in Settings to keep it)`;
  }
  const installationId = newInstallationId(deps.random);
  const installation: Installation = {
    installationId,
    defaultHostname: composeDefaultHostname(await (deps.machineName ?? (() => machineFqdn()))(), installationId),
    createdAtMs: (deps.now ?? Date.now)(),
  };
  writeAtomic(file, JSON.stringify(installation, null, 2) + '\n', 0o644);
  return { installation, problem };
}
