// Kaltura's official npm client (kaltura-client 21.20.0) against the sandbox over loopback HTTP:
// it must get what a real api_v3 would answer (kaltura.md 2, 3, 4, 8).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { startSandbox, type SandboxHandle } from '../../../main/sandbox/index.js';
import { generateKsV2 } from '../../../main/core/ks.js';
import { tempDir } from '../../helpers/net.js';
import {
  client as sandboxClient,
  mediaServerClient as sharedMediaServerClient,
  officialClient,
  type KClient,
  type ListResult,
} from './kaltura-client-helpers.js';

const { services: svc, objects: obj } = officialClient<
  'session' | 'liveStream' | 'uploadToken' | 'beacon' | 'entryServerNode' | 'conversionProfile',
  | 'LiveStreamEntry'
  | 'UploadToken'
  | 'UploadedFileTokenResource'
  | 'ServerFileResource'
  | 'Beacon'
  | 'LiveEntryServerNodeFilter'
  | 'LiveStreamEntryFilter'
>();

let sandbox: SandboxHandle;
let dataDir: string;

const client = (): KClient => sandboxClient(sandbox);

async function adminClient(partnerId = 102): Promise<KClient> {
  const c = client();
  const ks = (await svc.session.start!(sandbox.adminSecret(partnerId), 'admin', 2, partnerId).execute(c)) as string;
  c.setKs(ks);
  return c;
}

/** The media-server client: a locally generated -5 KS (kaltura.md 3.6) impersonating partner 102. */
const mediaServerClient = (): KClient => sharedMediaServerClient(sandbox);

beforeAll(async () => {
  dataDir = tempDir('klive-sandbox-client-');
  sandbox = await startSandbox({ dataDir, rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive', logger: silentLogger() });
  // Kaltura accepts authenticate/registerMediaServer only from a registered media server node
  sandbox.store.addMediaServerNode('station1');
});

afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('sandbox with the official kaltura-client', () => {
  it('session.start returns a v2 KS; a wrong secret gives START_SESSION_ERROR; an unknown partner is blocked', async () => {
    const c = client();
    const ks = await svc.session.start!(sandbox.adminSecret(102), 'admin', 2, 102).execute(c);
    expect(ks).toMatch(/^djJ8MTAyf/);
    await expect(svc.session.start!('0'.repeat(32), 'admin', 2, 102).execute(c)).rejects.toMatchObject({
      code: 'START_SESSION_ERROR',
      message: 'Error while starting session for partner [102]',
      objectType: 'KalturaAPIException',
      args: { PID: '102' },
    });
    await expect(svc.session.start!('x', '', 2, 999).execute(c)).rejects.toMatchObject({
      code: 'SERVICE_FORBIDDEN_CONTENT_BLOCKED',
    });
  });

  it('liveStream.get returns the seeded entry with its broadcasting URLs and token for an admin KS', async () => {
    const entry = (await svc.liveStream.get!('0_rkij47dr').execute(await adminClient())) as Record<string, unknown>;
    expect(entry).toMatchObject({
      objectType: 'KalturaLiveStreamEntry',
      id: '0_rkij47dr',
      partnerId: 102,
      streamPassword: 'dj94kfit',
      type: 7,
      mediaType: 201,
      sourceType: '32',
      primaryBroadcastingUrl: 'rtmp://127.0.0.1:1935/kLive/?p=102&e=0_rkij47dr&i=0&t=dj94kfit',
      secondaryBroadcastingUrl: 'rtmp://127.0.0.1:1935/kLive/?p=102&e=0_rkij47dr&i=1&t=dj94kfit',
      streamName: '0_rkij47dr_%i',
    });
    expect(Object.keys(entry).at(-1)).toBe('objectType');
    // a USER KS sees neither the token nor the URLs
    const c = client();
    c.setKs((await svc.session.start!(sandbox.adminSecret(102), 'viewer', 0, 102).execute(c)) as string);
    const asUser = (await svc.liveStream.get!('0_rkij47dr').execute(c)) as Record<string, unknown>;
    expect(asUser.streamPassword).toBeUndefined();
    expect(asUser.primaryBroadcastingUrl).toBeUndefined();
  });

  it('a missing or forged KS gets SERVICE_FORBIDDEN / INVALID_KS in Kaltura form', async () => {
    await expect(svc.liveStream.get!('0_rkij47dr').execute(client())).rejects.toMatchObject({
      code: 'SERVICE_FORBIDDEN',
      message: 'The access to service [livestream->get] is forbidden',
    });
    const forged = client();
    const bad = generateKsV2({
      secret: 'f'.repeat(32),
      partnerId: 102,
      userId: '',
      type: 2,
      privileges: '',
      expiresAtSeconds: Math.floor(Date.now() / 1000) + 60,
    });
    forged.setKs(bad);
    await expect(svc.liveStream.get!('0_rkij47dr').execute(forged)).rejects.toMatchObject({
      code: 'INVALID_KS',
      message: `Invalid KS "${bad}", Error "-1,INVALID_STR"`,
      args: { KSID: bad, ERR_CODE: '-1', ERR_DESC: 'INVALID_STR' },
    });
    const expired = client();
    expired.setKs(
      generateKsV2({
        secret: sandbox.adminSecret(102) as string,
        partnerId: 102,
        userId: '',
        type: 2,
        privileges: '',
        expiresAtSeconds: Math.floor(Date.now() / 1000) - 1,
      }),
    );
    await expect(svc.liveStream.get!('0_rkij47dr').execute(expired)).rejects.toMatchObject({
      code: 'INVALID_KS',
      message: 'Invalid KS "EXPIRED", Error "-1,INVALID_STR"',
    });
  });

  it('liveStream.add creates a 0_xxxxxxxx entry on the default profile; update and regenerateStreamToken change it', async () => {
    const c = await adminClient();
    const added = (await svc.liveStream.add!(
      new obj.LiveStreamEntry({ name: 'Keynote', mediaType: 201, dvrStatus: 1, recordStatus: 1 }),
      32,
    ).execute(c)) as Record<string, unknown>;
    expect(added.id).toMatch(/^0_[a-z0-9]{8}$/);
    expect(added).toMatchObject({
      name: 'Keynote',
      partnerId: 102,
      dvrStatus: 1,
      recordStatus: 1,
      conversionProfileId: 1001,
    });
    expect(added.streamPassword).toMatch(/^[0-9a-f]{8}$/);
    const updated = (await svc.liveStream.update!(
      added.id,
      new obj.LiveStreamEntry({ name: 'Keynote 2', segmentDuration: 4000 }),
    ).execute(c)) as Record<string, unknown>;
    expect(updated).toMatchObject({ name: 'Keynote 2', segmentDuration: 4000 });
    await expect(
      svc.liveStream.update!(added.id, new obj.LiveStreamEntry({ segmentDuration: 100 })).execute(c),
    ).rejects.toMatchObject({ code: 'PROPERTY_VALIDATION_MIN_VALUE' });
    await expect(
      svc.liveStream.update!(added.id, new obj.LiveStreamEntry({ dvrStatus: 7 })).execute(c),
    ).rejects.toMatchObject({ code: 'INVALID_ENUM_VALUE' });
    const regenerated = (await svc.liveStream.regenerateStreamToken!(added.id).execute(c)) as Record<string, unknown>;
    expect(regenerated.streamPassword).not.toBe(added.streamPassword);
    expect(sandbox.store.entry(added.id as string)?.name).toBe('Keynote 2');
    const listed = (await svc.liveStream.listAction!(
      new obj.LiveStreamEntryFilter({ idIn: `${added.id as string},0_rkij47dr` }),
    ).execute(c)) as ListResult;
    expect(listed.totalCount).toBe(2);
    expect(listed.objects.map((e) => e.id).sort()).toEqual([added.id, '0_rkij47dr'].sort());
    expect(await svc.liveStream.deleteAction!(added.id).execute(c)).toBeNull();
    await expect(svc.liveStream.get!(added.id).execute(c)).rejects.toMatchObject({ code: 'ENTRY_ID_NOT_FOUND' });
  });

  it('media server: authenticate, registerMediaServer, entryServerNode.list, isLive, unregisterMediaServer', async () => {
    const ms = mediaServerClient();
    await expect(
      svc.liveStream.authenticate!('0_rkij47dr', 'wrongtok', 'station1', 0).execute(ms),
    ).rejects.toMatchObject({
      code: 'LIVE_STREAM_INVALID_TOKEN',
      message: 'Invalid token supplied for live entry [0_rkij47dr]',
      args: { ENTRY_ID: '0_rkij47dr' },
    });
    await expect(
      svc.liveStream.authenticate!('0_zzzzzzzz', 'dj94kfit', 'station1', 0).execute(ms),
    ).rejects.toMatchObject({
      code: 'ENTRY_ID_NOT_FOUND',
      message: 'Entry id "0_zzzzzzzz" not found',
    });
    const authed = (await svc.liveStream.authenticate!('0_rkij47dr', 'dj94kfit', 'station1', '0').execute(
      ms,
    )) as Record<string, unknown>;
    expect(authed).toMatchObject({ id: '0_rkij47dr', objectType: 'KalturaLiveStreamEntry' });
    const admin = await adminClient();
    const nodes = async (): Promise<ListResult> =>
      (await svc.entryServerNode.listAction!(new obj.LiveEntryServerNodeFilter({ entryIdEqual: '0_rkij47dr' })).execute(
        admin,
      )) as ListResult;
    expect((await nodes()).objects).toMatchObject([
      { objectType: 'KalturaLiveEntryServerNode', entryId: '0_rkij47dr', status: 3, serverType: '0' },
    ]);
    expect(await svc.liveStream.isLive!('0_rkij47dr').execute(admin)).toBe(false);

    await svc.liveStream.registerMediaServer!('0_rkij47dr', 'station1', '0', 'kLive', 2).execute(ms);
    await svc.liveStream.registerMediaServer!('0_rkij47dr', 'station1', '0', 'kLive', 1).execute(ms);
    // the registration names the media server node it went through, and so does the entry
    const station1 = sandbox.store.serverNodes.findActive('station1', 102, null)?.id;
    expect((await nodes()).objects[0]).toMatchObject({ status: 1, serverNodeId: station1 });
    expect(await svc.liveStream.get!('0_rkij47dr').execute(admin)).toMatchObject({ primaryServerNodeId: station1 });
    expect(await svc.liveStream.isLive!('0_rkij47dr').execute(admin)).toBe(true);
    // an unregistered host is refused; one in another environment cannot take over a broadcasting index
    await expect(
      svc.liveStream.authenticate!('0_rkij47dr', 'dj94kfit', 'station2', 0).execute(ms),
    ).rejects.toMatchObject({ code: 'MEDIA_SERVER_NOT_FOUND', message: 'Media server [station2] not found' });
    const station2 = sandbox.store.addMediaServerNode('station2');
    sandbox.store.serverNodes.update(station2, { environment: 'eu' });
    await expect(
      svc.liveStream.authenticate!('0_rkij47dr', 'dj94kfit', 'station2', 0).execute(ms),
    ).rejects.toMatchObject({ code: 'LIVE_STREAM_ALREADY_BROADCASTING' });

    await expect(
      svc.liveStream.unregisterMediaServer!('0_rkij47dr', 'station1', '1').execute(ms),
    ).rejects.toMatchObject({ code: 'ENTRY_SERVER_NODE_NOT_FOUND' });
    await svc.liveStream.unregisterMediaServer!('0_rkij47dr', 'station1', '0').execute(ms);
    expect((await nodes()).objects).toEqual([]);
    expect(await svc.liveStream.isLive!('0_rkij47dr').execute(admin)).toBe(false);
  });

  it('uploads a recording in resumable chunks and appends it; beacons are kept', async () => {
    const ms = mediaServerClient();
    const first = Buffer.from('first-chunk|');
    const second = Buffer.from('second-chunk');
    const token = (await svc.uploadToken.add!(
      new obj.UploadToken({ fileName: 'rec.mp4', fileSize: first.length + second.length }),
    ).execute(ms)) as Record<string, unknown>;
    expect(token).toMatchObject({ objectType: 'KalturaUploadToken', status: 0, partnerId: 102 });
    const afterFirst = (await svc.uploadToken.upload!(token.id, first, false, false, -1).execute(ms)) as Record<
      string,
      unknown
    >;
    expect(afterFirst).toMatchObject({ status: 1, uploadedFileSize: first.length });
    await expect(svc.uploadToken.upload!(token.id, Buffer.alloc(0), true, true, -1).execute(ms)).rejects.toMatchObject({
      code: 'UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE',
    });
    const done = (await svc.uploadToken.upload!(token.id, second, true, true, first.length).execute(ms)) as Record<
      string,
      unknown
    >;
    expect(done).toMatchObject({ uploadedFileSize: first.length + second.length });
    expect(await svc.uploadToken.get!(token.id).execute(ms)).toMatchObject({ status: 2 });

    const sourceAsset = sandbox.store.liveAssets('0_rkij47dr').find((a) => a.flavorParamsId === 32);
    await svc.liveStream.appendRecording!(
      '0_rkij47dr',
      sourceAsset?.id,
      '0',
      new obj.UploadedFileTokenResource({ token: token.id }),
      12.5,
      true,
    ).execute(ms);
    const recordings = sandbox.store.recordings();
    expect(recordings).toHaveLength(1);
    expect(recordings[0]).toMatchObject({
      action: 'appendRecording',
      entryId: '0_rkij47dr',
      assetId: sourceAsset?.id,
      flavorParamsId: 32,
      uploadTokenId: token.id,
      durationSeconds: 12.5,
      isLastChunk: true,
      fileSizeBytes: 24,
    });
    expect(fs.readFileSync(recordings[0]?.storedFilePath as string, 'utf8')).toBe('first-chunk|second-chunk');
    // it landed on the recorded entry, as that asset's flavor
    const recorded = sandbox.store.recordedEntries.get(recordings[0]?.recordedEntryId ?? null);
    expect(recorded).toMatchObject({
      rootEntryId: '0_rkij47dr',
      flavors: [{ flavorParamsId: 32, assetId: sourceAsset?.id, durationSeconds: 12.5, parts: 1 }],
    });
    expect(fs.readFileSync(recorded?.flavors[0]?.file as string, 'utf8')).toBe('first-chunk|second-chunk');

    // setRecordedContent: the liveDVR path, for partners with Kaltura recording; a backup index is a no-op
    sandbox.store.updatePartner(102, { features: { kalturaRecording: true } });
    await svc.liveStream.setRecordedContent!(
      '0_rkij47dr',
      '1',
      new obj.ServerFileResource({ localFilePath: '/nonexistent/rec.mp4' }),
      30,
    ).execute(ms);
    expect(sandbox.store.recordings()).toHaveLength(1);
    await svc.liveStream.setRecordedContent!(
      '0_rkij47dr',
      '0',
      new obj.ServerFileResource({ localFilePath: '/nonexistent/rec.mp4' }),
      30,
    ).execute(ms);
    expect(sandbox.store.recordings()[1]).toMatchObject({
      action: 'setRecordedContent',
      localFilePath: '/nonexistent/rec.mp4',
      durationSeconds: 30,
      fileSizeBytes: null,
    });
    expect(sandbox.store.recordings()[1]?.seq).toBeGreaterThan(sandbox.store.recordings()[0]?.seq as number);
    sandbox.store.updatePartner(102, { features: { kalturaRecording: false } });
    // an unfinished token cannot be used as a recording
    const pending = (await svc.uploadToken.add!(new obj.UploadToken({})).execute(ms)) as Record<string, unknown>;
    await expect(
      svc.liveStream.appendRecording!(
        '0_rkij47dr',
        sourceAsset?.id,
        '0',
        new obj.UploadedFileTokenResource({ token: pending.id }),
        1,
      ).execute(ms),
    ).rejects.toMatchObject({ code: 'UPLOAD_TOKEN_INVALID_STATUS_FOR_ADD_ENTRY' });

    await svc.beacon.add!(
      new obj.Beacon({
        relatedObjectType: '4',
        eventType: '0_healthData',
        objectId: '0_rkij47dr',
        privateData: '{"alerts":[]}',
      }),
      true,
    ).execute(ms);
    expect(sandbox.store.beacons().at(-1)).toMatchObject({
      partnerId: 102,
      eventType: '0_healthData',
      objectId: '0_rkij47dr',
      privateData: '{"alerts":[]}',
      shouldLog: true,
    });
  });

  it('resumable upload: a chunk beyond the end waits until the gap is filled; a finished token takes no more chunks', async () => {
    const ms = mediaServerClient();
    const [a, b, c] = [Buffer.from('AAAA'), Buffer.from('BBB'), Buffer.from('CC')];
    const token = (await svc.uploadToken.add!(new obj.UploadToken({ fileSize: 9 })).execute(ms)) as Record<
      string,
      unknown
    >;
    await svc.uploadToken.upload!(token.id, a, false, false, -1).execute(ms);
    const early = (await svc.uploadToken.upload!(token.id, c, true, false, 7).execute(ms)) as Record<string, unknown>;
    expect(early).toMatchObject({ uploadedFileSize: 4, status: 1 });
    const filled = (await svc.uploadToken.upload!(token.id, b, true, false, 4).execute(ms)) as Record<string, unknown>;
    expect(filled).toMatchObject({ uploadedFileSize: 9 });
    expect(await svc.uploadToken.upload!(token.id, Buffer.alloc(0), true, true, 9).execute(ms)).toMatchObject({
      status: 2,
      uploadedFileSize: 9,
    });
    await expect(svc.uploadToken.upload!(token.id, a, false, true, -1).execute(ms)).rejects.toMatchObject({
      code: 'UPLOAD_TOKEN_INVALID_STATUS_FOR_UPLOAD',
    });
    await expect(svc.uploadToken.get!('0_' + 'f'.repeat(32)).execute(ms)).rejects.toMatchObject({
      code: 'UPLOAD_TOKEN_NOT_FOUND',
      message: 'Upload token not found',
    });
    const asset = sandbox.store.liveAssets('0_rkij47dr').find((a) => a.flavorParamsId === 33);
    await svc.liveStream.appendRecording!(
      '0_rkij47dr',
      asset?.id,
      '0',
      new obj.UploadedFileTokenResource({ token: token.id }),
      3,
    ).execute(ms);
    const last = sandbox.store.recordings().at(-1);
    expect(fs.readFileSync(last?.storedFilePath as string, 'utf8')).toBe('AAAABBBCC');
  });

  it('multirequest: results in order, {1:result:...} references, errors inline, file upload inside', async () => {
    const ms = mediaServerClient();
    const results = (await svc.liveStream.get!('0_rkij47dr')
      .add(svc.conversionProfile.get!('{1:result:conversionProfileId}'))
      .add(svc.liveStream.get!('0_nothere0'))
      .execute(ms)) as Record<string, unknown>[];
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ id: '0_rkij47dr' });
    expect(results[1]).toMatchObject({ objectType: 'KalturaConversionProfile', id: 1001, name: 'Cloud transcode' });
    expect(results[2]).toMatchObject({ code: 'ENTRY_ID_NOT_FOUND', objectType: 'KalturaAPIException' });

    const uploaded = (await svc.uploadToken.add!(new obj.UploadToken({}))
      .add(svc.uploadToken.upload!('{1:result:id}', Buffer.from('abc'), false, true, -1))
      .execute(ms)) as Record<string, unknown>[];
    expect(uploaded[1]).toMatchObject({ id: uploaded[0]?.id, status: 2, uploadedFileSize: 3 });
  });
});
