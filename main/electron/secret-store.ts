// Owns the Electron app's secrets: encrypted with the OS keychain through safeStorage (base64
// ciphertext in DATA/secrets.safe.json, mode 0600), never in settings. When the OS offers no real
// encryption the user is told and chooses: keep secrets for this session only, or store them in a
// plain file (main/config/file-secret-store.ts) with a clear warning.
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Dialog, SafeStorage } from 'electron';
import type { Logger } from '../log/logger.js';
import { FileSecretStore, PLAIN_SECRETS_FILE, readSecretsFile, writeSecretsFile } from '../config/file-secret-store.js';
import { MemorySecretStore } from '../config/secret-store.js';
import type { SecretStorageKind, SecretStore } from '../config/secret-store.js';

export const ENCRYPTED_SECRETS_FILE = 'secrets.safe.json';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

export type FallbackChoice = 'memory' | 'plain';

/** Real encryption only: on Linux, the 'basic_text' backend is a fixed, public key (no better than plain). */
export function encryptionUsable(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return false;
  return true;
}

class EncryptedFileSecretStore implements SecretStore {
  private values: Record<string, string>;

  constructor(
    private readonly file: string,
    private readonly safeStorage: SafeStorageLike,
    private readonly logger: Logger,
  ) {
    this.values = readSecretsFile(file, 'safeStorage') ?? {};
  }

  get(name: string): string | null {
    const stored = Object.hasOwn(this.values, name) ? this.values[name] : undefined;
    if (stored === undefined) return null;
    try {
      return this.safeStorage.decryptString(Buffer.from(stored, 'base64'));
    } catch (e) {
      // e.g. the OS keychain was reset: the ciphertext is unreadable, the user must enter it again
      this.logger.error('a stored secret cannot be decrypted; enter it again in Settings', {
        name,
        error: (e as Error).message,
      });
      return null;
    }
  }

  set(name: string, value: string): void {
    this.values = { ...this.values, [name]: this.safeStorage.encryptString(value).toString('base64') };
    writeSecretsFile(this.file, 'safeStorage', this.values);
  }

  delete(name: string): void {
    if (!Object.hasOwn(this.values, name)) return;
    const { [name]: _gone, ...rest } = this.values;
    this.values = rest;
    writeSecretsFile(this.file, 'safeStorage', this.values);
  }

  describe(): SecretStorageKind {
    return 'encrypted';
  }
}

export interface ElectronSecretStoreDeps {
  safeStorage: SafeStorageLike;
  dataDir: string;
  logger: Logger;
  /** called with every secret read or written, so the logger can mask it */
  onSecret?: (value: string) => void;
  platform?: NodeJS.Platform;
}

export class ElectronSecretStore implements SecretStore {
  private backing: SecretStore;
  private undecided: boolean;

  constructor(private readonly deps: ElectronSecretStoreDeps) {
    const { dataDir, logger, safeStorage } = deps;
    const plainFile = path.join(dataDir, PLAIN_SECRETS_FILE);
    if (encryptionUsable(safeStorage, deps.platform)) {
      const encrypted = new EncryptedFileSecretStore(path.join(dataDir, ENCRYPTED_SECRETS_FILE), safeStorage, logger);
      // secrets kept in plain text while encryption was unavailable move into the encrypted file
      const plain = readSecretsFile(plainFile, 'plain');
      if (plain) {
        for (const [name, value] of Object.entries(plain)) encrypted.set(name, value);
        fs.rmSync(plainFile, { force: true });
        logger.info('moved secrets from the plain file into encrypted storage', { count: Object.keys(plain).length });
      }
      this.backing = encrypted;
      this.undecided = false;
    } else if (fs.existsSync(plainFile)) {
      // the user chose plain storage in an earlier session
      this.backing = new FileSecretStore(dataDir);
      this.undecided = false;
      logger.warn('OS encryption is unavailable; secrets are stored UNENCRYPTED (you chose this)', { file: plainFile });
    } else {
      this.backing = new MemorySecretStore();
      this.undecided = true;
      logger.warn('OS encryption is unavailable; secrets are kept in memory until you choose how to store them');
    }
  }

  /** true when encryption is unavailable and the user has not chosen memory or plain yet */
  needsFallbackChoice(): boolean {
    return this.undecided;
  }

  /** Asks the user (once) and switches to their choice; secrets already entered move along. */
  async chooseFallback(ask: () => Promise<FallbackChoice>): Promise<SecretStorageKind> {
    if (!this.undecided) return this.describe();
    const choice = await ask();
    this.undecided = false;
    if (choice === 'plain') {
      const file = new FileSecretStore(this.deps.dataDir);
      if (this.backing instanceof MemorySecretStore)
        for (const [name, value] of this.backing.entries()) file.set(name, value);
      this.backing = file;
      this.deps.logger.warn("secrets will be stored UNENCRYPTED at the user's request", { file: file.filePath });
    } else {
      this.deps.logger.info('secrets are kept for this session only');
    }
    return this.describe();
  }

  get(name: string): string | null {
    const value = this.backing.get(name);
    if (value) this.deps.onSecret?.(value);
    return value;
  }

  set(name: string, value: string): void {
    this.deps.onSecret?.(value);
    this.backing.set(name, value);
  }

  delete(name: string): void {
    this.backing.delete(name);
  }

  describe(): SecretStorageKind {
    return this.backing.describe();
  }
}

/** The dialog that tells the user there is no OS encryption and lets them choose. */
export async function askSecretFallback(
  dialog: Pick<Dialog, 'showMessageBox'>,
  win: BrowserWindow | null,
  plainFile: string,
): Promise<FallbackChoice> {
  const options = {
    type: 'warning' as const,
    title: 'No secure storage for secrets',
    message: 'This system offers no encrypted storage (keychain) for the Kaltura admin secret.',
    detail:
      'Keep it for this session only: you enter it again after each start.\n' +
      `Store it unencrypted: it is saved in ${plainFile}, readable by anyone who can read your files.`,
    buttons: ['Keep for this session only', 'Store unencrypted'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
  const result = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
  return result.response === 1 ? 'plain' : 'memory';
}
