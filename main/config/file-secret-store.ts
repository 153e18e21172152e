// Owns the headless station's secrets file: DATA/secrets.json, a PLAIN-TEXT JSON file readable only by
// the user (mode 0600, written atomically). Not encrypted: whoever can read the user's files can read
// the secret. The Electron app uses OS encryption instead (main/electron/secret-store.ts) and falls
// back to this only when the user chooses it.
import fs from 'node:fs';
import path from 'node:path';
import type { SecretStorageKind, SecretStore } from './secret-store.js';

export const PLAIN_SECRETS_FILE = 'secrets.json';

export interface SecretsFile {
  version: 1;
  /** 'plain': values as they are; 'safeStorage': base64 of Electron safeStorage ciphertext */
  encoding: 'plain' | 'safeStorage';
  secrets: Record<string, string>;
}

/** Reads a secrets file; null when absent. A malformed file is an error naming the file and the fix. */
export function readSecretsFile(file: string, encoding: SecretsFile['encoding']): Record<string, string> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(
      `cannot read the secrets file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}); check its permissions`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      `the secrets file ${file} is not valid JSON; delete it and enter the Kaltura admin secret again in Settings`,
    );
  }
  const p = parsed as Partial<SecretsFile> | null;
  if (
    !p ||
    typeof p !== 'object' ||
    p.version !== 1 ||
    p.encoding !== encoding ||
    !p.secrets ||
    typeof p.secrets !== 'object'
  ) {
    throw new Error(
      `the secrets file ${file} is not a version 1 "${encoding}" secrets file; delete it and enter the Kaltura admin secret again in Settings`,
    );
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(p.secrets)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** Writes a file only the user can read, atomically (temp file + rename), creating the directory. */
export function writePrivateFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export function writeSecretsFile(
  file: string,
  encoding: SecretsFile['encoding'],
  secrets: Record<string, string>,
): void {
  const body: SecretsFile = { version: 1, encoding, secrets };
  writePrivateFile(file, JSON.stringify(body, null, 2) + '\n');
}

export class FileSecretStore implements SecretStore {
  readonly filePath: string;
  private values: Record<string, string>;

  constructor(dataDir: string, fileName = PLAIN_SECRETS_FILE) {
    this.filePath = path.join(dataDir, fileName);
    this.values = readSecretsFile(this.filePath, 'plain') ?? {};
  }

  get(name: string): string | null {
    return Object.hasOwn(this.values, name) ? (this.values[name] as string) : null;
  }

  set(name: string, value: string): void {
    this.values = { ...this.values, [name]: value };
    writeSecretsFile(this.filePath, 'plain', this.values);
  }

  delete(name: string): void {
    if (!Object.hasOwn(this.values, name)) return;
    const { [name]: _gone, ...rest } = this.values;
    this.values = rest;
    writeSecretsFile(this.filePath, 'plain', this.values);
  }

  describe(): SecretStorageKind {
    return 'plain';
  }
}
