// The producer's session against the sandbox on loopback: it lives in main (the status carries no KS, password
// or secret), Kaltura's refusals come back in words, the account's missing features say what to ask Kaltura
// for, a login session ends at its expiry and sign-out forgets it, and the stream token read for Connect never
// reaches the log.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../../../main/log/logger.js';
import {
  PRODUCER_2FA_LOGIN_ID,
  PRODUCER_LOGIN_ID,
  startSandbox,
  totpCode,
  type SandboxHandle,
} from '../../../main/sandbox/index.js';
import { ProducerSession } from '../../../main/kaltura/producer-session.js';
import { liveStreamAdd, liveStreamGetForProducer, liveStreamList } from '../../../main/kaltura/producer-actions.js';
import { tempDir } from '../../helpers/net.js';

let sandbox: SandboxHandle;
let dataDir: string;
const sink = memorySink(5000);
const logger = createLogger({ sinks: [sink], level: 'debug' });

const login = (id: string) =>
  sandbox.logins().find((l) => l.loginId === id) as { loginId: string; password: string; otpSecret: string | null };

beforeAll(async () => {
  dataDir = tempDir('klive-producer-session-');
  sandbox = await startSandbox({ dataDir, rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive', logger });
});

afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('ProducerSession', () => {
  it('signs in with the seeded login; status shows the partner and features but no KS, password or secret', async () => {
    const session = new ProducerSession({ version: 'test', logger });
    const target = { serviceUrl: sandbox.serviceUrl, kmcUrl: null };
    const status = await session.signIn(
      target,
      { method: 'login', loginId: PRODUCER_LOGIN_ID, password: login(PRODUCER_LOGIN_ID).password },
      true,
    );
    expect(status).toMatchObject({
      signedIn: true,
      partnerId: 102,
      partnerName: 'Sandbox partner',
      userId: PRODUCER_LOGIN_ID,
      method: 'login',
      renewable: false,
      adminSecret: 'available',
      problem: null,
    });
    expect(status.capabilities.map((c) => [c.name, c.available])).toEqual([
      ['FEATURE_LIVE_STREAM', true],
      ['FEATURE_HYBRID_ECDN', true],
      ['FEATURE_SERVER_NODE', true],
    ]);
    const json = JSON.stringify(status);
    expect(json).not.toContain(login(PRODUCER_LOGIN_ID).password);
    expect(json).not.toContain(sandbox.adminSecret(102));
    expect(json).not.toMatch(/djJ8/);
    expect(session.partnerAdminSecret()).toBe(sandbox.adminSecret(102));

    const created = await liveStreamAdd(session.client(target), { name: 'Session test', dvr: false, recording: false });
    const read = await liveStreamGetForProducer(session.client(target), created.id);
    expect(read.streamPassword).toMatch(/^[0-9a-z]{8}$/);
    expect(
      (await liveStreamList(session.client(target), { nameLike: 'session', pageIndex: 1, pageSize: 5 })).objects.map(
        (e) => e.id,
      ),
    ).toEqual([created.id]);
    // nothing secret in what was logged
    const logged = sink.lines.join('\n');
    expect(logged).not.toContain(login(PRODUCER_LOGIN_ID).password);
    expect(logged).not.toContain(sandbox.adminSecret(102) as string);

    session.signOut(null);
    expect(session.status(true)).toMatchObject({ signedIn: false, partnerId: null });
    expect(() => session.client(target)).toThrow(/Not signed in/);
  });

  it('says what is wrong in words: wrong password, missing and wrong 2FA code, bad admin secret', async () => {
    const session = new ProducerSession({ version: 'test', logger });
    const target = { serviceUrl: sandbox.serviceUrl, kmcUrl: null };
    await expect(
      session.signIn(target, { method: 'login', loginId: PRODUCER_LOGIN_ID, password: 'nope' }, false),
    ).rejects.toThrow('Wrong password for this login (USER_WRONG_PASSWORD)');
    await expect(
      session.signIn(target, { method: 'login', loginId: 'ghost@klive.local', password: 'nope' }, false),
    ).rejects.toThrow('LOGIN_DATA_NOT_FOUND');
    const twoFa = login(PRODUCER_2FA_LOGIN_ID);
    await expect(
      session.signIn(target, { method: 'login', loginId: twoFa.loginId, password: twoFa.password }, false),
    ).rejects.toThrow('enter the 6-digit code');
    const good = totpCode(twoFa.otpSecret as string, Date.now());
    await expect(
      session.signIn(
        target,
        {
          method: 'login',
          loginId: twoFa.loginId,
          password: twoFa.password,
          otp: good === '123456' ? '654321' : '123456',
        },
        false,
      ),
    ).rejects.toThrow('INVALID_OTP');
    expect(
      (
        await session.signIn(
          target,
          { method: 'login', loginId: twoFa.loginId, password: twoFa.password, otp: good },
          false,
        )
      ).signedIn,
    ).toBe(true);
    await expect(
      session.signIn(target, { method: 'secret', partnerId: 102, adminSecret: '0'.repeat(32) }, false),
    ).rejects.toThrow('START_SESSION_ERROR');
    expect(session.status(false).problem).toContain('Integration Settings');
  });

  it('partner id + admin secret makes a renewable session; a feature switched off says what to ask Kaltura for', async () => {
    sandbox.store.updatePartner(102, { features: { hybridEcdn: false } });
    try {
      const session = new ProducerSession({ version: 'test', logger });
      const status = await session.signIn(
        { serviceUrl: sandbox.serviceUrl, kmcUrl: null },
        { method: 'secret', partnerId: 102, adminSecret: sandbox.adminSecret(102) as string },
        false,
      );
      expect(status).toMatchObject({ signedIn: true, method: 'secret', renewable: true, adminSecret: 'not-needed' });
      const ecdn = status.capabilities.find((c) => c.name === 'FEATURE_HYBRID_ECDN');
      expect(ecdn).toMatchObject({
        available: false,
        text: expect.stringContaining('ask Kaltura to enable "Hybrid eCDN"'),
      });
      session.stop();
    } finally {
      sandbox.store.updatePartner(102, { features: { hybridEcdn: true } });
    }
  });

  it('a login session ends at its expiry, and a changed Kaltura asks for a new sign-in', async () => {
    let nowMs = Date.now();
    const session = new ProducerSession({ version: 'test', logger, nowMs: () => nowMs, ksExpirySeconds: 3600 });
    const target = { serviceUrl: sandbox.serviceUrl, kmcUrl: null };
    const status = await session.signIn(
      target,
      { method: 'login', loginId: PRODUCER_LOGIN_ID, password: login(PRODUCER_LOGIN_ID).password },
      false,
    );
    expect(status.expiresAtMs).toBe(nowMs + 3_600_000);
    expect(() => session.client({ serviceUrl: 'http://127.0.0.1:1', kmcUrl: null })).toThrow('another Kaltura');
    await session.signIn(
      target,
      { method: 'login', loginId: PRODUCER_LOGIN_ID, password: login(PRODUCER_LOGIN_ID).password },
      false,
    );
    nowMs += 3_600_000;
    expect(session.status(false)).toMatchObject({ signedIn: false, problem: expect.stringContaining('ended') });
  });
});
