// Owns the contract for keeping secrets (the Kaltura admin secret) apart from settings: a named
// key-value store whose storage class the UI can report. Implementations: file-secret-store.ts
// (headless, plain file 0600) and main/electron/secret-store.ts (Electron safeStorage).
export type SecretStorageKind = 'encrypted' | 'plain' | 'memory';

export interface SecretStore {
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
  /** 'encrypted' (OS keychain), 'plain' (a file only the user can read), 'memory' (lost on quit) */
  describe(): SecretStorageKind;
}

/** The name under which the Kaltura admin secret is stored. */
export const ADMIN_SECRET_NAME = 'kaltura.adminSecret';

/** Keeps secrets for this run only; nothing touches the disk. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();

  get(name: string): string | null {
    return this.values.get(name) ?? null;
  }

  set(name: string, value: string): void {
    this.values.set(name, value);
  }

  delete(name: string): void {
    this.values.delete(name);
  }

  describe(): SecretStorageKind {
    return 'memory';
  }

  entries(): Array<[string, string]> {
    return [...this.values.entries()];
  }
}
