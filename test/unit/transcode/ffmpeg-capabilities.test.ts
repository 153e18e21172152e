// The capability parsers on the recorded answers of both FFmpegs this project runs: Debian's 5.1 (on PATH in CI)
// and the 2018 static build of @ffmpeg-installer (the bundled fallback). Pins issue 22: the station sent 5.1-only
// options (-stats_period, -fps_mode, var_stream_map name:) to the bundled 4.1, which refused every transcode.
import { describe, expect, it } from 'vitest';
import { parseVersionOutput, type FfmpegCapabilities } from '../../../main/transcode/ffmpeg-capabilities.js';
import { dialectOf, ffmpegSupportNote, lacksOf, MODERN_DIALECT } from '../../../main/transcode/ffmpeg-dialect.js';
import { readFfmpegCapabilities } from '../../../main/transcode/ffmpeg-probe.js';
import { recordedCapabilities, recordedOutputs } from '../../helpers/ffmpeg-fixtures.js';

describe('FFmpeg capabilities', () => {
  it("Debian's 5.1: the modern options, every muxer, filter and encoder the station uses", () => {
    const caps = recordedCapabilities('ffmpeg5.1-debian');
    expect(caps.versionText).toBe('5.1.9-0+deb12u1');
    expect(caps.release).toEqual({ major: 5, minor: 1 });
    for (const o of [
      'stats_period',
      'fps_mode',
      'vsync',
      'force_key_frames',
      'progress',
      'enc_time_base',
      'filter_complex',
    ])
      expect(caps.options.has(o), o).toBe(true);
    for (const m of ['hls', 'segment', 'mpegts', 'flv', 'null', 'mp4']) expect(caps.muxers.has(m), m).toBe(true);
    for (const f of ['split', 'scale', 'select', 'format', 'yadif', 'hwupload'])
      expect(caps.filters.has(f), f).toBe(true);
    for (const e of ['libx264', 'aac', 'h264_vaapi']) expect(caps.encoders.has(e), e).toBe(true);
    for (const h of [
      'var_stream_map',
      'hls_flags',
      'independent_segments',
      'discont_start',
      'append_list',
      'delete_segments',
      'hls_segment_type',
    ])
      expect(caps.hlsOptions.has(h), h).toBe(true);
    expect(caps.encoders.has('=')).toBe(false);
    expect(caps.filters.has('=')).toBe(false);
    expect(dialectOf(caps)).toEqual(MODERN_DIALECT);
    expect(lacksOf(caps, ['libx264', 'yadif', 'select', 'vfrRungs', 'hwupload'])).toEqual([]);
    expect(ffmpegSupportNote(caps)).toEqual({ lacks: [], olderEquivalents: [], warning: null });
  });

  it('the bundled 2018 git build is placed at 4.1 by its libavformat and speaks the older dialect', () => {
    const caps = recordedCapabilities('ffmpeg4.1-static');
    expect(caps.versionText).toBe('N-47683-g0e8eb07980-static');
    expect(caps.release).toEqual({ major: 4, minor: 1 });
    expect(caps.options.has('stats_period')).toBe(false);
    expect(caps.options.has('fps_mode')).toBe(false);
    expect(caps.options.has('vsync')).toBe(true);
    expect(caps.options.has('enc_time_base')).toBe(true);
    for (const f of ['split', 'scale', 'select', 'format', 'yadif']) expect(caps.filters.has(f), f).toBe(true);
    for (const e of ['libx264', 'aac']) expect(caps.encoders.has(e), e).toBe(true);
    expect(caps.encoders.has('h264_nvenc')).toBe(false);
    expect(caps.muxers.has('hls') && caps.muxers.has('segment')).toBe(true);
    expect(dialectOf(caps)).toEqual({ statsPeriod: false, fpsMode: false, variantNames: false });
    expect(lacksOf(caps, ['libx264', 'yadif', 'select', 'vfrRungs'])).toEqual([]);
    const note = ffmpegSupportNote(caps);
    expect(note.lacks).toEqual([]);
    expect(note.olderEquivalents).toHaveLength(3);
    expect(note.warning).toMatch(
      /^FFmpeg 4\.1 is older than the station is built for \(6\.0\+\); it works with older equivalents: .*-vsync vfr.*install a current FFmpeg \(6\.x or 7\.x/,
    );
  });

  it('an FFmpeg without what every stream needs is a warning naming each lack, its release and the fix', () => {
    const caps = recordedCapabilities('ffmpeg4.1-static');
    const crippled: FfmpegCapabilities = {
      ...caps,
      encoders: new Set(['aac']),
      hlsOptions: new Set([...caps.hlsOptions].filter((o) => o !== 'var_stream_map')),
    };
    const note = ffmpegSupportNote(crippled);
    expect(note.lacks.map((l) => l.missing)).toEqual(['hls option var_stream_map', 'encoder libx264']);
    expect(note.warning).toMatch(
      /cannot write a ladder from one FFmpeg \(no hls option var_stream_map; FFmpeg 4\.0\+\), encode H\.264 on the CPU \(no encoder libx264; FFmpeg 4\.0\+\)\. To fix: install a current FFmpeg/,
    );
  });

  it('versions: numbered releases, n-tags, git builds by libavformat, and unknown text', () => {
    expect(parseVersionOutput('ffmpeg version 7.1.1 Copyright').release).toEqual({ major: 7, minor: 1 });
    expect(parseVersionOutput('ffmpeg version n6.0 Copyright').release).toEqual({ major: 6, minor: 0 });
    expect(parseVersionOutput('ffmpeg version N-110000-gabc\nlibavformat    60. 16.100 / 60. 16.100').release).toEqual({
      major: 6,
      minor: 1,
    });
    expect(parseVersionOutput('ffmpeg version N-1-gabc\nlibavformat    58. 19.100 / 58. 19.100').release).toEqual({
      major: 4,
      minor: 0,
    });
    expect(parseVersionOutput('not ffmpeg')).toEqual({ versionText: null, release: null });
  });

  it('reads every answer through the runner it is given, argv only', async () => {
    const outputs = recordedOutputs('ffmpeg4.1-static');
    const calls: string[][] = [];
    const byArgs: Record<string, string> = {
      '-hide_banner -version': outputs.version,
      '-hide_banner -h long': outputs.helpLong,
      '-hide_banner -muxers': outputs.muxers,
      '-hide_banner -filters': outputs.filters,
      '-hide_banner -encoders': outputs.encoders,
      '-hide_banner -h muxer=hls': outputs.hlsHelp,
    };
    const caps = await readFfmpegCapabilities('/opt/ffmpeg', async (bin, args) => {
      calls.push([bin, ...args]);
      return byArgs[args.join(' ')] ?? '';
    });
    expect(calls.map((c) => c.slice(1).join(' '))).toEqual(Object.keys(byArgs));
    expect(calls.every((c) => c[0] === '/opt/ffmpeg')).toBe(true);
    expect(caps.release).toEqual({ major: 4, minor: 1 });
  });
});
