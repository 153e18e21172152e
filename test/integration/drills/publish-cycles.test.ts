// Drill: 100 connect/publish/disconnect cycles (raw RTMP publishes, every 20th a real FFmpeg publisher
// that lives long enough to start a transcoder). Afterwards no FFmpeg, socket or file descriptor may be
// left over: counts from /proc/self/fd and /proc before and after.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rtmpPublish } from '../../bench/rtmp-client.js';
import { startPublisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';
import { PASSTHROUGH_PROFILE_ID, type EntryRecord } from '../../../main/sandbox/index.js';
import { killGroups, liveFfmpegUnder, sleep, startDrillStation, type DrillStation } from './drill-kit.js';
import { drillTimeoutMs, recordDrill } from './drill-windows.js';

const CYCLES = 100;
let s: DrillStation;

beforeAll(async () => {
  s = await startDrillStation({ tuning: { resumeGraceMs: 500, keepAliveIntervalMs: 5000 } });
});

afterAll(async () => {
  await s?.stop();
  killGroups(liveFfmpegUnder(s?.dataDir ?? '/nonexistent').map((p) => p.pid));
});

function fdCounts(): { all: number; sockets: number } {
  let all = 0;
  let sockets = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      all++;
      if (target.startsWith('socket:')) sockets++;
    } catch {
      // the fd of the readdir itself, closed by now
    }
  }
  return { all, sockets };
}

async function realCycle(e: EntryRecord): Promise<void> {
  const p = startPublisher(
    { rtmpPort: s.rtmpPort, partnerId: e.partnerId, entryId: e.id, token: e.streamPassword },
    { durationSeconds: 3, fps: 10 },
  );
  await waitFor(() => liveFfmpegUnder(s.dataDir).length > 0, {
    timeoutMs: 15_000,
    what: 'a transcoder for the real publisher',
  });
  await p.exited;
}

async function rawCycle(e: EntryRecord): Promise<string> {
  const r = await rtmpPublish(
    { port: s.rtmpPort, app: `kLive/?p=${e.partnerId}&e=${e.id}&i=0&t=${e.streamPassword}`, streamName: `${e.id}_1` },
    10_000,
  );
  r.socket.destroy();
  return r.code;
}

async function settled(): Promise<void> {
  await waitFor(
    async () =>
      liveFfmpegUnder(s.dataDir).length === 0 &&
      !(await s.snapshot()).entries.some((en) =>
        en.streams.some((st) => ['authenticating', 'live', 'playable', 'reconnecting'].includes(st.state)),
      ),
    { timeoutMs: 30_000, intervalMs: 200, what: 'every stream ended and every FFmpeg gone' },
  );
  await sleep(500);
}

describe(`drill: ${CYCLES} connect/publish/disconnect cycles`, () => {
  it(
    'leaves no FFmpeg, socket or file descriptor behind',
    async () => {
      const entries = [0, 1, 2, 3, 4].map((i) =>
        s.sandbox.store.createEntry({ name: `cycle ${i}`, conversionProfileId: PASSTHROUGH_PROFILE_ID }),
      );
      // warm-up: lazily opened files (logs, state) are open before the baseline
      await realCycle(entries[0] as EntryRecord);
      await rawCycle(entries[1] as EntryRecord);
      await settled();
      const before = fdCounts();

      const codes = new Map<string, number>();
      let maxFfmpeg = 0;
      for (let i = 0; i < CYCLES; i++) {
        const e = entries[i % entries.length] as EntryRecord;
        if (i % 20 === 19) {
          await realCycle(e);
          codes.set('real', (codes.get('real') ?? 0) + 1);
        } else {
          const code = await rawCycle(e);
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
        maxFfmpeg = Math.max(maxFfmpeg, liveFfmpegUnder(s.dataDir).length);
        await sleep(50);
      }
      await settled();
      const after = fdCounts();
      recordDrill({
        drill: 'publish-cycles',
        windowSeconds: null,
        summary: `${CYCLES} cycles (${[...codes].map(([c, n]) => `${c}: ${n}`).join(', ')}); at most ${maxFfmpeg} FFmpeg at once; fds ${before.all} -> ${after.all}, sockets ${before.sockets} -> ${after.sockets}`,
        figures: {
          cycles: CYCLES,
          maxFfmpegAtOnce: maxFfmpeg,
          fdsBefore: before.all,
          fdsAfter: after.all,
          socketsBefore: before.sockets,
          socketsAfter: after.sockets,
        },
      });

      expect(codes.get('NetStream.Publish.Start') ?? 0).toBe(CYCLES - CYCLES / 20);
      expect(liveFfmpegUnder(s.dataDir)).toEqual([]);
      expect(after.sockets).toBeLessThanOrEqual(before.sockets);
      expect(after.all).toBeLessThanOrEqual(before.all);
    },
    drillTimeoutMs(0, 150),
  );
});
