// Issue 22 end to end: the headless station on the bundled FFmpeg 4.1 (FFMPEG_PATH set to @ffmpeg-installer's
// binary), as on a producer's machine without FFmpeg. The window warns about the old FFmpeg before any stream;
// a publish of the rehearsal entry then gives every rendition with measured bitrates and a playing preview.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { bundledFfmpeg, startStation, type StationProcess } from '../helpers/station-process.js';
import { startPublisher, type Publisher } from '../helpers/publisher.js';

const ENTRY = '0_rkij47dr';
const RENDITIONS = ['0_rkij47dr_32', '0_rkij47dr_33', '0_rkij47dr_34', '0_rkij47dr_35'];
let station: StationProcess;
let publisher: Publisher | null = null;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  station = await startStation({ env: { FFMPEG_PATH: bundledFfmpeg() } });
});

test.afterAll(async () => {
  await publisher?.stop();
  await station?.stop();
});

test('on the bundled FFmpeg 4.1: warned before any stream, then every rendition live and the preview playing', async ({
  page,
}) => {
  await page.goto(station.httpUrl + '/');
  await expect(page.getByTestId('status-ffmpeg')).toContainText('FFmpeg 4.1 (FFMPEG_PATH)');
  await expect(page.getByTestId('ffmpeg-warning')).toContainText(
    /older than the station is built for.*install a current FFmpeg/,
  );

  const token = await (async () => {
    const state = JSON.parse(fs.readFileSync(path.join(station.dataDir, 'sandbox', 'state.json'), 'utf8')) as {
      entries: Array<{ id: string; streamPassword: string }>;
    };
    return state.entries.find((e) => e.id === ENTRY)?.streamPassword as string;
  })();
  publisher = startPublisher(
    { rtmpPort: station.rtmpPort, partnerId: 102, entryId: ENTRY, token },
    { width: 640, height: 360, fps: 15, videoBitrateKbps: 700, durationSeconds: 60 },
  );

  const row = page.getByTestId(`entry-row-${ENTRY}`);
  await expect(row.getByTestId('entry-state')).toHaveAttribute('data-state', 'playable', { timeout: 40_000 });
  await row.click();
  const detail = page.getByTestId('entry-detail');
  await expect(detail.locator('[data-testid^="rendition-row-"]')).toHaveCount(4, { timeout: 20_000 });
  for (const streamName of RENDITIONS) {
    await expect(detail.getByTestId(`rendition-row-${streamName}`).getByTestId('measured-bitrate')).toContainText(
      /\d+(\.\d+)? (k|M)bps/,
      { timeout: 20_000 },
    );
    expect(fs.readdirSync(path.join(station.dataDir, 'hls', ENTRY, streamName)).some((f) => f.endsWith('.ts'))).toBe(
      true,
    );
  }
  const video = page.getByTestId('preview-video');
  await expect
    .poll(async () => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 })
    .toBeGreaterThan(1);
  const t1 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await page.waitForTimeout(2000);
  expect(await video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(t1);
  await page.screenshot({ path: 'test-results/screens/entry-detail-bundled-ffmpeg.png', fullPage: false });
});
