// TranscodeSession following the encoder's GOP with stubs (issue 21): a long GOP replaces FFmpeg with a plan that
// re-encodes the source and puts a key frame in every segment; a re-encode that cannot keep real time falls back.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TranscodeSession } from '../../../main/transcode/transcode-session.js';
import { type TranscodeStateEvent } from '../../../main/transcode/session-options.js';
import { parseServeLadder } from '../../../main/kaltura/serve-ladder.js';
import type { ChildHandle, Spawner } from '../../../main/process/spawner.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { silentLogger } from '../../../main/log/logger.js';
import type { InputProbe } from '../../../shared/state.js';
import { REPO_ROOT, SHARED_DIR, tempDir } from '../../helpers/net.js';

const xml = fs.readFileSync(path.join(SHARED_DIR, 'fixtures', 'kaltura', 'serve-default-live.xml'), 'utf8');
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

interface Run {
  args: string[];
  signals: string[];
  stdin: string[];
  progress: (outSeconds: number) => void;
}

function rig(serveXml = xml) {
  const runs: Run[] = [];
  const spawner: Spawner = {
    spawn(_bin, args) {
      let onExit: (code: number | null, signal: string | null) => void = () => undefined;
      let onOut: (chunk: string) => void = () => undefined;
      const run: Run = {
        args,
        signals: [],
        stdin: [],
        progress: (s) => onOut(`out_time_us=${Math.round(s * 1e6)}\nspeed=1x\nprogress=continue\n`),
      };
      const child: ChildHandle = {
        pid: null,
        feedSink: null,
        writeStdin: (t) => {
          run.stdin.push(t);
          if (t === 'q') onExit(0, null);
        },
        onStdout: (fn) => (onOut = fn),
        onStderr: () => undefined,
        onExit: (fn) => (onExit = fn),
        onError: () => undefined,
        killGroup: (signal) => {
          run.signals.push(signal);
          onExit(null, signal);
        },
      };
      runs.push(run);
      return child;
    },
  };
  const dir = tempDir();
  dirs.push(dir);
  const clock = new ManualClock();
  let probe: InputProbe | null = null;
  const s = new TranscodeSession({
    entryId: '0_abcd1234',
    partnerId: 102,
    streamName: '0_abcd1234_1',
    hlsRootDir: dir,
    pullUrl: 'rtmp://127.0.0.1:1935/kLive/0_abcd1234_1',
    probeAtStart: null,
    probe: () => probe,
    entry: { segmentDurationMs: 2000, dvrEnabled: false, dvrWindowMinutes: null },
    ffmpegPath: '/usr/bin/ffmpeg',
    encoder: 'libx264',
    ladder: parseServeLadder(serveXml).ladder,
    logger: silentLogger(),
    spawner,
    clock,
  });
  const states: TranscodeStateEvent[] = [];
  s.on('state', (e) => states.push(e));
  const setProbe = (k: { last: number | null; sinceLast: number; count: number }): void => {
    probe = {
      videoCodec: 'H.264',
      audioCodec: 'AAC',
      width: 1280,
      height: 720,
      frameRateFps: 30,
      videoBitrateBps: 2_400_000,
      audioBitrateBps: 128_000,
      keyframeIntervalSeconds: { last: k.last, min: k.last, max: k.last, sinceLast: k.sinceLast, count: k.count },
      audioSampleRateHz: 48_000,
      audioChannels: 2,
      declared: { videodatarate: 2500 },
      lastVideoAtMs: clock.nowMs(),
      lastAudioAtMs: clock.nowMs(),
      timestampDriftMs: 0,
      bytesIn: 0,
    };
  };
  return { s, runs, clock, states, setProbe };
}

const after = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

describe('TranscodeSession and the source GOP', () => {
  it("OBS's default GOP: FFmpeg is replaced by a run that re-encodes the source with a key frame every segment, starting afresh", async () => {
    const { s, runs, clock, states, setProbe } = rig();
    expect(await s.start()).toBe(true);
    expect(after(runs[0]?.args ?? [], '-c:v:0')).toBe('copy');
    expect(after(runs[0]?.args ?? [], '-force_key_frames:v:1')).toBe('source');

    setProbe({ last: null, sinceLast: 2.5, count: 1 });
    clock.advance(1_000);
    expect(runs).toHaveLength(1);
    setProbe({ last: null, sinceLast: 3.5, count: 1 });
    clock.advance(1_000);
    expect(runs).toHaveLength(2);
    // mid-GOP nothing was cut since the key frame: the old run is dropped, not finished
    expect(runs[0]?.signals).toEqual(['SIGKILL']);
    const args = runs[1]?.args ?? [];
    expect(after(args, '-c:v:0')).toBe('libx264');
    expect(after(args, '-profile:v:0')).toBe('high');
    expect(after(args, '-b:v:0')).toBe('2500000');
    for (const v of [0, 1, 2, 3]) expect(after(args, `-force_key_frames:v:${v}`)).toBe('expr:gte(t,n_forced*2)');
    // nothing was playable yet: the new run starts the playlists, no discontinuity
    expect(after(args, '-hls_flags')).toBe('independent_segments+delete_segments');

    clock.advance(1_000);
    const last = states[states.length - 1];
    expect(last?.transcoder.keyFrames).toMatchObject({ mode: 'interval', sourceRung: 'reencoded' });
    expect(last?.transcoder.restarts).toBe(0);
    expect(last?.renditions.find((r) => r.streamName === '0_abcd1234_32')).toMatchObject({
      passthrough: false,
      note: expect.stringContaining("re-encoded at the source's bitrate"),
    });
    await s.stop();
  });

  it('a re-encode below real time falls back to passing the source through at the next source key frame, letting the run finish', async () => {
    const { s, runs, clock, states, setProbe } = rig();
    await s.start();
    setProbe({ last: 8.33, sinceLast: 1.5, count: 2 });
    clock.advance(1_000);
    expect(runs).toHaveLength(2);
    // 0.9 s of media per second, long enough after the warm-up
    for (let t = 1; t <= 30; t++) {
      runs[1]?.progress(t * 0.9);
      clock.advance(1_000);
    }
    expect(runs).toHaveLength(2);
    setProbe({ last: 8.33, sinceLast: 0.4, count: 3 });
    clock.advance(1_000);
    expect(runs).toHaveLength(3);
    expect(runs[1]?.stdin).toEqual(['q']);
    const args = runs[2]?.args ?? [];
    expect(after(args, '-c:v:0')).toBe('copy');
    expect(after(args, '-force_key_frames:v:1')).toBe('expr:gte(t,n_forced*2)');
    clock.advance(1_000);
    const last = states[states.length - 1];
    expect(last?.transcoder.keyFrames?.sourceRung).toBe('passthrough-cpu');
    expect(last?.renditions.find((r) => r.streamName === '0_abcd1234_32')?.note).toContain(
      'cannot re-encode it in real time (0.9x)',
    );
    await s.stop();
  });

  it('a passthrough-only profile keeps the encoder segments, replaces nothing, and says why', async () => {
    const { s, runs, clock, states, setProbe } = rig(
      fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'transcode', 'serve-passthrough-ingest2.xml'), 'utf8'),
    );
    await s.start();
    setProbe({ last: 8.33, sinceLast: 4, count: 3 });
    clock.advance(2_000);
    expect(runs).toHaveLength(1);
    const last = states[states.length - 1];
    expect(last?.transcoder.keyFrames).toMatchObject({ mode: 'source', sourceRung: 'passthrough-only' });
    expect(last?.renditions[0]?.note).toBe(
      "segments follow the encoder's key frames (8.3 s): a passthrough-only profile cannot cut them shorter",
    );
    await s.stop();
  });
});
