// Real FFmpeg: a TranscodeSession from serve XML to HLS on disk. Input is a small generated FLV read with -re
// (the RTMP ingest is another module's job). Checks the master, ffprobe'd resolutions and codecs, aligned
// segments, remux-only passthrough, restart after SIGKILL with a discontinuity, ENDLIST on stop, no FFmpeg left.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TranscodeSession } from '../../../main/transcode/transcode-session.js';
import { type TranscodeSessionOptions } from '../../../main/transcode/session-options.js';
import { parseServeLadder } from '../../../main/kaltura/serve-ladder.js';
import { parseMediaPlaylist } from '../../../main/transcode/hls-playlist.js';
import { PidRegistry } from '../../../main/process/pid-registry.js';
import { silentLogger } from '../../../main/log/logger.js';
import type { InputProbe } from '../../../shared/state.js';
import { REPO_ROOT, SHARED_DIR, tempDir, waitFor } from '../../helpers/net.js';

const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
const FFPROBE = '/usr/bin/ffprobe';
const ENTRY = '0_abcd1234';
const defaultXml = fs.readFileSync(path.join(SHARED_DIR, 'fixtures', 'kaltura', 'serve-default-live.xml'), 'utf8');
const cbrXml = fs.readFileSync(
  path.join(REPO_ROOT, 'test', 'fixtures', 'transcode', 'serve-cbr-skip-h263.xml'),
  'utf8',
);
const passthroughXml = fs.readFileSync(
  path.join(REPO_ROOT, 'test', 'fixtures', 'transcode', 'serve-passthrough-ingest2.xml'),
  'utf8',
);

let workDir = '';
let source = '';
const sessions: TranscodeSession[] = [];
const spawnedPids: number[] = [];

function probe(): InputProbe {
  return {
    videoCodec: 'H.264',
    audioCodec: 'AAC',
    width: 640,
    height: 360,
    frameRateFps: 15,
    videoBitrateBps: 500_000,
    audioBitrateBps: 64_000,
    keyframeIntervalSeconds: { last: 1, min: 1, max: 1 },
    audioSampleRateHz: 48_000,
    audioChannels: 1,
    declared: { width: 640, height: 360, framerate: 15, videodatarate: 500, audiodatarate: 64 },
    lastVideoAtMs: null,
    lastAudioAtMs: null,
    timestampDriftMs: null,
    bytesIn: 0,
  };
}

function makeSession(xml: string, overrides: Partial<TranscodeSessionOptions> = {}): TranscodeSession {
  const hlsRootDir = path.join(workDir, 'hls');
  const session = new TranscodeSession({
    entryId: ENTRY,
    partnerId: 102,
    streamName: `${ENTRY}_1`,
    hlsRootDir,
    pullUrl: source,
    probeAtStart: probe(),
    entry: { segmentDurationMs: 2000, dvrEnabled: false, dvrWindowMinutes: null },
    ffmpegPath: FFMPEG,
    encoder: 'libx264',
    preset: 'ultrafast',
    threads: 1,
    ladder: parseServeLadder(xml).ladder,
    logger: silentLogger(),
    readRealtime: true,
    pidRegistry: new PidRegistry({ file: path.join(workDir, 'run', 'ffmpeg-pids.json'), logger: silentLogger() }),
    ...overrides,
  });
  session.on('state', (s) => {
    if (s.transcoder.pid !== null && !spawnedPids.includes(s.transcoder.pid)) spawnedPids.push(s.transcoder.pid);
  });
  sessions.push(session);
  return session;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function ffprobeVideo(file: string): { codec_name: string; width: number; height: number } {
  const out = execFileSync(
    FFPROBE,
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { streams: Array<{ codec_name: string; width: number; height: number }> }).streams[0] as {
    codec_name: string;
    width: number;
    height: number;
  };
}

function audioCodec(file: string): string | undefined {
  const out = execFileSync(
    FFPROBE,
    ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { streams: Array<{ codec_name: string }> }).streams[0]?.codec_name;
}

const variantDir = (name: string): string => path.join(workDir, 'hls', ENTRY, name);
const playlist = (name: string) =>
  parseMediaPlaylist(fs.readFileSync(path.join(variantDir(name), 'index.m3u8'), 'utf8'));

beforeAll(() => {
  workDir = tempDir('klive-transcode-');
  source = path.join(workDir, 'source.flv');
  // 640x360@15, key frame every second, CRF (so a remux is recognisable by x264's "rc=crf" SEI), mono AAC
  execFileSync(FFMPEG, [
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
    '-crf',
    '30',
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
  for (const pid of spawnedPids.splice(0)) {
    if (alive(pid)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('TranscodeSession with real FFmpeg', () => {
  it('default ladder: master lists every rendition, ffprobe finds the promised sizes and codecs, segments align, ENDLIST at the end', async () => {
    const session = makeSession(defaultXml);
    let playable = false;
    let ended: string | null = null;
    session.on('playable', () => (playable = true));
    session.on('ended', (e) => (ended = e.reason));
    expect(await session.start()).toBe(true);

    await waitFor(() => playable, { timeoutMs: 30_000, what: 'playable' });
    const master = fs.readFileSync(path.join(workDir, 'hls', ENTRY, 'master.m3u8'), 'utf8');
    const infs = master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
    expect(infs).toHaveLength(4);
    expect(master).toMatch(
      /RESOLUTION=640x360,FRAME-RATE=15\.000,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"\n0_abcd1234_32\/index\.m3u8/,
    );
    expect(master).toMatch(
      /RESOLUTION=480x270,FRAME-RATE=15\.000,CODECS="avc1\.42c0[0-9a-f]{2},mp4a\.40\.2"\n0_abcd1234_33\/index\.m3u8/,
    );
    for (const inf of infs) expect(inf).toMatch(/BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+/);

    await waitFor(() => ended, { timeoutMs: 60_000, what: 'the input to end' });
    expect(ended).toBe('input-ended');
    const expected: Record<string, [number, number]> = {
      '0_abcd1234_32': [640, 360],
      '0_abcd1234_33': [480, 270],
      '0_abcd1234_34': [640, 360],
      '0_abcd1234_35': [640, 360],
    };
    const lists = Object.keys(expected).map((name) => playlist(name));
    for (const [name, [w, h]] of Object.entries(expected)) {
      const first = path.join(variantDir(name), playlist(name).segments[0]?.uri ?? 'missing');
      expect(ffprobeVideo(first)).toEqual({ codec_name: 'h264', width: w, height: h });
      expect(audioCodec(first)).toBe('aac');
      expect(playlist(name).ended).toBe(true);
    }
    // key frames aligned across renditions: same segment count, same durations (the last one may differ by a frame)
    const counts = lists.map((l) => l.segments.length);
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeGreaterThanOrEqual(4);
    const reference = lists[0]?.segments ?? [];
    for (const list of lists) {
      list.segments
        .slice(0, -1)
        .forEach((s, i) =>
          expect(Math.abs(s.durationSeconds - (reference[i]?.durationSeconds ?? 0))).toBeLessThan(0.1),
        );
    }
  });

  it('CBR + SkipFrameCount + deinterlace + H.263 ladder with no probe: fixed key-frame interval, sizes read from the SPS', async () => {
    const session = makeSession(cbrXml, { probeAtStart: null, readRealtime: false });
    let ended = false;
    let playable = false;
    session.on('playable', () => (playable = true));
    session.on('ended', () => (ended = true));
    expect(await session.start()).toBe(true);
    await waitFor(() => ended, { timeoutMs: 60_000, what: 'the ladder to finish' });
    expect(playable).toBe(true);
    const master = fs.readFileSync(path.join(workDir, 'hls', ENTRY, 'master.m3u8'), 'utf8');
    expect(master).toContain('#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud"');
    expect(master).toMatch(/RESOLUTION=640x360,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",AUDIO="aud"\n0_abcd1234_40/);
    expect(master).toMatch(/RESOLUTION=320x180,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",AUDIO="aud"\n0_abcd1234_41/);
    const lists = ['0_abcd1234_40', '0_abcd1234_41'].map((n) => playlist(n));
    expect(lists[0]?.segments.length).toBe(lists[1]?.segments.length);
    expect(lists[0]?.segments.slice(0, -1).every((s) => Math.abs(s.durationSeconds - 2) < 0.1)).toBe(true);
    expect(playlist('audio').ended).toBe(true);
    // every other frame: about half as many frames in the skip rung's first segment
    const count = (name: string): number =>
      Number(
        execFileSync(
          FFPROBE,
          [
            '-v',
            'error',
            '-count_frames',
            '-select_streams',
            'v:0',
            '-show_entries',
            'stream=nb_read_frames',
            '-of',
            'csv=p=0',
            path.join(variantDir(name), 'seg_00001.ts'),
          ],
          { encoding: 'utf8' },
        )
          .trim()
          .split('\n')[0],
      );
    expect(count('0_abcd1234_41')).toBe(30);
    expect(count('0_abcd1234_40')).toBe(15);
  });

  it("passthrough ladder is a remux: the source encoder's own SEI survives and no discontinuity on a first run", async () => {
    const session = makeSession(passthroughXml, { streamName: `${ENTRY}_2`, readRealtime: false });
    let ended = false;
    session.on('ended', () => (ended = true));
    expect(await session.start()).toBe(true);
    await waitFor(() => ended, { timeoutMs: 30_000, what: 'the remux to finish' });
    const list = playlist('0_abcd1234_36');
    expect(list.ended).toBe(true);
    expect(list.discontinuities).toBe(0);
    const first = fs.readFileSync(path.join(variantDir('0_abcd1234_36'), list.segments[0]?.uri ?? 'missing'));
    expect(first.includes(Buffer.from('rc=crf'))).toBe(true);
    expect(ffprobeVideo(path.join(variantDir('0_abcd1234_36'), list.segments[0]?.uri ?? ''))).toEqual({
      codec_name: 'h264',
      width: 640,
      height: 360,
    });
  });

  it('SIGKILL mid-stream: restarted, the playlist continues with #EXT-X-DISCONTINUITY; stop writes ENDLIST and leaves no FFmpeg', async () => {
    const pidsFile = path.join(workDir, 'run', 'ffmpeg-pids.json');
    const session = makeSession(passthroughXml, { streamName: `${ENTRY}_2`, supervisor: { backoffInitialMs: 200 } });
    const pids: number[] = [];
    session.on('state', (s) => {
      if (s.transcoder.pid !== null && !pids.includes(s.transcoder.pid)) pids.push(s.transcoder.pid);
    });
    let playable = false;
    session.on('playable', () => (playable = true));
    await session.start();
    await waitFor(() => playable, { timeoutMs: 30_000, what: 'playable' });
    const firstPid = pids[0] as number;
    expect(JSON.parse(fs.readFileSync(pidsFile, 'utf8'))).toEqual([expect.objectContaining({ pid: firstPid })]);
    process.kill(firstPid, 'SIGKILL');
    await waitFor(() => pids.length >= 2, { timeoutMs: 20_000, what: 'a restarted FFmpeg' });
    await waitFor(
      () =>
        playlist('0_abcd1234_36').discontinuities >= 1 &&
        playlist('0_abcd1234_36').segments.some((s) => s.discontinuity),
      { timeoutMs: 20_000, what: 'a discontinuity after the restart' },
    );
    const beforeStop = playlist('0_abcd1234_36');
    expect(beforeStop.ended).toBe(false);
    let closedByStation = -1;
    session.on('ended', (e) => (closedByStation = e.playlistsClosedByStation));
    await session.stop();
    // FFmpeg itself wrote ENDLIST on 'q'
    expect(closedByStation).toBe(0);
    expect(playlist('0_abcd1234_36').ended).toBe(true);
    for (const pid of pids) await waitFor(() => !alive(pid), { timeoutMs: 5_000, what: `FFmpeg ${pid} to be gone` });
    expect(JSON.parse(fs.readFileSync(pidsFile, 'utf8'))).toEqual([]);
  });
});
