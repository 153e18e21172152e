// Owns reading a KS (kaltura.md 3): decoding a v1 or v2 session, verifying its signature against any of the
// partner's admin secrets, and its expiry. Pure crypto; no I/O, no clock (the caller passes the time).
import crypto from 'node:crypto';
import { AES_BLOCK, RANDOM_BYTES, SHA1_BYTES, V2_PREFIX, ZERO_IV, aesKey, phpUrldecode, sha1 } from './ks-format.js';

export interface KsSession {
  version: 1 | 2;
  partnerId: number;
  userId: string;
  type: number;
  expiresAtSeconds: number;
  privileges: string;
  masterPartnerId: number | null;
  additionalData: string | null;
  /** v2: hex of the 20-byte sha1 inside the KS; v1: the hex signature */
  hash: string;
}

export type KsReadResult =
  { ok: true; session: KsSession } | { ok: false; reason: 'INVALID_STR' | 'INVALID_PARTNER' | 'EXPIRED' };

/** Strict base64 (standard or url-safe alphabet); null when the text is not canonical base64. */
function strictBase64Decode(text: string): Buffer | null {
  const std = text.replace(/-/g, '+').replace(/_/g, '/');
  if (std.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(std)) return null;
  const bytes = Buffer.from(std, 'base64');
  // a re-encode must give the same characters: rejects stray bits and bad lengths
  if (bytes.toString('base64').replace(/=+$/, '') !== std.replace(/=+$/, '')) return null;
  return bytes;
}

const INTEGER = /^-?\d+$/;

function readV2(decoded: Buffer, secretsFor: (partnerId: number) => readonly string[]): KsReadResult {
  const secondBar = decoded.indexOf(0x7c, V2_PREFIX.length);
  if (secondBar < 0) return { ok: false, reason: 'INVALID_STR' };
  const partnerText = decoded.subarray(V2_PREFIX.length, secondBar).toString('latin1');
  if (!INTEGER.test(partnerText)) return { ok: false, reason: 'INVALID_STR' };
  const partnerId = Number(partnerText);
  const secrets = secretsFor(partnerId);
  if (secrets.length === 0) return { ok: false, reason: 'INVALID_PARTNER' };
  const encrypted = decoded.subarray(secondBar + 1);
  if (encrypted.length === 0 || encrypted.length % AES_BLOCK !== 0) return { ok: false, reason: 'INVALID_STR' };
  for (const secret of secrets) {
    const decipher = crypto.createDecipheriv('aes-128-cbc', aesKey(secret), ZERO_IV);
    decipher.setAutoPadding(false);
    let plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
    let end = plain.length;
    while (end > 0 && plain[end - 1] === 0) end--;
    plain = plain.subarray(0, end);
    if (plain.length < SHA1_BYTES + RANDOM_BYTES) continue;
    const hash = plain.subarray(0, SHA1_BYTES);
    const rest = plain.subarray(SHA1_BYTES);
    if (!crypto.timingSafeEqual(hash, sha1(rest))) continue;
    const session = parseV2Fields(rest.subarray(RANDOM_BYTES).toString('utf8'), partnerId, hash.toString('hex'));
    return session ? { ok: true, session } : { ok: false, reason: 'INVALID_STR' };
  }
  return { ok: false, reason: 'INVALID_STR' };
}

function parseV2Fields(fieldsStr: string, partnerId: number, hash: string): KsSession | null {
  const privileges: string[] = [];
  let expires: string | null = null;
  let type: string | null = null;
  let userId = '';
  let master: string | null = null;
  let additional: string | null = null;
  try {
    for (const pair of fieldsStr.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = phpUrldecode(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : phpUrldecode(pair.slice(eq + 1));
      if (name === '_e') expires = value;
      else if (name === '_t') type = value;
      else if (name === '_u') userId = value;
      else if (name === '_m') master = value;
      else if (name === '_d') additional = value;
      else privileges.push(value === '' ? name : `${name}:${value}`);
    }
  } catch {
    return null;
  }
  if (expires === null || !INTEGER.test(expires) || type === null || !INTEGER.test(type)) return null;
  if (master !== null && master !== '' && !INTEGER.test(master)) return null;
  const joined = privileges.join(',');
  return {
    version: 2,
    partnerId,
    userId,
    type: Number(type),
    expiresAtSeconds: Number(expires),
    privileges: joined === 'all:*' ? '*' : joined,
    masterPartnerId: master === null || master === '' ? null : Number(master),
    additionalData: additional,
    hash,
  };
}

function readV1(decoded: Buffer, secretsFor: (partnerId: number) => readonly string[]): KsReadResult {
  const text = decoded.toString('utf8');
  const bar = text.indexOf('|');
  if (bar < 0) return { ok: false, reason: 'INVALID_STR' };
  const sig = text.slice(0, bar);
  const info = text.slice(bar + 1);
  const fields = info.split(';');
  if (fields.length < 3 || !/^[0-9a-f]{40}$/.test(sig)) return { ok: false, reason: 'INVALID_STR' };
  const [
    partnerText = '',
    ,
    expiresText = '',
    typeText = '0',
    ,
    userId = '',
    privileges = '',
    masterText = '',
    additionalData = '',
  ] = fields;
  if (!INTEGER.test(partnerText)) return { ok: false, reason: 'INVALID_STR' };
  const partnerId = Number(partnerText);
  const secrets = secretsFor(partnerId);
  if (secrets.length === 0) return { ok: false, reason: 'INVALID_PARTNER' };
  const expected = Buffer.from(sig, 'utf8');
  const verified = secrets.some((secret) => {
    const actual = Buffer.from(
      crypto
        .createHash('sha1')
        .update(secret + info, 'utf8')
        .digest('hex'),
      'utf8',
    );
    return crypto.timingSafeEqual(actual, expected);
  });
  if (!verified) return { ok: false, reason: 'INVALID_STR' };
  if (!INTEGER.test(expiresText) || (typeText !== '' && !INTEGER.test(typeText)))
    return { ok: false, reason: 'INVALID_STR' };
  if (masterText !== '' && !INTEGER.test(masterText)) return { ok: false, reason: 'INVALID_STR' };
  return {
    ok: true,
    session: {
      version: 1,
      partnerId,
      userId,
      type: typeText === '' ? 0 : Number(typeText),
      expiresAtSeconds: Number(expiresText),
      privileges,
      masterPartnerId: masterText === '' ? null : Number(masterText),
      additionalData: fields.length > 8 && additionalData !== '' ? additionalData : null,
      hash: sig,
    },
  };
}

/**
 * Parses a v1 or v2 KS, verifies its signature against any of the partner's admin secrets and checks
 * expiry (a KS is expired when expiresAtSeconds <= nowSeconds).
 */
export function readKs(
  ks: string,
  secretsFor: (partnerId: number) => readonly string[],
  nowSeconds: number,
): KsReadResult {
  if (typeof ks !== 'string') return { ok: false, reason: 'INVALID_STR' };
  const decoded = strictBase64Decode(ks.trim());
  if (!decoded) return { ok: false, reason: 'INVALID_STR' };
  const isV2 = decoded.subarray(0, V2_PREFIX.length).toString('latin1') === V2_PREFIX;
  const result = isV2 ? readV2(decoded, secretsFor) : readV1(decoded, secretsFor);
  if (result.ok && result.session.expiresAtSeconds <= nowSeconds) return { ok: false, reason: 'EXPIRED' };
  return result;
}
