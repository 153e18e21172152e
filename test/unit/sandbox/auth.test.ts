// KS checks and impersonation (kaltura.md 2.4, 3.5): -5 may act for any known partner, others only for
// themselves; USER sessions cannot use admin actions; KS-less calls only reach optional actions.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { generateKsV1, generateKsV2, type KsInput } from '../../../main/core/ks.js';
import { KsAgeTable, resolveSession } from '../../../main/sandbox/dispatch/auth.js';
import type { ActionAccess } from '../../../main/sandbox/dispatch/types.js';
import { SandboxApiError } from '../../../main/sandbox/errors.js';
import { SandboxStore } from '../../../main/sandbox/model/store.js';
import type { ParamBag } from '../../../main/sandbox/wire/params.js';
import { tempDir } from '../../helpers/net.js';

const NOW_MS = 1_800_000_000_000;
let dir: string;
let store: SandboxStore;

beforeAll(() => {
  dir = tempDir('klive-sandbox-auth-');
  store = new SandboxStore(path.join(dir, 'sandbox'), silentLogger(), () => NOW_MS);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function ks(partnerId: number, type: 0 | 2 = 2, overrides: Partial<KsInput> = {}): string {
  return generateKsV2({
    secret: store.adminSecret(partnerId) as string,
    partnerId,
    userId: 'u',
    type,
    privileges: '',
    expiresAtSeconds: NOW_MS / 1000 + 600,
    ...overrides,
  });
}

function resolve(
  params: ParamBag,
  access: ActionAccess = 'any',
  ksLifetimeSeconds: number | null = null,
  ages = new KsAgeTable(),
  nowMs = NOW_MS,
) {
  return resolveSession(params, access, { store, nowMs, ksAges: ages, ksLifetimeSeconds, callName: 'livestream->get' });
}

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof SandboxApiError) return { code: e.code, message: e.message };
    throw e;
  }
  return { code: 'none', message: '' };
}

describe('resolveSession', () => {
  it('accepts v1 and v2 KSs of a partner and operates on that partner', () => {
    expect(resolve({ ks: ks(102) })).toMatchObject({ partnerId: 102, ksPartnerId: 102, isAdmin: true });
    const v1 = generateKsV1({
      secret: store.adminSecret(102) as string,
      partnerId: 102,
      userId: '',
      type: 0,
      privileges: '',
      expiresAtSeconds: NOW_MS / 1000 + 60,
    });
    expect(resolve({ ks: v1 })).toMatchObject({ partnerId: 102, isAdmin: false });
  });

  it('lets -5 impersonate any known partner, by partnerId or p', () => {
    expect(resolve({ ks: ks(-5), partnerId: 102 })).toMatchObject({ partnerId: 102, ksPartnerId: -5 });
    expect(resolve({ ks: ks(-5), p: '102', partnerId: 999 })).toMatchObject({ partnerId: 102 });
    expect(errorOf(() => resolve({ ks: ks(-5), partnerId: 999 })).code).toBe('SERVICE_FORBIDDEN_CONTENT_BLOCKED');
  });

  it('forbids other partners from impersonating', () => {
    expect(errorOf(() => resolve({ ks: ks(102), partnerId: -5 }))).toEqual({
      code: 'SERVICE_FORBIDDEN',
      message: 'The access to service [livestream->get] is forbidden',
    });
    expect(resolve({ ks: ks(102), partnerId: '102' })).toMatchObject({ partnerId: 102 });
  });

  it('rejects forged, expired and unknown-partner KSs with INVALID_KS in Kaltura form', () => {
    const forged = generateKsV2({
      secret: 'a'.repeat(32),
      partnerId: 102,
      userId: '',
      type: 2,
      privileges: '',
      expiresAtSeconds: NOW_MS / 1000 + 60,
    });
    expect(errorOf(() => resolve({ ks: forged }))).toEqual({
      code: 'INVALID_KS',
      message: `Invalid KS "${forged}", Error "-1,INVALID_STR"`,
    });
    expect(errorOf(() => resolve({ ks: ks(102, 2, { expiresAtSeconds: NOW_MS / 1000 }) }))).toEqual({
      code: 'INVALID_KS',
      message: 'Invalid KS "EXPIRED", Error "-1,INVALID_STR"',
    });
    expect(errorOf(() => resolve({ ks: 'not a ks' })).code).toBe('INVALID_KS');
  });

  it('applies the access level: no KS, USER KS on admin actions', () => {
    expect(errorOf(() => resolve({}, 'any')).code).toBe('SERVICE_FORBIDDEN');
    expect(resolve({}, 'optional')).toMatchObject({ ks: null, partnerId: null });
    expect(resolve({ ks: 'garbage ignored' }, 'none')).toMatchObject({ ks: null });
    expect(errorOf(() => resolve({ ks: ks(102, 0) }, 'admin')).code).toBe('SERVICE_FORBIDDEN');
    expect(errorOf(() => resolve({ ks: ks(102, 0) }, 'mediaServer')).code).toBe('SERVICE_FORBIDDEN');
  });

  it('ksLifetimeSeconds fault: a KS older than the lifetime since first seen is EXPIRED', () => {
    const ages = new KsAgeTable();
    const session = ks(102);
    expect(resolve({ ks: session }, 'any', 30, ages, NOW_MS)).toMatchObject({ partnerId: 102 });
    expect(resolve({ ks: session }, 'any', 30, ages, NOW_MS + 30_000)).toMatchObject({ partnerId: 102 });
    expect(errorOf(() => resolve({ ks: session }, 'any', 30, ages, NOW_MS + 31_000)).message).toBe(
      'Invalid KS "EXPIRED", Error "-1,INVALID_STR"',
    );
    expect(resolve({ ks: session }, 'any', null, ages, NOW_MS + 31_000)).toMatchObject({ partnerId: 102 });
  });
});
