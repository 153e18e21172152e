import { describe, expect, it } from 'vitest';
import { assessTranscode } from '../../../main/station/health/rendition-health.js';
import { entryHealth } from '../../../main/station/health/entry-health.js';
import { makeAlert } from '../../../main/station/health/stream-alerts.js';
import type { IngestStream, RenditionState } from '../../../shared/state.js';
import { transcoder } from './helpers.js';

const rendition = (over: Partial<RenditionState> = {}): RenditionState => ({
  streamName: '0_rkij47dr_32',
  name: 'HD/720',
  width: 1280,
  height: 720,
  videoCodec: 'h264',
  audioCodec: 'aac',
  passthrough: false,
  targetVideoBitrateBps: 2_500_000,
  measuredBitrateBps: 2_670_000,
  bitrateHistoryBps: [],
  segmentDurationSeconds: 2,
  metrics: {},
  playlistUrl: '/hls/x',
  ...over,
});

describe('transcode health', () => {
  it('judges renditions against their targets and the segment length', () => {
    const a = assessTranscode(
      transcoder({ speed: 1.01 }),
      [
        rendition(),
        rendition({ streamName: '0_rkij47dr_33', measuredBitrateBps: 600_000, segmentDurationSeconds: 6.2 }),
      ],
      2,
    );
    expect(a.renditions[0]?.metrics.bitrate).toEqual({
      value: 2_670_000,
      unit: 'bps',
      status: 'normal',
      text: '2.7 Mbps (target 2.5 Mbps)',
    });
    expect(a.renditions[1]?.metrics.bitrate?.status).toBe('warning');
    expect(a.renditions[1]?.metrics.segmentDuration).toMatchObject({
      status: 'critical',
      text: '6.2 s (target 2.0 s)',
    });
    const c123 = a.conditions.find((c) => c.code === 123);
    expect(c123?.holds).toBe(true);
    expect(c123?.parameter).toBe('0_rkij47dr_33');
    expect(c123?.text).toMatch(/keyframe interval to 2 s/);
    expect(a.conditions.find((c) => c.code === 120)?.holds).toBe(false);
    expect(a.metrics.encoderSpeed).toMatchObject({ value: 1.01, status: 'normal', text: '1.01x realtime' });
  });

  it('a slow encoder is a warning, then critical, and holds 120 only while running', () => {
    expect(assessTranscode(transcoder({ speed: 0.9 }), [], 2).metrics.encoderSpeed?.status).toBe('warning');
    const slow = assessTranscode(transcoder({ speed: 0.6 }), [], 2);
    expect(slow.metrics.encoderSpeed?.status).toBe('critical');
    expect(slow.conditions.find((c) => c.code === 120)?.holds).toBe(true);
    expect(
      assessTranscode(transcoder({ speed: 0.6, observed: 'starting' }), [], 2).conditions.find((c) => c.code === 120)
        ?.holds,
    ).toBe(false);
  });

  // issue 21: a long source GOP whose re-encode could not keep real time passes the source through, unaligned
  it('holds 120 ResolutionLimitedByCPU while the source rung passes through because the re-encode was too slow', () => {
    const keyFrames = {
      mode: 'interval' as const,
      sourceRung: 'passthrough-cpu' as const,
      sourceGopSeconds: 8.33,
      segmentSeconds: 2,
      text: '',
    };
    const c = assessTranscode(transcoder({ speed: 1.0, keyFrames }), [], 2).conditions.find((x) => x.code === 120);
    expect(c).toMatchObject({ holds: true, parameter: 'source' });
    expect(c?.text).toContain(
      "passes through with the encoder's 8.3 s segments: set OBS → Settings → Output → Keyframe Interval: 2 s",
    );
    const reencoded = assessTranscode(
      transcoder({ speed: 1.0, keyFrames: { ...keyFrames, sourceRung: 'reencoded' } }),
      [],
      2,
    );
    expect(reencoded.conditions.find((x) => x.code === 120)?.holds).toBe(false);
  });

  it('passthrough renditions are not judged against a target', () => {
    const a = assessTranscode(
      transcoder(),
      [rendition({ passthrough: true, targetVideoBitrateBps: null, measuredBitrateBps: 9_000_000 })],
      2,
    );
    expect(a.renditions[0]?.metrics.bitrate).toMatchObject({ status: 'normal', text: '9.0 Mbps (passthrough)' });
  });
});

describe('entry health', () => {
  const stream = (state: IngestStream['state'], reason: string | null = null): IngestStream =>
    ({
      id: 's',
      entryId: 'e',
      partnerId: 1,
      streamName: 'e_1',
      mediaServerIndex: 0,
      sourceAddress: '',
      state,
      stateSinceMs: 0,
      connectedAtMs: 0,
      endedAtMs: null,
      reason,
      probe: null,
      metrics: {},
      transcoder: null,
      renditions: [],
      registration: { status: 'none', lastKeepAliveAtMs: null, lastError: null },
      masterPlaylistUrl: null,
    }) as IngestStream;
  const subject = { entryId: 'e', streamName: 'e_1', mediaServerIndex: 0 };

  it('maps the worst alert severity to Good / Fair / Poor (kaltura.md 7) with its text as the reason', () => {
    expect(entryHealth([makeAlert(101, subject, 1, 'bitrate off', '1')], [stream('playable')])).toEqual({
      health: 'Good',
      reason: 'Playable; note: bitrate off',
    });
    expect(entryHealth([makeAlert(100, subject, 1, 'restarted', '1')], [stream('playable')])).toEqual({
      health: 'Fair',
      reason: 'restarted',
    });
    expect(
      entryHealth(
        [makeAlert(100, subject, 1, 'restarted', '1'), makeAlert(102, subject, 2, 'no audio', 'audio')],
        [stream('playable')],
      ),
    ).toEqual({ health: 'Poor', reason: 'no audio (+1 more)' });
    expect(entryHealth([makeAlert(111, subject, 1, 'bad token', '')], [])).toMatchObject({ health: 'Poor' });
  });

  it('without alerts, explains the stream state', () => {
    expect(entryHealth([], [stream('failed', 'FFmpeg exited 1')]).health).toBe('Poor');
    expect(entryHealth([], [stream('refused', 'wrong token')])).toEqual({
      health: 'Poor',
      reason: 'A publish was refused: wrong token',
    });
    expect(entryHealth([], [stream('reconnecting', 'network')]).health).toBe('Fair');
    expect(entryHealth([], [stream('live')]).reason).toMatch(/^Live, preparing/);
    expect(entryHealth([], [stream('playable')]).reason).toBe('Playable; all checks pass');
    expect(entryHealth([], []).reason).toBe('Offline: waiting for the encoder');
  });
});
