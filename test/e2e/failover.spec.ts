// Kaltura's redundancy with two stations (kaltura-playback.md 3.4): one shared sandbox process, station A the primary
// (i=0) and station B the backup (i=1), each with its own ports, data dir and server-node host name. While both are
// live the unmodified Kaltura Player is sent to A; when A is SIGKILLed and its registration expires (120 s of sandbox
// time; the sandbox runs 1.5x so the survivor's 60 s keep-alives still count) a new load goes to B and the entry stays live.
import { expect, test, type Page } from '@playwright/test';
import { startStation, type StationProcess } from '../helpers/station-process.js';
import { startPublisher, type Publisher } from '../helpers/publisher.js';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox-process.js';
import { adminCall, stationArgs } from '../helpers/sandbox-admin.js';
import { expectVideoPlays, kalturaPlayerPage, servePage } from './e2e-helpers.js';

let sandbox: SandboxProcess;
let stationA: StationProcess;
let stationB: StationProcess;
let pageServer: { origin: string; close: () => Promise<void> } | undefined;
let pageOrigin = '';
let entry: { id: string; token: string };
const publishers: Publisher[] = [];

test.describe.configure({ mode: 'serial' });

async function details(): Promise<Record<string, unknown>> {
  return adminCall(sandbox, 'liveStream', 'getDetails', { id: entry.id });
}

/** Loads the player on a fresh page and returns where playManifest sent it, once the video plays. */
async function loadAndPlay(page: Page): Promise<string> {
  const manifest = page.waitForResponse((r) => r.url().includes('/playManifest/'));
  await page.goto(
    `${pageOrigin}/?partnerId=102&entryId=${entry.id}&serviceUrl=${encodeURIComponent(sandbox.serviceUrl)}`,
  );
  const redirect = await manifest;
  expect(redirect.status()).toBe(302);
  await expectVideoPlays(page);
  return (await redirect.headerValue('location')) as string;
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  sandbox = await startSandboxProcess({ timeScale: 1.5 });
  [stationA, stationB] = await Promise.all([
    startStation({ args: stationArgs(sandbox, 'station-a.test') }),
    startStation({ args: stationArgs(sandbox, 'station-b.test') }),
  ]);
  const added = await adminCall(sandbox, 'liveStream', 'add', {
    liveStreamEntry: { objectType: 'KalturaLiveStreamEntry', name: 'Keynote', mediaType: 201 },
    sourceType: 32,
  });
  entry = { id: added.id as string, token: added.streamPassword as string };
  pageServer = await servePage(kalturaPlayerPage(`${stationB.httpUrl}/watch/kaltura-ovp-player.js`));
  pageOrigin = pageServer.origin;
});

test.afterAll(async () => {
  for (const p of publishers) await p.stop();
  await stationA?.stop();
  await stationB?.stop();
  await sandbox?.stop();
  await pageServer?.close();
});

test('both live: the player is sent to the primary station', async ({ page }) => {
  test.setTimeout(150_000);
  const options = { width: 640, height: 360, fps: 15, videoBitrateKbps: 500, durationSeconds: 400 };
  publishers.push(
    startPublisher(
      {
        rtmpPort: stationA.rtmpPort,
        partnerId: 102,
        entryId: entry.id,
        token: entry.token,
        index: 0,
        streamName: `${entry.id}_1`,
      },
      options,
    ),
  );
  publishers.push(
    startPublisher(
      {
        rtmpPort: stationB.rtmpPort,
        partnerId: 102,
        entryId: entry.id,
        token: entry.token,
        index: 1,
        streamName: `${entry.id}_1`,
      },
      options,
    ),
  );
  await expect
    .poll(
      async () => {
        const d = await details();
        return [d.primaryStreamStatus, d.secondaryStreamStatus];
      },
      { timeout: 60_000 },
    )
    .toEqual([1, 1]);
  const location = await loadAndPlay(page);
  expect(location.startsWith(`${stationA.httpUrl}/kLive/`)).toBe(true);
});

test('primary SIGKILLed: once its registration expires a new load goes to the backup, and the entry stays live', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await stationA.stop('SIGKILL');
  // the entry never goes offline: the backup is PLAYABLE all along
  let stillLive = true;
  let location = '';
  await expect
    .poll(
      async () => {
        stillLive &&= (await details()).broadcastStatus === 3;
        const ids = (
          await adminCall(sandbox, 'flavorAsset', 'list', {
            filter: { objectType: 'KalturaLiveAssetFilter', entryIdEqual: entry.id },
          })
        ).objects as { id: string }[];
        const res = await fetch(
          `${sandbox.serviceUrl}/p/102/sp/10200/playManifest/entryId/${entry.id}/protocol/http/format/applehttp/flavorIds/${ids.map((a) => a.id).join(',')}/a.m3u8`,
          { redirect: 'manual' },
        );
        location = res.headers.get('location') ?? '';
        return location.startsWith(`${stationB.httpUrl}/kLive/`);
      },
      { timeout: 180_000, intervals: [5_000] },
    )
    .toBe(true);
  expect(stillLive).toBe(true);
  const played = await loadAndPlay(page);
  expect(played.startsWith(`${stationB.httpUrl}/kLive/`)).toBe(true);
  expect((await details()).primaryStreamStatus).toBeUndefined();
});
