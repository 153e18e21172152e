// Owns which Kaltura settings are in force for this run: the saved settings under the start-up flags
// (which win for the run and are never saved), the server-node hostname filled in from this installation
// (DATA/installation.json) when the settings leave it empty, and where the admin secret comes from
// (--admin-secret-file for the run, else the secret store). A headless start with incomplete flags is a
// UsageError: a server has no window to fix it in.
import os from 'node:os';
import { UsageError } from '../config/errors.js';
import { loadOrCreateInstallation, type Installation } from '../config/installation.js';
import {
  applyKalturaStartup,
  hasKalturaStartup,
  overriddenFields,
  readAdminSecretFile,
  type KalturaStartup,
} from '../config/kaltura-startup.js';
import { ADMIN_SECRET_NAME, type SecretStore } from '../config/secret-store.js';
import { validateSettings, type SettingsStore } from '../config/settings-store.js';
import type { Logger } from '../log/logger.js';
import type { KalturaSettings } from '../../shared/settings.js';

export interface KalturaConfigDeps {
  dataDir: string;
  settings: SettingsStore;
  secrets: SecretStore;
  startup: KalturaStartup;
  logger: Logger;
}

export class KalturaConfig {
  private installation: Installation | null = null;

  constructor(private readonly d: KalturaConfigDeps) {}

  /** Reads (or creates, at the first start) this installation's id and default hostname. */
  async load(): Promise<Installation> {
    const loaded = await loadOrCreateInstallation(this.d.dataDir);
    if (loaded.problem) this.d.logger.error(loaded.problem);
    this.installation = loaded.installation;
    return loaded.installation;
  }

  /** The Kaltura settings in force, hostname always filled in. */
  effective(): KalturaSettings {
    const effective = applyKalturaStartup(this.d.settings.get().kaltura, this.d.startup);
    const hostname = effective.hostname.trim() || this.installation?.defaultHostname || os.hostname();
    return { ...effective, hostname };
  }

  /** The hostname the station uses when the settings leave it empty. */
  defaultHostname(): string | null {
    return this.installation?.defaultHostname ?? null;
  }

  /** Settings fields the start-up flags hold fixed for this run (the UI says so next to them). */
  overriddenFields(): string[] {
    return overriddenFields(this.d.startup);
  }

  /** The admin secret: from --admin-secret-file for this run (read again each time), else from the secret store. */
  adminSecret(): string | null {
    const file = this.d.startup.adminSecretFile;
    if (file === undefined) return this.d.secrets.get(ADMIN_SECRET_NAME);
    const secret = readAdminSecretFile(file);
    this.d.logger.redactor.addSecret(secret);
    return secret;
  }

  /** Throws a UsageError naming the missing flag when the start-up values leave the account incomplete. */
  checkStartup(): void {
    if (!hasKalturaStartup(this.d.startup)) return;
    const k = this.effective();
    if (k.mode === 'sandbox') return;
    if (k.serviceUrl.trim() === '')
      throw new UsageError(
        `Kaltura mode ${k.mode} needs the Kaltura server: add --kaltura-url URL (or KLIVE_KALTURA_URL), e.g. https://www.kaltura.com`,
      );
    if (this.adminSecret() === null)
      throw new UsageError(
        `Kaltura mode ${k.mode} needs the admin secret of partner ${k.partnerId}: add --admin-secret-file FILE (or KLIVE_ADMIN_SECRET_FILE)`,
      );
    const first = validateSettings(
      { ...this.d.settings.get(), kaltura: k },
      { adminSecretStored: true, adminSecretProvided: true },
    )[0];
    if (first)
      throw new UsageError(
        `the Kaltura start-up values do not fit the saved settings (${first.path}): ${first.message} Give the matching flag.`,
      );
  }
}
