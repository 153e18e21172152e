// The health codes judged from rates over time (issue 21): 116, 119, 121, 122, 124 and 125 each raised by its
// condition and cleared by the opposite one, through the registry (so they reach the window's alert list and the
// alert transitions the beacons are built from), on a manual clock with one sample a second.
import { describe, expect, it } from 'vitest';
import type { InputProbe, RenditionState, TranscoderState } from '../../../shared/state.js';
import type { AlertTransition } from '../../../main/station/registry-types.js';
import { BeaconSender } from '../../../main/station/beacons.js';
import { Redactor } from '../../../main/log/redact.js';
import { silentLogger } from '../../../main/log/logger.js';
import { RATE_ALERT_CONDITIONS } from '../../../main/station/health/alert-catalog.js';
import { ACCEPTED, liveEntry, makeRegistry, probe, transcoder, publisherLeft } from './helpers.js';

function rig() {
  const r = makeRegistry();
  const transitions: AlertTransition[] = [];
  r.registry.onAlert((t) => transitions.push(t));
  r.registry.streamAccepted({ ...ACCEPTED, entry: liveEntry(), connectedAtMs: r.clock.nowMs() });
  const codes = (): number[] => (r.registry.entry('0_rkij47dr')?.alerts ?? []).map((a) => a.code);
  const seen = (kind: 'raised' | 'cleared', code: number): boolean =>
    transitions.some((t) => t.kind === kind && t.alert.code === code);
  /** one probe a second for `seconds`, media flowing; `over(i)` varies the sample */
  const feed = (seconds: number, over: (i: number) => Partial<InputProbe>): void => {
    for (let i = 0; i < seconds; i++) {
      r.clock.advance(1000);
      const now = r.clock.nowMs();
      r.registry.probe({ streamId: 's1', probe: probe({ lastVideoAtMs: now, lastAudioAtMs: now, ...over(i) }) });
    }
  };
  const feedTranscoder = (
    seconds: number,
    over: (i: number) => Partial<TranscoderState>,
    renditions: RenditionState[] = [FLAVOR],
  ): void => {
    for (let i = 0; i < seconds; i++) {
      r.clock.advance(1000);
      r.registry.transcoderState('s1', { transcoder: transcoder(over(i)), renditions });
    }
  };
  return { r, transitions, codes, seen, feed, feedTranscoder };
}

const FLAVOR: RenditionState = {
  streamName: '0_rkij47dr_32',
  name: 'HD/720',
  width: 1280,
  height: 720,
  videoCodec: 'avc1',
  audioCodec: 'mp4a',
  passthrough: false,
  targetVideoBitrateBps: 2_500_000,
  measuredBitrateBps: null,
  bitrateHistoryBps: [],
  segmentDurationSeconds: null,
  metrics: {},
  playlistUrl: '/hls/x/0_rkij47dr_32/index.m3u8',
};
const SOURCE: RenditionState = {
  ...FLAVOR,
  streamName: '0_rkij47dr_1',
  name: 'source',
  passthrough: true,
  targetVideoBitrateBps: null,
};

describe('rate alerts (issue 21)', () => {
  it('documents the raise and the clear condition of each code in the catalogue', () => {
    for (const code of [116, 119, 121, 122, 124, 125]) {
      expect(RATE_ALERT_CONDITIONS.get(code)?.raise.length).toBeGreaterThan(20);
      expect(RATE_ALERT_CONDITIONS.get(code)?.clear.length).toBeGreaterThan(10);
    }
  });

  it('124 InconsistentFrameRateAlert: raised when the source fps swings, cleared when it is steady again', () => {
    const { codes, seen, feed } = rig();
    feed(8, () => ({}));
    feed(20, (i) => ({ frameRateFps: i % 2 === 0 ? 30 : 22 }));
    expect(codes()).toContain(124);
    expect(seen('raised', 124)).toBe(true);
    feed(25, () => ({ frameRateFps: 29.97 }));
    expect(codes()).not.toContain(124);
    expect(seen('cleared', 124)).toBe(true);
  });

  it('124 is not raised by a steady source or the normal jitter of a measured frame rate', () => {
    const { seen, feed } = rig();
    feed(40, (i) => ({ frameRateFps: 30 + (i % 3) * 0.5 - 0.5 }));
    expect(seen('raised', 124)).toBe(false);
  });

  it('119 ResolutionLimitedByBandwidth then 121 BandwidthBackToNormal for 60 s', () => {
    const { r, codes, seen, feed } = rig();
    feed(25, (i) => ({ videoBitrateBps: i < 5 ? 1_000_000 : 400_000 }));
    expect(codes()).toContain(119);
    const e = r.registry.entry('0_rkij47dr');
    expect(e?.health).toBe('Fair');
    expect(e?.alerts.find((a) => a.code === 119)?.text).toContain('declared');
    feed(30, () => ({ videoBitrateBps: 980_000 }));
    expect(codes()).not.toContain(119);
    expect(codes()).toContain(121);
    expect(r.registry.entry('0_rkij47dr')?.alerts.find((a) => a.code === 121)).toMatchObject({
      name: 'BandwidthBackToNormal',
      severity: 'info',
    });
    feed(61, () => ({ videoBitrateBps: 980_000 }));
    r.registry.tick();
    expect(codes()).not.toContain(121);
    expect(seen('cleared', 121)).toBe(true);
  });

  it('121 goes at once when the bandwidth is limited again; 119 needs a declared rate', () => {
    const { codes, feed } = rig();
    feed(25, () => ({ videoBitrateBps: 300_000 }));
    feed(30, () => ({ videoBitrateBps: 1_000_000 }));
    expect(codes()).toContain(121);
    feed(25, () => ({ videoBitrateBps: 300_000 }));
    expect(codes()).toContain(119);
    expect(codes()).not.toContain(121);

    const undeclared = rig();
    undeclared.feed(30, () => ({ videoBitrateBps: 100_000, declared: {} }));
    expect(undeclared.seen('raised', 119)).toBe(false);
  });

  it('125 LimitRate: raised when media arrives faster than real time, cleared at real time', () => {
    const { codes, seen, feed } = rig();
    let drift = 0;
    feed(20, () => ({ timestampDriftMs: (drift += 300) }));
    expect(codes()).toContain(125);
    feed(25, () => ({ timestampDriftMs: drift }));
    expect(codes()).not.toContain(125);
    expect(seen('cleared', 125)).toBe(true);
  });

  it('125 is not raised by a burst after a short stall (the encoder catching up)', () => {
    const { seen, feed } = rig();
    feed(12, () => ({ timestampDriftMs: 0 }));
    feed(9, (i) => ({ timestampDriftMs: -1000 * (i + 1) }));
    feed(20, () => ({ timestampDriftMs: 0 }));
    expect(seen('raised', 125)).toBe(false);
  });

  it('116 FrameRateIsFluctuatingOnFlavor: raised while FFmpeg drops or repeats frames for a transcoded flavor', () => {
    const { codes, seen, feedTranscoder } = rig();
    let fixed = 0;
    feedTranscoder(20, () => ({ duplicatedFrames: (fixed += 3) }));
    expect(codes()).toContain(116);
    feedTranscoder(25, () => ({ duplicatedFrames: fixed }));
    expect(codes()).not.toContain(116);
    expect(seen('cleared', 116)).toBe(true);
  });

  it('116 is not raised for a passthrough-only ladder, or across an FFmpeg restart that resets the counters', () => {
    const passthrough = rig();
    let fixed = 0;
    passthrough.feedTranscoder(20, () => ({ droppedFrames: (fixed += 5) }), [SOURCE]);
    expect(passthrough.seen('raised', 116)).toBe(false);

    const restarted = rig();
    restarted.feedTranscoder(8, () => ({ droppedFrames: 5000 }));
    restarted.feedTranscoder(20, () => ({ droppedFrames: 0, restarts: 1 }));
    expect(restarted.seen('raised', 116)).toBe(false);
  });

  it('122 CPUBackToNormal when 120 clears on a stream still on air, not when the stream ends', () => {
    const { r, codes, seen, feedTranscoder } = rig();
    feedTranscoder(12, () => ({ speed: 0.6 }));
    expect(codes()).toContain(120);
    feedTranscoder(12, () => ({ speed: 1.0 }));
    expect(codes()).not.toContain(120);
    expect(r.registry.entry('0_rkij47dr')?.alerts.find((a) => a.code === 122)).toMatchObject({
      name: 'CPUBackToNormal',
      severity: 'info',
    });
    feedTranscoder(12, () => ({ speed: 0.6 }));
    expect(codes()).toContain(120);
    expect(codes()).not.toContain(122);

    publisherLeft(r);
    expect(seen('cleared', 120)).toBe(true);
    expect(codes()).not.toContain(122);
  });

  it('reaches the beacons like the existing codes', async () => {
    const { r, feed } = rig();
    const calls: { eventType: string; privateData: string }[] = [];
    const sender = new BeaconSender({
      api: { addBeacon: async (a) => void calls.push(a) },
      clock: r.clock,
      logger: silentLogger(),
      redactor: new Redactor(),
      enabled: () => true,
    });
    r.registry.onAlert((t) => sender.onAlert(t));
    feed(25, () => ({ videoBitrateBps: 300_000 }));
    await sender.flush();
    feed(30, () => ({ videoBitrateBps: 1_000_000 }));
    await sender.flush();
    const sent = calls.map((c) =>
      (JSON.parse(c.privateData) as { alerts: { Code: number; Arguments: { alertType: string } }[] }).alerts.map(
        (a) => `${a.Code}:${a.Arguments.alertType}`,
      ),
    );
    expect(sent[0]).toContain('119:ResolutionLimitedByBandwidth');
    expect(sent[sent.length - 1]).toContain('121:BandwidthBackToNormal');
    expect(sent[sent.length - 1]).not.toContain('119:ResolutionLimitedByBandwidth');
  });
});
