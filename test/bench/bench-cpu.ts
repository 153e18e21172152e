// Owns the CPU-ratio bench: the whole station (Node + its FFmpeg) transcoding the default ladder from a
// publish of a recorded file, against the station's own FFmpeg argv run alone on that file, both for the
// same real-time window; CPU-seconds from /proc (utime+stime of the process tree).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cpuOver, cmdline } from './proc.js';
import { ffmpegChildren, publishFile, seedEntries, sleep, startStationChild, tempDir, waitUntil } from './harness.js';
import { summarize, type Summary } from './stats.js';

export interface CpuRatioResult {
  windowSeconds: number;
  stationCpuSeconds: Summary;
  ffmpegAloneCpuSeconds: Summary;
  ratio: Summary;
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
    // live-pull probing flags belong to the RTMP input; a file input probes the same way as FFmpeg's default
    out.push(a.split(hlsDir).join(outDir));
  }
  return out;
}

export async function benchCpuRatio(runs: number, windowSeconds: number, sourceFile: string): Promise<CpuRatioResult> {
  const station: number[] = [];
  const alone: number[] = [];
  const ratios: number[] = [];
  for (let run = 0; run < runs; run++) {
    const dataDir = tempDir('klive-bench-cpu-');
    const [entry] = seedEntries(dataDir, 1, 'default', 'cp');
    if (!entry) throw new Error('no entry seeded');
    const st = await startStationChild(dataDir);
    const hlsDir = path.join(dataDir, 'hls');
    let argv: string[] = [];
    try {
      const pub = publishFile(sourceFile, st.rtmpPort, entry);
      try {
        await waitUntil(() => fs.existsSync(path.join(hlsDir, entry.entryId, 'master.m3u8')), 60_000, 'the station to be playable');
        const pid = await waitUntil(() => ffmpegChildren(st.pid)[0], 10_000, "the station's FFmpeg");
        argv = cmdline(pid);
        await sleep(2000);
        station.push(await cpuOver(st.pid, windowSeconds * 1000));
      } finally {
        await pub.stop();
      }
    } finally {
      await st.stop();
    }
    const outDir = tempDir('klive-bench-alone-');
    const [bin, ...rest] = argv;
    if (!bin) throw new Error("could not read the station's FFmpeg command line from /proc");
    const child = spawn(bin, aloneArgv(rest, sourceFile, hlsDir, outDir), { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
    try {
      await waitUntil(() => fs.existsSync(path.join(outDir, entry.entryId, 'master.m3u8')) || fs.readdirSync(outDir).length > 0, 60_000, 'the lone FFmpeg to write HLS');
      await sleep(2000);
      alone.push(await cpuOver(child.pid as number, windowSeconds * 1000));
    } finally {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // exited
      }
      fs.rmSync(outDir, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    const s = station[station.length - 1] as number;
    const a = alone[alone.length - 1] as number;
    ratios.push(a > 0 ? s / a : Number.NaN);
  }
  return { windowSeconds, stationCpuSeconds: summarize(station), ffmpegAloneCpuSeconds: summarize(alone), ratio: summarize(ratios) };
}
