// The Wowza-shaped paths Kaltura redirects viewers to, on a real loopback server: each answers a master playlist cut
// from the entry's HLS output, with URIs under /hls/, CORS for a post-redirect Origin: null, and no ENDLIST.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWowzaRoute, cutMasterPlaylist, parseWowzaPath } from '../../../main/http/wowza-route.js';
import { silentLogger } from '../../../main/log/logger.js';
import { tempDir } from '../../helpers/net.js';

const MASTER = [
  '#EXTM3U',
  '#EXT-X-VERSION:6',
  '#EXT-X-INDEPENDENT-SEGMENTS',
  '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,URI="audio/index.m3u8"',
  '#EXT-X-STREAM-INF:BANDWIDTH=3360000,AVERAGE-BANDWIDTH=2800000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud"',
  '0_abcd1234_32/index.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=541200,AVERAGE-BANDWIDTH=510400,RESOLUTION=480x270,CODECS="avc1.42c015,mp4a.40.2",AUDIO="aud"',
  '0_abcd1234_33/index.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=776600,AVERAGE-BANDWIDTH=730400,RESOLUTION=640x360,CODECS="avc1.42c01e,mp4a.40.2"',
  '0_abcd1234_34/index.m3u8',
  '',
].join('\n');

let root = '';
let server: http.Server;
let base = '';

beforeAll(async () => {
  root = tempDir();
  fs.mkdirSync(path.join(root, '0_abcd1234'), { recursive: true });
  fs.writeFileSync(path.join(root, '0_abcd1234', 'master.m3u8'), MASTER);
  fs.mkdirSync(path.join(root, '0_backup01-b1'), { recursive: true });
  fs.writeFileSync(path.join(root, '0_backup01-b1', 'master.m3u8'), MASTER.replace(/0_abcd1234/g, '0_backup01'));
  const route = createWowzaRoute({ hlsRootDir: root, logger: silentLogger() });
  server = http.createServer((req, res) => void route.handle(req, res, new URL(req.url ?? '/', 'http://x')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(root, { recursive: true, force: true });
});

describe('Wowza paths', () => {
  it('parses the three stream names Kaltura builds', () => {
    expect(parseWowzaPath('/kLive/smil:0_abcd1234_33_34.smil/playlist.m3u8')).toEqual({
      entryId: '0_abcd1234',
      flavorParamsIds: [33, 34],
    });
    expect(parseWowzaPath('/kLive/smil:0_abcd1234_all.smil/playlist.m3u8')).toEqual({
      entryId: '0_abcd1234',
      flavorParamsIds: null,
    });
    expect(parseWowzaPath('/kLive/0_abcd1234_32/playlist.m3u8')).toEqual({
      entryId: '0_abcd1234',
      flavorParamsIds: [32],
    });
    for (const bad of [
      '/kLive/0_abcd1234/playlist.m3u8',
      '/other/0_abcd1234_32/playlist.m3u8',
      '/kLive/smil:../x.smil/playlist.m3u8',
      '/kLive/0_abcd1234_32/chunklist.m3u8',
      '/kLive/%E0%A4%A/playlist.m3u8',
    ]) {
      expect(parseWowzaPath(bad)).toBeNull();
    }
  });

  it('cuts the master to the asked renditions, keeps the audio group they use, and points every URI at /hls/', () => {
    const cut = cutMasterPlaylist(MASTER, '0_abcd1234', '0_abcd1234', [33]) as string;
    expect(cut).toContain('/hls/0_abcd1234/0_abcd1234_33/index.m3u8');
    expect(cut).not.toContain('0_abcd1234_32/');
    expect(cut).toContain('URI="/hls/0_abcd1234/audio/index.m3u8"');
    expect(cut.startsWith('#EXTM3U\n#EXT-X-VERSION:6\n')).toBe(true);
    // a rendition without the audio group does not drag it in
    expect(cutMasterPlaylist(MASTER, '0_abcd1234', '0_abcd1234', [34])).not.toContain('EXT-X-MEDIA');
    expect(cutMasterPlaylist(MASTER, '0_abcd1234', '0_abcd1234', null)?.match(/EXT-X-STREAM-INF/g)).toHaveLength(3);
    expect(cutMasterPlaylist(MASTER, '0_abcd1234', '0_abcd1234', [99])).toBeNull();
  });

  it('serves the cut playlist with CORS for Origin: null, uncached, and never an ENDLIST', async () => {
    const res = await fetch(`${base}/kLive/smil:0_abcd1234_33_34.smil/playlist.m3u8?DVR&flavorIds=33,34`, {
      headers: { Origin: 'null' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(res.headers.get('cache-control')).toContain('no-cache');
    const text = await res.text();
    expect(text.match(/EXT-X-STREAM-INF/g)).toHaveLength(2);
    expect(text).not.toContain('ENDLIST');
    const preflight = await fetch(`${base}/kLive/0_abcd1234_32/playlist.m3u8`, {
      method: 'OPTIONS',
      headers: { Origin: 'null', 'Access-Control-Request-Headers': 'x-kaltura-ks' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Kaltura-Ks');
  });

  it('plays a backup ingest (-b1) from its own folder; unknown entries and renditions are 404 with a reason', async () => {
    const backup = await (await fetch(`${base}/kLive/0_backup01_33/playlist.m3u8`)).text();
    expect(backup).toContain('/hls/0_backup01-b1/0_backup01_33/index.m3u8');
    const missing = await fetch(`${base}/kLive/0_zzzz9999_33/playlist.m3u8`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('not playing on this station');
    expect((await fetch(`${base}/kLive/smil:0_abcd1234_77.smil/playlist.m3u8`)).status).toBe(404);
    expect((await fetch(`${base}/kLive/0_abcd1234_33/playlist.m3u8`, { method: 'POST' })).status).toBe(405);
  });
});
