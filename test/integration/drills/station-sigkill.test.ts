// Drill: the station (the built CLI, a child process) is killed with SIGKILL while a recorded stream is
// live, then started again on the same data dir. No FFmpeg of the killed run may survive the restart, and
// the upload queue must resume: every segment queued at the kill reaches Kaltura (the sandbox) afterwards.
// Needs `npm run build` (npm run test:integration does it).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStation, type StationProcess } from '../../helpers/station-process.js';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';
import { tempDir, waitFor } from '../../helpers/net.js';
import { silentLogger } from '../../../main/log/logger.js';
import { PASSTHROUGH_PROFILE_ID, SandboxStore } from '../../../main/sandbox/index.js';
import { QueueFileSchema, type QueueFile } from '../../../main/recording/queue-store.js';
import { killGroups, liveFfmpegUnder, writeSettings } from './drill-kit.js';
import { drillTimeoutMs, recordDrill } from './drill-windows.js';

const dataDir = tempDir('klive-drill-kill-');
const ENTRY = '0_killdril';
const TOKEN = 'cafe1234';
const stations: StationProcess[] = [];
let publisher: Publisher | null = null;

afterAll(async () => {
  await publisher?.stop();
  for (const st of stations) await st.stop('SIGKILL');
  killGroups(liveFfmpegUnder(dataDir).map((p) => p.pid));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function queue(): QueueFile {
  return QueueFileSchema.parse(JSON.parse(fs.readFileSync(path.join(dataDir, 'recordings', 'queue.json'), 'utf8')));
}

function alive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('drill: the station killed with SIGKILL while live, then started again', () => {
  it(
    'leaves no orphan FFmpeg and resumes the upload queue',
    async () => {
      const store = new SandboxStore(path.join(dataDir, 'sandbox'), silentLogger(), Date.now);
      store.createEntry({
        name: 'kill drill',
        id: ENTRY,
        streamPassword: TOKEN,
        conversionProfileId: PASSTHROUGH_PROFILE_ID,
        record: true,
      });
      writeSettings(dataDir, { media: { recordingSegmentSeconds: 3 } });

      const first = await startStation({ dataDir, args: ['--log-level', 'warn'] });
      stations.push(first);
      publisher = startPublisher(
        { rtmpPort: first.rtmpPort, partnerId: 102, entryId: ENTRY, token: TOKEN },
        { width: 320, height: 180, fps: 15 },
      );
      await waitFor(
        () =>
          fs.existsSync(path.join(dataDir, 'recordings', 'queue.json')) &&
          queue().items.filter((i) => i.entryId === ENTRY).length >= 2,
        { timeoutMs: 40_000, intervalMs: 200, what: 'two recorded segments queued' },
      );
      const oldFfmpeg = liveFfmpegUnder(dataDir)
        .filter((p) => p.ppid === first.child.pid)
        .map((p) => p.pid);
      expect(oldFfmpeg.length, 'a transcoder and a recorder').toBeGreaterThanOrEqual(2);
      // both are in the pid file the next start reaps from, the recorder too: a hung one would not end by itself
      const recorded = JSON.parse(fs.readFileSync(path.join(dataDir, 'run', 'ffmpeg-pids.json'), 'utf8')) as Array<{
        pid: number;
        label: string;
      }>;
      expect(oldFfmpeg.filter((pid) => !recorded.some((r) => r.pid === pid))).toEqual([]);
      expect(recorded.some((r) => r.label === `recording ${ENTRY}`)).toBe(true);

      first.child.kill('SIGKILL');
      await first.stop();
      const atKill = queue();
      const queuedAtKill = atKill.items.filter((i) => i.entryId === ENTRY);
      const notDoneAtKill = queuedAtKill.filter((i) => i.state !== 'done');
      await publisher.stop();
      publisher = null;

      const second = await startStation({ dataDir, args: ['--log-level', 'warn'] });
      stations.push(second);
      // no FFmpeg of the killed run is left (they lost their input, or the restart reaped them by pid file)
      await waitFor(() => oldFfmpeg.every((pid) => !alive(pid)), {
        timeoutMs: 10_000,
        what: "the killed run's FFmpeg gone",
      });
      expect(liveFfmpegUnder(dataDir).filter((p) => p.ppid !== second.child.pid)).toEqual([]);

      // the queue resumes: everything queued at the kill is delivered, and the session closed
      const after = await waitFor(
        () => {
          const q = queue();
          const ours = q.items.filter((i) => i.entryId === ENTRY);
          return queuedAtKill.every((k) => ours.find((i) => i.id === k.id)?.state === 'done') ? q : null;
        },
        { timeoutMs: 60_000, intervalMs: 500, what: 'every segment queued at the kill uploaded' },
      ).catch((e: Error) => {
        // say where the queue stands, for a failure seen only on a loaded machine
        const items = queue()
          .items.filter((i) => i.entryId === ENTRY)
          .map((i) => ({
            id: i.id,
            state: i.state,
            held: i.held,
            appendSent: i.appendSent,
            token: i.tokenId !== null,
            uploadedBytes: i.uploadedBytes,
            reason: i.reason,
          }));
        throw new Error(
          `${e.message}; at the kill ${JSON.stringify(queuedAtKill.map((i) => ({ id: i.id, state: i.state, appendSent: i.appendSent })))}; now ${JSON.stringify(items)}; station log: ${second.stderr().slice(-2000)}`,
        );
      });
      const appended = (
        JSON.parse(fs.readFileSync(path.join(dataDir, 'sandbox', 'state.json'), 'utf8')) as {
          recordings: Array<{ entryId: string; action: string; isLastChunk: boolean }>;
        }
      ).recordings.filter((r) => r.entryId === ENTRY && r.action === 'appendRecording');
      recordDrill({
        drill: 'station-sigkill',
        windowSeconds: null,
        summary: `killed with ${queuedAtKill.length} segments queued (${notDoneAtKill.length} not done); after restart ${after.items.filter((i) => i.entryId === ENTRY && i.state === 'done').length} done, ${appended.length} appendRecording calls, open sessions ${after.openSessions.length}`,
        figures: {
          queuedAtKill: queuedAtKill.length,
          notDoneAtKill: notDoneAtKill.length,
          appendRecordingCalls: appended.length,
          openSessions: after.openSessions.length,
        },
      });
      expect(notDoneAtKill.length).toBeGreaterThanOrEqual(1);
      expect(appended.length).toBeGreaterThanOrEqual(queuedAtKill.length);
      expect(after.items.filter((i) => i.entryId === ENTRY && i.state === 'failed')).toEqual([]);
    },
    drillTimeoutMs(0, 150),
  );
});
