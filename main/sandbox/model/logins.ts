// Owns the sandbox's KMC logins (DATA/sandbox/logins.json, mode 0600): a seeded producer login whose
// password is random per install (it belongs to partners 102 and 103), and a second login that requires a 2FA code (TOTP), for rehearsing the
// station's sign-in. Passwords are shown on the Sandbox screen like the admin secrets; they never reach logs.
import crypto from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../log/logger.js';
import { loadJson, writeJsonAtomic } from './persist.js';
import { randomBase32 } from './totp.js';
import { SECOND_PARTNER_ID, SEED_PARTNER_ID } from './types.js';

export const PRODUCER_LOGIN_ID = 'producer@klive.local';
export const PRODUCER_2FA_LOGIN_ID = 'producer-2fa@klive.local';

export const LoginRecordSchema = z.object({
  loginId: z.string(),
  password: z.string().min(8),
  /** the partners this login has a user in; the first is its default */
  partnerIds: z.array(z.number().int()).min(1),
  /** KMC admin user: gets an ADMIN KS (type 2) */
  isAdmin: z.boolean(),
  /** base32 TOTP secret when the login requires a 2FA code */
  otpSecret: z.string().nullable(),
});
export type LoginRecord = z.infer<typeof LoginRecordSchema>;

const LoginsFileSchema = z.object({ logins: z.array(LoginRecordSchema) });

function randomPassword(): string {
  // letters and digits only: easy to copy from the Sandbox screen, 16 characters of entropy
  return crypto
    .randomBytes(12)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'x')
    .slice(0, 16);
}

export function passwordsEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

export class SandboxLogins {
  private readonly logins: LoginRecord[];

  constructor(dir: string, logger: Logger, now: () => number) {
    const file = path.join(dir, 'logins.json');
    const loaded = loadJson(file, LoginsFileSchema, now());
    if (loaded.kind === 'ok') {
      this.logins = loaded.value.logins;
      // logins seeded before the producer login had a second partner get it now
      const producer = this.logins.find((l) => l.loginId === PRODUCER_LOGIN_ID);
      if (producer && !producer.partnerIds.includes(SECOND_PARTNER_ID)) {
        producer.partnerIds.push(SECOND_PARTNER_ID);
        writeJsonAtomic(file, { logins: this.logins }, 0o600);
      }
    } else {
      if (loaded.kind === 'corrupt')
        logger.error(
          `sandbox file logins.json is unreadable (${loaded.report.reason}); kept it as ${loaded.report.keptAs} and made new logins`,
        );
      this.logins = [
        // the producer login belongs to two partners (102 by default) to rehearse switching partner
        {
          loginId: PRODUCER_LOGIN_ID,
          password: randomPassword(),
          partnerIds: [SEED_PARTNER_ID, SECOND_PARTNER_ID],
          isAdmin: true,
          otpSecret: null,
        },
        {
          loginId: PRODUCER_2FA_LOGIN_ID,
          password: randomPassword(),
          partnerIds: [SEED_PARTNER_ID],
          isAdmin: true,
          otpSecret: randomBase32(32),
        },
      ];
      writeJsonAtomic(file, { logins: this.logins }, 0o600);
    }
    for (const login of this.logins) {
      logger.redactor.addSecret(login.password);
      if (login.otpSecret) logger.redactor.addSecret(login.otpSecret);
    }
  }

  /** Login ids compare case-insensitively, as Kaltura's login data does. */
  find(loginId: string): LoginRecord | undefined {
    const wanted = loginId.trim().toLowerCase();
    return this.logins.find((l) => l.loginId.toLowerCase() === wanted);
  }

  all(): readonly LoginRecord[] {
    return this.logins;
  }
}
