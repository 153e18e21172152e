import { describe, expect, it } from 'vitest';
import { diagnosticsEntries, diagnosticsErrors, diagnosticsInfo } from '../../../main/http/diagnostics-route.js';
import { ACCEPTED, liveEntry, makeRegistry, probe, transcoder } from '../station/helpers.js';

function rig(): ReturnType<typeof makeRegistry> {
  const r = makeRegistry();
  r.registry.streamAccepted({ ...ACCEPTED, entry: liveEntry(), connectedAtMs: r.clock.nowMs() });
  r.clock.advance(12_000);
  r.registry.probe({
    streamId: 's1',
    probe: probe({
      videoBitrateBps: 2_900_000,
      audioBitrateBps: 128_000,
      declared: { videodatarate: 3000, encoder: 'obs-output module (libobs version 30.1.2)', framerate: 30 },
      lastVideoAtMs: r.clock.nowMs(),
      lastAudioAtMs: r.clock.nowMs(),
    }),
  });
  r.registry.transcoderState('s1', {
    transcoder: transcoder(),
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
        segmentDurationSeconds: 2,
        metrics: {},
        playlistUrl: '/hls/x',
      },
    ],
  });
  return r;
}

describe('/diagnostics JSON in the media-server shape', () => {
  it('entries: { entryId: { currentTime, inputs: { suffix: S }, outputs: { flavorId: S } } }', () => {
    const r = rig();
    const body = diagnosticsEntries(r.registry.snapshot(), r.clock.nowMs());
    expect(Object.keys(body)).toEqual(['0_rkij47dr']);
    expect(body['0_rkij47dr']).toEqual({
      currentTime: r.clock.nowMs(),
      inputs: {
        '1': {
          Encoder: expect.objectContaining({
            videoCodec: 'H264',
            audioCodec: 'AAC',
            videoBitrate: 2900,
            audioBitrate: 128,
            frameRate: 30,
            videodatarate: 3000,
            encoder: 'obs-output module (libobs version 30.1.2)',
          }),
          IOPerformance: { bitrate: 3028 },
          Properties: expect.objectContaining({
            timeRunningSeconds: 12,
            IP: '127.0.0.1',
            Id: 's1',
            encoder: 'obs-output module (libobs version 30.1.2)',
            ConectionUrl: 'rtmp://127.0.0.1:1935/kLive/?p=102&e=0_rkij47dr&i=0&t=<redacted>',
          }),
        },
      },
      outputs: {
        '32': {
          Encoder: expect.objectContaining({ videoCodec: 'h264', videoBitrate: 2500, width: 1280, height: 720 }),
          IOPerformance: { bitrate: 2670 },
          Properties: expect.objectContaining({ segmentDurationSeconds: 2 }),
        },
      },
    });
  });

  it('entries lists only entries with a stream on air', () => {
    const r = rig();
    r.registry.streamEnded({
      streamId: 's1',
      entryId: '0_rkij47dr',
      streamName: '0_rkij47dr_1',
      reason: 'gone',
      atMs: r.clock.nowMs(),
    });
    expect(diagnosticsEntries(r.registry.snapshot(), r.clock.nowMs())).toEqual({});
  });

  it('errors: the refusals keyed by time, with the token redacted', () => {
    const r = makeRegistry();
    const at = r.clock.nowMs();
    for (let i = 0; i < 105; i++) {
      r.registry.streamRefused({
        streamId: 'r1',
        entryId: '0_rkij47dr',
        partnerId: 102,
        streamName: '0_rkij47dr_1',
        mediaServerIndex: 0,
        sourceAddress: '10.1.2.3',
        reason: `wrong token #${i}`,
        alertCode: 111,
        kalturaCode: 'LIVE_STREAM_INVALID_TOKEN',
        connectionUrl: 'rtmp://127.0.0.1:1935/kLive/?p=102&e=0_rkij47dr&i=0&t=s3cr3tz',
        atMs: at + Math.floor(i / 2),
      });
    }
    const body = diagnosticsErrors(r.registry.refusals());
    const keys = Object.keys(body);
    expect(keys).toHaveLength(100);
    expect(body[keys[keys.length - 1] as string]).toEqual({
      ConnectionUrl: 'rtmp://127.0.0.1:1935/kLive/?p=102&e=0_rkij47dr&i=0&t=<redacted>',
      message: 'wrong token #104',
      IP: '10.1.2.3',
      Time: at + 52,
    });
    expect(JSON.stringify(body)).not.toContain('s3cr3tz');
  });

  it('info: the station in the media-server field names', () => {
    const r = rig();
    r.registry.system({
      cpuPercent: 10,
      rssBytes: 1,
      loadAverage1m: 1,
      cores: 2,
      memoryTotalBytes: 1,
      memoryFreeBytes: 1,
      ffmpegCount: 1,
      ffmpegCpuPercent: 50,
      ffmpegRssBytes: 1,
    });
    const info = diagnosticsInfo(r.registry.snapshot(), r.clock.nowMs(), 'station-1.local');
    expect(info).toEqual({
      jarName: 'klive-station',
      version: '0.1.0',
      dateStarted: new Date(1_700_000_000_000).toISOString(),
      timeRunning: 12,
      hostName: 'station-1.local',
      cpuUsage: 0.5,
      inputStreamsCount: 1,
      outputStreamsCount: 1,
      entriesCount: 1,
    });
  });
});
