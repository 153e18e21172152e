// -progress parsing on output recorded from FFmpeg 5.1 running the default ladder (4 outputs, 8 s at -re), and from
// the bundled 4.1, which has no -stats_period and writes a block every 0.5 s (issue 22).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProgressParser, parseProgress } from '../../../main/transcode/progress.js';
import { REPO_ROOT } from '../../helpers/net.js';

const recorded = fs.readFileSync(
  path.join(REPO_ROOT, 'test', 'fixtures', 'transcode', 'progress-ladder-ffmpeg5.1.txt'),
  'utf8',
);

describe('progress parser', () => {
  it('turns the recorded output into one sample per second, the last one marked end', () => {
    const samples = parseProgress(recorded);
    expect(samples).toHaveLength(9);
    expect(samples[0]).toEqual({
      frame: 3,
      fps: 0,
      speed: 1.27,
      dropFrames: 0,
      dupFrames: 0,
      outTimeUs: 220667,
      streamQ: { '0_0': -1, '0_1': 20, '0_2': 20, '0_3': 16 },
      end: false,
    });
    const last = samples[samples.length - 1];
    expect(last).toMatchObject({ frame: 120, fps: 14.82, speed: 0.991, outTimeUs: 8021333, end: true });
    expect(samples.slice(0, -1).every((s) => !s.end)).toBe(true);
    const frames = samples.map((s) => s.frame ?? -1);
    expect([...frames].sort((a, b) => a - b)).toEqual(frames);
  });

  it('gives the same samples whatever the chunking of stdout', () => {
    const parser = new ProgressParser();
    const samples = [];
    for (let i = 0; i < recorded.length; i += 7) samples.push(...parser.push(recorded.slice(i, i + 7)));
    expect(samples).toEqual(parseProgress(recorded));
  });

  it('reads N/A as null and tolerates CRLF and noise lines', () => {
    const samples = parseProgress(
      'frame=10\r\nfps=N/A\r\nspeed=N/A\r\nnot a key value line\r\nbitrate=N/A\r\nprogress=continue\r\n',
    );
    expect(samples).toEqual([
      {
        frame: 10,
        fps: null,
        speed: null,
        dropFrames: null,
        dupFrames: null,
        outTimeUs: null,
        streamQ: {},
        end: false,
      },
    ]);
  });

  it("the bundled 4.1's output: no -stats_period, a block every 0.5 s of media, the same fields", () => {
    const old = parseProgress(
      fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'transcode', 'progress-ladder-ffmpeg4.1.txt'), 'utf8'),
    );
    expect(old).toHaveLength(7);
    expect(
      old
        .slice(0, -1)
        .every((x) => !x.end && x.speed !== null && x.frame !== null && Object.keys(x.streamQ).length === 3),
    ).toBe(true);
    const times = old.map((x) => x.outTimeUs ?? 0);
    for (let i = 1; i < times.length - 1; i++)
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThan(400_000);
    expect(old[old.length - 1]?.end).toBe(true);
  });
});
