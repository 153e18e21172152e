// The sign-in input as main validates it (words that say where to find the value), and the KMC links.
import { describe, expect, it } from 'vitest';
import { ProducerSignInRequestSchema, kmcBaseUrl, kmcEntryUrl } from '../../../shared/producer.js';
import { ObsSendRequestSchema } from '../../../shared/obs.js';

const messages = (input: unknown): string[] =>
  ProducerSignInRequestSchema.safeParse(input).error?.issues.map((i) => i.message) ?? [];

describe('ProducerSignInRequestSchema', () => {
  it('accepts a login with optional 2FA code and partner, and partner id + admin secret', () => {
    expect(
      ProducerSignInRequestSchema.parse({
        method: 'login',
        loginId: ' a@b.c ',
        password: 'pw',
        otp: '123456',
        partnerId: 102,
      }),
    ).toMatchObject({ loginId: 'a@b.c' });
    expect(
      ProducerSignInRequestSchema.parse({
        method: 'secret',
        partnerId: 102,
        adminSecret: 'ABCDEF0123456789abcdef0123456789',
      }).method,
    ).toBe('secret');
  });

  it('says what is missing and where to find it', () => {
    expect(messages({ method: 'login', loginId: '', password: '' })).toEqual([
      'enter the email you sign in to KMC with',
      'enter your KMC password',
    ]);
    expect(messages({ method: 'secret', partnerId: 0, adminSecret: 'short' })).toEqual([
      'a partner id is a positive number (KMC → Settings → Integration Settings)',
      'an admin secret is 32 hexadecimal characters (KMC → Settings → Integration Settings)',
    ]);
  });

  it('refuses unknown fields (no KS or token can be smuggled in)', () => {
    expect(
      ProducerSignInRequestSchema.safeParse({ method: 'login', loginId: 'a', password: 'b', ks: 'x' }).success,
    ).toBe(false);
  });
});

describe('KMC links', () => {
  it("SaaS entries open in kmc.kaltura.com, on-prem in the same host's kmcng", () => {
    expect(kmcEntryUrl(kmcBaseUrl('https://www.kaltura.com') as string, '0_abcd1234')).toBe(
      'https://kmc.kaltura.com/index.php/kmcng/content/entries/entry/0_abcd1234/metadata',
    );
    expect(kmcBaseUrl('https://video.example.org:8443/')).toBe('https://video.example.org:8443/index.php/kmcng');
    expect(kmcBaseUrl('not a url')).toBeNull();
  });
});

describe('ObsSendRequestSchema', () => {
  it("defaults to OBS's local WebSocket server and the primary, and explains a wrong address", () => {
    expect(ObsSendRequestSchema.parse({ entryId: '0_rkij47dr' })).toEqual({
      address: 'ws://127.0.0.1:4455',
      password: '',
      entryId: '0_rkij47dr',
      mediaServerIndex: 0,
    });
    expect(
      ObsSendRequestSchema.safeParse({ entryId: '0_rkij47dr', address: 'http://127.0.0.1:4455' }).error?.issues[0]
        ?.message,
    ).toContain('ws://127.0.0.1:4455');
  });
});
