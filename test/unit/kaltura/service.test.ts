// KalturaService modes over a scripted fetch: media-server impersonation, eCDN refusal, p=-5 lookup,
// typed results (enums as numeric strings), serve path pairs. Recording uploads: test/unit/station/recording-uploader.test.ts.
import { describe, expect, it } from 'vitest';
import { KalturaClient } from '../../../main/kaltura/client.js';
import { KalturaService } from '../../../main/kaltura/service.js';
import { KalturaModeError } from '../../../main/core/kaltura-errors.js';
import { apiException, jsonResponse, stubFetch, type Responder } from './stub-fetch.js';

const KS = 'djJ8LTV8c2VydmljZS10ZXN0LWtzLXZhbHVlLXh4eHh4eHh4eHh4eHh4eHh4';

/** what Kaltura sends for a live entry: objectType last, enums partly strings, nulls absent */
const ENTRY_JSON = {
  id: '0_abcd1234',
  name: 'Town hall',
  partnerId: 102,
  status: '2',
  type: '7',
  mediaType: 201,
  sourceType: '32',
  conversionProfileId: 11,
  dvrStatus: 1,
  dvrWindow: 120,
  recordStatus: '1',
  segmentDuration: 6000,
  explicitLive: false,
  streamPassword: 'dj94kfit',
  objectType: 'KalturaLiveStreamEntry',
};

function make(mode: 'saas' | 'ecdn', partnerId: number, responders: Responder[]) {
  const stub = stubFetch(responders);
  const client = new KalturaClient({
    serviceUrl: 'http://127.0.0.1:9',
    clientTag: 'klive-station:test',
    getKs: () => KS,
    fetch: stub.fetch,
    sleep: async () => undefined,
  });
  const service = new KalturaService({ mode, partnerId, hostname: 'station-1', client });
  return { service, requests: stub.requests };
}

describe('media-server partner mode', () => {
  it('authenticate impersonates p and parses the entry (enums as numeric strings)', async () => {
    const { service, requests } = make('saas', -5, [() => jsonResponse(ENTRY_JSON)]);
    const entry = await service.authenticate({
      partnerId: 102,
      entryId: '0_abcd1234',
      token: 'dj94kfit',
      mediaServerIndex: 0,
    });
    expect(entry).toEqual({
      id: '0_abcd1234',
      partnerId: 102,
      name: 'Town hall',
      conversionProfileId: 11,
      dvrStatus: 1,
      dvrWindow: 120,
      recordStatus: 1,
      recordedEntryId: null,
      segmentDuration: 6000,
      explicitLive: false,
      recordingStatus: null,
    });
    expect(requests[0]?.url).toBe('http://127.0.0.1:9/api_v3/service/livestream/action/authenticate');
    expect(requests[0]?.json).toEqual({
      entryId: '0_abcd1234',
      token: 'dj94kfit',
      hostname: 'station-1',
      mediaServerIndex: '0',
      applicationName: 'kLive',
      format: 1,
      ks: KS,
      clientTag: 'klive-station:test',
      partnerId: 102,
    });
  });

  it('p = -5 (host-form URL): liveStream.get first without impersonation, then authenticate as the real partner', async () => {
    const { service, requests } = make('saas', -5, [() => jsonResponse(ENTRY_JSON), () => jsonResponse(ENTRY_JSON)]);
    await service.authenticate({ partnerId: -5, entryId: '0_abcd1234', token: 't', mediaServerIndex: 1 });
    expect(requests.map((r) => [r.url.split('/action/')[1], r.json?.partnerId])).toEqual([
      ['get', undefined],
      ['authenticate', 102],
    ]);
    expect(requests[1]?.json?.mediaServerIndex).toBe('1');
  });

  it('registerMediaServer sends the numeric status and the hostname; unregister too', async () => {
    const { service, requests } = make('saas', -5, [
      () => jsonResponse(ENTRY_JSON),
      () => jsonResponse(ENTRY_JSON),
      () => jsonResponse(ENTRY_JSON),
    ]);
    await service.registerMediaServer({
      partnerId: 102,
      entryId: '0_abcd1234',
      mediaServerIndex: 0,
      status: 'BROADCASTING',
      shouldCreateRecordedEntry: true,
    });
    await service.registerMediaServer({
      partnerId: 102,
      entryId: '0_abcd1234',
      mediaServerIndex: 0,
      status: 'PLAYABLE',
    });
    await service.unregisterMediaServer({ partnerId: 102, entryId: '0_abcd1234', mediaServerIndex: 0 });
    expect(requests[0]?.json).toMatchObject({
      liveEntryStatus: 2,
      hostname: 'station-1',
      mediaServerIndex: '0',
      shouldCreateRecordedEntry: true,
      partnerId: 102,
    });
    expect(requests[1]?.json).toMatchObject({ liveEntryStatus: 1 });
    expect(requests[1]?.json).not.toHaveProperty('shouldCreateRecordedEntry');
    expect(requests[2]?.url).toMatch(/livestream\/action\/unregisterMediaServer$/);
  });

  it('serve uses GET path pairs with partnerId, streamName, f, extraParams and the KS last', async () => {
    const { service, requests } = make('saas', -5, [
      () => new Response('<?xml version="1.0"?>\n<Root/>', { headers: { 'content-type': 'text/xml' } }),
    ]);
    const xml = await service.serveConversionProfile({
      partnerId: 102,
      streamName: '0_abcd1234_1',
      extraParams: { width: '1280.0', audiocodecidstring: 'AAC' },
    });
    expect(xml).toContain('<Root/>');
    const extra = encodeURIComponent(JSON.stringify({ width: '1280.0', audiocodecidstring: 'AAC' }));
    expect(requests[0]?.url).toBe(
      `http://127.0.0.1:9/api_v3/index.php/service/wowza_liveConversionProfile/action/serve/partnerId/102/streamName/0_abcd1234_1/f/transcode.xml/extraParams/${extra}/ks/${KS}`,
    );
  });

  it('beacon.add carries an ENTRY_BEACON for the entry', async () => {
    const { service, requests } = make('saas', -5, [() => jsonResponse(true)]);
    await service.addBeacon({
      partnerId: 102,
      entryId: '0_abcd1234',
      eventType: '0_healthData',
      privateData: '{"alerts":[]}',
    });
    expect(requests[0]?.url).toMatch(/service\/beacon_beacon\/action\/add$/);
    expect(requests[0]?.json).toMatchObject({
      beacon: {
        objectType: 'KalturaBeacon',
        relatedObjectType: '4',
        eventType: '0_healthData',
        objectId: '0_abcd1234',
        privateData: '{"alerts":[]}',
      },
      shouldLog: true,
      partnerId: 102,
    });
  });

  it('isLive and entryServerNode.list parse their results', async () => {
    const { service, requests } = make('saas', -5, [
      () => jsonResponse(false),
      () =>
        jsonResponse({
          objects: [
            {
              id: 5,
              entryId: '0_abcd1234',
              serverNodeId: 3,
              partnerId: 102,
              status: 1,
              serverType: '0',
              updatedAt: 1700000000,
              objectType: 'KalturaLiveEntryServerNode',
            },
          ],
          totalCount: 1,
          objectType: 'KalturaEntryServerNodeListResponse',
        }),
    ]);
    expect(await service.isLive({ partnerId: 102, entryId: '0_abcd1234' })).toBe(false);
    expect(await service.listEntryServerNodes({ partnerId: 102, entryId: '0_abcd1234' })).toEqual([
      { id: 5, entryId: '0_abcd1234', serverNodeId: 3, status: 1, serverType: 0, updatedAt: 1700000000 },
    ]);
    expect(requests[1]?.json).toMatchObject({
      filter: { objectType: 'KalturaLiveEntryServerNodeFilter', entryIdEqual: '0_abcd1234' },
    });
  });

  it('an entry without an id is an invalid response, not a crash later', async () => {
    const { service } = make('saas', -5, [() => jsonResponse({ partnerId: 1, objectType: 'KalturaLiveStreamEntry' })]);
    await expect(service.getLiveStream(1, '0_abcd1234')).rejects.toMatchObject({
      name: 'KalturaTransportError',
      kind: 'invalid-response',
    });
  });
});

describe('eCDN mode', () => {
  it('refuses a stream of another partner with KalturaModeError naming both partners and the fix, without a call', async () => {
    const { service, requests } = make('ecdn', 555, []);
    const error = await service
      .authenticate({ partnerId: 102, entryId: '0_abcd1234', token: 't', mediaServerIndex: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KalturaModeError);
    expect((error as Error).message).toMatch(/partner 102 is not this station's partner 555; in eCDN mode/);
    await expect(
      service.registerMediaServer({ partnerId: 102, entryId: '0_abcd1234', mediaServerIndex: 0, status: 'PLAYABLE' }),
    ).rejects.toBeInstanceOf(KalturaModeError);
    expect(requests).toHaveLength(0);
  });

  it('serves its own partner with its own KS (no impersonation)', async () => {
    const { service, requests } = make('ecdn', 555, [
      () => jsonResponse({ ...ENTRY_JSON, partnerId: 555 }),
      () => new Response('<Root/>'),
    ]);
    await service.authenticate({ partnerId: 555, entryId: '0_abcd1234', token: 't', mediaServerIndex: 0 });
    expect(requests[0]?.json).not.toHaveProperty('partnerId');
    await service.serveConversionProfile({ partnerId: 555, streamName: '0_abcd1234_1', extraParams: {} });
    expect(requests[1]?.url).not.toContain('/partnerId/');
  });
});

describe('testConnection', () => {
  it('reports ok with the latency, or the refusal with a fix', async () => {
    let t = 0;
    const now = () => (t += 5);
    const ok = make('saas', -5, [
      () =>
        jsonResponse({
          ks: KS,
          sessionType: 2,
          partnerId: -5,
          userId: 'MediaServer',
          expiry: 1700000000,
          privileges: '',
          objectType: 'KalturaSessionInfo',
        }),
    ]);
    expect(await ok.service.testConnection(now)).toEqual({
      ok: true,
      message: "Kaltura accepted the station's KS (partner -5)",
      latencyMs: 5,
    });
    const bad = make('saas', -5, [
      () => jsonResponse(apiException('INVALID_KS', `Invalid KS "${KS}", Error "-1,INVALID_STR"`)),
    ]);
    const result = await bad.service.testConnection(now);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/refused the station's KS \(INVALID_KS\): check the admin secret/);
    const down = make('saas', -5, [
      () => Promise.reject(new TypeError('fetch failed')),
      () => Promise.reject(new TypeError('fetch failed')),
      () => Promise.reject(new TypeError('fetch failed')),
    ]);
    expect(await down.service.testConnection(now)).toMatchObject({
      ok: false,
      latencyMs: null,
      message: expect.stringMatching(/could not reach http:\/\/127.0.0.1:9/),
    });
  });

  it('needs a hostname', () => {
    const client = new KalturaClient({ serviceUrl: 'http://127.0.0.1:9', clientTag: 't', getKs: () => null });
    expect(() => new KalturaService({ mode: 'saas', partnerId: -5, hostname: ' ', client })).toThrow(
      /kaltura.hostname/,
    );
  });
});
