// The viewer page with the station's built-in sandbox (the default, nothing configured): the sandbox stays on
// loopback and the page reaches its /api_v3 and playManifest through the station's own origin (proxy-route.ts).
import { expect, test } from '@playwright/test';
import { startStation, type StationProcess } from '../helpers/station-process.js';
import { startPublisher, type Publisher } from '../helpers/publisher.js';

const ENTRY = '0_rkij47dr';
let station: StationProcess;
let publisher: Publisher | null = null;

test.beforeAll(async () => {
  station = await startStation();
});

test.afterAll(async () => {
  await publisher?.stop();
  await station?.stop();
});

test('/watch plays the seeded entry through the built-in sandbox, proxied on the station origin', async ({ page }) => {
  const direct = await fetch(`${station.httpUrl}/watch/0_zzzzzzzz`);
  expect(direct.status).toBe(404);
  expect(await direct.text()).toContain("not in this station's sandbox");
  await page.goto(`${station.httpUrl}/watch/${ENTRY}`);
  await expect(page.getByTestId('watch-slate')).toContainText('Not live yet', { timeout: 20_000 });
  publisher = startPublisher(
    {
      rtmpPort: station.rtmpPort,
      partnerId: 102,
      entryId: ENTRY,
      token: 'dj94kfit',
      index: 0,
      streamName: `${ENTRY}_1`,
    },
    { width: 640, height: 360, fps: 15, videoBitrateKbps: 500, durationSeconds: 120 },
  );
  const manifest = page.waitForResponse(
    (r) => r.url().startsWith(`${station.httpUrl}/p/102/`) && r.url().includes('/playManifest/'),
    { timeout: 60_000 },
  );
  await expect(page.locator('body')).toHaveAttribute('data-state', 'playing', { timeout: 60_000 });
  expect((await manifest).status()).toBe(302);
  const video = page.locator('video').first();
  const t1 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await page.waitForTimeout(2500);
  expect(await video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(t1);
});
