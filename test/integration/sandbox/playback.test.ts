// What the Kaltura Player asks the sandbox for (kaltura-playback.md 1-4), over loopback HTTP: the calls through
// Kaltura's official kaltura-client where it has them, the player's own multirequest and playManifest as raw HTTP.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { readKs } from '../../../main/core/ks-read.js';
import { startSandbox, type SandboxHandle } from '../../../main/sandbox/index.js';
import { NodeStatus, ServerNodeStatus } from '../../../main/sandbox/model/types.js';
import { tempDir } from '../../helpers/net.js';
import { client as sandboxClient, officialClient, type KClient } from './kaltura-client-helpers.js';

const { services: svc, objects: obj } = officialClient<
  'session' | 'baseEntry' | 'liveStream',
  'BaseEntryFilter' | 'PlaybackContextOptions'
>();

const ENTRY = '0_rkij47dr';
const clock = { now: Date.now() };

let sandbox: SandboxHandle;
let dataDir: string;

const client = (): KClient => sandboxClient(sandbox);

async function widgetClient(): Promise<KClient> {
  const c = client();
  const started = (await svc.session.startWidgetSession!('_102').execute(c)) as { ks: string };
  c.setKs(started.ks);
  return c;
}

/** A station at playbackHost:port registered PLAYABLE for the entry as primary (0) or backup (1). */
function stationPlays(index: 0 | 1, hostName: string, playbackHost: string, port: number): void {
  const store = sandbox.store;
  const fields = {
    playbackHostName: playbackHost,
    applicationName: 'kLive',
    mediaServerPortConfig: [{ key: 'http-hls', value: String(port) }],
  };
  const existing = store.serverNodes.findActive(hostName, 102, null);
  const node = existing
    ? store.serverNodes.update(existing, { fields })
    : store.serverNodes.add({
        partnerId: 102,
        type: 'wowza.WOWZA_MEDIA_SERVER',
        objectType: 'KalturaWowzaMediaServerNode',
        name: hostName,
        hostName,
        systemName: null,
        description: null,
        tags: null,
        parentId: null,
        environment: null,
        fields,
      });
  store.serverNodes.heartbeat(node, ServerNodeStatus.ACTIVE);
  store.upsertNode(store.entry(ENTRY)!, index, hostName, 'kLive', NodeStatus.PLAYABLE, node.id);
}

/** The body the Kaltura Player (providers 2.45) posts for loadMedia({entryId}) without a KS. */
function playerMultirequest(entryId: string): Record<string, unknown> {
  return {
    apiVersion: '3.3.0',
    format: 1,
    ks: '',
    clientTag: 'html5:v3.17.78',
    partnerId: 102,
    1: { service: 'session', action: 'startWidgetSession', widgetId: '_102' },
    2: {
      service: 'baseEntry',
      action: 'list',
      ks: '{1:result:ks}',
      filter: { redirectFromEntryId: entryId },
      responseProfile: { type: 1, fields: 'id,name,description,type,mediaType,dvrStatus,status,duration,createdAt' },
    },
    3: {
      service: 'baseEntry',
      action: 'getPlaybackContext',
      ks: '{1:result:ks}',
      entryId: '{2:result:objects:0:id}',
      contextDataParams: { objectType: 'KalturaContextDataParams', flavorTags: 'all' },
    },
    4: {
      service: 'metadata_metadata',
      action: 'list',
      ks: '{1:result:ks}',
      filter: {
        objectType: 'KalturaMetadataFilter',
        objectIdEqual: '{2:result:objects:0:id}',
        metadataObjectTypeEqual: '1',
      },
    },
  };
}

async function multirequest(body: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${sandbox.serviceUrl}/api_v3/service/multirequest`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: 'http://viewer.example' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
  return (await res.json()) as Record<string, unknown>[];
}

beforeAll(async () => {
  dataDir = tempDir('klive-sandbox-playback-');
  sandbox = await startSandbox({
    dataDir,
    rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive',
    logger: silentLogger(),
    now: () => clock.now,
    timeScale: 1,
  });
});

afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('sandbox playback API', () => {
  it('answers the preflight of a JSON multirequest as api_v3/web/index.php does', async () => {
    const res = await fetch(`${sandbox.serviceUrl}/api_v3/service/multirequest`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://viewer.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe(
      'Origin, X-Requested-With, Content-Type, Accept, Range, Cache-Control',
    );
    expect(res.headers.get('access-control-allow-methods')).toBe('POST, GET, HEAD, OPTIONS');
    expect(res.headers.get('access-control-max-age')).toBe('86400');
  });

  it('session.startWidgetSession gives a USER KS of user 0 for _<partnerId> that may only view; an unknown widget is INVALID_WIDGET_ID', async () => {
    const c = client();
    const started = (await svc.session.startWidgetSession!('_102').execute(c)) as Record<string, unknown>;
    expect(started).toMatchObject({ objectType: 'KalturaStartWidgetSessionResponse', partnerId: 102, userId: 0 });
    const read = readKs(started.ks as string, () => [sandbox.adminSecret(102) as string], Math.floor(clock.now / 1000));
    expect(read.ok && read.session).toMatchObject({
      partnerId: 102,
      userId: '0',
      type: 0,
      privileges: 'view:*,widget:1',
    });
    expect(read.ok && read.session.expiresAtSeconds - Math.floor(clock.now / 1000)).toBe(86400);
    await expect(svc.session.startWidgetSession!('_999').execute(c)).rejects.toMatchObject({
      code: 'INVALID_WIDGET_ID',
      message: 'Unknown widget [_999]',
    });
    await expect(svc.session.startWidgetSession!('0_abc').execute(c)).rejects.toMatchObject({
      code: 'INVALID_WIDGET_ID',
    });
  });

  it('baseEntry.list finds the live entry by redirectFromEntryId or idEqual; nothing found is totalCount 0', async () => {
    const c = await widgetClient();
    for (const filter of [{ redirectFromEntryId: ENTRY }, { idEqual: ENTRY }]) {
      const list = (await svc.baseEntry.listAction!(new obj.BaseEntryFilter(filter)).execute(c)) as {
        objects: Record<string, unknown>[];
        totalCount: number;
        objectType: string;
      };
      expect(list.totalCount).toBe(1);
      expect(list.objects[0]).toMatchObject({
        id: ENTRY,
        type: 7,
        mediaType: 201,
        status: 2,
        dvrStatus: 1,
        objectType: 'KalturaLiveStreamEntry',
      });
      // a widget KS never sees the stream token
      expect(list.objects[0]?.streamPassword).toBeUndefined();
    }
    const none = (await svc.baseEntry.listAction!(new obj.BaseEntryFilter({ idEqual: '0_zzzzzzzz' })).execute(c)) as {
      objects: unknown[];
      totalCount: number;
    };
    expect(none).toMatchObject({ totalCount: 0, objects: [] });
  });

  it('baseEntry.getPlaybackContext: one applehttp source over the live assets with the playManifest URL, the same live or not', async () => {
    const c = await widgetClient();
    const assets = sandbox.store.liveAssets(ENTRY);
    expect(assets.length).toBe(4);
    const offline = (await svc.baseEntry.getPlaybackContext!(ENTRY, new obj.PlaybackContextOptions({})).execute(
      c,
    )) as Record<string, unknown>;
    const ids = assets.map((a) => a.id).join(',');
    expect(offline).toMatchObject({
      objectType: 'KalturaPlaybackContext',
      actions: [],
      messages: [],
      playbackCaptions: [],
      sources: [
        {
          objectType: 'KalturaPlaybackSource',
          deliveryProfileId: 1001,
          format: 'applehttp',
          protocols: 'http,https',
          flavorIds: ids,
          drm: [],
          url: `${sandbox.serviceUrl}/p/102/sp/102/playManifest/entryId/${ENTRY}/flavorIds/${ids}/deliveryProfileId/1001/protocol/http/format/applehttp/a.m3u8`,
        },
      ],
    });
    expect((offline.flavorAssets as Record<string, unknown>[]).map((a) => [a.objectType, a.flavorParamsId])).toEqual(
      assets.map((a) => ['KalturaLiveAsset', a.flavorParamsId]),
    );
    stationPlays(0, 'station-a.lan', '127.0.0.1', 8080);
    const live = await svc.baseEntry.getPlaybackContext!(ENTRY, new obj.PlaybackContextOptions({})).execute(c);
    expect(live).toEqual(offline);
    await expect(
      svc.baseEntry.getPlaybackContext!('0_zzzzzzzz', new obj.PlaybackContextOptions({})).execute(c),
    ).rejects.toMatchObject({ code: 'ENTRY_ID_NOT_FOUND' });
    await expect(
      svc.baseEntry.getPlaybackContext!(ENTRY, new obj.PlaybackContextOptions({})).execute(client()),
    ).rejects.toMatchObject({ code: 'SERVICE_FORBIDDEN' });
  });

  it('liveStream.isLive and getDetails follow the PLAYABLE registrations; an unknown id is INVALID_ENTRY_ID', async () => {
    const c = await widgetClient();
    sandbox.store.nodes().forEach((n) => sandbox.store.removeNode(n.id));
    expect(await svc.liveStream.isLive!(ENTRY, 'applehttp').execute(c)).toBe(false);
    expect(await svc.liveStream.getDetails!(ENTRY).execute(c)).toEqual({
      objectType: 'KalturaLiveStreamDetails',
      broadcastStatus: 1,
      viewMode: 1,
      wasBroadcast: false,
    });
    stationPlays(1, 'station-b.lan', '127.0.0.1', 8081);
    expect(await svc.liveStream.isLive!(ENTRY, 'applehttp').execute(c)).toBe(true);
    expect(await svc.liveStream.getDetails!(ENTRY).execute(client())).toMatchObject({
      broadcastStatus: 3,
      secondaryStreamStatus: 1,
    });
    await expect(svc.liveStream.getDetails!('0_zzzzzzzz').execute(c)).rejects.toMatchObject({
      code: 'INVALID_ENTRY_ID',
    });
  });

  it("runs the player's multirequest: tokens replaced inside nested params, metadata empty, errors inside HTTP 200", async () => {
    const results = await multirequest(playerMultirequest(ENTRY));
    expect(results).toHaveLength(4);
    expect(results[0]).toMatchObject({ objectType: 'KalturaStartWidgetSessionResponse', partnerId: 102 });
    expect(results[1]).toMatchObject({ totalCount: 1, objects: [{ id: ENTRY, objectType: 'KalturaLiveStreamEntry' }] });
    // the response profile keeps only the fields asked for
    expect(Object.keys((results[1]?.objects as Record<string, unknown>[])[0] ?? {}).sort()).toEqual([
      'createdAt',
      'description',
      'duration',
      'dvrStatus',
      'id',
      'mediaType',
      'name',
      'objectType',
      'status',
      'type',
    ]);
    expect(results[2]).toMatchObject({ objectType: 'KalturaPlaybackContext' });
    expect(results[3]).toEqual({ objects: [], totalCount: 0, objectType: 'KalturaMetadataListResponse' });
    // a missing entry: the list is empty, {2:result:objects:0:id} becomes "" and the context fails as Kaltura's would
    const missing = await multirequest(playerMultirequest('0_zzzzzzzz'));
    expect(missing[1]).toMatchObject({ totalCount: 0 });
    expect(missing[2]).toMatchObject({
      objectType: 'KalturaAPIException',
      code: 'ENTRY_ID_NOT_FOUND',
      message: 'Entry id "" not found',
    });
  });

  it('runs flat N:param multirequests with common params copied in and lower-case service names', async () => {
    const widget = (await svc.session.startWidgetSession!('_102').execute(client())) as { ks: string };
    const results = await multirequest({
      format: 1,
      ks: widget.ks,
      '1:service': 'livestream',
      '1:action': 'getDetails',
      '1:id': ENTRY,
      '2:service': 'BASEENTRY',
      '2:action': 'get',
      '2:entryId': '{1:result:nothing}',
    });
    expect(results[0]).toMatchObject({ objectType: 'KalturaLiveStreamDetails' });
    expect(results[1]).toMatchObject({ objectType: 'KalturaAPIException', code: 'MISSING_MANDATORY_PARAMETER' });
  });
});

describe('sandbox playManifest', () => {
  const manifest = (
    entryId: string,
    query = '?playSessionId=a:b&referrer=aHR0cDovL3g+eS8=&clientTag=html5:v3.17.78',
  ): string => {
    const ids = sandbox.store
      .liveAssets(ENTRY)
      .map((a) => a.id)
      .join(',');
    return `${sandbox.serviceUrl}/p/102/sp/10200/playManifest/entryId/${entryId}/protocol/http/format/applehttp/flavorIds/${ids}/a.m3u8${query}`;
  };

  it("redirects to the primary station's Wowza URL, with CORS and no caching", async () => {
    sandbox.store.nodes().forEach((n) => sandbox.store.removeNode(n.id));
    stationPlays(0, 'station-a.lan', '192.168.1.20', 8080);
    stationPlays(1, 'station-b.lan', '192.168.1.21', 8090);
    const res = await fetch(manifest(ENTRY), { redirect: 'manual', headers: { Origin: 'http://viewer.example' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(
      `http://192.168.1.20:8080/kLive/smil:${ENTRY}_32_33_34_35.smil/playlist.m3u8?DVR&flavorIds=32,33,34,35`,
    );
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const preflight = await fetch(manifest(ENTRY), {
      method: 'OPTIONS',
      headers: { Origin: 'http://viewer.example', 'Access-Control-Request-Headers': 'x-kaltura-ks' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Kaltura-Ks');
  });

  it("goes to the backup once the primary's registration has expired (120 s without keep-alive)", async () => {
    clock.now += 100_000;
    stationPlays(1, 'station-b.lan', '192.168.1.21', 8090);
    clock.now += 30_000;
    const res = await fetch(manifest(ENTRY), { redirect: 'manual' });
    expect(res.headers.get('location')).toMatch(/^http:\/\/192\.168\.1\.21:8090\/kLive\//);
  });

  it('answers 404 with X-Kaltura: error-36 when nothing plays, error-1 for an unknown entry', async () => {
    clock.now += 200_000;
    const res = await fetch(manifest(ENTRY), { redirect: 'manual' });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-kaltura')).toBe('error-36');
    expect(res.headers.get('x-kaltura-app')).toBe(
      `exiting on error 36 - The given entry is not broadcasting, Entry [${ENTRY}] is not broadcasting`,
    );
    expect(await res.text()).toBe('');
    const unknown = await fetch(manifest('0_zzzzzzzz'), { redirect: 'manual' });
    expect([unknown.status, unknown.headers.get('x-kaltura')]).toEqual([404, 'error-1']);
  });
});
