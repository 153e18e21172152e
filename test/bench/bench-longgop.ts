// Owns the long-GOP bench (issue 21): a live publisher with OBS's default keyframe interval (250 frames, 8.3 s at
// 30 fps) into the default ladder (passthrough source + three encoded rungs, 2 s segments): publish -> every
// rendition playable, and per rendition the longest and the median segment while it runs, and whether they align.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { publishLive, seedEntries, sleep, startStationChild, tempDir, waitUntil } from './harness.js';
import { summarize, type Summary } from './stats.js';

export interface LongGopRendition {
  name: string;
  segments: number;
  maxSeconds: number;
  medianSeconds: number;
}

export interface LongGopResult {
  gopFrames: number;
  fps: number;
  /** publisher start -> master.m3u8 (every rendition has a first segment) */
  masterSeconds: Summary;
  /** per run, per rendition (segments finished while the publisher was live) */
  renditions: LongGopRendition[][];
  /** every rendition listed the same segment durations (rounded to 0.1 s) */
  aligned: boolean[];
  /** every variant playlist of the master answered 200 over HTTP */
  playable: boolean[];
}

export async function benchLongGop(
  runs: number,
  holdSeconds: number,
  log: (line: string) => void,
): Promise<LongGopResult> {
  const fps = 30;
  const gopFrames = 250;
  const dataDir = tempDir('klive-bench-gop-');
  const entries = seedEntries(dataDir, runs, 'default', 'lg');
  const station = await startStationChild(dataDir);
  const master: number[] = [];
  const result: LongGopResult = {
    gopFrames,
    fps,
    masterSeconds: summarize([]),
    renditions: [],
    aligned: [],
    playable: [],
  };
  try {
    for (const e of entries) {
      const dir = path.join(dataDir, 'hls', e.entryId);
      const t0 = performance.now();
      const pub = publishLive(station.rtmpPort, e, { width: 640, height: 360, fps, kbps: 1000, gopFrames });
      const seen = new Map<string, Map<string, number>>();
      try {
        const masterFile = path.join(dir, 'master.m3u8');
        await waitUntil(() => fs.existsSync(masterFile), 60_000, `master playlist of ${e.entryId}`, 25);
        master.push((performance.now() - t0) / 1000);
        const variants = [...fs.readFileSync(masterFile, 'utf8').matchAll(/^(.+)\/index\.m3u8$/gm)].map(
          (m) => m[1] as string,
        );
        const statuses = await Promise.all(
          variants.map(async (v) => (await fetch(`${station.httpUrl}/hls/${e.entryId}/${v}/index.m3u8`)).status),
        );
        result.playable.push(statuses.every((s) => s === 200));
        const until = performance.now() + holdSeconds * 1000;
        while (performance.now() < until) {
          for (const v of variants) collect(path.join(dir, v, 'index.m3u8'), seen, v);
          await sleep(250);
        }
        for (const v of variants) collect(path.join(dir, v, 'index.m3u8'), seen, v);
      } finally {
        await pub.stop();
      }
      const per = [...seen].map(([name, segs]) => {
        const d = [...segs.values()];
        const sorted = [...d].sort((a, b) => a - b);
        return {
          name,
          segments: d.length,
          maxSeconds: Math.max(...d),
          medianSeconds: sorted[Math.floor(sorted.length / 2)] ?? NaN,
        };
      });
      result.renditions.push(per);
      const lists = [...seen.values()].map((m) => [...m.values()].map((x) => Math.round(x * 10) / 10).join(','));
      result.aligned.push(lists.every((l) => l === lists[0]));
      log(
        `[bench] long GOP: ${per.map((r) => `${r.name} max ${r.maxSeconds.toFixed(2)} s (median ${r.medianSeconds.toFixed(2)}, n=${r.segments})`).join('; ')}`,
      );
      await sleep(2000);
    }
  } finally {
    await station.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  result.masterSeconds = summarize(master);
  return result;
}

function collect(playlist: string, seen: Map<string, Map<string, number>>, name: string): void {
  let text: string;
  try {
    text = fs.readFileSync(playlist, 'utf8');
  } catch {
    return;
  }
  const segs = seen.get(name) ?? new Map<string, number>();
  seen.set(name, segs);
  let duration = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line.endsWith('.ts') && !segs.has(line)) segs.set(line, duration);
  }
}
