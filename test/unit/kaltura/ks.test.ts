// KS v1/v2 generation and reading against the shared vectors (kaltura.md section 3).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKsV1, generateKsV2, ksPrivilegeMap, ksV2FieldsString, type KsInput } from '../../../main/core/ks.js';
import { readKs } from '../../../main/core/ks-read.js';
import { SHARED_DIR } from '../../helpers/net.js';

interface VectorInputs {
  secret: string;
  partnerId: number;
  userId: string;
  type: 0 | 2;
  privileges: string;
  _e: number;
  masterPartnerId: number | null;
  randomHex: string | null;
  rand?: string;
}
interface Vectors {
  common: { adminSecret: string; validUntil: number };
  v2: Array<{ id: string; inputs: VectorInputs; intermediate: { fieldsStr: string }; expectedKs: string }>;
  v1: Array<{ id: string; inputs: VectorInputs; expectedKs: string }>;
}

const vectors = JSON.parse(
  fs.readFileSync(path.join(SHARED_DIR, 'fixtures', 'kaltura', 'ks-vectors.json'), 'utf8'),
) as Vectors;
const SECRET = vectors.common.adminSecret;
const NOW = vectors.common.validUntil - 3600;

function toInput(v: VectorInputs): KsInput {
  return {
    secret: v.secret,
    partnerId: v.partnerId,
    userId: v.userId,
    type: v.type,
    privileges: v.privileges,
    expiresAtSeconds: v._e,
    masterPartnerId: v.masterPartnerId,
  };
}
const secretsOf =
  (pid: number, secret = SECRET) =>
  (p: number) =>
    p === pid ? [secret] : [];

/** flips one bit of the decoded KS and re-encodes in the same alphabet */
function flipBit(ks: string, byteIndex: number): string {
  const urlSafe = ks.includes('-') || ks.includes('_') || ks.startsWith('djJ8');
  const bytes = Buffer.from(ks.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const i = byteIndex < 0 ? bytes.length + byteIndex : byteIndex;
  bytes[i] = (bytes[i] ?? 0) ^ 0x01;
  const b64 = bytes.toString('base64');
  return urlSafe ? b64.replace(/\+/g, '-').replace(/\//g, '_') : b64;
}

describe('KS v2 vectors', () => {
  for (const vector of vectors.v2) {
    it(`vector ${vector.id}: fields string and KS byte for byte`, () => {
      const input = toInput(vector.inputs);
      expect(ksV2FieldsString(input)).toBe(vector.intermediate.fieldsStr);
      const ks = generateKsV2(input, { random: Buffer.from(vector.inputs.randomHex ?? '', 'hex') });
      expect(ks).toBe(vector.expectedKs);
    });

    it(`vector ${vector.id}: reads back to the same fields`, () => {
      const result = readKs(vector.expectedKs, secretsOf(vector.inputs.partnerId), NOW);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.session).toMatchObject({
        version: 2,
        partnerId: vector.inputs.partnerId,
        userId: vector.inputs.userId,
        type: vector.inputs.type,
        expiresAtSeconds: vector.inputs._e,
        privileges: vector.inputs.privileges.startsWith('*')
          ? vector.inputs.privileges.replace('*', 'all:*')
          : vector.inputs.privileges,
        masterPartnerId: vector.inputs.masterPartnerId,
        additionalData: null,
      });
      expect(result.session.hash).toMatch(/^[0-9a-f]{40}$/);
    });
  }

  it('vector C sha1 matches the intermediate hash', () => {
    const c = vectors.v2.find((v) => v.id === 'C');
    const result = readKs(c?.expectedKs ?? '', secretsOf(12345), NOW);
    expect(result.ok && result.session.hash).toBe('4a8cf7b8cecd6e608f3a29db77ba156c01d02689');
  });
});

describe('KS v1 vectors', () => {
  for (const vector of vectors.v1) {
    it(`vector ${vector.id}: KS byte for byte and parse`, () => {
      const ks = generateKsV1({ ...toInput(vector.inputs), rand: vector.inputs.rand ?? '' });
      expect(ks).toBe(vector.expectedKs);
      const result = readKs(ks, secretsOf(12345), NOW);
      expect(result).toEqual({
        ok: true,
        session: {
          version: 1,
          partnerId: 12345,
          userId: 'admin',
          type: 2,
          expiresAtSeconds: 1700000000,
          privileges: 'disableentitlement',
          masterPartnerId: null,
          additionalData: null,
          hash: '9c7ffcae7cf71f6b850accd632e8c9780d4a8edc',
        },
      });
    });
  }

  it('parses a 7-field v1 KS as written by client libraries', () => {
    const info = '12345;12345;1700000000;0;r;user1;edit:0_x';
    const hex = crypto
      .createHash('sha1')
      .update(SECRET + info)
      .digest('hex');
    const ks = Buffer.from(`${hex}|${info}`).toString('base64');
    const result = readKs(ks, secretsOf(12345), NOW);
    expect(result.ok && result.session).toMatchObject({
      version: 1,
      userId: 'user1',
      type: 0,
      privileges: 'edit:0_x',
      masterPartnerId: null,
      additionalData: null,
    });
  });
});

describe('readKs rejections', () => {
  const base: KsInput = {
    secret: SECRET,
    partnerId: -5,
    userId: 'MediaServer',
    type: 2,
    privileges: 'disableentitlement',
    expiresAtSeconds: NOW + 100,
  };

  it('round-trips a generated v2 KS with random bytes, additionalData and unicode user', () => {
    const ks = generateKsV2({ ...base, userId: 'José ~a&b=c', additionalData: 'x;y', masterPartnerId: -2 });
    expect(ks.startsWith('djJ8')).toBe(true);
    const result = readKs(ks, secretsOf(-5), NOW);
    expect(result.ok && result.session).toMatchObject({
      userId: 'José ~a&b=c',
      additionalData: 'x;y',
      masterPartnerId: -2,
      partnerId: -5,
    });
  });

  it('a bit flip anywhere in the ciphertext is INVALID_STR', () => {
    const ks = generateKsV2(base);
    for (const index of [10, 20, 40, -1]) {
      expect(readKs(flipBit(ks, index), secretsOf(-5), NOW)).toEqual({ ok: false, reason: 'INVALID_STR' });
    }
  });

  it('a bit flip in a v1 KS is INVALID_STR', () => {
    const ks = generateKsV1({ ...base, partnerId: 12345, rand: 'r' });
    expect(readKs(flipBit(ks, -3), secretsOf(12345), NOW)).toEqual({ ok: false, reason: 'INVALID_STR' });
  });

  it('wrong secret is INVALID_STR; one of several secrets verifies', () => {
    const ks = generateKsV2(base);
    expect(readKs(ks, () => ['0123456789abcdef0123456789abcdef'], NOW)).toEqual({ ok: false, reason: 'INVALID_STR' });
    expect(readKs(ks, () => ['0123456789abcdef0123456789abcdef', SECRET], NOW).ok).toBe(true);
    const v1 = generateKsV1({ ...base, rand: 'r' });
    expect(readKs(v1, () => ['nope-nope'], NOW)).toEqual({ ok: false, reason: 'INVALID_STR' });
  });

  it('unknown partner is INVALID_PARTNER', () => {
    expect(readKs(generateKsV2(base), () => [], NOW)).toEqual({ ok: false, reason: 'INVALID_PARTNER' });
    expect(readKs(generateKsV1({ ...base, rand: 'r' }), () => [], NOW)).toEqual({
      ok: false,
      reason: 'INVALID_PARTNER',
    });
  });

  it('expired when expiresAtSeconds <= now', () => {
    const ks = generateKsV2(base);
    expect(readKs(ks, secretsOf(-5), NOW + 99).ok).toBe(true);
    expect(readKs(ks, secretsOf(-5), NOW + 100)).toEqual({ ok: false, reason: 'EXPIRED' });
    expect(readKs(generateKsV1({ ...base, rand: 'r' }), secretsOf(-5), NOW + 101)).toEqual({
      ok: false,
      reason: 'EXPIRED',
    });
  });

  it('garbage is INVALID_STR', () => {
    for (const junk of [
      '',
      'not base64!!',
      'djJ8',
      Buffer.from('v2|abc|xyz').toString('base64'),
      Buffer.from('hello').toString('base64'),
    ]) {
      expect(readKs(junk, secretsOf(-5), NOW)).toEqual({ ok: false, reason: 'INVALID_STR' });
    }
  });
});

describe('input validation', () => {
  const base: KsInput = {
    secret: SECRET,
    partnerId: 1,
    userId: 'u',
    type: 2,
    privileges: '',
    expiresAtSeconds: 1700000000,
  };
  it('names the problem', () => {
    expect(() => generateKsV2({ ...base, secret: '' })).toThrow(/admin secret/);
    expect(() => generateKsV2({ ...base, partnerId: 1.5 })).toThrow(/partnerId must be an integer/);
    expect(() => generateKsV2({ ...base, expiresAtSeconds: -1 })).toThrow(/absolute unix seconds/);
    expect(() => generateKsV2(base, { random: Buffer.alloc(3) })).toThrow(/16 bytes/);
    expect(() => generateKsV1({ ...base, userId: 'a;b' })).toThrow(/userId must not contain ';'/);
  });
  it('error messages never contain the secret', () => {
    try {
      generateKsV2({ ...base, partnerId: Number.NaN });
    } catch (e) {
      expect((e as Error).message).not.toContain(SECRET);
    }
  });
});

describe('ksPrivilegeMap', () => {
  it('splits names, values and slash-separated lists', () => {
    const map = ksPrivilegeMap(' disableentitlement, sessionkey:abc ,, setrole:1/2,*, edit:x, edit:y');
    expect([...map]).toEqual([
      ['disableentitlement', []],
      ['sessionkey', ['abc']],
      ['setrole', ['1', '2']],
      ['all', ['*']],
      ['edit', ['y']],
    ]);
  });
});
