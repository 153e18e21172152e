// Owns the Kaltura account given at start-up (headless set-up of a real account: --kaltura-mode,
// --kaltura-url, --partner-id, --admin-secret-file, --hostname and their KLIVE_* variables): checking each
// value, reading the admin secret from its file (never from argv or the environment), the rules that span
// the values, and laying them over the saved settings for this run only (nothing is written back).
import fs from 'node:fs';
import { UsageError } from './errors.js';
import { hostnameProblem } from '../../shared/hostname.js';
import { KALTURA_MODES, type KalturaMode, type KalturaSettings } from '../../shared/settings.js';

/** What the start-up flags set; each field wins over the saved setting for this run. */
export interface KalturaStartup {
  mode?: KalturaMode;
  serviceUrl?: string;
  partnerId?: number;
  /** the file holding the admin secret (its content is read when needed, never kept in the options) */
  adminSecretFile?: string;
  hostname?: string;
}

export type KalturaStartupField = keyof KalturaStartup;

/** `origin` names where the value came from (a flag, a variable, the config file) for the message. */
export function parseKalturaMode(raw: string, origin: string): KalturaMode {
  const mode = KALTURA_MODES.find((m) => m === raw.trim().toLowerCase());
  if (!mode)
    throw new UsageError(
      `${origin}: Kaltura mode "${raw}" is unknown; use sandbox, ecdn (your own partner), saas or onprem (the media-server partner -5)`,
    );
  return mode;
}

export function parseServiceUrl(raw: string, origin: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(
      `${origin}: "${raw}" is not a URL; give the Kaltura server, e.g. https://www.kaltura.com or http://127.0.0.1:PORT for a sandbox`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`${origin}: the Kaltura URL must start with https:// or http://, got "${url.protocol}"`);
  if (url.search || url.hash || url.username || url.password)
    throw new UsageError(
      `${origin}: give only the server address (no user, ?query or #fragment), e.g. https://www.kaltura.com`,
    );
  return url.toString().replace(/\/+$/, '');
}

export function parsePartnerId(raw: string, origin: string): number {
  const n = Number(raw.trim());
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(
      `${origin}: partner id "${raw}" is not a whole number; use your partner id (KMC → Settings → Integration Settings) for ecdn, -5 for saas/onprem`,
    );
  }
  return n;
}

export function parseHostname(raw: string, origin: string): string {
  const problem = hostnameProblem(raw.trim());
  if (problem) throw new UsageError(`${origin}: ${problem}`);
  return raw.trim();
}

/** Checks the secret file is readable and holds one word; returns the path (the secret is read again when used). */
export function parseAdminSecretFile(raw: string, origin: string): string {
  readAdminSecretFile(raw, origin);
  return raw;
}

/**
 * The admin secret in `file`: its content with surrounding whitespace (a trailing newline) removed.
 * Every problem is a UsageError that names the file, never the content.
 */
export function readAdminSecretFile(file: string, origin = '--admin-secret-file'): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `${origin} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'}); give a file that holds only the partner's admin secret`,
    );
  }
  const secret = text.trim();
  if (secret === '')
    throw new UsageError(
      `${origin} ${file}: the file is empty; put the partner's admin secret in it (KMC → Settings → Integration Settings)`,
    );
  if (/\s/.test(secret))
    throw new UsageError(`${origin} ${file}: the file holds more than one word; it must hold only the admin secret`);
  if (secret.length > 200)
    throw new UsageError(
      `${origin} ${file}: ${secret.length} characters is too long for an admin secret; check the file`,
    );
  return secret;
}

/** Rules across the start-up values themselves (a combination that can never work). */
export function checkKalturaStartup(k: KalturaStartup): void {
  if (
    k.mode === 'sandbox' &&
    (k.serviceUrl !== undefined || k.partnerId !== undefined || k.adminSecretFile !== undefined)
  ) {
    throw new UsageError(
      '--kaltura-mode sandbox starts the built-in sandbox: leave out --kaltura-url, --partner-id and --admin-secret-file, or use --kaltura-mode ecdn for a sandbox in another process',
    );
  }
  if (k.mode === 'ecdn' && k.partnerId !== undefined && k.partnerId <= 0) {
    throw new UsageError(
      `--partner-id ${k.partnerId}: eCDN mode uses your own partner id (a positive number); -5 is the media-server partner of --kaltura-mode saas or onprem`,
    );
  }
  if ((k.mode === 'saas' || k.mode === 'onprem') && k.partnerId !== undefined && k.partnerId > 0) {
    throw new UsageError(
      `--partner-id ${k.partnerId}: ${k.mode} mode uses the media-server partner (-5) and its admin secret; for your own partner use --kaltura-mode ecdn`,
    );
  }
}

/** The saved Kaltura settings with the start-up values laid over them (for this run only). */
export function applyKalturaStartup(saved: KalturaSettings, k: KalturaStartup): KalturaSettings {
  return {
    ...saved,
    ...(k.mode !== undefined ? { mode: k.mode } : {}),
    ...(k.serviceUrl !== undefined ? { serviceUrl: k.serviceUrl } : {}),
    ...(k.partnerId !== undefined ? { partnerId: k.partnerId } : {}),
    ...(k.hostname !== undefined ? { hostname: k.hostname } : {}),
  };
}

/** The settings fields the start-up values hold fixed (for the UI), e.g. ['mode', 'serviceUrl', 'adminSecret']. */
export function overriddenFields(k: KalturaStartup): string[] {
  const fields: string[] = [];
  if (k.mode !== undefined) fields.push('mode');
  if (k.serviceUrl !== undefined) fields.push('serviceUrl');
  if (k.partnerId !== undefined) fields.push('partnerId');
  if (k.adminSecretFile !== undefined) fields.push('adminSecret');
  if (k.hostname !== undefined) fields.push('hostname');
  return fields;
}

/** Whether any start-up value was given. */
export function hasKalturaStartup(k: KalturaStartup): boolean {
  return overriddenFields(k).length > 0;
}
