// Drill: the RTMP port is flooded with malformed input (garbage, broken handshakes, absurd chunk headers,
// half-open connections) while a real stream is live. The real stream must not notice: its transcoder keeps
// running (same pid), HLS keeps advancing, it stays playable. The 30 s flood runs
// KLIVE_DRILL_FLOOD_SECONDS (10 s in CI).
import crypto from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';
import { PASSTHROUGH_PROFILE_ID } from '../../../main/sandbox/index.js';
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

const FLOOD_SECONDS = drillSeconds('flood');
const ATTACKERS = 10;
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

/** One malformed session; the kind rotates. Resolves when the connection is over. */
function attack(port: number, kind: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (): void => {
      socket.destroy();
      resolve();
    };
    socket.setTimeout(500, done);
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => {
      if (kind === 0)
        socket.end(crypto.randomBytes(4096)); // garbage from the first byte
      else if (kind === 1)
        socket.write(Buffer.concat([Buffer.from([0x03]), crypto.randomBytes(700)])); // half a handshake, then silence
      else if (kind === 2) {
        // a full handshake, then chunk headers announcing absurd sizes and unknown message types
        socket.write(Buffer.concat([Buffer.from([0x03]), Buffer.alloc(1536)]));
        setTimeout(() => {
          const bogus = Buffer.from([
            0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0x7f, 0, 0, 0, 0,
          ]);
          socket.write(Buffer.concat([Buffer.alloc(1536), bogus, crypto.randomBytes(2048)]));
        }, 50);
      } else socket.end(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')); // the wrong protocol
    });
  });
}

describe(`drill: RTMP port flooded with malformed input for ${FLOOD_SECONDS} s while a real stream is live (30 s in the issue)`, () => {
  it(
    'leaves the real stream unaffected',
    async () => {
      const entry = s.sandbox.store.createEntry({ name: 'flood drill', conversionProfileId: PASSTHROUGH_PROFILE_ID });
      publisher = startPublisher(
        { rtmpPort: s.rtmpPort, partnerId: entry.partnerId, entryId: entry.id, token: entry.streamPassword },
        { width: 320, height: 180, fps: 15 },
      );
      const playable = async (): Promise<boolean> =>
        (await s.snapshot()).entries
          .find((e) => e.entryId === entry.id)
          ?.streams.some((st) => st.state === 'playable') ?? false;
      await waitFor(playable, { timeoutMs: 30_000, what: 'playable' });
      const playlist = await waitFor(() => variantPlaylists(s.dataDir, entry.id)[0], {
        timeoutMs: 10_000,
        what: 'a variant playlist',
      });
      const [transcoder] = liveFfmpegUnder(s.dataDir);
      expect(transcoder).toBeDefined();

      let sessions = 0;
      let stop = false;
      const attackers = Array.from({ length: ATTACKERS }, async (_, a) => {
        let k = a;
        while (!stop) {
          await attack(s.rtmpPort, k++ % 4);
          sessions++;
        }
      });
      const lastSegments = new Set<string>();
      let notPlayable = 0;
      const startMs = Date.now();
      try {
        while (Date.now() - startMs < FLOOD_SECONDS * 1000) {
          await sleep(1000);
          const p = readPlaylist(playlist);
          lastSegments.add(p?.segments.at(-1)?.uri ?? '');
          if (!(await playable())) notPlayable++;
        }
      } finally {
        stop = true;
        await Promise.all(attackers);
      }
      const p = readPlaylist(playlist);
      recordDrill({
        drill: 'rtmp-flood',
        windowSeconds: FLOOD_SECONDS,
        summary: `${sessions} malformed sessions in ${FLOOD_SECONDS} s; ${lastSegments.size} distinct last segments; not playable ${notPlayable} times`,
        figures: { malformedSessions: sessions, distinctLastSegments: lastSegments.size, notPlayable },
      });

      expect(sessions).toBeGreaterThan(FLOOD_SECONDS * 20);
      expect(notPlayable).toBe(0);
      expect(lastSegments.size).toBeGreaterThanOrEqual(Math.floor(FLOOD_SECONDS / 2) - 1);
      expect(liveFfmpegUnder(s.dataDir).map((x) => x.pid)).toEqual([transcoder?.pid]);
      expect(p?.segments.some((x) => x.discontinuityBefore)).toBe(false);
      expect(publisher.child.exitCode).toBeNull();
    },
    drillTimeoutMs(FLOOD_SECONDS, 60),
  );
});
