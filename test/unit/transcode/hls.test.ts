// HLS pieces: codec strings read from a real segment, media playlist parsing, our master playlist, the meter.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  computedAvcCodec,
  readAacCodecFromTs,
  readAvcCodecFromTs,
  readAvcSizeFromTs,
} from '../../../main/transcode/hls-codecs.js';
import { masterFromPlan, renderMasterPlaylist } from '../../../main/transcode/hls-master.js';
import { ensureEndList, firstSegmentBytes } from '../../../main/transcode/hls-files.js';
import { HlsMeter, bitrateMetric, segmentMetric } from '../../../main/transcode/hls-meter.js';
import { parseMediaPlaylist, playlistSizeFor, segmentSecondsFor } from '../../../main/transcode/hls-playlist.js';
import { planTranscode, type TranscodePlan } from '../../../main/transcode/plan.js';
import { parseServeLadder } from '../../../main/kaltura/serve-ladder.js';
import { REPO_ROOT, SHARED_DIR, tempDir } from '../../helpers/net.js';

const fixtures = path.join(REPO_ROOT, 'test', 'fixtures', 'transcode');
const defaultLadder = () =>
  parseServeLadder(fs.readFileSync(path.join(SHARED_DIR, 'fixtures', 'kaltura', 'serve-default-live.xml'), 'utf8'))
    .ladder;
const output = { dir: '/x', segmentDurationSeconds: 2, playlistSize: 6, deleteOldSegments: true };
const input = {
  url: 'in',
  frameRateFps: 30,
  width: 1280,
  height: 720,
  hasAudio: true,
  hasVideo: true,
  audioCodec: 'AAC',
  videoBitrateBps: 2_500_000,
};

describe('codec strings', () => {
  it('reads avc1 and mp4a from a real segment (ffprobe: h264 Main level 10, aac LC)', () => {
    const ts = fs.readFileSync(path.join(fixtures, 'tiny-main-aac.mpegts'));
    expect(readAvcCodecFromTs(ts)).toBe('avc1.4d400a');
    expect(readAacCodecFromTs(ts)).toBe('mp4a.40.2');
    expect(readAvcSizeFromTs(ts)).toEqual({ width: 64, height: 36 });
    expect(readAvcCodecFromTs(Buffer.from('not a transport stream'))).toBeNull();
  });

  it('computes a fallback from profile and macroblock rate', () => {
    expect(computedAvcCodec('baseline', 480, 270, 30)).toBe('avc1.42c015');
    expect(computedAvcCodec('baseline', 640, 360, 30)).toBe('avc1.42c01e');
    expect(computedAvcCodec('main', 1280, 720, 30)).toBe('avc1.4d401f');
    expect(computedAvcCodec('high', 1920, 1080, 30)).toBe('avc1.640028');
  });
});

describe('media playlists', () => {
  it('parses segments, discontinuities and ENDLIST as FFmpeg 5.1 writes them after a restart', () => {
    const text =
      '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:3\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXTINF:2.000000,\nseg_00003.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:1.980000,\nseg_00004.ts\n#EXT-X-ENDLIST\n';
    expect(parseMediaPlaylist(text)).toEqual({
      targetDurationSeconds: 2,
      mediaSequence: 3,
      ended: true,
      discontinuities: 1,
      segments: [
        { uri: 'seg_00003.ts', durationSeconds: 2, sequence: 3, discontinuity: false },
        { uri: 'seg_00004.ts', durationSeconds: 1.98, sequence: 4, discontinuity: true },
      ],
    });
    expect(() => parseMediaPlaylist('<html>')).toThrow(/not an HLS playlist/);
  });

  it('sizes playlists: DVR window in segments, else a short live window; segment seconds from the entry', () => {
    expect(playlistSizeFor(2, { enabled: true, windowMinutes: 120 })).toBe(3600);
    expect(playlistSizeFor(6, { enabled: true, windowMinutes: 1 })).toBe(10);
    expect(playlistSizeFor(2, { enabled: false, windowMinutes: 120 })).toBe(6);
    expect(segmentSecondsFor(6000)).toBe(6);
    expect(segmentSecondsFor(null)).toBe(2);
    expect(segmentSecondsFor(500)).toBe(2);
    expect(segmentSecondsFor(25_000)).toBe(2);
  });
});

describe('hls files', () => {
  it('closes a playlist FFmpeg left open, once, and reads the first listed segment', () => {
    const dir = tempDir();
    try {
      const file = path.join(dir, 'index.m3u8');
      fs.writeFileSync(file, '#EXTM3U\n#EXTINF:2.0,\nseg_00007.ts');
      fs.writeFileSync(path.join(dir, 'seg_00007.ts'), 'abc');
      expect(ensureEndList(file)).toBe(true);
      expect(ensureEndList(file)).toBe(false);
      expect(fs.readFileSync(file, 'utf8')).toBe('#EXTM3U\n#EXTINF:2.0,\nseg_00007.ts\n#EXT-X-ENDLIST\n');
      expect(firstSegmentBytes(dir)?.toString()).toBe('abc');
      expect(ensureEndList(path.join(dir, 'missing.m3u8'))).toBe(false);
      expect(firstSegmentBytes(path.join(dir, 'missing'))).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('master playlist', () => {
  it('lists every rendition with BANDWIDTH, AVERAGE-BANDWIDTH, RESOLUTION, FRAME-RATE and CODECS', () => {
    const plan = planTranscode(defaultLadder(), input, output, { encoder: 'libx264' });
    const observed = new Map([['0_abcd1234_32', { avcCodec: 'avc1.64001f', measuredBitrateBps: 2_800_000 }]]);
    expect(renderMasterPlaylist(masterFromPlan(plan, observed))).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:6',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-STREAM-INF:BANDWIDTH=3360000,AVERAGE-BANDWIDTH=2800000,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2"',
        '0_abcd1234_32/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=541200,AVERAGE-BANDWIDTH=510400,RESOLUTION=480x270,FRAME-RATE=30.000,CODECS="avc1.42c015,mp4a.40.2"',
        '0_abcd1234_33/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=776600,AVERAGE-BANDWIDTH=730400,RESOLUTION=640x360,FRAME-RATE=30.000,CODECS="avc1.42c01e,mp4a.40.2"',
        '0_abcd1234_34/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=1129700,AVERAGE-BANDWIDTH=1060400,RESOLUTION=640x360,FRAME-RATE=30.000,CODECS="avc1.4d401e,mp4a.40.2"',
        '0_abcd1234_35/index.m3u8',
        '',
      ].join('\n'),
    );
  });

  it('takes RESOLUTION from the real segment when the input size was unknown', () => {
    const plan = planTranscode(defaultLadder(), { ...input, width: null, height: null }, output, {
      encoder: 'libx264',
    });
    const master = masterFromPlan(plan, new Map([['0_abcd1234_33', { width: 480, height: 270 }]]));
    expect(master.variants.map((v) => [v.width, v.height])).toEqual([
      [null, null],
      [480, 270],
      [null, null],
      [null, null],
    ]);
    expect(renderMasterPlaylist(master)).toContain('RESOLUTION=480x270,FRAME-RATE=30.000,CODECS=');
  });

  it('declares the shared audio group once and references it from every variant', () => {
    const ladder = parseServeLadder(fs.readFileSync(path.join(fixtures, 'serve-cbr-skip-h263.xml'), 'utf8')).ladder;
    const text = renderMasterPlaylist(masterFromPlan(planTranscode(ladder, input, output, { encoder: 'libx264' })));
    expect(text).toContain(
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,URI="audio/index.m3u8"',
    );
    expect(text).toContain('RESOLUTION=640x360,FRAME-RATE=15.000,CODECS="avc1.640016,mp4a.40.2",AUDIO="aud"');
    expect(text.match(/AUDIO="aud"/g)).toHaveLength(2);
  });
});

describe('HlsMeter', () => {
  function writeVariant(dir: string, folder: string, segments: Array<[string, number, number]>): void {
    fs.mkdirSync(path.join(dir, folder), { recursive: true });
    const lines = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0'];
    for (const [name, duration, bytes] of segments) {
      fs.writeFileSync(path.join(dir, folder, name), Buffer.alloc(bytes));
      lines.push(`#EXTINF:${duration.toFixed(6)},`, name);
    }
    fs.writeFileSync(path.join(dir, folder, 'index.m3u8'), lines.join('\n') + '\n');
  }

  it('measures bitrate from segment sizes and EXTINF, and knows when every rendition has a segment', () => {
    const dir = tempDir();
    try {
      const plan: TranscodePlan = planTranscode(defaultLadder(), input, output, { encoder: 'libx264' });
      const meter = new HlsMeter(dir, plan, '/hls/0_abcd1234');
      writeVariant(dir, '0_abcd1234_33', [['seg_00000.ts', 2, 125_000]]);
      expect(meter.allHaveSegments()).toBe(false);
      for (const f of ['0_abcd1234_32', '0_abcd1234_34', '0_abcd1234_35'])
        writeVariant(dir, f, [['seg_00000.ts', 2, 1000]]);
      expect(meter.allHaveSegments()).toBe(true);
      writeVariant(dir, '0_abcd1234_33', [
        ['seg_00000.ts', 2, 125_000],
        ['seg_00001.ts', 5, 125_000],
      ]);
      const states = meter.sample();
      const rung = states.find((s) => s.streamName === '0_abcd1234_33');
      expect(rung).toMatchObject({
        name: 'Basic_Small_400',
        width: 480,
        height: 270,
        targetVideoBitrateBps: 400_000,
        measuredBitrateBps: 350_000,
        bitrateHistoryBps: [500_000, 200_000],
        segmentDurationSeconds: 3.5,
        playlistUrl: '/hls/0_abcd1234/0_abcd1234_33/index.m3u8',
        passthrough: false,
      });
      expect(rung?.metrics['segmentDuration']?.status).toBe('critical');
      expect(states[0]?.passthrough).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rates bitrate and segment duration', () => {
    expect(bitrateMetric(null, 400_000).text).toBe('waiting for the first segment');
    expect(bitrateMetric(500_000, 464_000)).toMatchObject({ status: 'normal', text: '0.50 Mbps (target 0.46 Mbps)' });
    expect(bitrateMetric(100_000, 464_000).status).toBe('warning');
    expect(segmentMetric([2, 2.0], 2).status).toBe('normal');
    expect(segmentMetric([2, 3], 2).status).toBe('warning');
    expect(segmentMetric([2, 5], 2).status).toBe('critical');
  });
});
