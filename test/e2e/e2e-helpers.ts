// What several e2e specs share: one headless station per spec file (with the publishers it started), a screenshot
// per screen, a page of its own origin with the unmodified Kaltura Player set up from nothing but partnerId, entryId
// and serviceUrl, and the check that a video really plays (its time advances).
import http from 'node:http';
import { expect, test, type Page } from '@playwright/test';
import { startStation, type StationProcess } from '../helpers/station-process.js';
import type { Publisher } from '../helpers/publisher.js';
import { freePort } from '../helpers/net.js';

/** Starts a station before the spec's tests and stops it (and the publishers pushed here) after them. */
export function stationForSpec(): { station: () => StationProcess; publishers: Publisher[] } {
  let station: StationProcess | undefined;
  const publishers: Publisher[] = [];
  test.beforeAll(async () => {
    station = await startStation();
  });
  test.afterAll(async () => {
    for (const p of publishers) await p.stop();
    await station?.stop();
  });
  return {
    station: () => {
      if (!station) throw new Error('the station is started in beforeAll: use it inside a test');
      return station;
    },
    publishers,
  };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: false });
}

/**
 * A page that sets the player up with partnerId, entryId and serviceUrl from its query, and keeps the player's
 * errors (window.playerErrors) and whether its media loaded (window.mediaLoaded / mediaError) for the test to read.
 */
export function kalturaPlayerPage(playerScriptUrl: string): string {
  return `<!doctype html><html><body style="margin:0;background:#000"><div id="player" style="width:960px;height:540px"></div>
<script src="${playerScriptUrl}"></script>
<script>
  const q = new URLSearchParams(location.search);
  const serviceUrl = q.get('serviceUrl');
  window.playerErrors = [];
  const player = KalturaPlayer.setup({ targetId: 'player', provider: { partnerId: Number(q.get('partnerId')), env: { serviceUrl: serviceUrl + '/api_v3', cdnUrl: serviceUrl } }, playback: { autoplay: true } });
  player.addEventListener(KalturaPlayer.core.EventType.ERROR, (e) => window.playerErrors.push({ severity: e.payload.severity, category: e.payload.category, code: e.payload.code, name: e.payload.data && e.payload.data.name, url: e.payload.data && e.payload.data.url }));
  window.player = player;
  player.loadMedia({ entryId: q.get('entryId') }).then(() => { window.mediaLoaded = true; }, (e) => { window.mediaError = String(e && e.code); });
</script></body></html>`;
}

/** Serves one HTML page on a loopback port of its own (another origin than the station and the sandbox). */
export async function servePage(html: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(html));
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The page's first video plays: past 1 s, and still advancing 2.5 s later. */
export async function expectVideoPlays(page: Page): Promise<void> {
  const video = page.locator('video').first();
  await expect
    .poll(async () => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 60_000 })
    .toBeGreaterThan(1);
  const t1 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await page.waitForTimeout(2500);
  expect(await video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(t1);
}
