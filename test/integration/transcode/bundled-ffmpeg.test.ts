// Issue 22: the bundled FFmpeg (@ffmpeg-installer's 2018 static build, FFmpeg 4.1) is what a producer without a
// system FFmpeg runs. Its capabilities are read for real and the session speaks its dialect: every rendition,
// segments aligned on the source's key frames, and true EXTINF durations for skipped-frame rungs (4.1's HLS muxer
// summed the unthinned frame duration and wrote half the real length before the millisecond encoder time base).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TranscodeSession } from '../../../main/transcode/transcode-session.js';
import { parseServeLadder } from '../../../main/kaltura/serve-ladder.js';
import { parseMediaPlaylist } from '../../../main/transcode/hls-playlist.js';
import { readFfmpegCapabilities } from '../../../main/transcode/ffmpeg-probe.js';
import type { FfmpegCapabilities } from '../../../main/transcode/ffmpeg-capabilities.js';
import { bundledFfmpegPath } from '../../../main/transcode/ffmpeg-locate.js';
import { durationProbeFor } from '../../../main/recording/probe.js';
import { silentLogger } from '../../../main/log/logger.js';
import { SHARED_DIR, tempDir, waitFor } from '../../helpers/net.js';

const BUNDLED = bundledFfmpegPath() as string;
const ENTRY = '0_abcd1234';
const defaultXml = fs.readFileSync(path.join(SHARED_DIR, 'fixtures', 'kaltura', 'serve-default-live.xml'), 'utf8');
// the same ladder with its 480p rung keeping every other frame (SkipFrameCount 1): 'source' key frames + select
const skipXml = defaultXml.replace(
  '<Bitrate>400000</Bitrate>',
  '<Bitrate>400000</Bitrate><SkipFrameCount><Value>1</Value></SkipFrameCount>',
);

let workDir = '';
let source = '';
let caps: FfmpegCapabilities;
const sessions: TranscodeSession[] = [];

beforeAll(async () => {
  expect(BUNDLED, 'the @ffmpeg-installer binary (npm ci installs it)').toBeTruthy();
  caps = await readFfmpegCapabilities(BUNDLED);
  workDir = tempDir('klive-bundled-');
  source = path.join(workDir, 'source.flv');
  // 640x360@15 with a key frame every 15 frames: odd GOP, so a kept key frame is often an odd frame
  execFileSync(BUNDLED, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=640x360:rate=15',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    '9',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '15',
    '-keyint_min',
    '15',
    '-sc_threshold',
    '0',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    '-shortest',
    source,
  ]);
});

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.stop()));
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

function run(xml: string): Promise<void> {
  const session = new TranscodeSession({
    entryId: ENTRY,
    partnerId: 102,
    streamName: `${ENTRY}_1`,
    hlsRootDir: path.join(workDir, 'hls'),
    pullUrl: source,
    probeAtStart: null,
    entry: { segmentDurationMs: 2000, dvrEnabled: false, dvrWindowMinutes: null },
    ffmpegPath: BUNDLED,
    ffmpeg: caps,
    encoder: 'libx264',
    preset: 'ultrafast',
    threads: 1,
    ladder: parseServeLadder(xml).ladder,
    logger: silentLogger(),
  });
  sessions.push(session);
  let ended = false;
  let failed: string | null = null;
  session.on('ended', () => (ended = true));
  session.on('failed', (f) => (failed = f.reason));
  return (async () => {
    expect(await session.start()).toBe(true);
    await waitFor(() => ended || failed !== null, { timeoutMs: 60_000, what: 'the ladder to finish' });
    expect(failed).toBeNull();
  })();
}

const dir = (name: string): string => path.join(workDir, 'hls', ENTRY, name);
const playlist = (name: string) => parseMediaPlaylist(fs.readFileSync(path.join(dir(name), 'index.m3u8'), 'utf8'));

/** key-frame times of a rendition's segments, from Debian's ffprobe (a checker, not the station's FFmpeg) */
function keyFrameTimes(name: string): number[] {
  const out: number[] = [];
  for (const s of playlist(name).segments) {
    const csv = execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-skip_frame',
        'nokey',
        '-show_entries',
        'frame=pts_time',
        '-of',
        'csv=p=0',
        path.join(dir(name), s.uri),
      ],
      { encoding: 'utf8' },
    );
    out.push(
      ...csv
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(l.split(',')[0])),
    );
  }
  return out;
}

describe('the bundled FFmpeg 4.1', () => {
  it('is read as 4.1 and spoken to in its dialect', () => {
    expect(caps.release).toEqual({ major: 4, minor: 1 });
    expect(caps.options.has('stats_period')).toBe(false);
  });

  it('default ladder: every rendition in its named folder, ended, segments aligned', async () => {
    await run(defaultXml);
    const names = ['0_abcd1234_32', '0_abcd1234_33', '0_abcd1234_34', '0_abcd1234_35'];
    expect(fs.existsSync(path.join(workDir, 'hls', ENTRY, 'master.m3u8'))).toBe(true);
    const lists = names.map((n) => playlist(n));
    for (const l of lists) expect(l.ended).toBe(true);
    expect(new Set(lists.map((l) => l.segments.length)).size).toBe(1);
    const reference = lists[0]?.segments ?? [];
    for (const l of lists)
      l.segments
        .slice(0, -1)
        .forEach((s, i) =>
          expect(Math.abs(s.durationSeconds - (reference[i]?.durationSeconds ?? 0))).toBeLessThan(0.1),
        );
  });

  it('a skipped-frame rung keeps the source key frames and its true segment durations', async () => {
    await run(skipXml);
    const passthrough = playlist('0_abcd1234_32');
    const skipped = playlist('0_abcd1234_33');
    expect(skipped.segments.length).toBe(passthrough.segments.length);
    skipped.segments
      .slice(0, -1)
      .forEach((s, i) =>
        expect(Math.abs(s.durationSeconds - (passthrough.segments[i]?.durationSeconds ?? 0))).toBeLessThan(0.1),
      );
    expect(skipped.segments[0]?.durationSeconds).toBeGreaterThan(1.5);
    const sourceKeys = keyFrameTimes('0_abcd1234_32');
    const keys = keyFrameTimes('0_abcd1234_33');
    for (const t of keys)
      expect(
        sourceKeys.some((k) => Math.abs(k - t) < 0.01),
        `key frame at ${t}`,
      ).toBe(true);
  });

  it("the recorder's duration probe works without an ffprobe beside it (the static build ships none)", async () => {
    expect(fs.existsSync(path.join(path.dirname(BUNDLED), 'ffprobe'))).toBe(false);
    const file = path.join(workDir, 'probe.ts');
    execFileSync(BUNDLED, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      source,
      '-t',
      '3',
      '-c',
      'copy',
      '-f',
      'mpegts',
      file,
    ]);
    const byFfprobe = Number(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], {
        encoding: 'utf8',
      }).trim(),
    );
    const seconds = await durationProbeFor(BUNDLED)(file);
    expect(seconds).not.toBeNull();
    expect(Math.abs((seconds as number) - byFfprobe)).toBeLessThan(0.02);
    expect(await durationProbeFor(BUNDLED)(path.join(workDir, 'absent.ts'))).toBeNull();
  });
});
