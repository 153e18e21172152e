import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Dialog } from 'electron';
import {
  askSecretFallback,
  ElectronSecretStore,
  ENCRYPTED_SECRETS_FILE,
  encryptionUsable,
} from '../../../main/electron/secret-store.js';
import type { SafeStorageLike } from '../../../main/electron/secret-store.js';
import { FileSecretStore, PLAIN_SECRETS_FILE } from '../../../main/config/file-secret-store.js';
import { ADMIN_SECRET_NAME } from '../../../main/config/secret-store.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';
import { tempDir } from '../../helpers/net.js';

vi.mock('electron', () => {
  throw new Error('secret-store.ts must not need the electron module at runtime');
});

const SECRET = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';

/** A reversible stand-in for the OS keychain: XOR with a key, so ciphertext never contains the text. */
function fakeSafeStorage(
  available = true,
  backend?: string,
): SafeStorageLike & { encryptString: ReturnType<typeof vi.fn> } {
  const xor = (b: Buffer) => Buffer.from(b.map((x, i) => x ^ (0x5a + (i % 7))));
  return {
    isEncryptionAvailable: () => available,
    encryptString: vi.fn((s: string) => Buffer.concat([Buffer.from('v10'), xor(Buffer.from(s, 'utf8'))])),
    decryptString: (b: Buffer) => {
      if (b.subarray(0, 3).toString() !== 'v10')
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return xor(b.subarray(3)).toString('utf8');
    },
    ...(backend
      ? {
          getSelectedStorageBackend: () =>
            backend as ReturnType<NonNullable<SafeStorageLike['getSelectedStorageBackend']>>,
        }
      : {}),
  };
}

const dirs: string[] = [];
function dataDir(): string {
  const d = tempDir('klive-secrets-');
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('ElectronSecretStore with OS encryption', () => {
  it('stores base64 ciphertext in a 0600 file, never the secret, and reads it back in a new session', () => {
    const dir = dataDir();
    const safe = fakeSafeStorage();
    const store = new ElectronSecretStore({
      safeStorage: safe,
      dataDir: dir,
      logger: createLogger({ sinks: [] }),
      platform: 'linux',
    });
    expect(store.describe()).toBe('encrypted');
    expect(store.needsFallbackChoice()).toBe(false);
    store.set(ADMIN_SECRET_NAME, SECRET);
    const file = path.join(dir, ENCRYPTED_SECRETS_FILE);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    const body = JSON.parse(text) as { version: number; encoding: string; secrets: Record<string, string> };
    expect(body.encoding).toBe('safeStorage');
    expect(
      Buffer.from(body.secrets[ADMIN_SECRET_NAME] as string, 'base64')
        .subarray(0, 3)
        .toString(),
    ).toBe('v10');
    expect(mode(file)).toBe(0o600);
    expect(fs.existsSync(path.join(dir, PLAIN_SECRETS_FILE))).toBe(false);

    const again = new ElectronSecretStore({
      safeStorage: safe,
      dataDir: dir,
      logger: createLogger({ sinks: [] }),
      platform: 'linux',
    });
    expect(again.get(ADMIN_SECRET_NAME)).toBe(SECRET);
    again.delete(ADMIN_SECRET_NAME);
    expect(
      new ElectronSecretStore({ safeStorage: safe, dataDir: dir, logger: createLogger({ sinks: [] }) }).get(
        ADMIN_SECRET_NAME,
      ),
    ).toBeNull();
  });

  it('reports every secret it touches so the logger can mask it', () => {
    const seen: string[] = [];
    const store = new ElectronSecretStore({
      safeStorage: fakeSafeStorage(),
      dataDir: dataDir(),
      logger: createLogger({ sinks: [] }),
      onSecret: (v) => seen.push(v),
    });
    store.set(ADMIN_SECRET_NAME, SECRET);
    store.get(ADMIN_SECRET_NAME);
    expect(seen).toEqual([SECRET, SECRET]);
  });

  it('an undecryptable value reads as missing and is logged (without the ciphertext)', () => {
    const dir = dataDir();
    new ElectronSecretStore({ safeStorage: fakeSafeStorage(), dataDir: dir, logger: createLogger({ sinks: [] }) }).set(
      ADMIN_SECRET_NAME,
      SECRET,
    );
    const file = path.join(dir, ENCRYPTED_SECRETS_FILE);
    const body = JSON.parse(fs.readFileSync(file, 'utf8')) as { secrets: Record<string, string> };
    body.secrets[ADMIN_SECRET_NAME] = Buffer.from('garbage').toString('base64');
    fs.writeFileSync(file, JSON.stringify({ ...body, version: 1, encoding: 'safeStorage' }));
    const sink = memorySink();
    expect(
      new ElectronSecretStore({
        safeStorage: fakeSafeStorage(),
        dataDir: dir,
        logger: createLogger({ sinks: [sink] }),
      }).get(ADMIN_SECRET_NAME),
    ).toBeNull();
    expect(sink.lines.some((l) => l.includes('cannot be decrypted') && l.includes('enter it again'))).toBe(true);
  });

  it('moves secrets from an earlier plain file into encrypted storage and deletes the plain file', () => {
    const dir = dataDir();
    new FileSecretStore(dir).set(ADMIN_SECRET_NAME, SECRET);
    const store = new ElectronSecretStore({
      safeStorage: fakeSafeStorage(),
      dataDir: dir,
      logger: createLogger({ sinks: [] }),
    });
    expect(store.describe()).toBe('encrypted');
    expect(store.get(ADMIN_SECRET_NAME)).toBe(SECRET);
    expect(fs.existsSync(path.join(dir, PLAIN_SECRETS_FILE))).toBe(false);
    expect(fs.readFileSync(path.join(dir, ENCRYPTED_SECRETS_FILE), 'utf8')).not.toContain(SECRET);
  });

  it('a corrupt encrypted file is an error naming the file and the fix', () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, ENCRYPTED_SECRETS_FILE), '{not json');
    expect(
      () =>
        new ElectronSecretStore({ safeStorage: fakeSafeStorage(), dataDir: dir, logger: createLogger({ sinks: [] }) }),
    ).toThrow(/secrets\.safe\.json is not valid JSON; delete it and enter the Kaltura admin secret again/);
  });
});

describe('ElectronSecretStore without OS encryption', () => {
  it('treats the Linux basic_text backend as no encryption', () => {
    expect(encryptionUsable(fakeSafeStorage(true, 'basic_text'), 'linux')).toBe(false);
    expect(encryptionUsable(fakeSafeStorage(true, 'gnome_libsecret'), 'linux')).toBe(true);
    expect(encryptionUsable(fakeSafeStorage(false), 'darwin')).toBe(false);
    expect(encryptionUsable(fakeSafeStorage(true), 'win32')).toBe(true);
  });

  it('keeps secrets in memory until the user chooses, and writes nothing for "this session only"', async () => {
    const dir = dataDir();
    const safe = fakeSafeStorage(false);
    const store = new ElectronSecretStore({ safeStorage: safe, dataDir: dir, logger: createLogger({ sinks: [] }) });
    expect(store.describe()).toBe('memory');
    expect(store.needsFallbackChoice()).toBe(true);
    store.set(ADMIN_SECRET_NAME, SECRET);
    const ask = vi.fn(async () => 'memory' as const);
    await expect(store.chooseFallback(ask)).resolves.toBe('memory');
    await expect(store.chooseFallback(ask)).resolves.toBe('memory');
    expect(ask).toHaveBeenCalledTimes(1);
    expect(store.get(ADMIN_SECRET_NAME)).toBe(SECRET);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(safe.encryptString).not.toHaveBeenCalled();
  });

  it('on "store unencrypted" writes a 0600 plain file with the secrets entered so far, used in later sessions', async () => {
    const dir = dataDir();
    const store = new ElectronSecretStore({
      safeStorage: fakeSafeStorage(false),
      dataDir: dir,
      logger: createLogger({ sinks: [] }),
    });
    store.set(ADMIN_SECRET_NAME, SECRET);
    await expect(store.chooseFallback(async () => 'plain')).resolves.toBe('plain');
    const file = path.join(dir, PLAIN_SECRETS_FILE);
    expect(mode(file)).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      version: 1,
      encoding: 'plain',
      secrets: { [ADMIN_SECRET_NAME]: SECRET },
    });
    const sink = memorySink();
    const later = new ElectronSecretStore({
      safeStorage: fakeSafeStorage(false),
      dataDir: dir,
      logger: createLogger({ sinks: [sink] }),
    });
    expect(later.describe()).toBe('plain');
    expect(later.needsFallbackChoice()).toBe(false);
    expect(later.get(ADMIN_SECRET_NAME)).toBe(SECRET);
    expect(sink.lines.some((l) => l.includes('UNENCRYPTED'))).toBe(true);
  });

  it('tells the user with a warning dialog and maps the buttons to the choice', async () => {
    const showMessageBox = vi.fn(async () => ({ response: 1, checkboxChecked: false }));
    await expect(askSecretFallback({ showMessageBox } as unknown as Dialog, null, '/data/secrets.json')).resolves.toBe(
      'plain',
    );
    const options = (
      showMessageBox.mock.calls[0] as unknown as [{ type: string; buttons: string[]; detail: string; cancelId: number }]
    )[0];
    expect(options.type).toBe('warning');
    expect(options.buttons).toEqual(['Keep for this session only', 'Store unencrypted']);
    expect(options.cancelId).toBe(0);
    expect(options.detail).toContain('/data/secrets.json');
    showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    await expect(askSecretFallback({ showMessageBox } as unknown as Dialog, null, '/x')).resolves.toBe('memory');
  });
});

describe('FileSecretStore (headless)', () => {
  it('is a plain 0600 file that survives restarts; delete removes the entry', () => {
    const dir = dataDir();
    const store = new FileSecretStore(dir);
    expect(store.describe()).toBe('plain');
    expect(store.get(ADMIN_SECRET_NAME)).toBeNull();
    store.set(ADMIN_SECRET_NAME, SECRET);
    expect(mode(store.filePath)).toBe(0o600);
    expect(new FileSecretStore(dir).get(ADMIN_SECRET_NAME)).toBe(SECRET);
    store.delete(ADMIN_SECRET_NAME);
    expect(new FileSecretStore(dir).get(ADMIN_SECRET_NAME)).toBeNull();
    expect(new FileSecretStore(dir).get('constructor')).toBeNull();
  });

  it('names the file and the fix when the file is not a secrets file', () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, PLAIN_SECRETS_FILE), JSON.stringify({ version: 2 }));
    expect(() => new FileSecretStore(dir)).toThrow(/secrets\.json is not a version 1 "plain" secrets file; delete it/);
  });
});
