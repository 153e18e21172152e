// Owns the Kaltura Session (KS) format: local generation of v1 and v2 sessions signed with a partner's
// admin secret, and reading/verifying them (kaltura.md section 3). Pure crypto; no I/O, no clock.
import crypto from 'node:crypto';

export interface KsInput {
  secret: string;
  partnerId: number;
  userId: string;
  /** SessionType: 0 USER, 2 ADMIN */
  type: 0 | 2;
  /** comma-separated `name` or `name:value`; `*` = all */
  privileges: string;
  /** absolute unix seconds (now + expirySeconds) */
  expiresAtSeconds: number;
  masterPartnerId?: number | null;
  additionalData?: string | null;
}

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

const V2_PREFIX = 'v2|';
const RANDOM_BYTES = 16;
const SHA1_BYTES = 20;
const AES_BLOCK = 16;
const ZERO_IV = Buffer.alloc(AES_BLOCK);

function checkInput(input: KsInput): void {
  if (typeof input.secret !== 'string' || input.secret.length === 0) {
    throw new Error('KS generation needs the partner admin secret: configure the Kaltura admin secret');
  }
  if (!Number.isSafeInteger(input.partnerId)) {
    throw new Error(
      `KS partnerId must be an integer, got ${String(input.partnerId)}: set the Kaltura partner id (e.g. -5 or your own partner id)`,
    );
  }
  if (input.type !== 0 && input.type !== 2) {
    throw new Error(`KS type must be 0 (USER) or 2 (ADMIN), got ${String(input.type)}`);
  }
  if (!Number.isSafeInteger(input.expiresAtSeconds) || input.expiresAtSeconds <= 0) {
    throw new Error(
      `KS expiresAtSeconds must be absolute unix seconds (now + expiry), got ${String(input.expiresAtSeconds)}`,
    );
  }
  if (input.masterPartnerId != null && !Number.isSafeInteger(input.masterPartnerId)) {
    throw new Error(`KS masterPartnerId must be an integer or null, got ${String(input.masterPartnerId)}`);
  }
}

/** Privileges as an ordered name -> raw value map; a repeated name overwrites but keeps its first position. */
function privilegeFields(privileges: string): Map<string, string> {
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

/** Parses a privileges string into name -> values (several values are `/`-separated; a bare name has none). */
export function ksPrivilegeMap(privileges: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of privilegeFields(privileges)) {
    out.set(name, value === '' ? [] : value.split('/'));
  }
  return out;
}

/** PHP urlencode (RFC1738): `[A-Za-z0-9_.-]` kept, space -> `+`, every other UTF-8 byte -> `%XX` upper-case. */
function phpUrlencode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.-]/.test(ch)) out += ch;
    else if (byte === 0x20) out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function phpUrldecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

function aesKey(secret: string): Buffer {
  return crypto.createHash('sha1').update(secret, 'utf8').digest().subarray(0, AES_BLOCK);
}

function sha1(data: Buffer | string): Buffer {
  return crypto.createHash('sha1').update(data).digest();
}

/** The v2 fields string (http_build_query of privileges, then _e _t _u [_m] [_d]). Exported for tests. */
export function ksV2FieldsString(input: KsInput): string {
  const fields = privilegeFields(input.privileges);
  // the reserved keys are appended after the privileges, overriding a same-named privilege in place
  fields.set('_e', String(input.expiresAtSeconds));
  fields.set('_t', String(input.type));
  fields.set('_u', input.userId);
  if (input.masterPartnerId != null) fields.set('_m', String(input.masterPartnerId));
  if (input.additionalData != null) fields.set('_d', input.additionalData);
  return [...fields].map(([k, v]) => `${phpUrlencode(k)}=${phpUrlencode(v)}`).join('&');
}

export function generateKsV2(input: KsInput, options: { random?: Buffer } = {}): string {
  checkInput(input);
  const random = options.random ?? crypto.randomBytes(RANDOM_BYTES);
  if (random.length !== RANDOM_BYTES) {
    throw new Error(`KS v2 random must be exactly ${RANDOM_BYTES} bytes, got ${random.length}`);
  }
  const msg = Buffer.concat([random, Buffer.from(ksV2FieldsString(input), 'utf8')]);
  const plain = Buffer.concat([sha1(msg), msg]);
  const padded = Buffer.concat([plain, Buffer.alloc((AES_BLOCK - (plain.length % AES_BLOCK)) % AES_BLOCK)]);
  const cipher = crypto.createCipheriv('aes-128-cbc', aesKey(input.secret), ZERO_IV);
  cipher.setAutoPadding(false);
  const encrypted = Buffer.concat([cipher.update(padded), cipher.final()]);
  const decoded = Buffer.concat([Buffer.from(`${V2_PREFIX}${input.partnerId}|`, 'utf8'), encrypted]);
  return decoded.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export function generateKsV1(input: KsInput & { rand?: string }): string {
  checkInput(input);
  const rand = input.rand ?? `${input.expiresAtSeconds}.${crypto.randomBytes(4).readUInt32BE(0)}`;
  const parts: Array<[string, string]> = [
    ['rand', rand],
    ['userId', input.userId],
    ['privileges', input.privileges],
    ['additionalData', input.additionalData ?? ''],
  ];
  for (const [name, value] of parts) {
    if (value.includes(';')) throw new Error(`KS v1 ${name} must not contain ';' (it separates the KS fields)`);
  }
  const info = [
    input.partnerId,
    input.partnerId,
    input.expiresAtSeconds,
    input.type,
    rand,
    input.userId,
    input.privileges,
    input.masterPartnerId ?? '',
    input.additionalData ?? '',
  ].join(';');
  const sig = crypto
    .createHash('sha1')
    .update(input.secret + info, 'utf8')
    .digest('hex');
  return Buffer.from(`${sig}|${info}`, 'utf8').toString('base64');
}

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
