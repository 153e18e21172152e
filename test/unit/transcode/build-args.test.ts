// buildFfmpegArgs is pure: each case compares the WHOLE argv for a ladder, an input and an output.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServeLadder } from '../../../main/kaltura/serve-ladder.js';
import { buildFfmpegArgs } from '../../../main/transcode/build-args.js';
import { type HlsOutput, type TranscodeInput } from '../../../main/transcode/plan.js';
import { planTranscode, TranscodePlanError } from '../../../main/transcode/plan.js';
import type { Ladder } from '../../../shared/ladder.js';
import { FfmpegCapabilityError } from '../../../main/transcode/ffmpeg-dialect.js';
import { recordedCapabilities } from '../../helpers/ffmpeg-fixtures.js';
import { REPO_ROOT, SHARED_DIR } from '../../helpers/net.js';

const ladderOf = (file: string): Ladder => parseServeLadder(fs.readFileSync(file, 'utf8')).ladder;
const defaultLadder = (): Ladder => ladderOf(path.join(SHARED_DIR, 'fixtures', 'kaltura', 'serve-default-live.xml'));
const fixtureLadder = (name: string): Ladder => ladderOf(path.join(REPO_ROOT, 'test', 'fixtures', 'transcode', name));

const input: TranscodeInput = {
  url: 'rtmp://127.0.0.1:1935/kLive/0_abcd1234_1',
  frameRateFps: 30,
  width: 1280,
  height: 720,
  hasAudio: true,
  hasVideo: true,
  audioCodec: 'AAC',
};
const output: HlsOutput = {
  dir: '/data/hls/0_abcd1234',
  segmentDurationSeconds: 2,
  playlistSize: 6,
  deleteOldSegments: true,
};
const LIVE_INPUT = [
  '-fpsprobesize',
  '0',
  '-analyzeduration',
  '1000000',
  '-i',
  'rtmp://127.0.0.1:1935/kLive/0_abcd1234_1',
];
const HEAD = ['-hide_banner', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1', '-stats_period', '1'];
const hlsTail = (
  map: string,
  flags = 'independent_segments+delete_segments',
  listSize = '6',
  dir = '/data/hls/0_abcd1234',
): string[] => [
  '-f',
  'hls',
  '-hls_time',
  '2',
  '-hls_list_size',
  listSize,
  '-hls_flags',
  flags,
  '-hls_segment_type',
  'mpegts',
  '-start_number',
  '0',
  '-var_stream_map',
  map,
  '-hls_segment_filename',
  `${dir}/%v/seg_%05d.ts`,
  `${dir}/%v/index.m3u8`,
];
const x264 = (i: number, profile: string, b: number, max: number, buf: number, preset = 'veryfast'): string[] => [
  `-c:v:${i}`,
  'libx264',
  `-preset:v:${i}`,
  preset,
  `-tune:v:${i}`,
  'zerolatency',
  `-profile:v:${i}`,
  profile,
  `-b:v:${i}`,
  String(b),
  `-maxrate:v:${i}`,
  String(max),
  `-bufsize:v:${i}`,
  String(buf),
  `-sc_threshold:v:${i}`,
  '0',
];

describe('buildFfmpegArgs', () => {
  it('default ladder: copy the source, scale three rungs after one decode, follow source key frames, audio per variant', () => {
    expect(buildFfmpegArgs(defaultLadder(), input, output, { encoder: 'libx264' })).toEqual([
      ...HEAD,
      ...LIVE_INPUT,
      '-filter_complex',
      '[0:v:0]split=3[s0][s1][s2];[s0]scale=480:-2,format=yuv420p[v0];[s1]scale=640:-2,format=yuv420p[v1];[s2]scale=640:-2,format=yuv420p[v2]',
      '-map',
      '0:v:0',
      '-map',
      '[v0]',
      '-map',
      '[v1]',
      '-map',
      '[v2]',
      '-map',
      '0:a:0',
      '-map',
      '0:a:0',
      '-map',
      '0:a:0',
      '-map',
      '0:a:0',
      '-c:v:0',
      'copy',
      ...x264(1, 'baseline', 400000, 428000, 600000),
      '-g:v:1',
      '600',
      '-force_key_frames:v:1',
      'source',
      ...x264(2, 'baseline', 600000, 642000, 900000),
      '-g:v:2',
      '600',
      '-force_key_frames:v:2',
      'source',
      ...x264(3, 'main', 900000, 963000, 1350000),
      '-g:v:3',
      '600',
      '-force_key_frames:v:3',
      'source',
      '-c:a:0',
      'aac',
      '-b:a:0',
      '96000',
      '-c:a:1',
      'aac',
      '-b:a:1',
      '64000',
      '-c:a:2',
      'aac',
      '-b:a:2',
      '64000',
      '-c:a:3',
      'aac',
      '-b:a:3',
      '64000',
      ...hlsTail(
        'v:0,a:0,name:0_abcd1234_32 v:1,a:1,name:0_abcd1234_33 v:2,a:2,name:0_abcd1234_34 v:3,a:3,name:0_abcd1234_35',
      ),
    ]);
  });

  // issue 21: OBS's default GOP (8.3 s) made every segment 8.3 s long while the source passed through
  it('a long source GOP: the source rung is encoded at the source bitrate and every rung gets a key frame each segment', () => {
    expect(
      buildFfmpegArgs(defaultLadder(), input, output, {
        encoder: 'libx264',
        keyFrameMode: 'interval',
        reencodeSourceBps: 2_500_000,
      }),
    ).toEqual([
      ...HEAD,
      ...LIVE_INPUT,
      '-filter_complex',
      '[0:v:0]split=4[s0][s1][s2][s3];[s0]format=yuv420p[v0];[s1]scale=480:-2,format=yuv420p[v1];[s2]scale=640:-2,format=yuv420p[v2];[s3]scale=640:-2,format=yuv420p[v3]',
      '-map',
      '[v0]',
      '-map',
      '[v1]',
      '-map',
      '[v2]',
      '-map',
      '[v3]',
      '-map',
      '0:a:0',
      '-map',
      '0:a:0',
      '-map',
      '0:a:0',
      '-map',
      '0:a:0',
      ...x264(0, 'high', 2500000, 2675000, 3750000),
      '-g:v:0',
      '120',
      '-force_key_frames:v:0',
      'expr:gte(t,n_forced*2)',
      ...x264(1, 'baseline', 400000, 428000, 600000),
      '-g:v:1',
      '120',
      '-force_key_frames:v:1',
      'expr:gte(t,n_forced*2)',
      ...x264(2, 'baseline', 600000, 642000, 900000),
      '-g:v:2',
      '120',
      '-force_key_frames:v:2',
      'expr:gte(t,n_forced*2)',
      ...x264(3, 'main', 900000, 963000, 1350000),
      '-g:v:3',
      '120',
      '-force_key_frames:v:3',
      'expr:gte(t,n_forced*2)',
      '-c:a:0',
      'aac',
      '-b:a:0',
      '96000',
      '-c:a:1',
      'aac',
      '-b:a:1',
      '64000',
      '-c:a:2',
      'aac',
      '-b:a:2',
      '64000',
      '-c:a:3',
      'aac',
      '-b:a:3',
      '64000',
      ...hlsTail(
        'v:0,a:0,name:0_abcd1234_32 v:1,a:1,name:0_abcd1234_33 v:2,a:2,name:0_abcd1234_34 v:3,a:3,name:0_abcd1234_35',
      ),
    ]);
    const plan = planTranscode(defaultLadder(), input, output, {
      encoder: 'libx264',
      keyFrameMode: 'interval',
      reencodeSourceBps: 2_500_000,
    });
    expect(plan.variants[0]?.video).toMatchObject({
      copy: false,
      reencodedSource: true,
      width: 1280,
      height: 720,
      frameRateFps: 30,
    });
  });

  it('a long source GOP on a computer too slow to re-encode it: the source passes through, the other rungs keep fixed key frames', () => {
    const args = buildFfmpegArgs(defaultLadder(), input, output, { encoder: 'libx264', keyFrameMode: 'interval' });
    expect(args.slice(args.indexOf('-c:v:0'), args.indexOf('-c:v:0') + 2)).toEqual(['-c:v:0', 'copy']);
    expect(args.slice(args.indexOf('-g:v:1'), args.indexOf('-g:v:1') + 4)).toEqual([
      '-g:v:1',
      '120',
      '-force_key_frames:v:1',
      'expr:gte(t,n_forced*2)',
    ]);
  });

  it("the station's own input: the ingest feed as FLV on fd 3, probed as briefly as a live pull", () => {
    const feedInput: TranscodeInput = { ...input, url: 'pipe:3', format: 'flv', live: true };
    const fromFeed = buildFfmpegArgs(defaultLadder(), feedInput, output, { encoder: 'libx264' });
    const fromRtmp = buildFfmpegArgs(defaultLadder(), input, output, { encoder: 'libx264' });
    expect(fromFeed).toEqual([
      ...HEAD,
      '-f',
      'flv',
      '-fpsprobesize',
      '0',
      '-analyzeduration',
      '1000000',
      '-i',
      'pipe:3',
      ...fromRtmp.slice(HEAD.length + LIVE_INPUT.length),
    ]);
  });

  it('probes a live pull briefly, a file (tests, benches) normally', () => {
    const args = buildFfmpegArgs(defaultLadder(), { ...input, url: '/tmp/source.flv', readRealtime: true }, output, {
      encoder: 'libx264',
    });
    expect(args.slice(8, 11)).toEqual(['-re', '-i', '/tmp/source.flv']);
  });

  it('never upscales: a 320x180 source keeps its size; an unknown size uses min()', () => {
    const small = buildFfmpegArgs(defaultLadder(), { ...input, width: 320, height: 180 }, output, {
      encoder: 'libx264',
    });
    expect(small[small.indexOf('-filter_complex') + 1]).toBe(
      '[0:v:0]split=3[s0][s1][s2];[s0]format=yuv420p[v0];[s1]format=yuv420p[v1];[s2]format=yuv420p[v2]',
    );
    const unknown = buildFfmpegArgs(defaultLadder(), { ...input, width: null, height: null }, output, {
      encoder: 'libx264',
    });
    expect(unknown[unknown.indexOf('-filter_complex') + 1]).toBe(
      "[0:v:0]split=3[s0][s1][s2];[s0]scale='min(480,iw)':-2,format=yuv420p[v0];[s1]scale='min(640,iw)':-2,format=yuv420p[v1];[s2]scale='min(640,iw)':-2,format=yuv420p[v2]",
    );
  });

  it('omitEndList: FFmpeg never ends the playlist (a publisher that drops may resume; the session ends it) (issue 20)', () => {
    const args = buildFfmpegArgs(
      fixtureLadder('serve-passthrough-ingest2.xml'),
      input,
      { ...output, appendToExisting: true, omitEndList: true },
      { encoder: 'libx264' },
    );
    expect(args[args.indexOf('-hls_flags') + 1]).toBe(
      'independent_segments+delete_segments+append_list+discont_start+omit_endlist',
    );
  });

  it('passthrough profile: a remux with no filter graph and no video encode, DVR-sized playlist, restart appends', () => {
    const args = buildFfmpegArgs(
      fixtureLadder('serve-passthrough-ingest2.xml'),
      { ...input, readRealtime: true },
      { ...output, playlistSize: 3600, appendToExisting: true, startNumber: 12 },
      { encoder: 'libx264' },
    );
    expect(args).toEqual([
      ...HEAD,
      '-re',
      ...LIVE_INPUT,
      '-map',
      '0:v:0',
      '-map',
      '0:a:0',
      '-c:v:0',
      'copy',
      '-c:a:0',
      'aac',
      '-b:a:0',
      '96000',
      '-f',
      'hls',
      '-hls_time',
      '2',
      '-hls_list_size',
      '3600',
      '-hls_flags',
      'independent_segments+delete_segments+append_list+discont_start',
      '-hls_segment_type',
      'mpegts',
      '-start_number',
      '12',
      '-var_stream_map',
      'v:0,a:0,name:0_abcd1234_36',
      '-hls_segment_filename',
      '/data/hls/0_abcd1234/%v/seg_%05d.ts',
      '/data/hls/0_abcd1234/%v/index.m3u8',
    ]);
  });

  it('audio passthrough on every rung: one shared audio group copied once', () => {
    const args = buildFfmpegArgs(fixtureLadder('serve-source-aac-passthru.xml'), input, output, {
      encoder: 'libx264',
      preset: 'ultrafast',
      threads: 2,
    });
    expect(args).toEqual([
      ...HEAD,
      ...LIVE_INPUT,
      '-filter_complex',
      '[0:v:0]scale=-2:270,format=yuv420p[v0]',
      '-map',
      '0:v:0',
      '-map',
      '[v0]',
      '-map',
      '0:a:0',
      '-c:v:0',
      'copy',
      ...x264(1, 'baseline', 400000, 428000, 600000, 'ultrafast'),
      '-g:v:1',
      '600',
      '-force_key_frames:v:1',
      'source',
      '-c:a:0',
      'copy',
      '-threads',
      '2',
      ...hlsTail('v:0,agroup:aud,name:0_abcd1234_32 v:1,agroup:aud,name:0_abcd1234_33 a:0,agroup:aud,name:audio'),
    ]);
  });

  it('source audio that is not AAC is encoded instead of copied', () => {
    const plan = planTranscode(
      fixtureLadder('serve-source-aac-passthru.xml'),
      { ...input, audioCodec: 'MP3' },
      output,
      { encoder: 'libx264' },
    );
    expect(plan.audioGroup?.audio).toEqual({ copy: false, bitrateBps: 96000 });
    expect(plan.warnings[0]).toMatch(/source audio is MP3, not AAC/);
  });

  it('CBR + SkipFrameCount + deinterlace with no passthrough rung: fixed key-frame interval, every other frame', () => {
    const args = buildFfmpegArgs(fixtureLadder('serve-cbr-skip-h263.xml'), input, output, { encoder: 'libx264' });
    expect(args).toEqual([
      ...HEAD,
      ...LIVE_INPUT,
      '-filter_complex',
      "[0:v:0]yadif,split=2[s0][s1];[s0]scale=-2:360,select='not(mod(n,2))',format=yuv420p[v0];[s1]scale=320:-2,format=yuv420p[v1]",
      '-map',
      '[v0]',
      '-map',
      '[v1]',
      '-map',
      '0:a:0',
      '-c:v:0',
      'libx264',
      '-preset:v:0',
      'veryfast',
      '-tune:v:0',
      'zerolatency',
      '-profile:v:0',
      'high',
      '-b:v:0',
      '1000000',
      '-maxrate:v:0',
      '1000000',
      '-bufsize:v:0',
      '1500000',
      '-x264-params:v:0',
      'nal-hrd=cbr',
      '-sc_threshold:v:0',
      '0',
      '-fps_mode:v:0',
      'vfr',
      '-g:v:0',
      '60',
      '-force_key_frames:v:0',
      'expr:gte(t,n_forced*2)',
      ...x264(1, 'baseline', 300000, 321000, 450000),
      '-g:v:1',
      '120',
      '-force_key_frames:v:1',
      'expr:gte(t,n_forced*2)',
      '-c:a:0',
      'aac',
      '-b:a:0',
      '128000',
      ...hlsTail('v:0,agroup:aud,name:0_abcd1234_40 v:1,agroup:aud,name:0_abcd1234_41 a:0,agroup:aud,name:audio'),
    ]);
  });

  it('a skipped-frames rung in source mode keeps the source key frames', () => {
    const ladder = defaultLadder();
    const rung = ladder.renditions[1];
    if (!rung?.video) throw new Error('fixture changed');
    rung.video.skipFrameCount = 1;
    const args = buildFfmpegArgs(ladder, input, output, { encoder: 'libx264' });
    expect(args[args.indexOf('-filter_complex') + 1]).toContain(
      "[s0]scale=480:-2,select='key+not(mod(n,2))',format=yuv420p[v0]",
    );
    expect(args.slice(args.indexOf('-fps_mode:v:1'), args.indexOf('-fps_mode:v:1') + 4)).toEqual([
      '-fps_mode:v:1',
      'vfr',
      '-g:v:1',
      '300',
    ]);
  });

  it('hardware encoder variant: h264_nvenc with its own preset and rate-control names', () => {
    const args = buildFfmpegArgs(fixtureLadder('serve-cbr-skip-h263.xml'), { ...input, hasAudio: false }, output, {
      encoder: 'h264_nvenc',
    });
    expect(args).toEqual([
      ...HEAD,
      ...LIVE_INPUT,
      '-filter_complex',
      "[0:v:0]yadif,split=2[s0][s1];[s0]scale=-2:360,select='not(mod(n,2))',format=yuv420p[v0];[s1]scale=320:-2,format=yuv420p[v1]",
      '-map',
      '[v0]',
      '-map',
      '[v1]',
      '-c:v:0',
      'h264_nvenc',
      '-preset:v:0',
      'p3',
      '-tune:v:0',
      'll',
      '-profile:v:0',
      'high',
      '-rc:v:0',
      'cbr',
      '-forced-idr:v:0',
      '1',
      '-b:v:0',
      '1000000',
      '-maxrate:v:0',
      '1000000',
      '-bufsize:v:0',
      '1500000',
      '-fps_mode:v:0',
      'vfr',
      '-g:v:0',
      '60',
      '-force_key_frames:v:0',
      'expr:gte(t,n_forced*2)',
      '-c:v:1',
      'h264_nvenc',
      '-preset:v:1',
      'p3',
      '-tune:v:1',
      'll',
      '-profile:v:1',
      'baseline',
      '-rc:v:1',
      'vbr',
      '-forced-idr:v:1',
      '1',
      '-b:v:1',
      '300000',
      '-maxrate:v:1',
      '321000',
      '-bufsize:v:1',
      '450000',
      '-g:v:1',
      '120',
      '-force_key_frames:v:1',
      'expr:gte(t,n_forced*2)',
      ...hlsTail('v:0,name:0_abcd1234_40 v:1,name:0_abcd1234_41'),
    ]);
  });

  it('h264_vaapi opens the render node and uploads frames', () => {
    const args = buildFfmpegArgs(defaultLadder(), input, output, { encoder: 'h264_vaapi' });
    expect(args.slice(8, 10)).toEqual(['-vaapi_device', '/dev/dri/renderD128']);
    expect(args[args.indexOf('-filter_complex') + 1]).toContain('scale=480:-2,format=nv12,hwupload[v0]');
    expect(args).toContain('constrained_baseline');
  });

  it('an audio-only rendition (Video Disable) gets its own audio and no video map', () => {
    const ladder = defaultLadder();
    const source = ladder.renditions[0];
    if (!source) throw new Error('fixture changed');
    source.video = null;
    const args = buildFfmpegArgs(ladder, input, output, { encoder: 'libx264' });
    expect(args.filter((a, i) => args[i - 1] === '-map')).toEqual([
      '[v0]',
      '[v1]',
      '[v2]',
      '0:a:0',
      '0:a:0',
      '0:a:0',
      '0:a:0',
    ]);
    expect(args[args.indexOf('-var_stream_map') + 1]).toBe(
      'a:0,name:0_abcd1234_32 v:0,a:1,name:0_abcd1234_33 v:1,a:2,name:0_abcd1234_34 v:2,a:3,name:0_abcd1234_35',
    );
    expect(args).not.toContain('-c:v:3');
  });

  it('a video-only stream drops audio; a stream without media is refused clearly', () => {
    const args = buildFfmpegArgs(
      fixtureLadder('serve-passthrough-ingest2.xml'),
      { ...input, hasAudio: false },
      output,
      { encoder: 'libx264' },
    );
    expect(args).not.toContain('0:a:0');
    expect(() =>
      buildFfmpegArgs(defaultLadder(), { ...input, hasAudio: false, hasVideo: false }, output, { encoder: 'libx264' }),
    ).toThrow(TranscodePlanError);
    expect(() =>
      buildFfmpegArgs(defaultLadder(), input, { ...output, segmentDurationSeconds: 0 }, { encoder: 'libx264' }),
    ).toThrow(/segment duration 0 s is not positive/);
  });
});

// Issue 22: the bundled 2018 FFmpeg (4.1) refused -stats_period, -fps_mode and var_stream_map names, so every
// transcode failed at once and restarted in a loop. The same ladders, as that FFmpeg must be told.
describe('buildFfmpegArgs for the FFmpeg in use', () => {
  const ffmpeg41 = recordedCapabilities('ffmpeg4.1-static');
  const ffmpeg51 = recordedCapabilities('ffmpeg5.1-debian');
  const OLD_HEAD = ['-hide_banner', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1'];

  it("Debian's 5.1 gets exactly the argv of the unread (modern) case", () => {
    for (const file of ['serve-cbr-skip-h263.xml', 'serve-source-aac-passthru.xml', 'serve-passthrough-ingest2.xml']) {
      expect(buildFfmpegArgs(fixtureLadder(file), input, output, { encoder: 'libx264' }, ffmpeg51)).toEqual(
        buildFfmpegArgs(fixtureLadder(file), input, output, { encoder: 'libx264' }),
      );
    }
  });

  it('4.1, default ladder: no -stats_period, numbered variant folders, source key frames as on 5.1', () => {
    expect(buildFfmpegArgs(defaultLadder(), input, output, { encoder: 'libx264' }, ffmpeg41)).toEqual([
      ...OLD_HEAD,
      ...LIVE_INPUT,
      '-filter_complex',
      '[0:v:0]split=3[s0][s1][s2];[s0]scale=480:-2,format=yuv420p[v0];[s1]scale=640:-2,format=yuv420p[v1];[s2]scale=640:-2,format=yuv420p[v2]',
      '-map',
      '0:v:0',
      '-map',
      '[v0]',
      '-map',
      '[v1]',
      '-map',
      '[v2]',
      '-map',
      '0:a:0',
      '-map',
      '0:a:0',
      '-map',
      '0:a:0',
      '-map',
      '0:a:0',
      '-c:v:0',
      'copy',
      ...x264(1, 'baseline', 400000, 428000, 600000),
      '-g:v:1',
      '600',
      '-force_key_frames:v:1',
      'source',
      ...x264(2, 'baseline', 600000, 642000, 900000),
      '-g:v:2',
      '600',
      '-force_key_frames:v:2',
      'source',
      ...x264(3, 'main', 900000, 963000, 1350000),
      '-g:v:3',
      '600',
      '-force_key_frames:v:3',
      'source',
      '-c:a:0',
      'aac',
      '-b:a:0',
      '96000',
      '-c:a:1',
      'aac',
      '-b:a:1',
      '64000',
      '-c:a:2',
      'aac',
      '-b:a:2',
      '64000',
      '-c:a:3',
      'aac',
      '-b:a:3',
      '64000',
      ...hlsTail('v:0,a:0 v:1,a:1 v:2,a:2 v:3,a:3'),
    ]);
  });

  it('4.1, skipped frames: the global -vsync vfr and a millisecond encoder time base instead of -fps_mode', () => {
    expect(
      buildFfmpegArgs(fixtureLadder('serve-cbr-skip-h263.xml'), input, output, { encoder: 'libx264' }, ffmpeg41),
    ).toEqual([
      ...OLD_HEAD,
      ...LIVE_INPUT,
      '-filter_complex',
      "[0:v:0]yadif,split=2[s0][s1];[s0]scale=-2:360,select='not(mod(n,2))',format=yuv420p[v0];[s1]scale=320:-2,format=yuv420p[v1]",
      '-map',
      '[v0]',
      '-map',
      '[v1]',
      '-map',
      '0:a:0',
      '-vsync',
      'vfr',
      '-c:v:0',
      'libx264',
      '-preset:v:0',
      'veryfast',
      '-tune:v:0',
      'zerolatency',
      '-profile:v:0',
      'high',
      '-b:v:0',
      '1000000',
      '-maxrate:v:0',
      '1000000',
      '-bufsize:v:0',
      '1500000',
      '-x264-params:v:0',
      'nal-hrd=cbr',
      '-sc_threshold:v:0',
      '0',
      '-enc_time_base:v:0',
      '1:1000',
      '-g:v:0',
      '60',
      '-force_key_frames:v:0',
      'expr:gte(t,n_forced*2)',
      ...x264(1, 'baseline', 300000, 321000, 450000),
      '-g:v:1',
      '120',
      '-force_key_frames:v:1',
      'expr:gte(t,n_forced*2)',
      '-c:a:0',
      'aac',
      '-b:a:0',
      '128000',
      ...hlsTail('v:0,agroup:aud v:1,agroup:aud a:0,agroup:aud'),
    ]);
  });

  it('an FFmpeg without an equivalent is refused before it runs: what is missing, the release that has it, the fix', () => {
    const noYadif = { ...ffmpeg41, filters: new Set([...ffmpeg41.filters].filter((f) => f !== 'yadif')) };
    const refuse = () =>
      buildFfmpegArgs(fixtureLadder('serve-cbr-skip-h263.xml'), input, output, { encoder: 'libx264' }, noYadif);
    expect(refuse).toThrow(FfmpegCapabilityError);
    expect(refuse).toThrow(
      /cannot deinterlace \(the ladder asks for it\) \(it lacks filter yadif, FFmpeg 4\.0\+ has it\): install a current FFmpeg \(6\.x or 7\.x/,
    );
    // a passthrough-only ladder does not encode video: no x264 needed
    const noX264 = { ...ffmpeg41, encoders: new Set(['aac']) };
    expect(
      buildFfmpegArgs(fixtureLadder('serve-passthrough-ingest2.xml'), input, output, { encoder: 'libx264' }, noX264),
    ).toContain('copy');
    expect(() => buildFfmpegArgs(defaultLadder(), input, output, { encoder: 'libx264' }, noX264)).toThrow(
      /it lacks encoder libx264/,
    );
    const noVfr = { ...ffmpeg41, options: new Set([...ffmpeg41.options].filter((o) => o !== 'enc_time_base')) };
    expect(() =>
      buildFfmpegArgs(fixtureLadder('serve-cbr-skip-h263.xml'), input, output, { encoder: 'libx264' }, noVfr),
    ).toThrow(/skip frames .*option fps_mode or enc_time_base, FFmpeg 4\.1\+/);
    expect(() => buildFfmpegArgs(defaultLadder(), input, output, { encoder: 'h264_nvenc' }, ffmpeg41)).toThrow(
      /cannot encode with NVENC \(it lacks NVENC presets p1-p7, FFmpeg 4\.3\+ has it\)/,
    );
    expect(buildFfmpegArgs(defaultLadder(), input, output, { encoder: 'h264_nvenc' }, ffmpeg51)).toContain('p3');
  });
});
