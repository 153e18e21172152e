// Owns the user settings on disk (DATA/settings.json): loaded and validated at start, updated as a whole
// after validation, written atomically. A corrupt file is reported and kept aside, never overwritten.
import fs from 'node:fs';
import path from 'node:path';
import { hostnameProblem } from '../../shared/hostname.js';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '../../shared/settings.js';
import type { FieldError, SettingsUpdate } from '../../shared/bridge/contract.js';

export interface SettingsLoadResult {
  settings: Settings;
  /** set when the file existed but could not be used; it was renamed to `keptAsidePath` */
  problem: string | null;
  keptAsidePath: string | null;
}

export class SettingsStore {
  private current: Settings;
  private readonly listeners = new Set<(s: Settings) => void>();
  readonly filePath: string;
  readonly loadProblem: string | null;

  constructor(dataDir: string, now: () => number = Date.now) {
    this.filePath = path.join(dataDir, 'settings.json');
    const loaded = loadSettings(this.filePath, now);
    this.current = loaded.settings;
    this.loadProblem = loaded.problem;
  }

  get(): Settings {
    return this.current;
  }

  onChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates the merged result; on success persists and notifies. Secrets are not handled here. */
  update(
    update: Omit<SettingsUpdate, 'adminSecret'>,
    context: { adminSecretStored: boolean; adminSecretProvided: boolean },
  ): { ok: true; settings: Settings } | { ok: false; errors: FieldError[] } {
    const merged = {
      kaltura: { ...this.current.kaltura, ...(update.kaltura ?? {}) },
      media: { ...this.current.media, ...(update.media ?? {}) },
    };
    const parsed = SettingsSchema.safeParse(merged);
    if (!parsed.success) {
      return {
        ok: false,
        errors: parsed.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: friendlyZodMessage(issue.path.join('.'), issue.message),
        })),
      };
    }
    const errors = validateSettings(parsed.data, context);
    if (errors.length > 0) return { ok: false, errors };
    this.current = parsed.data;
    writeAtomic(this.filePath, JSON.stringify(this.current, null, 2) + '\n');
    for (const listener of this.listeners) listener(this.current);
    return { ok: true, settings: this.current };
  }
}

/** Rules that span fields; each message names the field and the fix. */
export function validateSettings(
  s: Settings,
  context: { adminSecretStored: boolean; adminSecretProvided: boolean },
): FieldError[] {
  const errors: FieldError[] = [];
  const k = s.kaltura;
  if (k.mode !== 'sandbox') {
    if (k.serviceUrl.trim() === '') {
      errors.push({
        path: 'kaltura.serviceUrl',
        message: 'Enter the Kaltura service URL, e.g. https://www.kaltura.com (or your on-prem server).',
      });
    } else {
      let url: URL | null = null;
      try {
        url = new URL(k.serviceUrl);
      } catch {
        url = null;
      }
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
        errors.push({
          path: 'kaltura.serviceUrl',
          message:
            'The service URL must start with https:// (or http:// for an on-prem server), e.g. https://www.kaltura.com.',
        });
      } else if (url.search || url.hash) {
        errors.push({
          path: 'kaltura.serviceUrl',
          message: 'Give only the server address, without ?query or #fragment, e.g. https://www.kaltura.com.',
        });
      }
    }
    if (!context.adminSecretStored && !context.adminSecretProvided) {
      errors.push({
        path: 'adminSecret',
        message:
          'Enter the admin secret of the partner (KMC → Settings → Integration Settings); it is stored encrypted and never shown again.',
      });
    }
  }
  if (k.mode === 'ecdn' && k.partnerId <= 0) {
    errors.push({
      path: 'kaltura.partnerId',
      message:
        'In eCDN mode the partner id is your own partner id (a positive number from KMC → Settings → Integration Settings).',
    });
  }
  if ((k.mode === 'saas' || k.mode === 'onprem') && k.partnerId > 0) {
    // a positive id here means the user meant eCDN: impersonation only works with a media-server partner
    errors.push({
      path: 'kaltura.partnerId',
      message: `Kaltura SaaS/on-prem mode uses the media-server partner (-5) and its admin secret; to use your own partner ${k.partnerId} choose eCDN mode.`,
    });
  }
  // empty = this installation's default (machine name + installation id)
  const hostProblem = k.hostname.length > 0 ? hostnameProblem(k.hostname) : null;
  if (hostProblem) errors.push({ path: 'kaltura.hostname', message: hostProblem });
  if (k.ksExpirySeconds < 60 && k.mode !== 'sandbox') {
    errors.push({
      path: 'kaltura.ksExpirySeconds',
      message: 'A KS lifetime under 60 seconds is for tests only; use at least 3600 (the default is 86400).',
    });
  }
  return errors;
}

function friendlyZodMessage(field: string, message: string): string {
  return `${field}: ${message}`;
}

export function loadSettings(filePath: string, now: () => number = Date.now): SettingsLoadResult {
  if (!fs.existsSync(filePath))
    return { settings: structuredClone(DEFAULT_SETTINGS), problem: null, keptAsidePath: null };
  let problem: string;
  try {
    const raw = JSON.parse(fs.readFileSync(filePath, 'utf8')) as unknown;
    const merged = mergeWithDefaults(raw);
    const parsed = SettingsSchema.safeParse(merged);
    if (parsed.success) return { settings: parsed.data, problem: null, keptAsidePath: null };
    problem = `settings file ${filePath} has invalid values (${parsed.error.issues.map((i) => i.path.join('.') + ': ' + i.message).join('; ')})`;
  } catch (e) {
    problem = `settings file ${filePath} is not valid JSON (${(e as Error).message})`;
  }
  const keptAsidePath = `${filePath}.corrupt-${now()}`;
  fs.renameSync(filePath, keptAsidePath);
  return {
    settings: structuredClone(DEFAULT_SETTINGS),
    problem: `${problem}; it was kept as ${keptAsidePath} and defaults are in use`,
    keptAsidePath,
  };
}

function mergeWithDefaults(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const r = raw as { kaltura?: object; media?: object };
  return {
    kaltura: { ...DEFAULT_SETTINGS.kaltura, ...(r.kaltura ?? {}) },
    media: { ...DEFAULT_SETTINGS.media, ...(r.media ?? {}) },
  };
}

export function writeAtomic(filePath: string, text: string, mode = 0o600): void {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const tmp = `${filePath}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode });
  fs.renameSync(tmp, filePath);
}
