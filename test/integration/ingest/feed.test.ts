// The ingest feed with real FFmpeg on both sides: a publisher read in paced batches (from its first second here) and
// FFmpeg readers on fd 3, as the transcoder and recorder read it. Every frame arrives, a reader that joins late starts
// on a key frame with the sequence headers, and the end of the publisher ends the readers' input. Batches start at
// 32 KiB and grow once the connection's receive window proved larger, without holding the encoder back.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { pipeSink } from '../../../main/media/pipe-sink.js';
import { tempDir } from '../../helpers/net.js';
import { ENTRY, FFMPEG, obsFormArgs, query, startHarness, type Harness } from './harness.js';

const FFPROBE = FFMPEG.replace(/ffmpeg$/, 'ffprobe');

interface Reader {
  exited: Promise<number | null>;
  stderr: () => string;
}

/** FFmpeg copying what it reads on fd 3 into `out` (FLV), fed from the ingest's feed of ENTRY_1. */
function feedReader(h: Harness, out: string): Reader {
  const child = spawn(
    FFMPEG,
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-f',
      'flv',
      '-i',
      'pipe:3',
      '-c',
      'copy',
      '-f',
      'flv',
      '-y',
      out,
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const pipe = child.stdio[3] as Writable;
  pipe.on('error', () => undefined);
  const detach = h.server.feed(`${ENTRY}_1`).attach(pipeSink(pipe));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      detach();
      resolve(code);
    }),
  );
  return { exited, stderr: () => err };
}

function videoPackets(file: string): Array<{ pts: number; key: boolean }> {
  const r = spawnSync(
    FFPROBE,
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts,flags', '-of', 'csv=p=0', file],
    { encoding: 'utf8' },
  );
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pts, flags] = line.split(',');
      return { pts: Number(pts), key: (flags ?? '').startsWith('K') };
    });
}

describe('ingest feed (FFmpeg on fd 3)', () => {
  let h: Harness | null = null;
  const dir = tempDir('klive-feed-');
  afterEach(async () => {
    await h?.cleanup();
    h = null;
  });

  it('delivers every frame of a publisher read in paced batches, and ends the reader when the publisher leaves', async () => {
    h = await startHarness({ readBatchAfterMs: 0 });
    const out = path.join(dir, 'whole.flv');
    let reader: Reader | null = null;
    h.server.on('streamAccepted', () => {
      if (h) reader = feedReader(h, out);
    });
    const publisher = h.spawnFfmpeg(obsFormArgs(h.port, 6));
    expect(await publisher.exited).toBe(0);
    const r = reader as Reader | null;
    expect(r).not.toBeNull();
    // the feed ended with the publisher: FFmpeg finished its file and exited by itself
    expect(await r?.exited).toBe(0);
    expect(r?.stderr()).toBe('');
    const packets = videoPackets(out);
    // -t 6 at 15 fps: 90 frames published, every one of them read
    expect(packets).toHaveLength(90);
    expect(packets[0]?.key).toBe(true);
  }, 30_000);

  it('starts a reader that joins mid-stream on a key frame, with the sequence headers (a restarted FFmpeg)', async () => {
    h = await startHarness({ readBatchAfterMs: 0 });
    const publisher = h.spawnFfmpeg(obsFormArgs(h.port, 6));
    const deadline = Date.now() + 10_000;
    while (h.events.streamAccepted.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 2500));
    const out = path.join(dir, 'late.flv');
    const reader = feedReader(h, out);
    expect(await publisher.exited).toBe(0);
    expect(await reader.exited).toBe(0);
    expect(reader.stderr()).toBe('');
    const packets = videoPackets(out);
    // it joined ~2.5 s into 6 s: it got the GOP it joined in (at most 30 frames back) and what followed, not all 90
    expect(packets.length).toBeGreaterThan(20);
    expect(packets.length).toBeLessThan(90);
    expect(packets[0]?.key).toBe(true);
    // decodes without a single error: the sequence headers came first
    const decode = spawnSync(FFMPEG, ['-v', 'error', '-i', out, '-f', 'null', '-'], { encoding: 'utf8' });
    expect(decode.status).toBe(0);
    expect(decode.stderr).toBe('');
  }, 30_000);

  it('reads a 3 Mbps publisher in batches that grow with the window the connection proves, and keeps it in real time', async () => {
    // 20 s of constant 3 Mbps (filler-padded), published as it was recorded, like a live encoder
    const src = path.join(dir, 'cbr-3mbps.flv');
    const made = spawnSync(
      FFMPEG,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=640x360:rate=30',
        '-t',
        '20',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-g',
        '60',
        '-b:v',
        '3000k',
        '-maxrate',
        '3000k',
        '-minrate',
        '3000k',
        '-bufsize',
        '3000k',
        '-x264-params',
        'nal-hrd=cbr',
        '-an',
        '-f',
        'flv',
        src,
      ],
      { encoding: 'utf8' },
    );
    expect(made.stderr).toBe('');
    h = await startHarness({ readBatchAfterMs: 0 });
    const harness = h;
    const writes: Array<{ atMs: number; bytes: number }> = [];
    harness.server.on('streamAccepted', () => {
      // one write per batch read from the publisher
      harness.server.feed(`${ENTRY}_1`).attach({
        write: (chunk) => writes.push({ atMs: Date.now(), bytes: chunk.length }) > 0,
        end: () => undefined,
        writableLength: 0,
        destroyed: false,
      });
    });
    const q = query();
    const startedAtMs = Date.now();
    const publisher = harness.spawnFfmpeg([
      '-re',
      '-i',
      src,
      '-c',
      'copy',
      '-rtmp_app',
      `kLive/?${q}`,
      '-rtmp_tcurl',
      `rtmp://127.0.0.1:${harness.port}/kLive/?${q}`,
      '-rtmp_playpath',
      `${ENTRY}_1`,
      '-f',
      'flv',
      `rtmp://127.0.0.1:${harness.port}/kLive`,
    ]);
    expect(await publisher.exited).toBe(0);
    // the encoder was never held back for long: 20 s of media took about 20 s to send
    expect((Date.now() - startedAtMs) / 1000).toBeLessThan(22);
    const first = writes[0]?.atMs ?? 0;
    const during = (fromS: number, toS: number): number[] =>
      writes.filter((w) => w.atMs - first >= fromS * 1000 && w.atMs - first < toS * 1000).map((w) => w.bytes);
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
    const early = during(1, 4);
    const late = during(15, 19);
    // 32 KiB batches at first (~12 a second); after the window proved larger, at most a batch per 200 ms cap
    expect(early.length / 3).toBeGreaterThan(8);
    expect(median(early)).toBeLessThanOrEqual(40 * 1024);
    expect(late.length / 4).toBeLessThan(7);
    expect(median(late)).toBeGreaterThan(1.5 * median(early));
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
