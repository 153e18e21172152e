import { describe, expect, it } from 'vitest';
import { assessInput } from '../../../main/station/health/input-health.js';
import { StreamAlerts } from '../../../main/station/health/stream-alerts.js';
import { probe } from './helpers.js';

const T0 = 1_700_000_000_000;

/** A 1 Hz probe series as ingest emits it: video always, audio only when `audio(t)` says so. */
function runSeries(
  seconds: number,
  audio: (t: number) => boolean,
): { t: number; raised: number[]; cleared: number[] }[] {
  const alerts = new StreamAlerts({ entryId: '0_rkij47dr', streamName: '0_rkij47dr_1', mediaServerIndex: 0 });
  let lastAudioAtMs: number | null = null;
  const out = [];
  for (let t = 1; t <= seconds; t++) {
    const now = T0 + t * 1000;
    if (audio(t)) lastAudioAtMs = now - 100;
    const p = probe({ lastVideoAtMs: now - 30, lastAudioAtMs, audioCodec: lastAudioAtMs === null ? null : 'AAC' });
    const { conditions } = assessInput(p, now, T0);
    const changes = alerts.evaluate(conditions, now);
    out.push({ t, raised: changes.raised.map((a) => a.code), cleared: changes.cleared.map((a) => a.code) });
  }
  return out;
}

describe('input health from probe samples', () => {
  it('raises 102 NoAudioSignal when the probe shows video only, and clears it when audio returns', () => {
    const steps = runSeries(30, (t) => t >= 20);
    const raised = steps.filter((s) => s.raised.includes(102));
    const cleared = steps.filter((s) => s.cleared.includes(102));
    expect(raised).toHaveLength(1);
    expect(cleared).toHaveLength(1);
    // no audio ever: missing after 1.5 s, raised ~3.5 s later
    expect(raised[0]?.t).toBe(6);
    // audio back at t=20: cleared after it stayed present for 3 s
    expect(cleared[0]?.t).toBe(23);
    // video was there all along: 103 never raised
    expect(steps.some((s) => s.raised.includes(103))).toBe(false);
  });

  it('does not raise 102 for a one-second audio gap', () => {
    const steps = runSeries(20, (t) => t !== 10 && t !== 11);
    expect(steps.some((s) => s.raised.includes(102))).toBe(false);
  });

  it('the 102 alert text says what to do, and carries Kaltura name and severity', () => {
    const alerts = new StreamAlerts({ entryId: 'e', streamName: 'e_1', mediaServerIndex: 0 });
    let raisedText = '';
    for (let t = 0; t <= 8; t++) {
      const now = T0 + t * 1000;
      const { conditions } = assessInput(probe({ lastVideoAtMs: now, lastAudioAtMs: null }), now, T0);
      const c = alerts.evaluate(conditions, now);
      for (const a of c.raised) if (a.code === 102) raisedText = `${a.name}/${a.severity}: ${a.text}`;
    }
    expect(raisedText).toMatch(
      /^NoAudioSignal\/error: No audio from the encoder for \d+ s: check the audio source in OBS/,
    );
  });

  it('judges bitrate against the declared videodatarate and names both', () => {
    const now = T0 + 10_000;
    const ok = assessInput(
      probe({ videoBitrateBps: 2_900_000, declared: { videodatarate: 3000 }, lastVideoAtMs: now, lastAudioAtMs: now }),
      now,
      T0,
    );
    expect(ok.metrics.videoBitrate).toEqual({
      value: 2_900_000,
      unit: 'bps',
      status: 'normal',
      text: '2.9 Mbps (declared 3.0 Mbps)',
    });
    expect(ok.conditions.find((c) => c.code === 101)?.holds).toBe(false);
    const low = assessInput(
      probe({ videoBitrateBps: 900_000, declared: { videodatarate: 3000 }, lastVideoAtMs: now, lastAudioAtMs: now }),
      now,
      T0,
    );
    expect(low.metrics.videoBitrate?.status).toBe('warning');
    expect(low.conditions.find((c) => c.code === 101)?.holds).toBe(true);
  });

  it('flags long keyframe intervals (107), high fps (108) and drift (104)', () => {
    const now = T0 + 10_000;
    const a = assessInput(
      probe({
        keyframeIntervalSeconds: { last: 8, min: 8, max: 8 },
        frameRateFps: 120,
        declared: { framerate: 120 },
        timestampDriftMs: -6500,
        lastVideoAtMs: now,
        lastAudioAtMs: now,
      }),
      now,
      T0,
    );
    const holds = Object.fromEntries(a.conditions.map((c) => [c.code, c.holds]));
    expect(holds).toMatchObject({ 104: true, 107: true, 108: true, 102: false, 103: false, 117: false });
    expect(a.metrics.keyframeInterval?.status).toBe('warning');
    expect(a.metrics.timestampDrift?.text).toBe('6.5 s behind the wall clock');
    expect(a.metrics.timestampDrift?.status).toBe('critical');
  });

  // issue 21: OBS's default keyframe interval (250 frames, 8.3 s at 30 fps)
  it('raises 107 InvalidKeyFrameInterval while the first long GOP is still running, with the OBS fix', () => {
    const alerts = new StreamAlerts({ entryId: '0_rkij47dr', streamName: '0_rkij47dr_1', mediaServerIndex: 0 });
    let raised: { t: number; text: string } | null = null;
    for (let t = 1; t <= 12 && !raised; t++) {
      const now = T0 + t * 1000;
      // one key frame at 0 s, the next not before 8.3 s: only the time since the last one grows
      const p = probe({
        keyframeIntervalSeconds: { last: null, min: null, max: null, sinceLast: t - 0.5, count: 1 },
        lastVideoAtMs: now,
        lastAudioAtMs: now,
      });
      for (const a of alerts.evaluate(assessInput(p, now, T0, undefined, 2).conditions, now).raised)
        if (a.code === 107) raised = { t, text: `${a.name}: ${a.text}` };
    }
    // over 3 s (1.5 x the 2 s segments) at t=4, raised 6 s later: before the second key frame would have told
    expect(raised?.t).toBe(10);
    expect(raised?.text).toMatch(
      /^InvalidKeyFrameInterval: The encoder sends a keyframe only every .* Fix: OBS → Settings → Output → Keyframe Interval: 2 s$/,
    );
  });

  it('judges 107 against the entry segments: 3.5 s is too long for 2 s segments, not for 6 s ones', () => {
    const now = T0 + 10_000;
    const p = probe({
      keyframeIntervalSeconds: { last: 3.5, min: 3.5, max: 3.5, sinceLast: 1, count: 4 },
      lastVideoAtMs: now,
      lastAudioAtMs: now,
    });
    expect(assessInput(p, now, T0, undefined, 2).conditions.find((c) => c.code === 107)?.holds).toBe(true);
    expect(assessInput(p, now, T0, undefined, 6).conditions.find((c) => c.code === 107)?.holds).toBe(false);
  });

  it('does not judge fps against the declared rate during warm-up', () => {
    const a = assessInput(
      probe({ frameRateFps: 10, declared: { framerate: 30 }, lastVideoAtMs: T0 + 1000, lastAudioAtMs: T0 + 1000 }),
      T0 + 1000,
      T0,
    );
    expect(a.conditions.find((c) => c.code === 117)?.holds).toBe(false);
    const later = assessInput(
      probe({ frameRateFps: 10, declared: { framerate: 30 }, lastVideoAtMs: T0 + 9000, lastAudioAtMs: T0 + 9000 }),
      T0 + 9000,
      T0,
    );
    expect(later.conditions.find((c) => c.code === 117)?.holds).toBe(true);
  });
});
