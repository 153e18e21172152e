// The producer's bridge requests on a real in-process station whose Kaltura (eCDN mode) is a separate sandbox on
// loopback: sign in with the seeded login, list entries with their state, read publish details, and hand the
// partner's admin secret to the media-server role only with consent. No password, secret or token in the log.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { PRODUCER_LOGIN_ID, startSandbox, type SandboxHandle } from '../../../main/sandbox/index.js';
import { startInProcessStation, type InProcessStation } from '../../helpers/in-process-station.js';
import { tempDir } from '../../helpers/net.js';
import type { ProducerEntry, ProducerEntryPage, ProducerStatus } from '../../../shared/producer.js';
import type { PublishDetails } from '../../../shared/sandbox.js';
import type { PublicSettings } from '../../../shared/settings.js';
import type { Snapshot } from '../../../shared/state.js';

let kaltura: SandboxHandle;
let kalturaDir: string;
let s: InProcessStation;

const call = (name: string, payload: unknown = {}) =>
  s.station.bridgeHost().handle(name, payload, { transport: 'ipc', trusted: true });

beforeAll(async () => {
  kalturaDir = tempDir('klive-partner-kaltura-');
  kaltura = await startSandbox({
    dataDir: kalturaDir,
    rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive',
    logger: silentLogger(),
  });
  s = await startInProcessStation(
    {},
    { settings: { kaltura: { mode: 'ecdn', serviceUrl: kaltura.serviceUrl, partnerId: 102 } } },
  );
});

afterAll(async () => {
  await s?.stop();
  await kaltura?.close();
  fs.rmSync(kalturaDir, { recursive: true, force: true });
});

describe('producer bridge on a station in eCDN mode', () => {
  it('signs in, lists entries, reads publish details, and stores the admin secret only with consent', async () => {
    const password = kaltura.logins().find((l) => l.loginId === PRODUCER_LOGIN_ID)?.password as string;
    await expect(
      call('producer.signIn', { method: 'login', loginId: PRODUCER_LOGIN_ID, password: 'wrong' }),
    ).rejects.toThrow('USER_WRONG_PASSWORD');
    const status = (await call('producer.signIn', {
      method: 'login',
      loginId: PRODUCER_LOGIN_ID,
      password,
    })) as ProducerStatus;
    expect(status).toMatchObject({
      signedIn: true,
      partnerId: 102,
      adminSecret: 'available',
      kmcUrl: 'http://127.0.0.1:' + String(kaltura.port) + '/index.php/kmcng',
    });

    const page = (await call('producer.listEntries', { pageIndex: 1, pageSize: 10 })) as ProducerEntryPage;
    expect(page.entries).toEqual([
      expect.objectContaining({
        entryId: '0_rkij47dr',
        liveState: 'offline',
        conversionProfileName: 'Cloud transcode',
        dvrEnabled: true,
      }),
    ]);
    const details = (await call('connect.getPublishDetails', { entryId: '0_rkij47dr' })) as PublishDetails;
    expect(details.primary.serverUrl).toBe(`rtmp://127.0.0.1:${s.rtmpPort}/kLive/?p=102&e=0_rkij47dr&i=0&t=dj94kfit`);
    expect(details.backup.serverUrl).toContain('&i=1&t=dj94kfit');

    await expect(call('producer.storeAdminSecret', { consent: false })).rejects.toThrow('only when you tick');
    const stored = (await call('producer.storeAdminSecret', { consent: true })) as ProducerStatus;
    expect(stored.adminSecret).toBe('stored');
    expect((await call('settings.get')) as PublicSettings).toMatchObject({
      adminSecretStored: true,
      kaltura: { mode: 'ecdn', partnerId: 102 },
    });
    // the media-server role now has its KS from the stored secret
    await expect
      .poll(async () => ((await call('state.getSnapshot')) as Snapshot).kaltura.ks.state, { timeout: 10_000 })
      .toBe('valid');

    const logged = s.logs.join('\n');
    expect(logged).not.toContain(password);
    expect(logged).not.toContain(kaltura.adminSecret(102) as string);
    expect(logged).not.toContain('dj94kfit');

    const out = (await call('producer.signOut')) as ProducerStatus;
    expect(out.signedIn).toBe(false);
    await expect(call('producer.listEntries', { pageIndex: 1, pageSize: 10 })).rejects.toThrow(/sign in/i);
  });

  it("renames, changes and deletes an entry through producer.updateEntry/deleteEntry, with Kaltura's refusals in words", async () => {
    const password = kaltura.logins().find((l) => l.loginId === PRODUCER_LOGIN_ID)?.password as string;
    await call('producer.signIn', { method: 'login', loginId: PRODUCER_LOGIN_ID, password });
    const created = (await call('producer.createEntry', { name: 'Bridge stage' })) as ProducerEntry;
    const changed = (await call('producer.updateEntry', {
      entryId: created.entryId,
      name: 'Bridge stage B',
      recordingEnabled: true,
      dvrEnabled: true,
    })) as ProducerEntry;
    expect(changed).toMatchObject({
      entryId: created.entryId,
      name: 'Bridge stage B',
      recordingEnabled: true,
      dvrEnabled: true,
    });
    await expect(call('producer.updateEntry', { entryId: created.entryId })).rejects.toThrow('say what to change');
    await expect(
      call('producer.updateEntry', { entryId: created.entryId, conversionProfileId: 987654 }),
    ).rejects.toThrow(/Kaltura did not change the entry: .*CONVERSION_PROFILE_ID_NOT_FOUND/);
    expect((await call('producer.deleteEntry', { entryId: created.entryId })) as { entryId: string }).toEqual({
      entryId: created.entryId,
    });
    const page = (await call('producer.listEntries', {
      pageIndex: 1,
      pageSize: 10,
      nameLike: 'Bridge stage',
    })) as ProducerEntryPage;
    expect(page.totalCount).toBe(0);
    await expect(call('producer.deleteEntry', { entryId: created.entryId })).rejects.toThrow(/ENTRY_ID_NOT_FOUND/);
    await call('producer.signOut');
  });

  it('a login with two partners switches to the other in one call, without the password', async () => {
    const password = kaltura.logins().find((l) => l.loginId === PRODUCER_LOGIN_ID)?.password as string;
    const first = (await call('producer.signIn', {
      method: 'login',
      loginId: PRODUCER_LOGIN_ID,
      password,
    })) as ProducerStatus;
    expect(first.partnerId).toBe(102);
    expect(first.partners.map((p) => p.id)).toEqual([102, 103]);
    const switched = (await call('producer.switchPartner', { partnerId: 103 })) as ProducerStatus;
    expect(switched).toMatchObject({
      signedIn: true,
      partnerId: 103,
      partnerName: 'Second sandbox partner',
      userId: PRODUCER_LOGIN_ID,
      method: 'login',
    });
    expect(switched.expiresAtMs).toBeLessThanOrEqual(first.expiresAtMs as number);
    // the station now works in partner 103: its entries, not 102's
    expect(
      ((await call('producer.listEntries', { pageIndex: 1, pageSize: 10 })) as ProducerEntryPage).entries.map(
        (e) => e.entryId,
      ),
    ).not.toContain('0_rkij47dr');
    await expect(call('producer.switchPartner', { partnerId: 987654 })).rejects.toThrow(
      'This login has no user in partner 987654',
    );
    // a refused switch keeps the session
    expect(((await call('producer.getStatus')) as ProducerStatus).partnerId).toBe(103);
    const back = (await call('producer.switchPartner', { partnerId: 102 })) as ProducerStatus;
    expect(back.partnerId).toBe(102);
    expect(s.logs.join('\n')).not.toContain(password);
    await call('producer.signOut');
  });
});
