// Owns the pieces of the KS format (kaltura.md 3) that generating and reading share: the v2 layout's sizes,
// the AES key and SHA-1 of a secret, PHP's urlencode/urldecode, and the privileges string as ordered fields.
import crypto from 'node:crypto';

export const V2_PREFIX = 'v2|';
export const RANDOM_BYTES = 16;
export const SHA1_BYTES = 20;
export const AES_BLOCK = 16;
export const ZERO_IV = Buffer.alloc(AES_BLOCK);

/** Privileges as an ordered name -> raw value map; a repeated name overwrites but keeps its first position. */
export function privilegeFields(privileges: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of privileges.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const privilege = trimmed === '*' ? 'all:*' : trimmed;
    const colon = privilege.indexOf(':');
    if (colon < 0) fields.set(privilege, '');
    else fields.set(privilege.slice(0, colon), privilege.slice(colon + 1));
  }
  return fields;
}

/** PHP urlencode (RFC1738): `[A-Za-z0-9_.-]` kept, space -> `+`, every other UTF-8 byte -> `%XX` upper-case. */
export function phpUrlencode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.-]/.test(ch)) out += ch;
    else if (byte === 0x20) out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export function phpUrldecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

export function aesKey(secret: string): Buffer {
  return crypto.createHash('sha1').update(secret, 'utf8').digest().subarray(0, AES_BLOCK);
}

export function sha1(data: Buffer | string): Buffer {
  return crypto.createHash('sha1').update(data).digest();
}
