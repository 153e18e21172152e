// Drill: Kaltura is unreachable for longer than the KS lives (settings ksExpirySeconds 20, the sandbox
// rejecting KSs older than 20 s), during a live, recorded stream; then Kaltura comes back. The station must
// renew its KS first (it makes KSs locally, so the outage cannot stop renewal) and then send what waited
// (keep-alives, recording uploads), never a call on an expired KS: no INVALID_KS answer at all. The window is
// KLIVE_DRILL_KS_DOWN_SECONDS (25 s in CI: longer than one KS lifetime; 60 s in the spirit).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';
import { PASSTHROUGH_PROFILE_ID } from '../../../main/sandbox/index.js';
import { apiCalls, killGroups, liveFfmpegUnder, sleep, startDrillStation, type DrillStation } from './drill-kit.js';
import { drillSeconds, drillTimeoutMs, recordDrill } from './drill-windows.js';

const DOWN_SECONDS = drillSeconds('ksDown');
const KS_SECONDS = 20;
let s: DrillStation;
let publisher: Publisher | null = null;

beforeAll(async () => {
  s = await startDrillStation({
    tuning: { resumeGraceMs: 3000, keepAliveIntervalMs: 2000 },
    settings: { kaltura: { ksExpirySeconds: KS_SECONDS }, media: { recordingSegmentSeconds: 3 } },
  });
  s.sandbox.faults.set({ ksLifetimeSeconds: KS_SECONDS });
});

afterAll(async () => {
  await publisher?.stop();
  s?.sandbox.faults.reset();
  await s?.stop();
  killGroups(liveFfmpegUnder(s?.dataDir ?? '/nonexistent').map((p) => p.pid));
});

describe(`drill: Kaltura unreachable for ${DOWN_SECONDS} s while the ${KS_SECONDS} s KS expires, then back`, () => {
  it(
    'renews the KS first and sends the waiting calls on the fresh KS: no call on an expired KS',
    async () => {
      expect(DOWN_SECONDS, 'the outage must outlast one KS lifetime').toBeGreaterThan(KS_SECONDS);
      const entry = s.sandbox.store.createEntry({
        name: 'ks-down drill',
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

      const ksBefore = (await s.snapshot()).kaltura.ks;
      s.sandbox.faults.set({ down: true });
      const downAtMs = Date.now();
      const ksStates = new Set<string>();
      const renewalsDuringOutage = new Set<number>();
      while (Date.now() - downAtMs < DOWN_SECONDS * 1000) {
        await sleep(1000);
        const ks = (await s.snapshot()).kaltura.ks;
        ksStates.add(ks.state);
        if (ks.lastRenewalAtMs !== null && ks.lastRenewalAtMs > downAtMs) renewalsDuringOutage.add(ks.lastRenewalAtMs);
      }
      // the KS the station held when the outage began has expired by now
      expect(ksBefore.validUntilMs ?? Infinity).toBeLessThan(Date.now());
      const ksAtReturn = (await s.snapshot()).kaltura.ks;
      const invalidBefore = await apiCalls(s.httpUrl, { code: 'INVALID_KS' });
      s.sandbox.faults.set({ down: false });
      const upAtMs = Date.now();

      // renewal came first: the KS in hand when Kaltura returns was made during the outage and is valid
      expect(ksAtReturn.state).toBe('valid');
      expect(ksAtReturn.lastRenewalAtMs ?? 0).toBeGreaterThan(downAtMs);
      expect(ksAtReturn.validUntilMs ?? 0).toBeGreaterThan(upAtMs);

      // then what waited: a keep-alive, and every recorded segment (the outage's too) uploaded
      await waitFor(() => s.sandbox.store.nodes().some((n) => n.entryId === entry.id && n.renewedAtMs > upAtMs), {
        timeoutMs: 20_000,
        what: 'a keep-alive after the outage',
      });
      const keepAliveAfterSeconds = (Date.now() - upAtMs) / 1000;
      await publisher.stop();
      const done = await waitFor(
        async () => {
          const items = (await entryState())?.recording.items ?? [];
          return items.length > 0 && items.every((i) => i.state === 'done') ? items : null;
        },
        { timeoutMs: 60_000, intervalMs: 500, what: 'every recorded segment uploaded' },
      );
      const uploadedAfter = s.sandbox.store
        .recordings()
        .filter((r) => r.entryId === entry.id && r.atMs > upAtMs).length;

      const invalidKs = await apiCalls(s.httpUrl, { code: 'INVALID_KS' });
      const expired = await apiCalls(s.httpUrl, { code: 'EXPIRED' });
      recordDrill({
        drill: 'ks-expires-while-down',
        windowSeconds: DOWN_SECONDS,
        summary: `Kaltura down ${DOWN_SECONDS} s over a ${KS_SECONDS} s KS: ${renewalsDuringOutage.size} renewals during the outage, KS states ${[...ksStates].join('/')}; after it a keep-alive in ${keepAliveAfterSeconds.toFixed(1)} s and ${uploadedAfter} recordings appended; calls on an expired KS: ${invalidKs}`,
        figures: {
          renewalsDuringOutage: renewalsDuringOutage.size,
          keepAliveAfterOutageSeconds: Number(keepAliveAfterSeconds.toFixed(1)),
          recordingsAppendedAfter: uploadedAfter,
          callsOnExpiredKs: invalidKs + expired,
          recordedSegments: done.length,
        },
      });

      expect(renewalsDuringOutage.size).toBeGreaterThanOrEqual(1);
      expect(ksStates.has('expired')).toBe(false);
      expect(uploadedAfter).toBeGreaterThanOrEqual(1);
      expect(invalidBefore).toBe(0);
      expect(invalidKs).toBe(0);
      expect(expired).toBe(0);
      const seqs = done.map((i) => i.sequence).sort((a, b) => a - b);
      expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 0) + i));
    },
    drillTimeoutMs(DOWN_SECONDS, 120),
  );
});
