// Drill: the station's FFmpeg is killed with SIGKILL mid-stream. The supervisor must restart it within
// 2 s, the playlists must continue (same files, after #EXT-X-DISCONTINUITY), and at most one segment's
// worth of media may be missing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';
import {
  killGroups,
  liveFfmpegUnder,
  readPlaylist,
  startDrillStation,
  variantPlaylists,
  type DrillStation,
} from './drill-kit.js';
import { drillTimeoutMs, recordDrill } from './drill-windows.js';

const ENTRY = '0_rkij47dr';
let s: DrillStation;
let publisher: Publisher | null = null;

beforeAll(async () => {
  s = await startDrillStation({ tuning: { resumeGraceMs: 3000, keepAliveIntervalMs: 2000 } });
});

afterAll(async () => {
  await publisher?.stop();
  await s?.stop();
  killGroups(liveFfmpegUnder(s?.dataDir ?? '/nonexistent').map((p) => p.pid));
});

/** wall-clock ms at which a listed segment ended: the file's last write */
function segmentEndMs(playlist: string, uri: string): number {
  return fs.statSync(path.join(path.dirname(playlist), uri)).mtimeMs;
}

describe('drill: FFmpeg killed with SIGKILL mid-stream', () => {
  it(
    'restarts within 2 s and continues the playlists after a discontinuity, missing at most one segment',
    async () => {
      const token = s.sandbox.store.entry(ENTRY)?.streamPassword;
      expect(token).toBeTruthy();
      publisher = startPublisher(
        { rtmpPort: s.rtmpPort, partnerId: 102, entryId: ENTRY, token: token as string },
        { width: 320, height: 180, fps: 15 },
      );

      const playlists = await waitFor(
        () => {
          const files = variantPlaylists(s.dataDir, ENTRY);
          return files.length > 0 && files.every((f) => (readPlaylist(f)?.segments.length ?? 0) >= 3) ? files : null;
        },
        { timeoutMs: 40_000, what: 'three segments in every variant playlist' },
      );
      const watched = playlists[0] as string;
      const before = readPlaylist(watched);
      const lastBefore = before?.segments[before.segments.length - 1];
      expect(lastBefore).toBeDefined();
      const lastBeforeEndMs = segmentEndMs(watched, (lastBefore as { uri: string }).uri);

      const [victim, ...others] = liveFfmpegUnder(s.dataDir);
      expect(victim, 'the station runs one transcoder FFmpeg').toBeDefined();
      expect(others).toEqual([]);
      const killedAtMs = Date.now();
      process.kill((victim as { pid: number }).pid, 'SIGKILL');

      const replacement = await waitFor(() => liveFfmpegUnder(s.dataDir).find((p) => p.pid !== victim?.pid), {
        timeoutMs: 10_000,
        intervalMs: 25,
        what: 'a new FFmpeg',
      });
      const restartMs = Date.now() - killedAtMs;
      expect(restartMs, `FFmpeg came back after ${restartMs} ms`).toBeLessThanOrEqual(2000);
      expect(replacement.pid).not.toBe(victim?.pid);

      // the same playlist continues: the old segments stay, a discontinuity, then new segments
      const after = await waitFor(
        () => {
          const p = readPlaylist(watched);
          const i = p?.segments.findIndex((x) => x.uri === lastBefore?.uri) ?? -1;
          const next = i >= 0 ? (p?.segments.slice(i + 1) ?? []) : [];
          return next.length >= 2 ? { p, next } : null;
        },
        { timeoutMs: 20_000, what: 'two new segments after the restart' },
      );
      expect(
        after.next[0]?.discontinuityBefore,
        'the first segment after the restart follows #EXT-X-DISCONTINUITY',
      ).toBe(true);
      expect(after.p?.ended).toBe(false);

      // media lost = from the end of the last segment listed before the kill to the start of the first new one
      const first = after.next[0] as { uri: string; durationSeconds: number };
      const firstStartMs = segmentEndMs(watched, first.uri) - first.durationSeconds * 1000;
      const gapSeconds = (firstStartMs - lastBeforeEndMs) / 1000;
      const segmentSeconds = lastBefore?.durationSeconds ?? 2;
      recordDrill({
        drill: 'ffmpeg-sigkill',
        windowSeconds: null,
        summary: `FFmpeg restart ${restartMs} ms after SIGKILL; media gap ≈ ${Math.max(0, gapSeconds).toFixed(2)} s (segment ${segmentSeconds} s)`,
        figures: { restartMs, mediaGapSeconds: Number(Math.max(0, gapSeconds).toFixed(2)), segmentSeconds },
      });
      // segment numbers continue: at most the one segment being written at the kill is skipped
      const num = (uri: string): number => Number(/(\d+)\.ts$/.exec(uri)?.[1] ?? Number.NaN);
      expect(num(first.uri) - num((lastBefore as { uri: string }).uri)).toBeGreaterThanOrEqual(1);
      expect(num(first.uri) - num((lastBefore as { uri: string }).uri)).toBeLessThanOrEqual(2);
      // wall-clock estimate: allow the file timestamps' scatter (one encoder tick) beyond one segment
      expect(gapSeconds).toBeLessThanOrEqual(segmentSeconds + 0.5);

      // the station reports the restart and the stream is playable again
      const stream = await waitFor(
        async () =>
          (await s.snapshot()).entries.find((e) => e.entryId === ENTRY)?.streams.find((st) => st.state === 'playable'),
        { timeoutMs: 15_000, what: 'playable again' },
      );
      expect(stream.state).toBe('playable');
    },
    drillTimeoutMs(0, 90),
  );
});
