// Drill: a flapping uplink. The sandbox's fault settings fail 30 % of Kaltura calls (INTERNAL_SERVERL_ERROR)
// and delay every call by 2 s for KLIVE_DRILL_FLAPPING_SECONDS (15 s in CI, 60 s in the issue) while a
// recorded stream is live and its 3 s segments upload. Pinned: no duplicate hand-over (one appendRecording
// per segment), no recorded byte lost, keep-alives never more than 120 s apart (Kaltura forgets a node after
// 120 s), and the window's Kaltura status says degraded (answering, some calls failing), never down.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';
import { PASSTHROUGH_PROFILE_ID } from '../../../main/sandbox/index.js';
import { killGroups, liveFfmpegUnder, sleep, startDrillStation, type DrillStation } from './drill-kit.js';
import { drillSeconds, drillTimeoutMs, recordDrill } from './drill-windows.js';

const FLAP_SECONDS = drillSeconds('flappingUplink');
/** a shortened keep-alive interval (the station's default is 60 s) so even the CI window holds several */
const KEEP_ALIVE_INTERVAL_MS = 10_000;
const NODE_EXPIRY_MS = 120_000;
let s: DrillStation;
let publisher: Publisher | null = null;

beforeAll(async () => {
  s = await startDrillStation({
    tuning: { resumeGraceMs: 3000, keepAliveIntervalMs: KEEP_ALIVE_INTERVAL_MS },
    settings: { media: { recordingSegmentSeconds: 3 } },
  });
});

afterAll(async () => {
  await publisher?.stop();
  s?.sandbox.faults.reset();
  await s?.stop();
  killGroups(liveFfmpegUnder(s?.dataDir ?? '/nonexistent').map((p) => p.pid));
});

describe(`drill: a flapping uplink (30 % errors, 2 s latency) for ${FLAP_SECONDS} s while live and uploading`, () => {
  it(
    'hands every segment over exactly once, loses nothing, keeps the registration alive and shows Kaltura degraded',
    async () => {
      const entry = s.sandbox.store.createEntry({
        name: 'flapping drill',
        conversionProfileId: PASSTHROUGH_PROFILE_ID,
        record: true,
      });
      publisher = startPublisher(
        { rtmpPort: s.rtmpPort, partnerId: entry.partnerId, entryId: entry.id, token: entry.streamPassword },
        { width: 320, height: 180, fps: 15 },
      );
      const entryState = async () => (await s.snapshot()).entries.find((e) => e.entryId === entry.id);
      await waitFor(async () => (await entryState())?.streams.some((st) => st.state === 'playable'), {
        timeoutMs: 30_000,
        what: 'playable',
      });
      await waitFor(() => s.sandbox.store.recordings().some((r) => r.entryId === entry.id), {
        timeoutMs: 30_000,
        what: 'a first recording upload',
      });
      const keepAlive = () => s.sandbox.store.nodes().find((n) => n.entryId === entry.id)?.renewedAtMs ?? null;
      await waitFor(() => keepAlive(), { timeoutMs: 20_000, what: 'a registration' });

      // a deterministic 30 %: three calls in every ten fail, so the short CI window always sees the rate it names
      // (with Math.random a window of ~10 calls saw fewer than two failures about one run in seven)
      let faultDraw = 0;
      (s.sandbox.faults as unknown as { random: () => number }).random = () => (faultDraw++ % 10 < 3 ? 0 : 0.99);
      s.sandbox.faults.set({ errorRate: 0.3, latencyMs: 2000 });
      const startMs = Date.now();
      let lastKeepAliveMs = keepAlive() ?? startMs;
      let longestGapMs = 0;
      let keepAlives = 0;
      const apiStates = new Map<string, number>();
      let notPlayable = 0;
      while (Date.now() - startMs < FLAP_SECONDS * 1000) {
        await sleep(500);
        const renewed = keepAlive();
        if (renewed !== null && renewed > lastKeepAliveMs) {
          longestGapMs = Math.max(longestGapMs, renewed - lastKeepAliveMs);
          lastKeepAliveMs = renewed;
          keepAlives++;
        }
        const snapshot = await s.snapshot();
        const api = snapshot.kaltura.api;
        const state = api.reachable === false ? 'down' : api.degraded ? 'degraded' : api.reachable ? 'up' : 'unknown';
        apiStates.set(state, (apiStates.get(state) ?? 0) + 1);
        const stream = snapshot.entries
          .find((e) => e.entryId === entry.id)
          ?.streams.find((st) => st.streamName.endsWith('_1'));
        if (stream?.state !== 'playable') notPlayable++;
      }
      // the gap still open at the window's end counts too
      longestGapMs = Math.max(longestGapMs, Date.now() - lastKeepAliveMs);
      s.sandbox.faults.reset();

      // stop publishing so the last segment closes; then every recorded segment must reach Kaltura
      await publisher.stop();
      const done = await waitFor(
        async () => {
          const items = (await entryState())?.recording.items ?? [];
          return items.length > 0 && items.every((i) => i.state === 'done') ? items : null;
        },
        { timeoutMs: 90_000, intervalMs: 500, what: 'every recorded segment uploaded' },
      );
      const tokens = new Map(s.sandbox.store.uploadTokens().map((t) => [t.id, t]));
      const appends = s.sandbox.store.recordings().filter((r) => r.entryId === entry.id);
      const perSegment = new Map<string, number>();
      for (const a of appends) {
        const name = (a.uploadTokenId && tokens.get(a.uploadTokenId)?.fileName) ?? `?${a.seq}`;
        perSegment.set(name, (perSegment.get(name) ?? 0) + 1);
      }
      const duplicateHandOvers = [...perSegment.values()].reduce((t, n) => t + n - 1, 0);
      const recordedBytes = done.reduce((t, i) => t + i.sizeBytes, 0);
      const handedOverBytes = appends.reduce((t, a) => t + (a.fileSizeBytes ?? 0), 0);
      const storedIntact = appends.every(
        (a) => a.storedFilePath !== null && fs.statSync(a.storedFilePath).size === a.fileSizeBytes,
      );
      const bytesLost = recordedBytes - handedOverBytes;
      const seqs = done.map((i) => i.sequence).sort((a, b) => a - b);
      const summaryStates = [...apiStates.entries()].map(([k, v]) => `${k} ${v}`).join(', ');
      recordDrill({
        drill: 'flapping-uplink',
        windowSeconds: FLAP_SECONDS,
        summary: `30 % errors + 2 s latency for ${FLAP_SECONDS} s: ${done.length} segments, ${appends.length} hand-overs (${duplicateHandOvers} duplicate), ${bytesLost} bytes lost; ${keepAlives} keep-alives, longest gap ${(longestGapMs / 1000).toFixed(1)} s (interval ${KEEP_ALIVE_INTERVAL_MS / 1000} s); API samples: ${summaryStates}`,
        figures: {
          segments: done.length,
          handOvers: appends.length,
          duplicateHandOvers,
          bytesLost,
          keepAlives,
          longestKeepAliveGapSeconds: Number((longestGapMs / 1000).toFixed(1)),
          keepAliveIntervalSeconds: KEEP_ALIVE_INTERVAL_MS / 1000,
          apiDownSamples: apiStates.get('down') ?? 0,
          apiDegradedSamples: apiStates.get('degraded') ?? 0,
        },
      });

      expect(notPlayable).toBe(0);
      expect(duplicateHandOvers).toBe(0);
      expect(appends).toHaveLength(done.length);
      expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 0) + i));
      expect(bytesLost).toBe(0);
      expect(storedIntact).toBe(true);
      expect(done.some((i) => i.isLastChunk)).toBe(true);
      expect(keepAlives).toBeGreaterThanOrEqual(1);
      expect(longestGapMs).toBeLessThan(NODE_EXPIRY_MS);
      expect(apiStates.get('down') ?? 0).toBe(0);
      expect(apiStates.get('degraded') ?? 0).toBeGreaterThan(0);
    },
    drillTimeoutMs(FLAP_SECONDS, 150),
  );
});
