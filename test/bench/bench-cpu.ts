// Owns the CPU-ratio bench: the whole station (Node + its FFmpeg) transcoding the default ladder from a publish of a
// recorded file, against the station's own FFmpeg argv reading that file itself. Both run side by side over the same
// windows: on a shared VM the host's speed drifts by more than the effect measured between two runs taken one after
// the other, and it cancels out of a ratio taken over the same seconds. Measured after a warm-up (the station reads
// every arrival for its first 10 s and V8 is still compiling), CPU-seconds from /proc (utime+stime of the trees).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cmdline, contextSwitches, ownCpuSeconds, treeCpuSeconds } from './proc.js';
import {
  ffmpegChildren,
  publishFile,
  publisherSpeed,
  seedEntries,
  sleep,
  startStationChild,
  tempDir,
  waitUntil,
} from './harness.js';
import { summarize, type Summary } from './stats.js';

export interface CpuRatioResult {
  windowSeconds: number;
  warmupSeconds: number;
  stationCpuSeconds: Summary;
  /** the station's Node process alone (ingest, probe, health, metering, registration) */
  nodeCpuSeconds: Summary;
  /** the station's FFmpeg alone */
  stationFfmpegCpuSeconds: Summary;
  ffmpegAloneCpuSeconds: Summary;
  ratio: Summary;
  /** the station's FFmpeg against the lone one: what reading the feed instead of a file costs or saves */
  ffmpegRatio: Summary;
  /** voluntary + involuntary context switches of the Node process per second (its wakeups) */
  nodeSwitchesPerSecond: Summary;
  /** the publisher's speed at the end (1.0 = the station kept up with real time) */
  publisherSpeed: Summary;
}

/** The station's argv with its input (feed pipe or RTMP) replaced by the file (looped, real time) and its HLS dir by `outDir`. */
export function aloneArgv(stationArgv: string[], file: string, hlsDir: string, outDir: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < stationArgv.length; i++) {
    const a = stationArgv[i] as string;
    if (a === '-i' && /^(rtmps?:\/\/|pipe:)/.test(stationArgv[i + 1] ?? '')) {
      out.push('-re', '-stream_loop', '-1', '-i', file);
      i += 1;
      continue;
    }
    // the input's format and probing flags apply to the file as they did to the feed (both are FLV)
    out.push(a.split(hlsDir).join(outDir));
  }
  return out;
}

export async function benchCpuRatio(
  runs: number,
  warmupSeconds: number,
  windows: number,
  windowSeconds: number,
  sourceFile: string,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = {},
): Promise<CpuRatioResult> {
  const s = {
    station: [] as number[],
    node: [] as number[],
    stationFfmpeg: [] as number[],
    alone: [] as number[],
    ratio: [] as number[],
    ffmpegRatio: [] as number[],
    switches: [] as number[],
    speed: [] as number[],
  };
  for (let run = 0; run < runs; run++) {
    const dataDir = tempDir('klive-bench-cpu-');
    const outDir = tempDir('klive-bench-alone-');
    const [entry] = seedEntries(dataDir, 1, 'default', 'cp');
    if (!entry) throw new Error('no entry seeded');
    const st = await startStationChild(dataDir, env);
    const hlsDir = path.join(dataDir, 'hls');
    const pub = publishFile(sourceFile, st.rtmpPort, entry);
    let alonePid: number | null = null;
    try {
      await waitUntil(
        () => fs.existsSync(path.join(hlsDir, entry.entryId, 'master.m3u8')),
        60_000,
        'the station to be playable',
      );
      const ffmpegPid = await waitUntil(() => ffmpegChildren(st.pid)[0], 10_000, "the station's FFmpeg");
      const [bin, ...rest] = cmdline(ffmpegPid);
      if (!bin) throw new Error("could not read the station's FFmpeg command line from /proc");
      const alone = spawn(bin, aloneArgv(rest, sourceFile, hlsDir, outDir), {
        stdio: ['ignore', 'ignore', 'ignore'],
        detached: true,
      });
      alonePid = alone.pid ?? null;
      if (alonePid === null) throw new Error('could not start the lone FFmpeg');
      await sleep(warmupSeconds * 1000);
      for (let w = 0; w < windows; w++) {
        const before = {
          tree: treeCpuSeconds(st.pid),
          node: ownCpuSeconds(st.pid),
          ff: ownCpuSeconds(ffmpegPid),
          alone: treeCpuSeconds(alonePid),
          sw: contextSwitches(st.pid),
        };
        await sleep(windowSeconds * 1000);
        const tree = treeCpuSeconds(st.pid) - before.tree;
        const node = ownCpuSeconds(st.pid) - before.node;
        const ff = ownCpuSeconds(ffmpegPid) - before.ff;
        const lone = treeCpuSeconds(alonePid) - before.alone;
        s.station.push(tree);
        s.node.push(node);
        s.stationFfmpeg.push(ff);
        s.alone.push(lone);
        s.ratio.push(lone > 0 ? tree / lone : Number.NaN);
        s.ffmpegRatio.push(lone > 0 ? ff / lone : Number.NaN);
        s.switches.push((contextSwitches(st.pid) - before.sw) / windowSeconds);
        log(
          `[bench] cpu run ${run + 1} window ${w + 1}: station ${tree.toFixed(2)} (Node ${node.toFixed(2)}, FFmpeg ${ff.toFixed(2)}) vs lone FFmpeg ${lone.toFixed(2)} CPU-s -> ${(tree / lone).toFixed(3)}`,
        );
      }
      const speed = publisherSpeed(pub.stderr());
      if (speed !== null) s.speed.push(speed);
    } finally {
      if (alonePid !== null) {
        try {
          process.kill(-alonePid, 'SIGKILL');
        } catch {
          // exited
        }
      }
      await pub.stop();
      await st.stop();
      fs.rmSync(outDir, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return {
    windowSeconds,
    warmupSeconds,
    stationCpuSeconds: summarize(s.station),
    nodeCpuSeconds: summarize(s.node),
    stationFfmpegCpuSeconds: summarize(s.stationFfmpeg),
    ffmpegAloneCpuSeconds: summarize(s.alone),
    ratio: summarize(s.ratio),
    ffmpegRatio: summarize(s.ffmpegRatio),
    nodeSwitchesPerSecond: summarize(s.switches),
    publisherSpeed: summarize(s.speed),
  };
}
