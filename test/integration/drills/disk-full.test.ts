// Drill: the disk fills while a live stream records. The data dir's recordings folder is a real 64 MiB tmpfs
// (mounting one needs root: CI runs as root; anywhere else the drill fails saying so, it never skips); a
// filler file takes the disk below the recording margin (16 MiB here, tuned down from 500 MiB) for
// KLIVE_DRILL_DISK_FULL_SECONDS (15 s in CI), then is deleted. Pinned: live HLS goes on (on another disk) with
// old segments still pruned; recording pauses with an alert and an event ("disk full: N MB free, recording
// paused"); nothing already recorded is lost or corrupted (ffprobe every segment, every byte handed over);
// queued uploads go on during the pause; recording resumes by itself, in the same session, when space returns.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';
import { tempDir, waitFor } from '../../helpers/net.js';
import { PASSTHROUGH_PROFILE_ID } from '../../../main/sandbox/index.js';
import { probeSegment } from '../recording/harness.js';
import {
  killGroups,
  liveFfmpegUnder,
  readPlaylist,
  sleep,
  startDrillStation,
  variantPlaylists,
  type DrillStation,
} from './drill-kit.js';
import { drillSeconds, drillTimeoutMs, recordDrill } from './drill-windows.js';

const FULL_SECONDS = drillSeconds('diskFull');
const MiB = 1024 * 1024;
const DISK_BYTES = 64 * MiB;
const MARGIN_BYTES = 16 * MiB;
const dataDir = tempDir('klive-drill-disk-');
const recordingsDir = path.join(dataDir, 'recordings');
let mounted = false;
let s: DrillStation | null = null;
let publisher: Publisher | null = null;

beforeAll(async () => {
  fs.mkdirSync(recordingsDir, { recursive: true });
  if (process.getuid?.() !== 0)
    throw new Error(
      `the disk-full drill needs root to mount a ${DISK_BYTES / MiB} MiB tmpfs on ${recordingsDir} (CI runs as root); run it as root`,
    );
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_BYTES / MiB}m`, 'tmpfs', recordingsDir], {
      stdio: 'pipe',
    });
  } catch (e) {
    throw new Error(
      `the disk-full drill cannot mount a tmpfs on ${recordingsDir}: ${(e as Error).message.split('\n')[0]}; it needs root (or CAP_SYS_ADMIN) and tmpfs support`,
    );
  }
  mounted = true;
  s = await startDrillStation({
    dataDir,
    tuning: {
      resumeGraceMs: 3000,
      keepAliveIntervalMs: 2000,
      recordingMinFreeBytes: MARGIN_BYTES,
      recordingDiskCheckIntervalMs: 1000,
    },
    settings: { media: { recordingSegmentSeconds: 3 } },
  });
});

afterAll(async () => {
  await publisher?.stop();
  s?.sandbox.faults.reset();
  await s?.station.stop();
  killGroups(liveFfmpegUnder(dataDir).map((p) => p.pid));
  if (mounted) execFileSync('umount', ['-l', recordingsDir]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe(`drill: the disk fills for ${FULL_SECONDS} s while recording (a real tmpfs; needs root)`, () => {
  it(
    'keeps HLS going, pauses recording with an alert, loses nothing, keeps uploading, and resumes when space returns',
    async () => {
      const st = s!;
      const entry = st.sandbox.store.createEntry({
        name: 'disk drill',
        conversionProfileId: PASSTHROUGH_PROFILE_ID,
        record: true,
      });
      publisher = startPublisher(
        { rtmpPort: st.rtmpPort, partnerId: entry.partnerId, entryId: entry.id, token: entry.streamPassword },
        { width: 320, height: 180, fps: 15 },
      );
      const entryState = async () => (await st.snapshot()).entries.find((e) => e.entryId === entry.id);
      await waitFor(async () => (await entryState())?.streams.some((x) => x.state === 'playable'), {
        timeoutMs: 30_000,
        what: 'playable',
      });
      await waitFor(() => st.sandbox.store.recordings().some((r) => r.entryId === entry.id), {
        timeoutMs: 30_000,
        what: 'a first recording upload',
      });
      // uploads slow down, so segments are still queued when the disk fills
      st.sandbox.faults.set({ latencyMs: 1500 });
      await waitFor(
        async () =>
          ((await entryState())?.recording.items ?? []).filter((i) => i.state === 'pending' || i.state === 'uploading')
            .length >= 2,
        { timeoutMs: 30_000, what: 'two segments queued' },
      );

      // something else fills the disk, leaving half the margin
      const filler = path.join(recordingsDir, 'filler.bin');
      const stat = fs.statfsSync(recordingsDir);
      fs.writeFileSync(filler, Buffer.alloc(Math.max(0, stat.bavail * stat.bsize - MARGIN_BYTES / 2)));
      const filledAtMs = Date.now();
      const paused = await waitFor(
        async () => {
          const e = await entryState();
          return e && !e.recording.active && e.recording.reason ? e : null;
        },
        { timeoutMs: 20_000, what: 'the recording to pause' },
      );
      expect(paused.recording.enabled).toBe(true);
      expect(paused.recording.reason).toMatch(/^disk full: \d+\.\d MB free, recording paused/);
      const events = (await st.snapshot()).events.filter((e) =>
        /disk full: \d+\.\d MB free, recording paused/.test(e.message),
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ severity: 'error', entryId: entry.id });
      const queuedAtPause = paused.recording.items.filter(
        (i) => i.state === 'pending' || i.state === 'uploading',
      ).length;

      // the pause: HLS goes on and is pruned, uploads go on, nothing new is recorded
      const hlsSeen = new Set<string>();
      let maxHlsFiles = 0;
      let notPlayable = 0;
      const pauseStartMs = Date.now();
      let recordedDuringPause = 0;
      const onDiskAtPause = () =>
        fs.readdirSync(path.join(recordingsDir, entry.id), { recursive: true }).filter((f) => String(f).endsWith('.ts'))
          .length;
      const segmentsAtPause = onDiskAtPause();
      while (Date.now() - pauseStartMs < FULL_SECONDS * 1000) {
        await sleep(1000);
        const e = await entryState();
        if (e?.streams.find((x) => x.mediaServerIndex === 0)?.state !== 'playable') notPlayable++;
        if (e?.recording.active) recordedDuringPause++;
        for (const file of variantPlaylists(dataDir, entry.id)) {
          hlsSeen.add(`${file}:${readPlaylist(file)?.segments.at(-1)?.uri ?? ''}`);
          maxHlsFiles = Math.max(
            maxHlsFiles,
            fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.ts')).length,
          );
        }
      }
      const duringPause = (await entryState())!.recording.items;
      const newSegmentsDuringPause = onDiskAtPause() - segmentsAtPause;
      // every queued segment but the session's newest (its append waits for the next one) was handed over meanwhile
      const notDoneDuringPause = duringPause.filter((i) => i.state !== 'done').length;
      st.sandbox.faults.reset();

      // space returns: recording resumes by itself in the same session
      fs.rmSync(filler);
      const freedAtMs = Date.now();
      await waitFor(async () => (await entryState())?.recording.active === true, {
        timeoutMs: 20_000,
        what: 'the recording to resume',
      });
      const resumedAfterSeconds = (Date.now() - freedAtMs) / 1000;
      expect(
        (await st.snapshot()).events.some((e) =>
          /disk space back: .* MB free, recording of .* resumed/.test(e.message),
        ),
      ).toBe(true);
      await waitFor(() => onDiskAtPause() >= segmentsAtPause + newSegmentsDuringPause + 2, {
        timeoutMs: 30_000,
        what: 'two segments after the resume',
      });

      await publisher.stop();
      publisher = null;
      const done = await waitFor(
        async () => {
          const items = (await entryState())?.recording.items ?? [];
          return items.length > 0 && items.every((i) => i.state === 'done') && items.some((i) => i.isLastChunk)
            ? items
            : null;
        },
        { timeoutMs: 60_000, intervalMs: 500, what: 'every recorded segment uploaded' },
      );

      const sessions = fs.readdirSync(path.join(recordingsDir, entry.id));
      const files = sessions.flatMap((sid) =>
        fs
          .readdirSync(path.join(recordingsDir, entry.id, sid))
          .filter((f) => f.endsWith('.ts'))
          .map((f) => path.join(recordingsDir, entry.id, sid, f)),
      );
      let corrupt = 0;
      for (const file of files) {
        const probe = await probeSegment(file);
        if (probe.formatName !== 'mpegts' || probe.videoFrames === 0) corrupt++;
      }
      const recordedBytes = files.reduce((t, f) => t + fs.statSync(f).size, 0);
      const handedOver = st.sandbox.store.recordings().filter((r) => r.entryId === entry.id);
      const bytesLost = recordedBytes - handedOver.reduce((t, r) => t + (r.fileSizeBytes ?? 0), 0);
      const seqs = done.map((i) => i.sequence).sort((a, b) => a - b);
      recordDrill({
        drill: 'disk-full',
        windowSeconds: FULL_SECONDS,
        summary: `disk full for ${FULL_SECONDS} s: paused ${((pauseStartMs - filledAtMs) / 1000).toFixed(1)} s after the fill, ${queuedAtPause} uploads queued then, ${notDoneDuringPause} not handed over by the pause's end; HLS ${hlsSeen.size} updates (at most ${maxHlsFiles} segment files); resumed ${resumedAfterSeconds.toFixed(1)} s after space returned; ${files.length} segments in ${sessions.length} session, ${corrupt} corrupt, ${bytesLost} bytes lost`,
        figures: {
          pauseAfterFillSeconds: Number(((pauseStartMs - filledAtMs) / 1000).toFixed(1)),
          queuedAtPause,
          notHandedOverAtPauseEnd: notDoneDuringPause,
          hlsUpdatesDuringPause: hlsSeen.size,
          maxHlsSegmentFiles: maxHlsFiles,
          resumeAfterSpaceSeconds: Number(resumedAfterSeconds.toFixed(1)),
          segments: files.length,
          sessions: sessions.length,
          corruptSegments: corrupt,
          bytesLost,
        },
      });

      expect(notPlayable).toBe(0);
      expect(hlsSeen.size).toBeGreaterThanOrEqual(Math.floor(FULL_SECONDS / 2) - 1);
      // pruned: the HLS folder holds a playlist's worth of segments, not the whole pause
      expect(maxHlsFiles).toBeLessThan(FULL_SECONDS / 2 + 2);
      expect(recordedDuringPause).toBe(0);
      expect(newSegmentsDuringPause).toBeLessThanOrEqual(1);
      expect(queuedAtPause).toBeGreaterThanOrEqual(1);
      expect(notDoneDuringPause).toBeLessThanOrEqual(1);
      expect(sessions).toHaveLength(1);
      expect(corrupt).toBe(0);
      expect(bytesLost).toBe(0);
      expect(handedOver).toHaveLength(files.length);
      expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 0) + i));
    },
    drillTimeoutMs(FULL_SECONDS, 150),
  );
});
