// Issue 22, as a producer without a system FFmpeg meets it: the whole station on the bundled FFmpeg (FFMPEG_PATH
// set to @ffmpeg-installer's 2018 static build), an OBS-form publish of the rehearsal entry with recording on.
// Every rendition is written and aligned, the recording reaches Kaltura, and the station said before any stream
// which FFmpeg it uses and that it is old.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledFfmpegPath } from '../../../main/transcode/ffmpeg-locate.js';
import { parseMediaPlaylist } from '../../../main/transcode/hls-playlist.js';
import type { StationInfo } from '../../../shared/station-info.js';
import { startInProcessStation, type InProcessStation } from '../../helpers/in-process-station.js';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';

const ENTRY = '0_rkij47dr';
const BUNDLED = bundledFfmpegPath() as string;
let s: InProcessStation;
let publisher: Publisher | null = null;

beforeAll(async () => {
  s = await startInProcessStation(
    { resumeGraceMs: 1500 },
    { settings: { media: { recordingSegmentSeconds: 4 } }, env: { ...process.env, FFMPEG_PATH: BUNDLED } },
  );
  await s.station
    .bridgeHost()
    .handle('sandbox.updateEntry', { entryId: ENTRY, recordingEnabled: true }, { transport: 'ipc', trusted: true });
});

afterAll(async () => {
  await publisher?.stop();
  await s?.stop();
});

describe('the station on the bundled FFmpeg 4.1', () => {
  it('says which FFmpeg it uses and that it is old, before any stream', async () => {
    const info = (await s.station
      .bridgeHost()
      .handle('station.getInfo', {}, { transport: 'ipc', trusted: true })) as StationInfo;
    expect(info.ffmpeg).toMatchObject({ status: 'ok', path: BUNDLED, source: 'env', release: '4.1', lacks: [] });
    expect(info.ffmpeg.warning).toMatch(/FFmpeg 4\.1 is older .*install a current FFmpeg/);
  });

  it('publishes the rehearsal entry: every rendition written, aligned, ended; the recording delivered', async () => {
    const token = s.sandboxState().entries.find((e) => e.id === ENTRY)?.streamPassword as string;
    publisher = startPublisher(
      { rtmpPort: s.rtmpPort, partnerId: 102, entryId: ENTRY, token },
      { width: 640, height: 360, fps: 15, videoBitrateKbps: 800, durationSeconds: 14 },
    );
    const dir = path.join(s.dataDir, 'hls', ENTRY);
    await waitFor(() => fs.existsSync(path.join(dir, 'master.m3u8')), { timeoutMs: 30_000, what: 'master playlist' });
    const names = ['0_rkij47dr_32', '0_rkij47dr_33', '0_rkij47dr_34', '0_rkij47dr_35'];
    expect(
      [...fs.readFileSync(path.join(dir, 'master.m3u8'), 'utf8').matchAll(/^(0_rkij47dr_\d+)\/index\.m3u8$/gm)].map(
        (m) => m[1],
      ),
    ).toEqual(names);
    await publisher.exited;
    const lists = await waitFor(
      () => {
        const l = names.map((n) => parseMediaPlaylist(fs.readFileSync(path.join(dir, n, 'index.m3u8'), 'utf8')));
        return l.every((x) => x.ended) ? l : null;
      },
      { timeoutMs: 20_000, what: 'ENDLIST in every rendition' },
    );
    expect(new Set(lists.map((l) => l.segments.length)).size).toBe(1);
    const reference = lists[0]?.segments ?? [];
    expect(reference.length).toBeGreaterThanOrEqual(4);
    for (const l of lists)
      l.segments
        .slice(0, -1)
        .forEach((seg, i) =>
          expect(Math.abs(seg.durationSeconds - (reference[i]?.durationSeconds ?? 0))).toBeLessThan(0.1),
        );

    const recordings = await waitFor(
      () => {
        const r = s.sandboxState().recordings.filter((x) => x.entryId === ENTRY);
        return r.length > 0 && r[r.length - 1]?.isLastChunk === true ? r : null;
      },
      { timeoutMs: 60_000, what: 'the last recorded chunk at the sandbox' },
    );
    expect(recordings.length).toBeGreaterThanOrEqual(3);
    const total = recordings.reduce((sum, r) => sum + Number(r.durationSeconds), 0);
    expect(total).toBeGreaterThan(14 - 4 - 2);
    expect(total).toBeLessThan(14 + 4);
  });
});
