// TranscodeSession decisions with stubs (ladder refusals, resume with a discontinuity),
// and hardware encoder detection/fallback with a fake test-encode runner.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TranscodeSession } from '../../../main/transcode/transcode-session.js';
import { chooseEncoder, detectHardwareEncoders, testEncodeArgs } from '../../../main/transcode/encoders.js';
import { parseServeLadder } from '../../../main/kaltura/serve-ladder.js';
import { serveExtraParams, javaDouble } from '../../../main/kaltura/serve-ladder-params.js';
import type { ChildHandle, Spawner } from '../../../main/process/spawner.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { silentLogger } from '../../../main/log/logger.js';
import type { FfmpegCapabilities } from '../../../main/transcode/ffmpeg-capabilities.js';
import { recordedCapabilities } from '../../helpers/ffmpeg-fixtures.js';
import { SHARED_DIR, tempDir } from '../../helpers/net.js';

const xml = fs.readFileSync(path.join(SHARED_DIR, 'fixtures', 'kaltura', 'serve-default-live.xml'), 'utf8');

function fakeSpawner() {
  const spawned: Array<{ args: string[]; exit: (code: number) => void }> = [];
  const spawner: Spawner = {
    spawn(_bin, args) {
      let onExit: (code: number | null, signal: string | null) => void = () => undefined;
      const child: ChildHandle = {
        pid: null,
        feedSink: null,
        writeStdin: (t) => {
          if (t === 'q') onExit(0, null);
        },
        onStdout: () => undefined,
        onStderr: () => undefined,
        onExit: (fn) => (onExit = fn),
        onError: () => undefined,
        killGroup: () => onExit(null, 'SIGKILL'),
      };
      spawned.push({ args, exit: (code) => onExit(code, null) });
      return child;
    },
  };
  return { spawner, spawned };
}

function session(serveXml: string, dir: string, extra: { resumed?: boolean; ffmpeg?: FfmpegCapabilities } = {}) {
  const { spawner, spawned } = fakeSpawner();
  const s = new TranscodeSession({
    entryId: '0_abcd1234',
    partnerId: 102,
    streamName: '0_abcd1234_1',
    hlsRootDir: dir,
    pullUrl: 'rtmp://127.0.0.1:1935/kLive/0_abcd1234_1',
    probeAtStart: null,
    entry: { segmentDurationMs: 6000, dvrEnabled: true, dvrWindowMinutes: 2 },
    ffmpegPath: '/usr/bin/ffmpeg',
    encoder: 'libx264',
    ladder: parseServeLadder(serveXml).ladder,
    logger: silentLogger(),
    spawner,
    clock: new ManualClock(),
    ...extra,
  });
  const failed: Array<{ reason: string }> = [];
  const ended: string[] = [];
  s.on('failed', (f) => failed.push(f));
  s.on('ended', (e) => ended.push(e.reason));
  return { s, spawned, failed, ended };
}

describe('TranscodeSession', () => {
  // issue 22: an FFmpeg that cannot run the ladder failed every start and was restarted in a loop
  it('an FFmpeg lacking what the ladder needs fails the stream once, with the fix, and spawns nothing', async () => {
    const caps = recordedCapabilities('ffmpeg4.1-static');
    const { s, spawned, failed } = session(xml, tempDir(), {
      ffmpeg: { ...caps, encoders: new Set(['aac']) },
    });
    expect(await s.start()).toBe(false);
    expect(spawned).toHaveLength(0);
    expect(failed).toEqual([
      {
        reason: expect.stringMatching(
          /^cannot transcode 0_abcd1234_1: the FFmpeg in use \(N-47683-g0e8eb07980-static\) cannot encode H\.264 on the CPU \(it lacks encoder libx264, FFmpeg 4\.0\+ has it\): install a current FFmpeg/,
        ),
      },
    ]);
  });

  it('on 4.1 the session links numbered folders to the named ones before FFmpeg starts and runs its dialect', async () => {
    const dir = tempDir();
    const { s, spawned } = session(xml, dir, { ffmpeg: recordedCapabilities('ffmpeg4.1-static') });
    expect(await s.start()).toBe(true);
    const out = path.join(dir, '0_abcd1234');
    expect(['0', '1', '2', '3'].map((i) => fs.readlinkSync(path.join(out, i)))).toEqual(
      ['0_abcd1234_32', '0_abcd1234_33', '0_abcd1234_34', '0_abcd1234_35'].map((n) => path.join(out, n)),
    );
    expect(spawned[0]?.args).not.toContain('-stats_period');
    expect(spawned[0]?.args[spawned[0].args.indexOf('-var_stream_map') + 1]).toBe('v:0,a:0 v:1,a:1 v:2,a:2 v:3,a:3');
    await s.stop();
  });

  it('uses the entry segment duration and DVR window, and a resume continues the playlists after a discontinuity', async () => {
    const dir = tempDir();
    const { s, spawned, ended } = session(xml, dir);
    expect(await s.start()).toBe(true);
    const first = spawned[0]?.args ?? [];
    expect(first[first.indexOf('-hls_time') + 1]).toBe('6');
    expect(first[first.indexOf('-hls_list_size') + 1]).toBe('20');
    expect(first[first.indexOf('-hls_flags') + 1]).toBe('independent_segments+delete_segments');
    spawned[0]?.exit(0);
    expect(ended).toEqual(['input-ended']);
    s.resume();
    const second = spawned[1]?.args ?? [];
    expect(second[second.indexOf('-hls_flags') + 1]).toBe(
      'independent_segments+delete_segments+append_list+discont_start',
    );
    await expect(s.start()).rejects.toThrow(/already started; use resume\(\)/);
    await s.stop();
    expect(ended).toEqual(['input-ended', 'stopped']);
    await s.stop();
    expect(ended).toEqual(['input-ended', 'stopped']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports ended once when the input ended and the stream is then stopped without a resume', async () => {
    const dir = tempDir();
    const { s, spawned, ended } = session(xml, dir);
    await s.start();
    spawned[0]?.exit(0);
    await s.stop();
    expect(ended).toEqual(['input-ended']);
    expect(spawned).toHaveLength(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('builds serve extraParams like the Wowza module: strings, kbps, upper-cased codec ids', () => {
    expect(javaDouble(1280)).toBe('1280.0');
    expect(javaDouble(29.97)).toBe('29.97');
    expect(serveExtraParams(null)).toEqual({});
    expect(
      serveExtraParams({
        videoCodec: 'H.264',
        audioCodec: 'AAC',
        width: 1280,
        height: 720,
        frameRateFps: 29.97,
        videoBitrateBps: 2_500_000,
        audioBitrateBps: 128_000,
        keyframeIntervalSeconds: { last: 2, min: 2, max: 2 },
        audioSampleRateHz: 48000,
        audioChannels: 2,
        declared: { framerate: 30 },
        lastVideoAtMs: null,
        lastAudioAtMs: null,
        timestampDriftMs: null,
        bytesIn: 0,
      }),
    ).toEqual({
      audiodatarate: '128.0',
      videodatarate: '2500.0',
      width: '1280.0',
      height: '720.0',
      framerate: '30.0',
      videocodecidstring: 'H264',
      audiocodecidstring: 'AAC',
    });
  });
});

describe('hardware encoders', () => {
  it('runs one real test encode per candidate and keeps the ones that pass', async () => {
    const runs: string[][] = [];
    const detection = await detectHardwareEncoders({
      ffmpegPath: '/usr/bin/ffmpeg',
      run: async (_bin, args) => {
        runs.push(args);
        const encoder = args[args.indexOf('-c:v') + 1];
        return encoder === 'h264_qsv' ? { ok: true, detail: '' } : { ok: false, detail: `Cannot load ${encoder}` };
      },
    });
    expect(detection.working).toEqual(['h264_qsv']);
    expect(detection.failures.h264_nvenc).toBe('Cannot load h264_nvenc');
    expect(runs).toHaveLength(4);
    expect(testEncodeArgs('h264_vaapi')).toEqual([
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-vaapi_device',
      '/dev/dri/renderD128',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=30',
      '-t',
      '1',
      '-vf',
      'format=nv12,hwupload',
      '-c:v',
      'h264_vaapi',
      '-f',
      'null',
      '-',
    ]);
  });

  it('falls back to libx264 with an alert naming the failure and the fix', () => {
    const detection = { working: ['h264_qsv' as const], failures: { h264_nvenc: 'No NVENC capable devices found' } };
    expect(chooseEncoder('h264_qsv', detection)).toEqual({ encoder: 'h264_qsv', alert: null });
    expect(chooseEncoder('libx264', null)).toEqual({ encoder: 'libx264', alert: null });
    const fallback = chooseEncoder('h264_nvenc', detection);
    expect(fallback.encoder).toBe('libx264');
    expect(fallback.alert).toMatch(
      /h264_nvenc failed its test encode \(No NVENC capable devices found\).*libx264.*Settings/,
    );
  });
});
