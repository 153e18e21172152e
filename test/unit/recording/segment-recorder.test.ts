// Unit tests of SegmentRecorder with a fake FFmpeg child, a fake statfs and a fake ffprobe: segments are
// reported from the CSV list, the unlisted tail after a crash is probed, the disk margin pauses a start until space returns,
// and FFmpeg's stderr is redacted before it becomes the state's reason.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { SegmentRecorder } from '../../../main/recording/segment-recorder.js';
import type { DiskLowAlert, FinishedSegment, SegmentRecorderOptions } from '../../../main/recording/recorder-types.js';
import { tempDir, waitFor } from '../../helpers/net.js';
import { fakeSpawner, type FakeChild } from '../../helpers/fake-spawner.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const recorders: SegmentRecorder[] = [];
afterEach(async () => {
  await Promise.all(recorders.splice(0).map((r) => r.stop()));
});

function setup(more: Partial<SegmentRecorderOptions> = {}) {
  const dataDir = tempDir('klive-recorder-unit-');
  // every run has the same pid, and exits cleanly a moment after 'q' on its stdin, like FFmpeg
  const spawner = fakeSpawner(999_999, {
    pidStep: 0,
    onSpawn: (child) => {
      child.onWrite = (text) => {
        if (text.includes('q')) setTimeout(() => child.exit(0), 1);
      };
    },
  });
  const children = spawner.children;
  const segments: FinishedSegment[] = [];
  const alerts: DiskLowAlert[] = [];
  const recorder = new SegmentRecorder({
    ffmpegPath: '/usr/bin/ffmpeg',
    dataDir,
    entryId: '0_rkij47dr',
    sessionId: 's1',
    input: ['-i', 'rtmp://127.0.0.1:1935/kLive/0_rkij47dr_1'],
    segmentSeconds: 4,
    listPollIntervalMs: 20,
    restartBaseMs: 60_000,
    logger: silentLogger(),
    statfs: async () => ({ freeBytes: 10 * 1024 ** 3, totalBytes: 100 * 1024 ** 3 }),
    probeDuration: async (file) => (fs.statSync(file).size > 10 ? 1.5 : null),
    spawner,
    onSegment: (s) => segments.push(s),
    onAlert: (a) => alerts.push(a),
    ...more,
  });
  recorders.push(recorder);
  const listPath = (child: FakeChild): string => child.args[child.args.indexOf('-segment_list') + 1]!;
  return { dataDir, recorder, children, segments, alerts, listPath };
}

describe('SegmentRecorder (fake FFmpeg)', () => {
  it('reports each segment once FFmpeg lists it, with the listed duration and the file size', async () => {
    const { recorder, children, segments, listPath } = setup();
    await recorder.start();
    const child = children[0]!;
    expect(child.args).toContain('-segment_start_number');
    expect(recorder.state().currentSegmentPath).toBe(path.join(recorder.directory, 'seg_000000.ts'));
    fs.writeFileSync(path.join(recorder.directory, 'seg_000000.ts'), Buffer.alloc(1000));
    fs.writeFileSync(path.join(recorder.directory, 'seg_000001.ts'), Buffer.alloc(500));
    fs.writeFileSync(listPath(child), 'seg_000000.ts,0.000000,4.000000\n');
    await waitFor(() => segments.length === 1, { what: 'the listed segment' });
    expect(segments[0]).toMatchObject({
      sequence: 0,
      durationSeconds: 4,
      sizeBytes: 1000,
      entryId: '0_rkij47dr',
      sessionId: 's1',
    });
    expect(recorder.state().currentSegmentPath).toBe(path.join(recorder.directory, 'seg_000001.ts'));
    // the segment being written is not reported until it is listed (or FFmpeg is gone)
    await new Promise((r) => setTimeout(r, 100));
    expect(segments).toHaveLength(1);
  });

  it('resume(): the publisher came back, so the next run starts now instead of after the restart backoff (issue 20: a reconnecting encoder lost most of its recording)', async () => {
    const { recorder, children } = setup(); // restartBaseMs 60 s
    await recorder.start();
    children[0]!.exit(0); // the drop ended FFmpeg's input
    await waitFor(() => recorder.state().observed === 'restarting', { what: 'the restart wait' });
    expect(children).toHaveLength(1);
    recorder.resume();
    await waitFor(() => children.length === 2 && recorder.state().observed === 'recording', {
      timeoutMs: 2000,
      what: 'the run started by resume()',
    });
    expect(recorder.state().wanted).toBe('run');
  });

  it('after a crash reports the playable unlisted tail, drops an empty one, and restarts numbering after both', async () => {
    const { recorder, children, segments, listPath } = setup({ restartBaseMs: 10 });
    await recorder.start();
    const first = children[0]!;
    fs.writeFileSync(path.join(recorder.directory, 'seg_000000.ts'), Buffer.alloc(1000));
    fs.writeFileSync(path.join(recorder.directory, 'seg_000001.ts'), Buffer.alloc(300));
    fs.writeFileSync(path.join(recorder.directory, 'seg_000002.ts'), Buffer.alloc(0));
    fs.writeFileSync(listPath(first), 'seg_000000.ts,0.000000,4.000000\n');
    first.stderr('rtmp://127.0.0.1:1935/kLive/?p=102&e=0_rkij47dr&i=0&t=dj94kfit: Connection reset\n');
    await new Promise((r) => setTimeout(r, 50));
    first.exit(1);
    await waitFor(() => children.length === 2, { what: 'the restart' });
    expect(segments.map((s) => [s.sequence, s.durationSeconds])).toEqual([
      [0, 4],
      [1, 1.5],
    ]);
    expect(fs.existsSync(path.join(recorder.directory, 'seg_000002.ts'))).toBe(false);
    const second = children[1]!;
    expect(second.args[second.args.indexOf('-segment_start_number') + 1]).toBe('2');
    expect(listPath(second)).not.toBe(listPath(first));
    expect(recorder.state().restarts).toBe(1);
    expect(recorder.state().reason).toContain('Connection reset');
    expect(recorder.state().reason).not.toContain('dj94kfit');
  });

  it('does not start below the disk margin: waits paused, says how much is free and what to do, and starts once space returns', async () => {
    let freeBytes = 100 * 1024 ** 2;
    const { recorder, children, alerts } = setup({
      statfs: async () => ({ freeBytes, totalBytes: 100 * 1024 ** 3 }),
      minFreePercent: 1,
      diskCheckIntervalMs: 10,
    });
    await recorder.start();
    expect(children).toHaveLength(0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.marginBytes).toBeCloseTo(1024 ** 3, -3);
    expect(alerts[0]!.message).toMatch(
      /^disk full: 100\.0 MB free, recording paused for .*needs 1\.0 GiB free.*resumes by itself when space returns: free some space or choose another data folder/,
    );
    expect(recorder.state()).toMatchObject({ wanted: 'run', observed: 'paused' });
    // just above the margin is not enough (headroom against flapping); well above it is
    freeBytes = 1.05 * 1024 ** 3;
    await new Promise((r) => setTimeout(r, 50));
    expect(children).toHaveLength(0);
    freeBytes = 2 * 1024 ** 3;
    await waitFor(() => children.length === 1, { timeoutMs: 2000, what: 'the recording to start' });
    expect(recorder.state()).toMatchObject({ wanted: 'run', observed: 'recording', reason: null });
    expect(alerts).toHaveLength(1);
    await recorder.stop();
  });

  it('stops cleanly with q', async () => {
    const { recorder, children } = setup();
    await recorder.start();
    await recorder.stop();
    expect(children[0]!.stdin).toEqual(['q']);
    expect(children[0]!.signals).toEqual([]);
    expect(recorder.state().currentSegmentPath).toBeNull();
    expect(recorder.state()).toMatchObject({ wanted: 'stop', observed: 'stopped', pid: null });
  });

  it('records the FFmpeg pid of each run while it runs, so the recorder of a crashed station is ended at the next start', async () => {
    const pids = new Map<number, string>();
    const log: string[] = [];
    const { recorder, children } = setup({
      restartBaseMs: 10,
      pids: {
        add: (pid, label) => {
          pids.set(pid, label);
          log.push(`add ${pid}`);
        },
        remove: (pid) => {
          pids.delete(pid);
          log.push(`remove ${pid}`);
        },
      },
    });
    await recorder.start();
    expect([...pids]).toEqual([[999_999, 'recording 0_rkij47dr']]);
    children[0]!.exit(1);
    await waitFor(() => children.length === 2, { what: 'the restart' });
    // the crashed run was forgotten before its successor was recorded
    expect(log).toEqual(['add 999999', 'remove 999999', 'add 999999']);
    await recorder.stop();
    expect(pids.size).toBe(0);
  });

  it('an FFmpeg that ignores q: SIGKILL of its group after stopTimeoutMs on the injected clock, then stopped', async () => {
    const clock = new ManualClock();
    const deaf = fakeSpawner(4242);
    const { recorder } = setup({ clock, spawner: deaf, stopTimeoutMs: 5000 });
    await recorder.start();
    expect(recorder.state()).toMatchObject({ observed: 'recording', pid: 4242 });
    let stopped = false;
    const stopping = recorder.stop().then(() => (stopped = true));
    const child = deaf.last();
    expect(child.stdin).toEqual(['q']);
    clock.advance(4999);
    expect(child.signals).toEqual([]);
    clock.advance(1);
    expect(child.signals).toEqual(['SIGKILL']);
    expect(stopped).toBe(false);
    child.exit(null, 'SIGKILL');
    await stopping;
    expect(recorder.state()).toMatchObject({ wanted: 'stop', observed: 'stopped', pid: null });
    expect(deaf.children).toHaveLength(1);
  });

  it('rejects a segment length below one second', () => {
    expect(() => setup({ segmentSeconds: 0.5 })).toThrow(/segmentSeconds must be at least 1/);
  });
});
