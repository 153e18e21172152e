import { expect, test } from '@playwright/test';
import { startStation, type StationProcess } from '../helpers/station-process.js';

let station: StationProcess;

test.beforeAll(async () => {
  station = await startStation();
});

test.afterAll(async () => {
  await station?.stop();
});

test('the headless station serves the app shell', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(station.httpUrl + '/');
  await expect(page.getByRole('heading', { name: 'kLive Station' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/app-shell.png', fullPage: true });
  expect(errors).toEqual([]);
});
