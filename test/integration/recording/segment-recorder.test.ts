// Integration: the segment recorder with real FFmpeg: a killed FFmpeg loses no finished segment and the
// restart continues the numbering; a nearly full disk (an 8 MiB tmpfs: needs root, or CAP_SYS_ADMIN, to
// mount; the test fails saying so otherwise, it never skips) raises the alert, pauses the recording cleanly,
// leaves only playable MPEG-TS segments, and resumes it when space returns.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { nodeSpawner } from '../../../main/process/spawner.js';
import { SegmentRecorder } from '../../../main/recording/segment-recorder.js';
import type {
  DiskLowAlert,
  DiskRecoveredEvent,
  FinishedSegment,
  SegmentRecorderOptions,
} from '../../../main/recording/recorder-types.js';
import { tempDir, waitFor } from '../../helpers/net.js';
import { FFMPEG, FFPROBE, makeSourceFlv, probeSegment } from './harness.js';

const ENTRY = '0_rkij47dr';
let workDir: string;
let sourceFlv: string;
let mountDir: string | null = null;
let mountProblem: string | null = null;
const recorders: SegmentRecorder[] = [];

beforeAll(() => {
  workDir = tempDir('klive-recorder-');
  sourceFlv = makeSourceFlv(workDir, 4);
  const dir = path.join(workDir, 'tiny-disk');
  fs.mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'pipe' });
    mountDir = dir;
  } catch (e) {
    mountProblem = `cannot mount an 8 MiB tmpfs (${(e as Error).message.split('\n')[0]}): the disk-full test needs root (or CAP_SYS_ADMIN) to mount one; run the integration tests as root, as CI does`;
  }
});

afterEach(async () => {
  await Promise.all(recorders.splice(0).map((r) => r.stop()));
});

afterAll(() => {
  if (mountDir) execFileSync('umount', [mountDir]);
  fs.rmSync(workDir, { recursive: true, force: true });
});

function recorder(
  options: Partial<SegmentRecorderOptions> & Pick<SegmentRecorderOptions, 'dataDir' | 'onSegment'>,
): SegmentRecorder {
  const r = new SegmentRecorder({
    ffmpegPath: FFMPEG,
    ffprobePath: FFPROBE,
    entryId: ENTRY,
    sessionId: 's1',
    // the 4 s source looped forever, in real time
    input: ['-re', '-stream_loop', '-1', '-i', sourceFlv],
    segmentSeconds: 2,
    listPollIntervalMs: 200,
    minFreeBytes: 1024 * 1024,
    logger: silentLogger(),
    ...options,
  });
  recorders.push(r);
  return r;
}

function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

describe('SegmentRecorder', () => {
  it('keeps every finished segment when FFmpeg is killed, and the restart continues the numbering', async () => {
    const dataDir = tempDir('klive-recorder-data-');
    const segments: FinishedSegment[] = [];
    const r = recorder({ dataDir, restartBaseMs: 300, onSegment: (s) => segments.push(s) });
    await r.start();
    await waitFor(() => segments.length >= 2, { timeoutMs: 30_000, what: 'two finished segments' });
    const before = segments.map((s) => ({ file: s.filePath, hash: sha(s.filePath) }));
    const pid = r.state().pid!;
    process.kill(-pid, 'SIGKILL');
    await waitFor(() => r.state().restarts === 1 && r.state().observed === 'recording', {
      timeoutMs: 20_000,
      what: 'the restart',
    });
    const countAtRestart = segments.length;
    await waitFor(() => segments.length >= countAtRestart + 2, {
      timeoutMs: 30_000,
      what: 'two more segments after the restart',
    });
    await r.stop();

    const sequences = segments.map((s) => s.sequence);
    expect(new Set(sequences).size).toBe(sequences.length);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    for (const b of before) expect(sha(b.file)).toBe(b.hash);
    for (const s of segments) {
      const probe = await probeSegment(s.filePath);
      expect(probe.formatName).toBe('mpegts');
      expect(probe.videoFrames).toBeGreaterThan(0);
      expect(s.durationSeconds).toBeGreaterThan(0);
    }
    // every .ts on disk was reported (nothing silently dropped), none overwritten
    const onDisk = fs
      .readdirSync(r.directory)
      .filter((f) => f.endsWith('.ts'))
      .sort();
    expect(onDisk).toEqual(segments.map((s) => path.basename(s.filePath)).sort());
    expect(r.state().observed).toBe('stopped');
  });

  it('kills the whole process group when FFmpeg ignores q', async () => {
    const dataDir = tempDir('klive-recorder-data-');
    // a stand-in that ignores stdin and termination signals, with a child of its own
    const r = recorder({
      dataDir,
      stopTimeoutMs: 300,
      onSegment: () => undefined,
      spawner: {
        spawn: (_bin, _args, options) =>
          nodeSpawner({ PATH: process.env.PATH ?? '' }).spawn(
            '/bin/sh',
            ['-c', 'trap "" INT TERM; sleep 600 & wait'],
            options,
          ),
      },
    });
    await r.start();
    const pid = r.state().pid!;
    await new Promise((resolve) => setTimeout(resolve, 200));
    await r.stop();
    expect(r.state()).toMatchObject({ wanted: 'stop', observed: 'stopped', pid: null });
    const groupAlive = (): boolean => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(() => !groupAlive(), { timeoutMs: 5000, what: 'the process group to be gone' });
  });

  it('raises the disk alert, pauses cleanly, leaves only playable segments when the disk fills, and resumes when space returns', async () => {
    if (!mountDir) throw new Error(mountProblem ?? 'no tmpfs');
    const segments: FinishedSegment[] = [];
    const alerts: DiskLowAlert[] = [];
    const recovered: DiskRecoveredEvent[] = [];
    // 8 MiB disk, pause below 3 MiB free
    const r = recorder({
      dataDir: mountDir,
      minFreeBytes: 3 * 1024 * 1024,
      diskCheckIntervalMs: 200,
      onSegment: (s) => segments.push(s),
      onAlert: (a) => alerts.push(a),
      onDiskRecovered: (e) => recovered.push(e),
    });
    await r.start();
    await waitFor(() => segments.length >= 1, { timeoutMs: 30_000, what: 'a first segment' });
    // something else fills the disk
    const filler = path.join(mountDir, 'filler.bin');
    const free = fs.statfsSync(mountDir);
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free.bavail * free.bsize - 2 * 1024 * 1024)));
    await waitFor(() => alerts.length > 0, { timeoutMs: 20_000, what: 'the disk-low alert' });
    expect(alerts[0]).toMatchObject({ kind: 'disk-low', entryId: ENTRY });
    expect(alerts[0]!.message).toMatch(
      /^disk full: \d+\.\d MB free, recording paused for 0_rkij47dr .*resumes by itself when space returns/,
    );
    expect(r.state()).toMatchObject({ wanted: 'run', observed: 'paused' });
    expect(r.state().reason).toBe(alerts[0]!.message);
    // FFmpeg ended cleanly: every .ts on disk is reported and playable
    const files = await waitFor(
      () => {
        const onDisk = fs
          .readdirSync(r.directory)
          .filter((f) => f.endsWith('.ts'))
          .sort();
        return onDisk.length > 0 &&
          onDisk.join() ===
            segments
              .map((s) => path.basename(s.filePath))
              .sort()
              .join()
          ? onDisk
          : null;
      },
      { timeoutMs: 15_000, what: 'the paused run to report its last segment' },
    );
    for (const file of files) {
      const probe = await probeSegment(path.join(r.directory, file));
      expect(probe.formatName).toBe('mpegts');
      expect(probe.videoFrames).toBeGreaterThan(0);
    }

    // space returns: the same recorder resumes, numbering continued
    const pausedAt = segments.length;
    fs.rmSync(filler);
    await waitFor(() => recovered.length > 0 && r.state().observed === 'recording', {
      timeoutMs: 10_000,
      what: 'the recording to resume',
    });
    expect(recovered[0]!.message).toMatch(/^disk space back: .* MB free, recording of 0_rkij47dr resumed/);
    expect(r.state().reason).toBeNull();
    await waitFor(() => segments.length >= pausedAt + 1, { timeoutMs: 30_000, what: 'a segment after the resume' });
    expect(segments.at(-1)!.sequence).toBeGreaterThan(segments[pausedAt - 1]!.sequence);
    await r.stop();
    expect(alerts).toHaveLength(1);

    // below the margin a new recording does not even start: it waits, paused
    let spawned = 0;
    const again = recorder({
      dataDir: mountDir,
      sessionId: 's2',
      minFreeBytes: 10 * 1024 * 1024,
      onSegment: () => undefined,
      onAlert: (a) => alerts.push(a),
      spawner: {
        spawn: () => {
          spawned += 1;
          throw new Error('must not spawn');
        },
      },
    });
    await again.start();
    expect(spawned).toBe(0);
    expect(alerts).toHaveLength(2);
    expect(again.state()).toMatchObject({ wanted: 'run', observed: 'paused' });
  });
});
