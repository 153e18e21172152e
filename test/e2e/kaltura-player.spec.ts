// Viewers through Kaltura (kaltura-playback.md): the unmodified Kaltura Player (OVP build, 3.17.78) in Chromium, given
// only partnerId, entryId and the sandbox's serviceUrl, on a page of its own origin. The sandbox runs as its own
// process; the station uses it as partner 102's Kaltura (eCDN flags) and registers as the entry's media server.
// An offline entry shows the player's not-live state (playManifest 404 error-36), /watch waits with "not live yet" and
// starts by itself once the stream begins, and then the plain player plays it too: API, playManifest 302, station HLS.
import { expect, test } from '@playwright/test';
import { startStation, type StationProcess } from '../helpers/station-process.js';
import { startPublisher, type Publisher } from '../helpers/publisher.js';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox-process.js';
import { adminCall, stationArgs } from '../helpers/sandbox-admin.js';
import { expectVideoPlays, kalturaPlayerPage, servePage, shot } from './e2e-helpers.js';

let sandbox: SandboxProcess;
let station: StationProcess;
let pageServer: { origin: string; close: () => Promise<void> } | undefined;
let pageOrigin = '';
let entry: { id: string; token: string };
const publishers: Publisher[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  sandbox = await startSandboxProcess();
  station = await startStation({ args: stationArgs(sandbox, 'station-a.test') });
  const added = await adminCall(sandbox, 'liveStream', 'add', {
    liveStreamEntry: { objectType: 'KalturaLiveStreamEntry', name: 'Town hall', mediaType: 201 },
    sourceType: 32,
  });
  entry = { id: added.id as string, token: added.streamPassword as string };
  pageServer = await servePage(kalturaPlayerPage(`${station.httpUrl}/watch/kaltura-ovp-player.js`));
  pageOrigin = pageServer.origin;
});

test.afterAll(async () => {
  for (const p of publishers) await p.stop();
  await station?.stop();
  await sandbox?.stop();
  await pageServer?.close();
});

test('an offline entry: the unmodified player loads it as live and shows its not-live state (playManifest 404 error-36)', async ({
  page,
}) => {
  const manifest = page.waitForResponse((r) => r.url().includes('/playManifest/') && r.request().method() === 'GET');
  await page.goto(
    `${pageOrigin}/?partnerId=102&entryId=${entry.id}&serviceUrl=${encodeURIComponent(sandbox.serviceUrl)}`,
  );
  const response = await manifest;
  expect(response.status()).toBe(404);
  expect(await response.headerValue('x-kaltura')).toBe('error-36');
  await expect
    .poll(
      () =>
        page.evaluate(() =>
          (window as unknown as { playerErrors: { severity: number; name: string }[] }).playerErrors.some(
            (e) => e.severity === 2 && e.name === 'manifestLoadError',
          ),
        ),
      { timeout: 30_000 },
    )
    .toBe(true);
  expect(await page.evaluate(() => (window as unknown as { player: { isLive(): boolean } }).player.isLive())).toBe(
    true,
  );
  await expect(page.getByText('problem with your network')).toBeVisible();
  await shot(page, 'player-offline');
});

test('/watch of an offline entry says "not live yet" and starts by itself when the stream begins', async ({ page }) => {
  const csp: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
  await page.setViewportSize({ width: 960, height: 540 });
  await page.goto(`${station.httpUrl}/watch/${entry.id}`);
  await expect(page.getByTestId('watch-slate')).toContainText('Not live yet', { timeout: 20_000 });
  await shot(page, 'watch-waiting');
  publishers.push(
    startPublisher(
      {
        rtmpPort: station.rtmpPort,
        partnerId: 102,
        entryId: entry.id,
        token: entry.token,
        index: 0,
        streamName: `${entry.id}_1`,
      },
      { width: 640, height: 360, fps: 15, videoBitrateKbps: 600, durationSeconds: 240 },
    ),
  );
  await expect(page.locator('body')).toHaveAttribute('data-state', 'playing', { timeout: 60_000 });
  await expectVideoPlays(page);
  await expect(page.getByTestId('watch-slate')).toBeHidden();
  expect(csp).toEqual([]);
  await shot(page, 'watch');
});

test('a live stream from the station plays in the unmodified player: API, playManifest 302 to the station, HLS', async ({
  page,
}) => {
  const manifest = page.waitForResponse((r) => r.url().includes('/playManifest/'));
  await page.goto(
    `${pageOrigin}/?partnerId=102&entryId=${entry.id}&serviceUrl=${encodeURIComponent(sandbox.serviceUrl)}`,
  );
  const redirect = await manifest;
  expect(redirect.status()).toBe(302);
  const location = (await redirect.headerValue('location')) as string;
  expect(location.startsWith(`${station.httpUrl}/kLive/smil:${entry.id}_`)).toBe(true);
  await expectVideoPlays(page);
  expect(
    await page.evaluate(() =>
      (window as unknown as { playerErrors: { severity: number }[] }).playerErrors.filter((e) => e.severity === 2),
    ),
  ).toEqual([]);
  // what the redirect reached: a master under /hls/ whose variant playlists are live (no ENDLIST) and readable from any origin
  const master = await fetch(location, { headers: { Origin: 'null' } });
  expect(master.headers.get('access-control-allow-origin')).toBe('*');
  const variant = (await master.text()).split('\n').find((l) => l.startsWith('/hls/')) as string;
  const media = await (await fetch(station.httpUrl + variant)).text();
  expect(media).toContain('#EXTINF');
  expect(media).not.toContain('#EXT-X-ENDLIST');
  await shot(page, 'player-live');
});

test('the entry detail screen shares the viewer page: link, QR code and embed snippet', async ({ page }) => {
  await page.goto(`${station.httpUrl}/`);
  await page.getByTestId(`entry-row-${entry.id}`).click();
  const share = page.getByTestId('share-panel');
  await expect(share).toBeVisible();
  const link = `${station.httpUrl}/watch/${entry.id}`;
  await expect(page.getByTestId('share-link')).toHaveValue(link);
  await expect(page.getByTestId('share-embed')).toHaveValue(
    `<iframe src="${link}" width="960" height="540" style="border:0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>`,
  );
  await expect(page.getByTestId('share-qr')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await share.scrollIntoViewIfNeeded();
  await share.screenshot({ path: 'test-results/screens/share-panel.png' });
});
