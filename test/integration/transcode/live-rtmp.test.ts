// The live path with real parts on loopback: an FFmpeg publisher (OBS wire form) -> IngestServer (RTMP, stub
// authenticate) -> TranscodeSession pulling the accepted stream -> HLS. When the publisher stops, FFmpeg ends by
// itself and every playlist carries #EXT-X-ENDLIST. The publish-to-playable time is printed, not asserted.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IngestServer } from '../../../main/ingest/index.js';
import type { LiveStreamEntry } from '../../../main/core/kaltura-api.js';
import { silentLogger } from '../../../main/log/logger.js';
import { TranscodeSession } from '../../../main/transcode/transcode-session.js';
import { type TranscodeStateEvent } from '../../../main/transcode/session-options.js';
import { parseServeLadder } from '../../../main/kaltura/serve-ladder.js';
import { parseMediaPlaylist } from '../../../main/transcode/hls-playlist.js';
import { freePort, SHARED_DIR, tempDir, waitFor } from '../../helpers/net.js';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';

const ENTRY = '0_rkij47dr';
const xml = fs
  .readFileSync(path.join(SHARED_DIR, 'fixtures', 'kaltura', 'serve-default-live.xml'), 'utf8')
  .replaceAll('0_abcd1234', ENTRY);
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
});

describe('live RTMP -> transcode', () => {
  it('transcodes a published stream to a playable ladder and closes it when the publisher leaves', async () => {
    const dataDir = tempDir('klive-live-');
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const entry: LiveStreamEntry = {
      id: ENTRY,
      partnerId: 102,
      name: 'live',
      conversionProfileId: 1,
      dvrStatus: 0,
      dvrWindow: null,
      recordStatus: 0,
      recordedEntryId: null,
      segmentDuration: 2000,
      explicitLive: false,
    };
    const port = await freePort();
    const ingest = new IngestServer({
      host: '127.0.0.1',
      port,
      dataDir,
      logger: silentLogger(),
      authenticate: async () => entry,
    });
    await ingest.start();
    cleanups.push(() => ingest.stop());

    let session: TranscodeSession | null = null;
    let playableAtMs: number | null = null;
    let ended: string | null = null;
    const states: TranscodeStateEvent[] = [];
    ingest.on('streamAccepted', (e) => {
      session = new TranscodeSession({
        entryId: e.entryId,
        partnerId: e.partnerId,
        streamName: e.streamName,
        hlsRootDir: path.join(dataDir, 'hls'),
        pullUrl: e.pullUrl,
        probeAtStart: null,
        entry: { segmentDurationMs: e.entry.segmentDuration, dvrEnabled: false, dvrWindowMinutes: null },
        ffmpegPath: process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg',
        encoder: 'libx264',
        preset: 'ultrafast',
        threads: 1,
        ladder: parseServeLadder(xml).ladder,
        logger: silentLogger(),
      });
      const s = session;
      cleanups.push(() => s.stop());
      s.on('playable', () => (playableAtMs = Date.now()));
      s.on('ended', (end) => (ended = end.reason));
      s.on('state', (state) => states.push(state));
      void s.start();
    });

    const publishedAtMs = Date.now();
    const publisher: Publisher = startPublisher(
      { rtmpPort: port, partnerId: 102, entryId: ENTRY, token: 'dj94kfit' },
      { width: 640, height: 360, fps: 15, gopFrames: 15, durationSeconds: 10 },
    );
    cleanups.push(() => publisher.stop());
    await waitFor(() => playableAtMs, {
      timeoutMs: 40_000,
      what: `playable (publisher: ${publisher.stderr().slice(-300)})`,
    });
    console.log(`publish -> playable: ${((playableAtMs ?? 0) - publishedAtMs) / 1000} s (segment 2 s)`);
    const master = fs.readFileSync(path.join(dataDir, 'hls', ENTRY, 'master.m3u8'), 'utf8');
    expect(master.match(/#EXT-X-STREAM-INF:/g)).toHaveLength(4);
    expect(master).toContain('RESOLUTION=640x360');
    expect(master).toContain('RESOLUTION=480x270');

    // metering while live: FFmpeg's own CPU/RSS from /proc, progress from -progress, bitrate from segments
    await waitFor(
      () =>
        states.some(
          (st) =>
            st.transcoder.observed === 'running' &&
            st.transcoder.cpuPercent !== null &&
            st.renditions.every((r) => r.measuredBitrateBps !== null),
        ),
      { timeoutMs: 20_000, what: 'a fully metered state' },
    );
    const metered = states.filter((st) => st.transcoder.cpuPercent !== null).at(-1);
    expect(metered?.transcoder).toMatchObject({ wanted: 'run', observed: 'running', encoder: 'libx264', restarts: 0 });
    expect(metered?.transcoder.rssBytes).toBeGreaterThan(1_000_000);
    expect(metered?.transcoder.speed).toBeGreaterThan(0);
    expect(metered?.renditions.map((r) => r.streamName)).toEqual([32, 33, 34, 35].map((id) => `${ENTRY}_${id}`));
    expect(metered?.renditions[1]).toMatchObject({
      width: 480,
      height: 270,
      targetVideoBitrateBps: 400_000,
      passthrough: false,
    });

    await publisher.exited;
    await waitFor(() => ended, { timeoutMs: 40_000, what: 'the transcode to end after the publisher left' });
    expect(ended).toBe('input-ended');
    for (const id of [32, 33, 34, 35]) {
      const list = parseMediaPlaylist(
        fs.readFileSync(path.join(dataDir, 'hls', ENTRY, `${ENTRY}_${id}`, 'index.m3u8'), 'utf8'),
      );
      expect(list.ended).toBe(true);
      expect(list.segments.length).toBeGreaterThanOrEqual(3);
    }
  });
});
