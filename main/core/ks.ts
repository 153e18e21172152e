// Owns generating a Kaltura Session (KS) locally (kaltura.md section 3): v1 and v2 sessions signed with a partner's
// admin secret, and the privileges string as a map. Reading/verifying is ks-read.ts. Pure crypto; no I/O, no clock.
import crypto from 'node:crypto';
import {
  AES_BLOCK,
  RANDOM_BYTES,
  V2_PREFIX,
  ZERO_IV,
  aesKey,
  phpUrlencode,
  privilegeFields,
  sha1,
} from './ks-format.js';

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

/** Parses a privileges string into name -> values (several values are `/`-separated; a bare name has none). */
export function ksPrivilegeMap(privileges: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of privilegeFields(privileges)) {
    out.set(name, value === '' ? [] : value.split('/'));
  }
  return out;
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
