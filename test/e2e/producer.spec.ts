// The producer's window against the headless station (built CLI, sandbox mode) with real FFmpeg publishers:
// connect screen -> publish with exactly what it shows -> live entry -> ladder with measured bitrates ->
// preview plays -> a wrong token is refused with its reason. Screenshots of each screen go to test-results/screens/.
import { expect, test } from '@playwright/test';
import { startPublisher } from '../helpers/publisher.js';
import { shot, stationForSpec } from './e2e-helpers.js';

const ENTRY = '0_rkij47dr';

test.describe.configure({ mode: 'serial' });
const { station, publishers } = stationForSpec();

/** Splits the OBS "Server" URL the Connect screen shows into what FFmpeg needs for the same wire form. */
function parseServerUrl(serverUrl: string): { port: number; query: URLSearchParams } {
  const url = new URL(serverUrl.replace(/^rtmp:/, 'http:'));
  return { port: Number(url.port || 1935), query: url.searchParams };
}

test('empty station tells the producer how to connect OBS', async ({ page }) => {
  await page.goto(station().httpUrl + '/');
  await expect(page.getByTestId('live-empty')).toBeVisible();
  await expect(page.getByTestId('live-empty')).toContainText('0_rkij47dr_1');
  await expect(page.getByTestId('status-ffmpeg')).toContainText(/\d/);
  await shot(page, 'live-empty');
});

test('connect screen gives the URL and key that a publisher then uses to go live with every rendition', async ({
  page,
}) => {
  await page.goto(station().httpUrl + '/');
  await page.getByTestId('nav-connect').click();
  await expect(page.getByTestId('connect-server-url')).toHaveValue(
    /^rtmp:\/\/.+\/kLive\/\?p=102&e=0_rkij47dr&i=0&t=.+/,
  );
  const serverUrl = await page.getByTestId('connect-server-url').inputValue();
  const streamKey = await page.getByTestId('connect-stream-key').inputValue();
  expect(streamKey).toBe(`${ENTRY}_1`);
  await expect(page.getByTestId('connect-ffmpeg-command')).toContainText(streamKey);
  await shot(page, 'connect');

  const { port, query } = parseServerUrl(serverUrl);
  expect(port).toBe(station().rtmpPort);
  const publisher = startPublisher(
    {
      rtmpPort: port,
      partnerId: query.get('p') as string,
      entryId: query.get('e') as string,
      index: query.get('i') as string,
      token: query.get('t') as string,
      streamName: streamKey,
    },
    { width: 640, height: 360, fps: 15, videoBitrateKbps: 700, durationSeconds: 90 },
  );
  publishers.push(publisher);

  await page.getByTestId('nav-live').click();
  const row = page.getByTestId(`entry-row-${ENTRY}`);
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(row.getByTestId('entry-state')).toHaveAttribute('data-state', /live|playable/, { timeout: 20_000 });
  await expect(row.getByTestId('entry-state')).toHaveAttribute('data-state', 'playable', { timeout: 30_000 });
  await expect(row.getByTestId('entry-input')).toContainText('640');
  await shot(page, 'live-entries');

  await row.click();
  const detail = page.getByTestId('entry-detail');
  await expect(detail).toBeVisible();
  const rows = detail.locator('[data-testid^="rendition-row-"]');
  await expect(rows).toHaveCount(4, { timeout: 20_000 });
  // the passthrough source has no target (its tone stays neutral); the transcoded rungs are judged against theirs
  await expect(detail.getByTestId('rendition-row-0_rkij47dr_32').getByTestId('measured-bitrate')).toContainText(
    /\d+(\.\d+)? (k|M)bps/,
    { timeout: 20_000 },
  );
  for (const streamName of ['0_rkij47dr_33', '0_rkij47dr_34', '0_rkij47dr_35']) {
    const measured = detail.getByTestId(`rendition-row-${streamName}`).getByTestId('measured-bitrate');
    await expect(measured).toHaveAttribute('data-tone', /good|fair|poor/, { timeout: 20_000 });
    await expect(measured).toContainText(/\d+(\.\d+)? (k|M)bps/);
  }

  // the preview plays: the video's time advances
  const video = page.getByTestId('preview-video');
  await expect(video).toBeVisible();
  await expect
    .poll(async () => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 })
    .toBeGreaterThan(1);
  const t1 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await page.waitForTimeout(2000);
  const t2 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  expect(t2).toBeGreaterThan(t1);
  await expect(page.getByTestId('registration-status')).toContainText(/playable/i, { timeout: 20_000 });
  await shot(page, 'entry-detail');
});

test('a wrong-token publish shows the refusal with its reason', async ({ page }) => {
  await page.goto(station().httpUrl + '/');
  const bad = startPublisher(
    {
      rtmpPort: station().rtmpPort,
      partnerId: 102,
      entryId: ENTRY,
      token: 'deadbeef',
      index: 1,
      streamName: `${ENTRY}_1`,
    },
    { durationSeconds: 5 },
  );
  publishers.push(bad);
  const reason = page.getByTestId(`entry-row-${ENTRY}`).getByTestId('refusal-reason');
  await expect(reason).toContainText(/token/i, { timeout: 20_000 });
  await expect(page.locator('body')).not.toContainText('deadbeef');
  await page.getByTestId('nav-events').click();
  await expect(page.getByTestId('event-list')).toContainText(/Refused/);
  await shot(page, 'events');
});

test('settings validation messages appear and name the fix', async ({ page }) => {
  await page.goto(station().httpUrl + '/');
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-mode').selectOption('saas');
  await page.getByTestId('settings-serviceUrl').fill('ftp://kaltura.example');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-error-serviceUrl')).toContainText(/https:\/\//);
  await expect(page.getByTestId('settings-error-adminSecret')).toBeVisible();
  await shot(page, 'settings');
  // nothing was saved: the station still runs its sandbox
  await page.reload();
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('settings-mode')).toHaveValue('sandbox');
});

test('sandbox screen shows its logins and partners and points to the Kaltura entries screen for entries', async ({
  page,
}) => {
  await page.goto(station().httpUrl + '/');
  await page.getByTestId('nav-sandbox').click();
  await expect(page.getByTestId('sandbox-login-plain')).toBeVisible();
  await expect(page.getByTestId('sandbox-partner-102')).toBeVisible();
  await expect(page.getByTestId('sandbox-table')).toHaveCount(0);
  await shot(page, 'sandbox');
  await page.getByTestId('sandbox-open-entries').click();
  // the one entries table for any Kaltura: sign in with the sandbox's seeded login to see the rehearsal entry
  await expect(page.getByTestId('producer-account').or(page.getByTestId('producer-signin'))).toBeVisible();
});
