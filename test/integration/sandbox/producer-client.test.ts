// The producer workflow calls (kaltura-producer.md 3) through Kaltura's official npm client (kaltura-client
// 21.20.0) against the sandbox: sign-in with its errors (LOGIN_DATA_NOT_FOUND, USER_WRONG_PASSWORD,
// MISSING_OTP, INVALID_OTP), partner.get/getInfo/listPartnersForUser, permissions, live profiles, and
// liveStream.list/add/update/regenerateStreamToken + entryServerNode.list with a producer's KS.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import {
  PRODUCER_2FA_LOGIN_ID,
  PRODUCER_LOGIN_ID,
  startSandbox,
  totpCode,
  type SandboxHandle,
} from '../../../main/sandbox/index.js';
import { generateKsV2 } from '../../../main/core/ks.js';
import { tempDir } from '../../helpers/net.js';
import { client as sandboxClient, officialClient, type KClient, type ListResult } from './kaltura-client-helpers.js';

const { services: svc, objects: obj } = officialClient<
  'user' | 'partner' | 'permission' | 'liveStream' | 'entryServerNode' | 'conversionProfile',
  'LiveStreamEntry' | 'LiveStreamEntryFilter' | 'FilterPager' | 'ConversionProfileFilter' | 'LiveEntryServerNodeFilter'
>();

let sandbox: SandboxHandle;
let dataDir: string;

const client = (): KClient => sandboxClient(sandbox);

function login(id: string) {
  const found = sandbox.logins().find((l) => l.loginId === id);
  if (!found) throw new Error(`no seeded login ${id}`);
  return found;
}

async function producerClient(): Promise<KClient> {
  const c = client();
  c.setKs((await svc.user.loginByLoginId!(PRODUCER_LOGIN_ID, login(PRODUCER_LOGIN_ID).password).execute(c)) as string);
  return c;
}

beforeAll(async () => {
  dataDir = tempDir('klive-sandbox-producer-');
  sandbox = await startSandbox({ dataDir, rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive', logger: silentLogger() });
});

afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('producer calls with the official kaltura-client', () => {
  it('seeds two logins with random passwords per install, kept in a 0600 file', () => {
    const logins = sandbox.logins();
    expect(logins.map((l) => l.loginId)).toEqual([PRODUCER_LOGIN_ID, PRODUCER_2FA_LOGIN_ID]);
    expect(logins[0]?.password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(logins[0]?.password).not.toBe(logins[1]?.password);
    expect(fs.statSync(`${dataDir}/sandbox/logins.json`).mode & 0o777).toBe(0o600);
  });

  it("user.loginByLoginId answers an ADMIN KS of partner 102, or Kaltura's errors", async () => {
    const c = client();
    const ks = (await svc.user.loginByLoginId!(
      PRODUCER_LOGIN_ID.toUpperCase(),
      login(PRODUCER_LOGIN_ID).password,
    ).execute(c)) as string;
    expect(ks).toMatch(/^djJ8MTAyf/);
    await expect(svc.user.loginByLoginId!('nobody@klive.local', 'x').execute(c)).rejects.toMatchObject({
      code: 'LOGIN_DATA_NOT_FOUND',
      message: 'Login id not found',
    });
    await expect(svc.user.loginByLoginId!(PRODUCER_LOGIN_ID, 'wrong-password').execute(c)).rejects.toMatchObject({
      code: 'USER_WRONG_PASSWORD',
      message: 'Wrong password supplied',
    });
    await expect(
      svc.user.loginByLoginId!(PRODUCER_LOGIN_ID, login(PRODUCER_LOGIN_ID).password, -5).execute(c),
    ).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });

  it('a 2FA login needs the current TOTP code: MISSING_OTP, INVALID_OTP, then a KS', async () => {
    const c = client();
    const l = login(PRODUCER_2FA_LOGIN_ID);
    await expect(svc.user.loginByLoginId!(l.loginId, l.password).execute(c)).rejects.toMatchObject({
      code: 'MISSING_OTP',
      message: 'Missing otp',
    });
    const good = totpCode(l.otpSecret as string, Date.now());
    const bad = good === '000000' ? '111111' : '000000';
    await expect(
      svc.user.loginByLoginId!(l.loginId, l.password, null, 86400, '*', bad).execute(c),
    ).rejects.toMatchObject({ code: 'INVALID_OTP', message: 'Invalid otp' });
    // the password is checked before the code: a wrong password never reveals that 2FA is on
    await expect(svc.user.loginByLoginId!(l.loginId, 'wrong', null, 86400, '*', good).execute(c)).rejects.toMatchObject(
      { code: 'USER_WRONG_PASSWORD' },
    );
    expect(await svc.user.loginByLoginId!(l.loginId, l.password, null, 86400, '*', good).execute(c)).toMatch(
      /^djJ8MTAyf/,
    );
  });

  it('partner.get reveals the admin secret to the admin login; getInfo and listPartnersForUser name the partner', async () => {
    const c = await producerClient();
    expect(await svc.partner.get!(102).execute(c)).toMatchObject({
      objectType: 'KalturaPartner',
      id: 102,
      adminSecret: sandbox.adminSecret(102),
    });
    expect(await svc.partner.getInfo!().execute(c)).toMatchObject({ id: 102, name: 'Sandbox partner' });
    const list = (await svc.partner.listPartnersForUser!().execute(c)) as ListResult;
    // the seeded producer login belongs to a second partner (rehearses the partner switch)
    expect(list.objects.map((p) => p.id)).toEqual([102, 103]);
    expect(String(await svc.permission.getCurrentPermissions!().execute(c))).toContain('FEATURE_LIVE_STREAM');
    // a USER KS learns no secret
    const viewer = client();
    viewer.setKs(
      generateKsV2({
        secret: sandbox.adminSecret(102) as string,
        partnerId: 102,
        userId: 'viewer',
        type: 0,
        privileges: '',
        expiresAtSeconds: Math.floor(Date.now() / 1000) + 600,
      }),
    );
    expect((await svc.partner.get!(102).execute(viewer)) as Record<string, unknown>).not.toHaveProperty('adminSecret');
  });

  it('conversionProfile.list typeEqual LIVE_STREAM lists the live profiles, MEDIA none', async () => {
    const c = await producerClient();
    const live = (await svc.conversionProfile.listAction!(new obj.ConversionProfileFilter({ typeEqual: 2 })).execute(
      c,
    )) as ListResult;
    expect(live.objects.map((p) => p.name)).toEqual(expect.arrayContaining(['Cloud transcode', 'Passthrough']));
    const media = (await svc.conversionProfile.listAction!(new obj.ConversionProfileFilter({ typeEqual: 1 })).execute(
      c,
    )) as ListResult;
    expect(media.totalCount).toBe(0);
  });

  it('liveStream.add/list/update/regenerateStreamToken and entryServerNode.list with the producer KS', async () => {
    const c = await producerClient();
    const added = (await svc.liveStream.add!(
      new obj.LiveStreamEntry({
        name: 'Keynote hall',
        mediaType: 201,
        dvrStatus: 1,
        dvrWindow: 120,
        recordStatus: 1,
        conversionProfileId: 1002,
      }),
      32,
    ).execute(c)) as Record<string, unknown>;
    expect(added).toMatchObject({
      objectType: 'KalturaLiveStreamEntry',
      name: 'Keynote hall',
      partnerId: 102,
      dvrStatus: 1,
      recordStatus: 1,
      conversionProfileId: 1002,
    });
    expect(added.streamPassword).toMatch(/^[0-9a-z]{8}$/);
    const page = (await svc.liveStream.listAction!(
      new obj.LiveStreamEntryFilter({ nameLike: 'keynote' }),
      new obj.FilterPager({ pageSize: 10, pageIndex: 1 }),
    ).execute(c)) as ListResult;
    expect(page.objects.map((e) => e.id)).toEqual([added.id]);
    const all = (await svc.liveStream.listAction!(null, new obj.FilterPager({ pageSize: 1, pageIndex: 2 })).execute(
      c,
    )) as ListResult;
    expect(all.totalCount).toBe(2);
    expect(all.objects).toHaveLength(1);
    const renamed = (await svc.liveStream.update!(
      added.id,
      new obj.LiveStreamEntry({ name: 'Keynote hall B' }),
    ).execute(c)) as Record<string, unknown>;
    expect(renamed.name).toBe('Keynote hall B');
    await expect(
      svc.liveStream.update!(added.id, new obj.LiveStreamEntry({ dvrStatus: 7 })).execute(c),
    ).rejects.toMatchObject({ code: 'INVALID_ENUM_VALUE' });
    const regenerated = (await svc.liveStream.regenerateStreamToken!(added.id).execute(c)) as Record<string, unknown>;
    expect(regenerated.streamPassword).toMatch(/^[0-9a-z]{8}$/);
    expect(regenerated.streamPassword).not.toBe(added.streamPassword);
    const filter = new obj.LiveEntryServerNodeFilter({ entryIdIn: `${String(added.id)},0_rkij47dr` });
    expect(((await svc.entryServerNode.listAction!(filter).execute(c)) as ListResult).totalCount).toBe(0);
    // a station registers as the entry's primary: the producer's list shows it PLAYABLE
    const ms = client();
    ms.setKs(
      generateKsV2({
        secret: sandbox.adminSecret(-5) as string,
        partnerId: -5,
        userId: 'MediaServer',
        type: 2,
        privileges: 'disableentitlement',
        expiresAtSeconds: Math.floor(Date.now() / 1000) + 600,
      }),
    );
    ms.setPartnerId(102);
    // Kaltura only accepts registrations from a registered media server node
    sandbox.store.addMediaServerNode('station1', -5);
    await svc.liveStream.registerMediaServer!(added.id, 'station1', '0', 'kLive', 1).execute(ms);
    const nodes = (await svc.entryServerNode.listAction!(filter).execute(c)) as ListResult;
    expect(nodes.objects).toMatchObject([{ entryId: added.id, status: 1, serverType: '0' }]);
  });

  it("liveStream.update changes profile, DVR and recording with Kaltura's validation errors; liveStream.delete removes the entry", async () => {
    const c = await producerClient();
    const added = (await svc.liveStream.add!(
      new obj.LiveStreamEntry({ name: 'To be deleted', mediaType: 201 }),
      32,
    ).execute(c)) as Record<string, unknown>;
    const id = added.id as string;
    const changed = (await svc.liveStream.update!(
      id,
      new obj.LiveStreamEntry({ conversionProfileId: 1002, dvrStatus: 1, recordStatus: 1 }),
    ).execute(c)) as Record<string, unknown>;
    expect(changed).toMatchObject({ conversionProfileId: 1002, dvrStatus: 1, recordStatus: 1 });
    const off = (await svc.liveStream.update!(id, new obj.LiveStreamEntry({ dvrStatus: 0, recordStatus: 0 })).execute(
      c,
    )) as Record<string, unknown>;
    expect(off).toMatchObject({ dvrStatus: 0, recordStatus: 0 });
    await expect(
      svc.liveStream.update!(id, new obj.LiveStreamEntry({ conversionProfileId: 987654 })).execute(c),
    ).rejects.toMatchObject({ code: 'CONVERSION_PROFILE_ID_NOT_FOUND' });
    await expect(svc.liveStream.update!(id, new obj.LiveStreamEntry({ name: '' })).execute(c)).rejects.toMatchObject({
      code: expect.stringMatching(/^PROPERTY_VALIDATION/),
    });
    await svc.liveStream.deleteAction!(id).execute(c);
    await expect(svc.liveStream.get!(id).execute(c)).rejects.toMatchObject({ code: 'ENTRY_ID_NOT_FOUND' });
    await expect(svc.liveStream.deleteAction!(id).execute(c)).rejects.toMatchObject({ code: 'ENTRY_ID_NOT_FOUND' });
    const page = (await svc.liveStream.listAction!(
      new obj.LiveStreamEntryFilter({ nameLike: 'To be deleted' }),
    ).execute(c)) as ListResult;
    expect(page.totalCount).toBe(0);
  });

  it("user.loginByKs switches the login's KS to another partner it belongs to, without the password; Kaltura's errors otherwise", async () => {
    const c = await producerClient();
    const switched = (await svc.user.loginByKs!(103).execute(c)) as Record<string, unknown>;
    expect(switched).toMatchObject({ objectType: 'KalturaSessionResponse', partnerId: 103, userId: PRODUCER_LOGIN_ID });
    expect(switched.ks).toMatch(/^djJ8MTAzf/);
    const other = client();
    other.setKs(switched.ks as string);
    expect(await svc.partner.getInfo!().execute(other)).toMatchObject({ id: 103, name: 'Second sandbox partner' });
    expect(((await svc.liveStream.listAction!().execute(other)) as ListResult).totalCount).toBe(0);
    await expect(svc.user.loginByKs!(987654).execute(c)).rejects.toMatchObject({ code: 'UNKNOWN_PARTNER_ID' });
    // the 2FA login has a user in partner 102 only
    const l = login(PRODUCER_2FA_LOGIN_ID);
    const twoFa = client();
    twoFa.setKs(
      (await svc.user.loginByLoginId!(
        l.loginId,
        l.password,
        null,
        86400,
        '*',
        totpCode(l.otpSecret as string, Date.now()),
      ).execute(twoFa)) as string,
    );
    await expect(svc.user.loginByKs!(103).execute(twoFa)).rejects.toMatchObject({ code: 'ADMIN_KUSER_NOT_FOUND' });
  });
});
