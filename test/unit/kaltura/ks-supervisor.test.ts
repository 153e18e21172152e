// KS renewal on a manual clock: first KS at start, renewal at the configured fraction (20 s expiry too),
// a failed renewal keeps the old KS while valid and retries with backoff, expiry, verification by the API.
import { describe, expect, it } from 'vitest';
import { KsSupervisor, type KsStatus } from '../../../main/kaltura/ks-supervisor.js';
import { readKs } from '../../../main/core/ks-read.js';
import { KalturaApiError, KalturaTransportError } from '../../../main/core/kaltura-errors.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { flush } from './stub-fetch.js';

const SECRET = 'abcdef0123456789abcdef0123456789';
const START_MS = 1_700_000_000_000;

function make(overrides: Partial<ConstructorParameters<typeof KsSupervisor>[0]> = {}) {
  const clock = new ManualClock(START_MS);
  const supervisor = new KsSupervisor({
    secret: SECRET,
    partnerId: -5,
    privileges: 'disableentitlement',
    expirySeconds: 20,
    renewAtFraction: 0.9,
    clock,
    ...overrides,
  });
  const seen: KsStatus[] = [];
  supervisor.onChange((s) => seen.push(s));
  return { clock, supervisor, seen };
}

describe('KsSupervisor', () => {
  it('generates a valid media-server KS at start', async () => {
    const { supervisor, clock } = make();
    supervisor.start();
    // synchronous: the first calls of the station can go out at once
    const ks = supervisor.currentKs();
    await flush();
    expect(ks).toMatch(/^djJ8/);
    const read = readKs(ks ?? '', (p) => (p === -5 ? [SECRET] : []), clock.nowMs() / 1000);
    expect(read.ok && read.session).toMatchObject({
      partnerId: -5,
      userId: 'MediaServer',
      type: 2,
      privileges: 'disableentitlement',
      expiresAtSeconds: START_MS / 1000 + 20,
    });
    expect(supervisor.status()).toEqual({
      state: 'valid',
      validUntilMs: START_MS + 20_000,
      lastRenewalAtMs: START_MS,
      lastError: null,
    });
    supervisor.stop();
  });

  it('renews at 90 % of a 20 s lifetime, again and again', async () => {
    const { supervisor, clock } = make();
    supervisor.start();
    await flush();
    const first = supervisor.currentKs();
    clock.advance(17_999);
    await flush();
    expect(supervisor.currentKs()).toBe(first);
    clock.advance(1);
    await flush();
    expect(supervisor.currentKs()).not.toBe(first);
    expect(supervisor.status()).toMatchObject({
      state: 'valid',
      lastRenewalAtMs: START_MS + 18_000,
      validUntilMs: START_MS + 38_000,
    });
    clock.advance(18_000);
    await flush();
    expect(supervisor.status().lastRenewalAtMs).toBe(START_MS + 36_000);
    supervisor.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('a failed renewal keeps the old KS while valid, retries with backoff, then reports expiry and recovers', async () => {
    let broken = false;
    const { supervisor, clock } = make({
      random: () => (broken ? Buffer.alloc(3) : Buffer.alloc(16, 7)),
      retryBaseDelayMs: 1_000,
      retryMaxDelayMs: 4_000,
    });
    supervisor.start();
    await flush();
    const first = supervisor.currentKs();
    broken = true;
    clock.advance(18_000);
    await flush();
    expect(supervisor.currentKs()).toBe(first);
    expect(supervisor.status()).toMatchObject({
      state: 'valid',
      validUntilMs: START_MS + 20_000,
      lastRenewalAtMs: START_MS,
    });
    expect(supervisor.status().lastError).toMatch(/16 bytes/);
    clock.advance(1_000); // retry 1 at +19 s fails
    await flush();
    clock.advance(1_000); // the KS expires at +20 s
    await flush();
    expect(supervisor.status().state).toBe('expired');
    clock.advance(1_000); // retry 2 at +21 s (2 s after retry 1) fails: no valid KS left
    await flush();
    expect(supervisor.status().state).toBe('error');
    broken = false;
    clock.advance(4_000); // retry 3 after 4 s (capped)
    await flush();
    expect(supervisor.status()).toMatchObject({ state: 'valid', lastError: null, lastRenewalAtMs: START_MS + 25_000 });
    expect(supervisor.currentKs()).not.toBe(first);
    supervisor.stop();
  });

  it('goes to expired when the KS outlives its validity without renewal', async () => {
    let broken = false;
    const { supervisor, clock, seen } = make({
      random: () => (broken ? Buffer.alloc(1) : Buffer.alloc(16)),
      retryBaseDelayMs: 10_000,
      retryMaxDelayMs: 10_000,
    });
    supervisor.start();
    await flush();
    broken = true;
    clock.advance(18_000); // renewal fails, next retry at +28 s
    await flush();
    clock.advance(2_000);
    await flush();
    expect(supervisor.status().state).toBe('expired');
    expect(seen.map((s) => s.state)).toContain('expired');
    supervisor.stop();
  });

  it('a KS rejected by the API is an error with a fix; an unreachable API leaves it valid', async () => {
    let answer: 'reject' | 'down' | 'ok' = 'reject';
    const verify = async (): Promise<void> => {
      if (answer === 'reject') throw new KalturaApiError('INVALID_KS', 'Invalid KS "x"', {}, 'session.get');
      if (answer === 'down') throw new KalturaTransportError('network', 'down', 'session.get');
    };
    const { supervisor, clock } = make({ verify, retryBaseDelayMs: 1_000 });
    supervisor.start();
    await flush();
    expect(supervisor.status().state).toBe('error');
    expect(supervisor.status().lastError).toMatch(/rejected the station's KS \(INVALID_KS\): check the admin secret/);
    expect(supervisor.status().lastError).not.toContain(SECRET);
    answer = 'down';
    clock.advance(1_000);
    await flush();
    expect(supervisor.status()).toMatchObject({ state: 'valid', lastError: null });
    answer = 'ok';
    await supervisor.renewNow();
    expect(supervisor.status().state).toBe('valid');
    supervisor.stop();
  });

  it('concurrent renewNow calls share one renewal', async () => {
    let verifies = 0;
    const { supervisor } = make({ verify: async () => void verifies++ });
    supervisor.start();
    await flush();
    const before = verifies;
    const [a, b] = await Promise.all([supervisor.renewNow(), supervisor.renewNow()]);
    expect(a).toEqual(b);
    expect(verifies - before).toBe(1);
    supervisor.stop();
  });

  it('rejects bad settings with the field name', () => {
    const clock = new ManualClock();
    expect(
      () =>
        new KsSupervisor({
          secret: SECRET,
          partnerId: -5,
          privileges: '',
          expirySeconds: 5,
          renewAtFraction: 0.9,
          clock,
        }),
    ).toThrow(/ksExpirySeconds/);
    expect(
      () =>
        new KsSupervisor({
          secret: SECRET,
          partnerId: -5,
          privileges: '',
          expirySeconds: 60,
          renewAtFraction: 1,
          clock,
        }),
    ).toThrow(/ksRenewAtFraction/);
  });

  it('an empty secret is an error state naming the fix, not a crash', async () => {
    const { supervisor } = make({ secret: '' });
    supervisor.start();
    await flush();
    expect(supervisor.status()).toMatchObject({ state: 'error', validUntilMs: null });
    expect(supervisor.status().lastError).toMatch(/admin secret/);
    supervisor.stop();
  });
});
