// Owns the one-time codes of the sandbox's 2FA login: RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits)
// over a base32 secret, the scheme Kaltura's authenticator-app 2FA uses.
import crypto from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const TOTP_STEP_SECONDS = 30;

export function randomBase32(chars: number): string {
  const bytes = crypto.randomBytes(chars);
  let out = '';
  for (const b of bytes) out += BASE32[b % 32];
  return out;
}

function base32Decode(secret: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error(`"${ch}" is not a base32 character`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit code for the 30 s step that contains `nowMs`. */
export function totpCode(secret: string, nowMs: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS)));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

/** Accepts the current step and one either side (clock drift between phone and server). */
export function verifyTotp(secret: string, code: string, nowMs: number): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const stepMs = TOTP_STEP_SECONDS * 1000;
  return [-1, 0, 1].some((k) => totpCode(secret, nowMs + k * stepMs) === code);
}
