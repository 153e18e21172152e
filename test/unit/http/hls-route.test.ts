// The /hls/ route on a real loopback server: MIME types, CORS, caching, and no way out of DATA/hls.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHlsRoute, resolveHlsPath } from '../../../main/http/hls-route.js';
import { silentLogger } from '../../../main/log/logger.js';
import { tempDir } from '../../helpers/net.js';

let root = '';
let server: http.Server;
let base = '';

beforeAll(async () => {
  root = tempDir();
  fs.mkdirSync(path.join(root, '0_abcd1234', '0_abcd1234_33'), { recursive: true });
  fs.writeFileSync(path.join(root, '0_abcd1234', 'master.m3u8'), '#EXTM3U\n');
  fs.writeFileSync(
    path.join(root, '0_abcd1234', '0_abcd1234_33', 'index.m3u8'),
    '#EXTM3U\n#EXTINF:2.0,\nseg_00000.ts\n',
  );
  fs.writeFileSync(path.join(root, '0_abcd1234', '0_abcd1234_33', 'seg_00000.ts'), Buffer.alloc(376, 0x47));
  fs.writeFileSync(path.join(root, 'secret.txt'), 'do not serve');
  const route = createHlsRoute({ hlsRootDir: path.join(root), logger: silentLogger() });
  server = http.createServer((req, res) => void route.handle(req, res, new URL(req.url ?? '/', 'http://x')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(root, { recursive: true, force: true });
});

describe('HLS route', () => {
  it('serves the master and variant playlists uncached, as mpegurl, with CORS', async () => {
    for (const p of ['/hls/0_abcd1234/master.m3u8', '/hls/0_abcd1234/0_abcd1234_33/index.m3u8']) {
      const res = await fetch(base + p);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
      expect(res.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(await res.text()).toMatch(/^#EXTM3U/);
    }
  });

  it('serves segments as video/mp2t, cacheable; HEAD gives the length; OPTIONS answers the preflight', async () => {
    const res = await fetch(`${base}/hls/0_abcd1234/0_abcd1234_33/seg_00000.ts`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp2t');
    expect(res.headers.get('cache-control')).toBe('public, max-age=600');
    expect((await res.arrayBuffer()).byteLength).toBe(376);
    const head = await fetch(`${base}/hls/0_abcd1234/0_abcd1234_33/seg_00000.ts`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('376');
    const options = await fetch(`${base}/hls/0_abcd1234/master.m3u8`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('access-control-allow-methods')).toContain('GET');
    expect((await fetch(`${base}/hls/0_abcd1234/master.m3u8`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses anything outside the whitelist: traversal, bad entry ids, other names, missing files', async () => {
    for (const p of [
      '/hls/0_abcd1234/../secret.txt',
      '/hls/0_abcd1234/%2e%2e/secret.txt',
      '/hls/..%2fsecret.txt',
      '/hls/0_ABCD1234/master.m3u8',
      '/hls/2_abcd1234/master.m3u8',
      '/hls/0_abcd1234/0_abcd1234_33/index.m3u8.tmp',
      '/hls/0_abcd1234/0_abcd1234_33/seg_00009.ts',
      '/hls/0_abcd1234/a/b/seg_00000.ts',
      '/hls/0_abcd1234/0_abcd1234_33',
    ]) {
      const res = await fetch(base + p);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
    expect(resolveHlsPath('/data/hls', '/hls/0_abcd1234/%2e%2e/index.m3u8')).toBeNull();
    expect(resolveHlsPath('/data/hls', '/hls/0_abcd1234/0_abcd1234_33/seg_00001.ts')).toEqual({
      file: '/data/hls/0_abcd1234/0_abcd1234_33/seg_00001.ts',
      kind: 'segment',
    });
  });
});
