// Drill: a 20 s KS lifetime (settings ksExpirySeconds 20, and the sandbox rejecting any KS older than 20 s)
// during a live stream with keep-alives every 2 s and beacons. The KS must be renewed before it expires, so
// no Kaltura call fails with INVALID_KS. The 2-minute stream runs KLIVE_DRILL_KS_STREAM_SECONDS
// (45 s in CI: two lifetimes and more).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';
import { PASSTHROUGH_PROFILE_ID } from '../../../main/sandbox/index.js';
import { apiCalls, killGroups, liveFfmpegUnder, sleep, startDrillStation, type DrillStation } from './drill-kit.js';
import { drillSeconds, drillTimeoutMs, recordDrill } from './drill-windows.js';

const STREAM_SECONDS = drillSeconds('ksStream');
const KS_SECONDS = 20;
let s: DrillStation;
let publisher: Publisher | null = null;

beforeAll(async () => {
  s = await startDrillStation({
    tuning: { resumeGraceMs: 3000, keepAliveIntervalMs: 2000 },
    settings: { kaltura: { ksExpirySeconds: KS_SECONDS } },
  });
  s.sandbox.faults.set({ ksLifetimeSeconds: KS_SECONDS });
});

afterAll(async () => {
  await publisher?.stop();
  s?.sandbox.faults.reset();
  await s?.stop();
  killGroups(liveFfmpegUnder(s?.dataDir ?? '/nonexistent').map((p) => p.pid));
});

describe(`drill: KS lifetime ${KS_SECONDS} s during a ${STREAM_SECONDS} s stream (2 minutes in the issue)`, () => {
  it(
    'renews the KS in time: no API call fails with an expired KS',
    async () => {
      const entry = s.sandbox.store.createEntry({ name: 'ks drill', conversionProfileId: PASSTHROUGH_PROFILE_ID });
      publisher = startPublisher(
        { rtmpPort: s.rtmpPort, partnerId: entry.partnerId, entryId: entry.id, token: entry.streamPassword },
        { width: 320, height: 180, fps: 15 },
      );
      await waitFor(
        async () =>
          (await s.snapshot()).entries
            .find((e) => e.entryId === entry.id)
            ?.streams.some((st) => st.state === 'playable'),
        { timeoutMs: 30_000, what: 'playable' },
      );

      const renewals = new Set<number>();
      const states = new Set<string>();
      const startMs = Date.now();
      while (Date.now() - startMs < STREAM_SECONDS * 1000) {
        const ks = (await s.snapshot()).kaltura.ks;
        if (ks.lastRenewalAtMs !== null) renewals.add(ks.lastRenewalAtMs);
        states.add(ks.state);
        await sleep(1000);
      }
      const ok = await apiCalls(s.httpUrl, { outcome: 'ok' });
      const invalidKs = await apiCalls(s.httpUrl, { code: 'INVALID_KS' });
      const failed = (await apiCalls(s.httpUrl)) - ok;
      recordDrill({
        drill: 'ks-lifetime',
        windowSeconds: STREAM_SECONDS,
        summary: `KS ${KS_SECONDS} s over ${STREAM_SECONDS} s: ${renewals.size} distinct renewal times, KS states ${[...states].join('/')}, ${ok} API calls ok, ${failed} failed (${invalidKs} INVALID_KS)`,
        figures: {
          ksLifetimeSeconds: KS_SECONDS,
          renewals: renewals.size,
          apiCallsOk: ok,
          apiCallsFailed: failed,
          invalidKs,
        },
      });

      // the stream lived through several KS lifetimes on renewed KSs
      expect(renewals.size).toBeGreaterThanOrEqual(Math.floor(STREAM_SECONDS / KS_SECONDS));
      expect(states.has('expired')).toBe(false);
      expect(ok).toBeGreaterThan(STREAM_SECONDS / 2);
      expect(invalidKs).toBe(0);
      expect(failed).toBe(0);
      const stream = (await s.snapshot()).entries
        .find((e) => e.entryId === entry.id)
        ?.streams.find((st) => st.state === 'playable');
      expect(stream).toBeDefined();
    },
    drillTimeoutMs(STREAM_SECONDS, 60),
  );
});
