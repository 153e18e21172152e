import { describe, expect, it } from 'vitest';
import { register as globalRegister } from 'prom-client';
import { StationMetrics } from '../../../main/station/metrics.js';
import { parsePrometheusText } from './prom-text.js';
import type { CallInfo } from '../../../main/kaltura/client-retry.js';
import { ACCEPTED, liveEntry, makeRegistry, probe, transcoder } from './helpers.js';

function liveRig(): { metrics: StationMetrics; r: ReturnType<typeof makeRegistry> } {
  const r = makeRegistry();
  const metrics = new StationMetrics({
    snapshot: () => r.registry.snapshot(),
    authResults: () => r.registry.authResults(),
    nowMs: () => r.clock.nowMs(),
  });
  r.registry.streamAccepted({ ...ACCEPTED, entry: liveEntry(), connectedAtMs: r.clock.nowMs() });
  r.clock.advance(5000);
  r.registry.probe({
    streamId: 's1',
    probe: probe({
      videoBitrateBps: 2_900_000,
      declared: { videodatarate: 3000 },
      lastVideoAtMs: r.clock.nowMs(),
      lastAudioAtMs: r.clock.nowMs(),
    }),
  });
  r.registry.transcoderState('s1', {
    transcoder: transcoder({ speed: 1.02, restarts: 2 }),
    renditions: [
      {
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
        segmentDurationSeconds: 2.0,
        metrics: {},
        playlistUrl: '/hls/0_rkij47dr/32/index.m3u8',
      },
    ],
  });
  r.registry.streamRefused({
    streamId: 'r1',
    entryId: '0_zzzzzzzz',
    partnerId: 102,
    streamName: '0_zzzzzzzz_1',
    mediaServerIndex: 0,
    sourceAddress: '127.0.0.1',
    reason: 'wrong token "x\\y"',
    alertCode: 111,
    kalturaCode: 'LIVE_STREAM_INVALID_TOKEN',
    connectionUrl: 'rtmp://h/kLive?t=abc',
    atMs: r.clock.nowMs(),
  });
  r.registry.ksState({
    state: 'valid',
    validUntilMs: r.clock.nowMs() + 3_600_000,
    lastRenewalAtMs: r.clock.nowMs(),
    lastError: null,
  });
  metrics.recordApiCall({ call: 'liveStream.authenticate', durationMs: 120, outcome: 'ok' });
  metrics.recordApiCall({
    call: 'liveStream.authenticate',
    durationMs: 80,
    outcome: 'api-error',
    code: 'LIVE_STREAM_INVALID_TOKEN',
  });
  return { metrics, r };
}

const value = (
  fams: ReturnType<typeof parsePrometheusText>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined =>
  [...fams.values()]
    .flatMap((f) => f.samples)
    .find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('StationMetrics', () => {
  it('renders strict Prometheus text with the named series', async () => {
    const { metrics } = liveRig();
    const text = await metrics.render();
    const fams = parsePrometheusText(text);
    const stream = { entry_id: '0_rkij47dr', stream_name: '0_rkij47dr_1', index: '0' };
    expect(value(fams, 'klive_input_bitrate_bps', stream)).toBe(2_900_000);
    expect(value(fams, 'klive_input_declared_bitrate_bps', stream)).toBe(3_000_000);
    expect(value(fams, 'klive_input_fps', stream)).toBe(30);
    expect(value(fams, 'klive_input_keyframe_interval_seconds', stream)).toBe(2);
    expect(value(fams, 'klive_transcoder_speed', stream)).toBe(1.02);
    expect(value(fams, 'klive_ffmpeg_restarts', stream)).toBe(2);
    expect(value(fams, 'klive_rendition_bitrate_bps', { ...stream, rendition: '0_rkij47dr_32' })).toBe(2_670_000);
    expect(value(fams, 'klive_rendition_target_bitrate_bps', { ...stream, rendition: '0_rkij47dr_32' })).toBe(
      2_500_000,
    );
    expect(value(fams, 'klive_auth_results_total', { result: 'accepted' })).toBe(1);
    expect(value(fams, 'klive_auth_results_total', { result: 'LIVE_STREAM_INVALID_TOKEN' })).toBe(1);
    expect(value(fams, 'klive_ks_seconds_to_expiry')).toBe(3600);
    expect(
      value(fams, 'klive_kaltura_api_call_duration_seconds_count', { call: 'liveStream.authenticate', outcome: 'ok' }),
    ).toBe(1);
    expect(
      value(fams, 'klive_kaltura_api_call_duration_seconds_bucket', {
        call: 'liveStream.authenticate',
        outcome: 'ok',
        le: '0.25',
      }),
    ).toBe(1);
    expect(
      value(fams, 'klive_kaltura_api_calls_total', { outcome: 'api-error', code: 'LIVE_STREAM_INVALID_TOKEN' }),
    ).toBe(1);
    expect(value(fams, 'klive_alerts_active', { entry_id: '0_zzzzzzzz', code: '111' })).toBe(1);
    expect(value(fams, 'klive_entry_health', { entry_id: '0_zzzzzzzz' })).toBe(2);
    expect(value(fams, 'klive_streams', { state: 'refused' })).toBe(1);
    expect(fams.get('klive_kaltura_api_call_duration_seconds')?.type).toBe('histogram');
    expect(fams.get('klive_auth_results_total')?.type).toBe('counter');
    expect(text).not.toContain('abc');
  });

  it('takes the Kaltura client onCall info as it is', async () => {
    const { metrics } = liveRig();
    const info: CallInfo = {
      call: 'session.start',
      durationMs: 30_000,
      outcome: 'transport-error',
      code: 'timeout',
      message: 'no answer in 30 s',
    };
    metrics.recordApiCall(info);
    const fams = parsePrometheusText(await metrics.render());
    expect(
      value(fams, 'klive_kaltura_api_calls_total', {
        call: 'session.start',
        outcome: 'transport-error',
        code: 'timeout',
      }),
    ).toBe(1);
    expect(value(fams, 'klive_kaltura_api_call_duration_seconds_bucket', { call: 'session.start', le: '10' })).toBe(0);
    expect(value(fams, 'klive_kaltura_api_call_duration_seconds_bucket', { call: 'session.start', le: '30' })).toBe(1);
  });

  it('uses its own registry, not the global default one', async () => {
    liveRig();
    expect(await globalRegister.metrics()).not.toContain('klive_');
  });

  it('two stations in one process do not collide', async () => {
    const a = liveRig();
    const b = liveRig();
    expect(parsePrometheusText(await a.metrics.render()).size).toBe(parsePrometheusText(await b.metrics.render()).size);
  });

  it('the test parser rejects malformed text', () => {
    expect(() => parsePrometheusText('foo 1\n')).toThrow(/undeclared/);
    expect(() => parsePrometheusText('# TYPE foo gauge\nfoo{a="1} 1\n')).toThrow(/unterminated|not a sample/);
    expect(() => parsePrometheusText('# TYPE foo gauge\nfoo 1\nfoo 2\n')).toThrow(/duplicate/);
    expect(() => parsePrometheusText('# TYPE foo gauge\nfoo abc\n')).toThrow(/bad value/);
  });
});
