// The viewer page and the sandbox proxy on real loopback servers: /watch/<entryId> is public with a CSP that allows no
// inline script, its config travels as inert JSON, the pinned player bundle is served from here; the proxy forwards
// method, path, body and the caller's Host unchanged.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWatchRoute, locatePlayerBundle, renderWatchPage, WATCH_CSP } from '../../../main/http/watch-route.js';
import { createProxyRoute } from '../../../main/http/proxy-route.js';
import type { HttpRoute } from '../../../main/http/server.js';
import { silentLogger } from '../../../main/log/logger.js';

async function serve(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ server: http.Server; base: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

const asHandler = (route: HttpRoute) => (req: http.IncomingMessage, res: http.ServerResponse) =>
  void route.handle(req, res, new URL(req.url ?? '/', 'http://x'));

let watch: { server: http.Server; base: string };
let target: { server: http.Server; base: string };
let proxy: { server: http.Server; base: string };
let targetUrl: string | null = null;

beforeAll(async () => {
  watch = await serve(
    asHandler(
      createWatchRoute({
        logger: silentLogger(),
        viewerKaltura: (id) =>
          id === '0_rkij47dr' ? { partnerId: 102, serviceUrl: null } : { problem: `entry ${id} is not here` },
      }),
    ),
  );
  target = await serve((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () =>
      res.writeHead(201, { 'X-Seen-Host': req.headers.host ?? '' }).end(`${req.method} ${req.url} ${body}`),
    );
  });
  targetUrl = target.base;
  proxy = await serve(
    asHandler(
      createProxyRoute({
        prefix: '/api_v3/',
        target: () => targetUrl,
        logger: silentLogger(),
        unavailable: 'no sandbox',
      }),
    ),
  );
});

afterAll(async () => {
  for (const s of [watch, target, proxy]) await new Promise<void>((resolve) => s.server.close(() => resolve()));
});

describe('/watch', () => {
  it('serves the page publicly with its CSP and no inline script; unknown entries and names are 404 with the reason', async () => {
    const res = await fetch(`${watch.base}/watch/0_rkij47dr`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(WATCH_CSP);
    expect(WATCH_CSP).toContain("script-src 'self'");
    const html = await res.text();
    // every <script> with code is a src= or an inert JSON block
    for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/src=|type="application\/json"/);
    expect(html).toContain('"partnerId":102');
    expect(html).toContain('/watch/kaltura-ovp-player.js?v=3.17.78');
    const missing = await fetch(`${watch.base}/watch/0_zzzzzzzz`);
    expect([missing.status, await missing.text()]).toEqual([404, 'entry 0_zzzzzzzz is not here\n']);
    expect((await fetch(`${watch.base}/watch/../etc/passwd`)).status).toBe(404);
    expect((await fetch(`${watch.base}/watch/0_rkij47dr`, { method: 'POST' })).status).toBe(405);
  });

  it('serves the pinned Kaltura Player bundle and the page script from the station', async () => {
    expect(locatePlayerBundle().version).toBe('3.17.78');
    const bundle = await fetch(`${watch.base}/watch/kaltura-ovp-player.js`);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await bundle.text()).length).toBeGreaterThan(1_000_000);
    expect(await (await fetch(`${watch.base}/watch/watch.js`)).text()).toContain('liveStream');
  });

  it('keeps the config inert: a "<" cannot close the data block', () => {
    expect(
      renderWatchPage('0_rkij47dr', { partnerId: 1, serviceUrl: 'http://x/</script><script>alert(1)</script>' }, '1'),
    ).not.toContain('</script><script>alert');
  });
});

describe('proxy to the built-in sandbox', () => {
  it("forwards method, path, query and body, keeps the caller's Host, and says so when there is no sandbox", async () => {
    const res = await fetch(`${proxy.base}/api_v3/service/multirequest?format=1`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('POST /api_v3/service/multirequest?format=1 {"a":1}');
    expect(res.headers.get('x-seen-host')).toBe(new URL(proxy.base).host);
    targetUrl = null;
    const none = await fetch(`${proxy.base}/api_v3/service/x`);
    expect([none.status, await none.text()]).toEqual([503, 'no sandbox\n']);
    targetUrl = target.base;
  });
});
