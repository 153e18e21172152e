// The serverNode service and what hangs on it, through kaltura-client: statuses and transitions, the 120 s
// heartbeat as Kaltura reads it, KalturaWowzaMediaServerNode fields through JSON and XML, list filters, and
// registrations expiring on the sandbox clock (injected, or KLIVE_SANDBOX_TIME_SCALE-style time scale).
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { startSandbox, type SandboxHandle } from '../../../main/sandbox/index.js';
import { tempDir, waitFor } from '../../helpers/net.js';
import { adminClient, call, make, mediaServerClient, type ListResult } from './kaltura-client-helpers.js';

const HOST = 'klive-102-7f3a.example';
const handles: SandboxHandle[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function fresh(options: { now?: () => number; timeScale?: number } = {}): Promise<SandboxHandle> {
  const dataDir = tempDir('klive-sandbox-nodes-');
  dirs.push(dataDir);
  const handle = await startSandbox({
    dataDir,
    rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive',
    logger: silentLogger(),
    ...options,
  });
  handles.push(handle);
  return handle;
}

const station = (props: Record<string, unknown> = {}): object =>
  make('WowzaMediaServerNode', {
    name: HOST,
    hostName: HOST,
    applicationName: 'kLive',
    liveServicePort: 8080,
    liveServiceProtocol: 'http',
    mediaServerPortConfig: [make('KeyValue', { key: 'http', value: '8080' })],
    mediaServerPlaybackDomainConfig: [make('KeyValue', { key: 'http', value: '192.168.1.20' })],
    ...props,
  });

describe('serverNode service', () => {
  it('add starts DISABLED; enable, markOffline (only from ACTIVE), disable, delete; get and list follow', async () => {
    const s = await fresh();
    const c = await adminClient(s);
    const added = (await call('serverNode', 'add', station()).execute(c)) as Record<string, unknown>;
    expect(added).toMatchObject({
      objectType: 'KalturaWowzaMediaServerNode',
      type: 'wowza.WOWZA_MEDIA_SERVER',
      partnerId: 102,
      status: 2,
      hostName: HOST,
      applicationName: 'kLive',
    });
    expect(added.heartbeatTime).toBeUndefined();
    const id = added.id as number;
    // markOffline leaves a node that is not ACTIVE alone
    expect(await call('serverNode', 'markOffline', id).execute(c)).toMatchObject({ status: 2 });
    expect(await call('serverNode', 'enable', id).execute(c)).toMatchObject({ status: 1 });
    expect(await call('serverNode', 'markOffline', id).execute(c)).toMatchObject({ status: 4 });
    expect(await call('serverNode', 'disable', id).execute(c)).toMatchObject({ status: 2 });
    const listed = (await call(
      'serverNode',
      'listAction',
      make('WowzaMediaServerNodeFilter', { hostNameLike: '7f3a' }),
    ).execute(c)) as ListResult;
    expect(listed.objects.map((n) => n.id)).toEqual([id]);
    expect(await call('serverNode', 'deleteAction', id).execute(c)).toBeNull();
    await expect(call('serverNode', 'get', id).execute(c)).rejects.toMatchObject({ code: 'SERVER_NODE_NOT_FOUND' });
    expect(
      ((await call('serverNode', 'listAction', make('WowzaMediaServerNodeFilter', {})).execute(c)) as ListResult)
        .totalCount,
    ).toBe(0);
    // a deleted node's host name is free again
    expect(await call('serverNode', 'add', station()).execute(c)).toMatchObject({ status: 2 });
  });

  it('reportStatus adds a missing node and makes it ACTIVE in one call; NOT_OPERATIONAL is stored as ACTIVE', async () => {
    const clock = { ms: 1_800_000_000_000 };
    const s = await fresh({ now: () => clock.ms });
    const c = await adminClient(s);
    const first = (await call('serverNode', 'reportStatus', HOST, station(), 1).execute(c)) as Record<string, unknown>;
    expect(first).toMatchObject({ status: 1, heartbeatTime: 1_800_000_000, hostName: HOST });
    clock.ms += 30_000;
    const again = (await call('serverNode', 'reportStatus', HOST, station(), 5).execute(c)) as Record<string, unknown>;
    expect(again).toMatchObject({ id: first.id, status: 1, heartbeatTime: 1_800_000_030 });
    // without an object the node is found by host name
    expect(await call('serverNode', 'reportStatus', HOST).execute(c)).toMatchObject({ id: first.id });
    // only one node for the host
    expect(
      (
        (await call('serverNode', 'listAction', make('ServerNodeFilter', { hostNameLike: HOST })).execute(
          c,
        )) as ListResult
      ).totalCount,
    ).toBe(1);
    // a disabled node is not found by reportStatus: a new one would be added, which its host name forbids
    await call('serverNode', 'disable', first.id).execute(c);
    await expect(call('serverNode', 'reportStatus', HOST, station(), 1).execute(c)).rejects.toMatchObject({
      code: 'HOST_NAME_ALREADY_EXISTS',
    });
  });

  it('a heartbeat older than 120 s reads NOT_REGISTERED (not when DISABLED); authenticate still finds the node', async () => {
    const clock = { ms: 1_800_000_000_000 };
    const s = await fresh({ now: () => clock.ms });
    const c = await adminClient(s);
    const node = (await call('serverNode', 'reportStatus', HOST, station(), 1).execute(c)) as Record<string, unknown>;
    clock.ms += 120_000;
    expect(await call('serverNode', 'get', node.id).execute(c)).toMatchObject({ status: 1 });
    clock.ms += 1_000;
    expect(await call('serverNode', 'get', node.id).execute(c)).toMatchObject({ status: 4 });
    // the stored status is still ACTIVE: filters see it, and setMediaServer ignores the heartbeat
    expect(
      ((await call('serverNode', 'listAction', make('ServerNodeFilter', { statusEqual: 1 })).execute(c)) as ListResult)
        .totalCount,
    ).toBe(1);
    expect(await call('liveStream', 'authenticate', '0_rkij47dr', 'dj94kfit', HOST, 0).execute(c)).toMatchObject({
      id: '0_rkij47dr',
    });
    await call('serverNode', 'disable', node.id).execute(c);
    expect(await call('serverNode', 'get', node.id).execute(c)).toMatchObject({ status: 2 });
  });

  it('KalturaWowzaMediaServerNode fields come back the same in JSON and in XML', async () => {
    const s = await fresh();
    const c = await adminClient(s);
    const added = (await call('serverNode', 'add', station({ environment: 'lab', tags: 'klive' })).execute(
      c,
    )) as Record<string, unknown>;
    expect(added).toMatchObject({
      liveServicePort: 8080,
      liveServiceProtocol: 'http',
      applicationName: 'kLive',
      environment: 'lab',
      tags: 'klive',
      mediaServerPortConfig: [{ key: 'http', value: '8080', objectType: 'KalturaKeyValue' }],
      mediaServerPlaybackDomainConfig: [{ key: 'http', value: '192.168.1.20', objectType: 'KalturaKeyValue' }],
    });
    expect(Object.keys(added).at(-1)).toBe('objectType');
    const ks = (await call('session', 'start', s.adminSecret(102), '', 2, 102).execute(c)) as string;
    const form = new URLSearchParams({
      ks,
      format: '2',
      'serverNode:objectType': 'KalturaWowzaMediaServerNode',
      'serverNode:name': 'xml.example',
      'serverNode:hostName': 'xml.example',
      'serverNode:mediaServerPortConfig:0:objectType': 'KalturaKeyValue',
      'serverNode:mediaServerPortConfig:0:key': 'http',
      'serverNode:mediaServerPortConfig:0:value': '8080',
      'serverNode:liveServicePort': '8080',
    });
    const xml = await fetch(`${s.serviceUrl}/api_v3/service/serverNode/action/add`, {
      method: 'POST',
      body: form,
    }).then((r) => r.text());
    expect(xml).toContain('<result><objectType>KalturaWowzaMediaServerNode</objectType>');
    expect(xml).toContain('<liveServicePort>8080</liveServicePort>');
    expect(xml).toContain('<applicationName>kLive</applicationName>');
    expect(xml).toContain(
      '<mediaServerPortConfig><item><objectType>KalturaKeyValue</objectType><key>http</key><value>8080</value></item></mediaServerPortConfig>',
    );
    expect(xml).toContain('<type>wowza.WOWZA_MEDIA_SERVER</type><');
    // update changes only what is sent
    const updated = (await call(
      'serverNode',
      'update',
      added.id,
      make('WowzaMediaServerNode', { liveServicePort: 9090 }),
    ).execute(c)) as Record<string, unknown>;
    expect(updated).toMatchObject({
      liveServicePort: 9090,
      applicationName: 'kLive',
      hostName: HOST,
      environment: 'lab',
    });
  });
});

describe('registrations on the sandbox clock', () => {
  it('an entry registration expires 120 s after the last keep-alive (time scale 600: 0.2 s)', async () => {
    const s = await fresh({ timeScale: 600 });
    s.store.addMediaServerNode(HOST);
    const ms = mediaServerClient(s);
    await call('liveStream', 'registerMediaServer', '0_rkij47dr', HOST, 0, 'kLive', 1).execute(ms);
    // the sandbox clock runs 600 times faster: 120 s pass in 0.2 s of real time
    await waitFor(async () => (await call('liveStream', 'isLive', '0_rkij47dr').execute(ms)) === false, {
      timeoutMs: 10_000,
      what: 'the registration to expire',
    });
    expect(s.store.nodes()).toHaveLength(0);
  });

  it('unregister of a recording entry keeps the primary MARKED_FOR_DELETION and redirects to the recorded entry', async () => {
    const s = await fresh();
    s.store.addMediaServerNode(HOST);
    s.store.updateEntry('0_rkij47dr', { record: true });
    const ms = mediaServerClient(s);
    // a recording entry that is not explicit-live reads recordingStatus ACTIVE (2), what a station passes on as shouldCreateRecordedEntry
    expect(await call('liveStream', 'get', '0_rkij47dr').execute(ms)).toMatchObject({
      recordStatus: 1,
      recordingStatus: 2,
    });
    const playing = (await call('liveStream', 'registerMediaServer', '0_rkij47dr', HOST, 0, 'kLive', 1, true).execute(
      ms,
    )) as Record<string, unknown>;
    expect(playing.recordedEntryId).toMatch(/^0_[a-z0-9]{8}$/);
    expect(s.store.recordedEntries.get(playing.recordedEntryId as string)).toMatchObject({ rootEntryId: '0_rkij47dr' });
    const after = (await call('liveStream', 'unregisterMediaServer', '0_rkij47dr', HOST, 0).execute(ms)) as Record<
      string,
      unknown
    >;
    expect(after).toMatchObject({ redirectEntryId: playing.recordedEntryId });
    expect(s.store.nodes()).toMatchObject([{ status: 4 }]);
    expect(await call('liveStream', 'isLive', '0_rkij47dr').execute(ms)).toBe(false);
  });

  it('registerMediaServer creates no recorded entry when told not to, for a backup, or while only AUTHENTICATED', async () => {
    const s = await fresh();
    s.store.addMediaServerNode(HOST);
    s.store.updateEntry('0_rkij47dr', { record: true });
    const ms = mediaServerClient(s);
    expect(
      await call('liveStream', 'registerMediaServer', '0_rkij47dr', HOST, 0, 'kLive', 1, false).execute(ms),
    ).not.toHaveProperty('recordedEntryId');
    expect(
      await call('liveStream', 'registerMediaServer', '0_rkij47dr', HOST, 1, 'kLive', 1, true).execute(ms),
    ).not.toHaveProperty('recordedEntryId');
    expect(
      await call('liveStream', 'registerMediaServer', '0_rkij47dr', HOST, 0, 'kLive', 3, true).execute(ms),
    ).not.toHaveProperty('recordedEntryId');
    expect(s.store.recordedEntries.all()).toHaveLength(0);
  });
});

describe('live assets and recordings', () => {
  it('flavorAsset.list with KalturaLiveAssetFilter gives one KalturaLiveAsset per live params; a profile change replaces them', async () => {
    const s = await fresh();
    const c = await adminClient(s);
    const list = async (): Promise<Record<string, unknown>[]> =>
      (
        (await call('flavorAsset', 'listAction', make('LiveAssetFilter', { entryIdEqual: '0_rkij47dr' })).execute(
          c,
        )) as ListResult
      ).objects;
    const assets = await list();
    expect(assets.map((a) => a.flavorParamsId)).toEqual([32, 33, 34, 35]);
    expect(assets.every((a) => a.objectType === 'KalturaLiveAsset' && a.entryId === '0_rkij47dr')).toBe(true);
    // the seed entry does not record: no anchor; a recording entry's first asset gets it
    expect(assets.some((a) => String(a.tags).includes('recording_anchor'))).toBe(false);
    const recording = s.store.createEntry({ name: 'Recorded stage', record: true });
    expect(s.store.liveAssets(recording.id).map((a) => a.tags.includes('recording_anchor'))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    s.store.updateEntry('0_rkij47dr', { conversionProfileId: 1002 });
    const after = await list();
    expect(after.map((a) => a.flavorParamsId)).toEqual([32, 36, 37]);
    expect(after.find((a) => a.flavorParamsId === 32)?.id).toBe(assets.find((a) => a.flavorParamsId === 32)?.id);
  });

  it('appended segments land concatenated on the recorded entry; setRecordedContent files land once per flavor', async () => {
    const s = await fresh();
    s.store.updateEntry('0_rkij47dr', { record: true });
    const ms = mediaServerClient(s);
    const upload = async (text: string): Promise<object> => {
      const token = (await call('uploadToken', 'add', make('UploadToken', {})).execute(ms)) as Record<string, unknown>;
      await call('uploadToken', 'upload', token.id, Buffer.from(text), false, true, -1).execute(ms);
      return make('UploadedFileTokenResource', { token: token.id });
    };
    const asset = s.store.liveAssets('0_rkij47dr').find((a) => a.flavorParamsId === 33)?.id;
    await call('liveStream', 'appendRecording', '0_rkij47dr', asset, 0, await upload('seg1|'), 4).execute(ms);
    await call('liveStream', 'appendRecording', '0_rkij47dr', asset, 0, await upload('seg2'), 4, true).execute(ms);
    const recordedId = s.store.entry('0_rkij47dr')?.recordedEntryId ?? null;
    const recorded = s.store.recordedEntries.get(recordedId);
    expect(recorded?.flavors).toMatchObject([{ flavorParamsId: 33, assetId: asset, durationSeconds: 8, parts: 2 }]);
    expect(fs.readFileSync(recorded?.flavors[0]?.file as string, 'utf8')).toBe('seg1|seg2');
    expect(recorded?.flavors[0]?.file).toContain(`recorded/${recordedId}/33.`);

    s.store.updatePartner(102, { features: { kalturaRecording: true } });
    await call(
      'liveStream',
      'setRecordedContent',
      '0_rkij47dr',
      0,
      await upload('whole session'),
      60,
      recordedId,
      32,
    ).execute(ms);
    await call(
      'liveStream',
      'setRecordedContent',
      '0_rkij47dr',
      0,
      await upload('second try'),
      60,
      recordedId,
      32,
    ).execute(ms);
    const source = s.store.recordedEntries.get(recordedId)?.flavors.find((f) => f.flavorParamsId === 32);
    expect(fs.readFileSync(source?.file as string, 'utf8')).toBe('whole session');
    expect(
      s.store
        .recordings()
        .filter((r) => r.action === 'setRecordedContent')
        .map((r) => r.recordedEntryId),
    ).toEqual([recordedId, null]);
    expect(s.store.entry('0_rkij47dr')?.lengthInMsecs).toBe(60_000);
  });
});
