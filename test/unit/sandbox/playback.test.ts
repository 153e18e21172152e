// playManifest's rules as pure functions (kaltura-playback.md 3): the player's URL parsed, the PLAYABLE primary before
// the backup among active media server nodes, and the URL Kaltura builds for a Wowza node.
import { describe, expect, it } from 'vitest';
import { parsePlayManifestUrl, isPlayManifestPath } from '../../../main/sandbox/playback/play-manifest.js';
import {
  keyValueMap,
  playbackTargets,
  wowzaBaseUrl,
  wowzaPlaylistUrl,
  wowzaStreamName,
} from '../../../main/sandbox/playback/wowza-url.js';
import { applyResponseProfile } from '../../../main/sandbox/services/playback.js';
import type { NodeRecord, ServerNodeRecord } from '../../../main/sandbox/model/types.js';

function serverNode(id: number, over: Partial<ServerNodeRecord> = {}): ServerNodeRecord {
  return {
    id,
    partnerId: 102,
    type: 'wowza.WOWZA_MEDIA_SERVER',
    objectType: 'KalturaWowzaMediaServerNode',
    name: `node ${id}`,
    hostName: `station-${id}.lan`,
    systemName: null,
    description: null,
    tags: null,
    parentId: null,
    environment: null,
    status: 1,
    heartbeatTime: null,
    createdAtSeconds: 0,
    updatedAtSeconds: 0,
    fields: {},
    ...over,
  };
}

function registration(
  id: number,
  serverType: 0 | 1,
  status: number,
  serverNodeId: number | null,
  entryId = '0_rkij47dr',
): NodeRecord {
  return {
    id,
    entryId,
    partnerId: 102,
    serverType,
    hostname: `station-${serverNodeId}.lan`,
    applicationName: 'kLive',
    status,
    createdAtSeconds: 0,
    updatedAtSeconds: 0,
    renewedAtMs: 0,
    serverNodeId,
  };
}

describe('playManifest URL', () => {
  it("reads the player's path pairs and query, with a raw base64 referrer and the sp/{pid}00 segment", () => {
    const url = new URL(
      'http://sandbox/p/102/sp/10200/playManifest/entryId/0_rkij47dr/protocol/http/format/applehttp/flavorIds/0_aaaaaaaa,0_bbbbbbbb/a.m3u8?playSessionId=x:y&referrer=aHR0cDovL2E+Yi8=&clientTag=html5:v3.17.78',
    );
    const parsed = parsePlayManifestUrl(url);
    expect(parsed?.partnerId).toBe(102);
    expect(parsed?.params.get('entryId')).toBe('0_rkij47dr');
    expect(parsed?.params.get('flavorIds')).toBe('0_aaaaaaaa,0_bbbbbbbb');
    expect(parsed?.params.get('format')).toBe('applehttp');
    expect(isPlayManifestPath(url.pathname)).toBe(true);
    expect(isPlayManifestPath('/p/102/playManifest/entryId/0_rkij47dr/a.m3u8')).toBe(true);
    expect(isPlayManifestPath('/api_v3/service/multirequest')).toBe(false);
    expect(parsePlayManifestUrl(new URL('http://sandbox/p/x/playManifest/entryId/1'))).toBeNull();
  });
});

describe('node selection (DeliveryProfileLive::getSortedLiveEntryServerNodes)', () => {
  const nodes = [serverNode(1), serverNode(2), serverNode(3, { status: 2 }), serverNode(4, { type: '1' })];

  it('puts the PLAYABLE primary first and the backup second', () => {
    const targets = playbackTargets('0_rkij47dr', [registration(10, 1, 1, 2), registration(11, 0, 1, 1)], nodes);
    expect(targets.map((t) => t.serverNode.id)).toEqual([1, 2]);
  });

  it('skips registrations that are not PLAYABLE, of other entries, or whose node is disabled, unknown or not a media server', () => {
    expect(
      playbackTargets('0_rkij47dr', [registration(10, 0, 2, 1), registration(11, 1, 1, 2)], nodes).map(
        (t) => t.serverNode.id,
      ),
    ).toEqual([2]);
    expect(
      playbackTargets(
        '0_rkij47dr',
        [
          registration(10, 0, 1, 3),
          registration(11, 1, 1, 4),
          registration(12, 0, 1, 99),
          registration(13, 0, 1, null),
        ],
        nodes,
      ),
    ).toEqual([]);
    expect(playbackTargets('0_rkij47dr', [registration(10, 0, 1, 1, '0_other000')], nodes)).toEqual([]);
  });
});

describe('Wowza URL (WowzaMediaServerNode)', () => {
  it('uses playbackHostName, the http-hls port, kLive and the stream name Kaltura builds', () => {
    const node = serverNode(1, {
      fields: {
        playbackHostName: '192.168.1.20',
        applicationName: 'kLive',
        mediaServerPortConfig: [{ objectType: 'KalturaKeyValue', key: 'http-hls', value: '8080' }],
      },
    });
    expect(wowzaBaseUrl(node, 'http')).toBe('http://192.168.1.20:8080/kLive');
    expect(wowzaPlaylistUrl(node, 'http', '0_rkij47dr', [34, 33], false)).toBe(
      'http://192.168.1.20:8080/kLive/smil:0_rkij47dr_33_34.smil/playlist.m3u8?flavorIds=33,34',
    );
    expect(wowzaPlaylistUrl(node, 'http', '0_rkij47dr', [32], true)).toBe(
      'http://192.168.1.20:8080/kLive/0_rkij47dr_32/playlist.m3u8?DVR',
    );
    expect(wowzaStreamName('0_rkij47dr', [])).toBe('smil:0_rkij47dr_all.smil');
  });

  it('defaults to the host name, port 1935 and kLive; a playback domain config and {hostName} apply', () => {
    expect(wowzaBaseUrl(serverNode(1), 'http')).toBe('http://station-1.lan:1935/kLive');
    const node = serverNode(1, {
      fields: {
        mediaServerPlaybackDomainConfig: { 'https-hls': 'cdn.example.com' },
        mediaServerPortConfig: { 'https-hls': 443 },
        appPrefix: '{hostName}/',
      },
    });
    expect(wowzaBaseUrl(node, 'https')).toBe('https://cdn.example.com:443/station-1.lan/kLive');
    // Kaltura's own nodes (partner -5) have their host name cut at the first dot
    expect(wowzaBaseUrl({ ...node, partnerId: -5 }, 'https')).toBe('https://cdn.example.com:443/station-1/kLive');
  });

  it('reads key-value arrays in the shapes the API stores them', () => {
    expect([...keyValueMap({ 0: { key: 'http-hls', value: '80' } })]).toEqual([['http-hls', '80']]);
    expect([...keyValueMap(null)]).toEqual([]);
  });
});

describe('response profile', () => {
  it('INCLUDE_FIELDS keeps the listed fields and objectType; EXCLUDE_FIELDS drops them', () => {
    const entry = { id: '0_a', name: 'n', streamName: 's', objectType: 'KalturaLiveStreamEntry' };
    expect(applyResponseProfile(entry, { type: 1, fields: 'id,name' })).toEqual({
      id: '0_a',
      name: 'n',
      objectType: 'KalturaLiveStreamEntry',
    });
    expect(applyResponseProfile(entry, { type: 2, fields: 'name' })).toEqual({
      id: '0_a',
      streamName: 's',
      objectType: 'KalturaLiveStreamEntry',
    });
    expect(applyResponseProfile(entry, null)).toBe(entry);
  });
});
