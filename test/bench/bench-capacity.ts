// Owns the passthrough capacity bench and the main-process memory figures: file publishers (1 Mbps 360p,
// -c copy) on "Passthrough" entries are added step by step to one station; at each step the station is held
// live with every probe and metric running, then checked: publisher speed >= 0.95x and every entry's HLS
// playlist advancing. It stops at the first step where a stream falls behind.
import fs from 'node:fs';
import path from 'node:path';
import { cpuOver, ownCpuSeconds, processTree, rssBytes } from './proc.js';
import {
  publishFile,
  seedEntries,
  sleep,
  startStationChild,
  tempDir,
  waitUntil,
  type BenchEntry,
  type BenchPublisher,
} from './harness.js';

export interface CapacityStep {
  streams: number;
  holdSeconds: number;
  ok: boolean;
  problem: string | null;
  /** station tree (Node + FFmpeg) CPU during the hold, in cores */
  stationCores: number;
  /** the Node main process alone (ingest relay, probes, metrics), in cores */
  mainCores: number;
  /** Node main process RSS */
  mainRssMiB: number;
  /** (main RSS - idle main RSS) / streams */
  mainRssPerStreamMiB: number;
  /** Node + every FFmpeg child RSS / streams */
  treeRssPerStreamMiB: number;
  slowestPublisherSpeed: number | null;
}

export interface CapacityResult {
  idleMainRssMiB: number;
  /** main-process RSS with 1, 5 and 20 live passthrough entries */
  memory: Array<{ streams: number; mainRssMiB: number }>;
  steps: CapacityStep[];
  /** the largest step that held */
  capacity: number;
}

const MiB = 1024 * 1024;

function lastSegment(playlist: string): string | null {
  try {
    const lines = fs
      .readFileSync(playlist, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'));
    return lines[lines.length - 1] ?? null;
  } catch {
    return null;
  }
}

function variantPlaylists(hlsDir: string, entryId: string): string[] {
  const dir = path.join(hlsDir, entryId);
  try {
    return fs
      .readdirSync(dir)
      .map((v) => path.join(dir, v, 'index.m3u8'))
      .filter((f) => fs.existsSync(f));
  } catch {
    return [];
  }
}

function publisherSpeed(p: BenchPublisher): number | null {
  const all = [...p.stderr().matchAll(/speed=\s*([\d.]+)x/g)];
  const last = all[all.length - 1];
  return last ? Number(last[1]) : null;
}

function treeRss(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + rssBytes(p), 0);
}

/** Called at each memory step with the live station's HTTP URL (the renderer bench runs at 20 live entries). */
export type MemoryStepHook = (streams: number, httpUrl: string) => Promise<void>;

export async function benchCapacity(
  steps: number[],
  holdSeconds: number,
  memorySteps: number[],
  sourceFile: string,
  log: (line: string) => void,
  onMemoryStep?: MemoryStepHook,
): Promise<CapacityResult> {
  const max = Math.max(...steps, ...memorySteps);
  const dataDir = tempDir('klive-bench-cap-');
  const entries = seedEntries(dataDir, max, 'passthrough', 'ca');
  const st = await startStationChild(dataDir);
  const hlsDir = path.join(dataDir, 'hls');
  const publishers: BenchPublisher[] = [];
  const result: CapacityResult = { idleMainRssMiB: 0, memory: [], steps: [], capacity: 0 };
  const grow = async (n: number): Promise<void> => {
    const added: BenchEntry[] = [];
    while (publishers.length < n) {
      const e = entries[publishers.length] as BenchEntry;
      publishers.push(publishFile(sourceFile, st.rtmpPort, e));
      added.push(e);
      await sleep(100);
    }
    await waitUntil(
      () => added.every((e) => fs.existsSync(path.join(hlsDir, e.entryId, 'master.m3u8'))),
      30_000 + n * 500,
      `${n} streams to be playable`,
      250,
    );
  };
  try {
    await sleep(3000);
    result.idleMainRssMiB = rssBytes(st.pid) / MiB;
    for (const n of [...memorySteps].sort((a, b) => a - b)) {
      await grow(n);
      await sleep(5000);
      result.memory.push({ streams: n, mainRssMiB: rssBytes(st.pid) / MiB });
      log(`  memory: ${n} live -> main RSS ${(rssBytes(st.pid) / MiB).toFixed(1)} MiB`);
      if (onMemoryStep) await onMemoryStep(n, st.httpUrl);
    }
    for (const n of [...steps].sort((a, b) => a - b)) {
      if (n < publishers.length) continue;
      try {
        await grow(n);
      } catch (e) {
        const playable = entries
          .slice(0, n)
          .filter((x) => fs.existsSync(path.join(hlsDir, x.entryId, 'master.m3u8'))).length;
        const problem = `${(e as Error).message} (${playable}/${n} playable; station log tail: ${st.logTail(3).join(' | ').slice(0, 600)})`;
        log(`  capacity: ${n} streams: ${problem}`);
        result.steps.push({
          streams: n,
          holdSeconds,
          ok: false,
          problem,
          stationCores: Number.NaN,
          mainCores: Number.NaN,
          mainRssMiB: rssBytes(st.pid) / MiB,
          mainRssPerStreamMiB: Number.NaN,
          treeRssPerStreamMiB: Number.NaN,
          slowestPublisherSpeed: null,
        });
        break;
      }
      await sleep(3000);
      const live = entries.slice(0, n);
      const before = live.map((e) => variantPlaylists(hlsDir, e.entryId).map(lastSegment));
      const mainBefore = ownCpuSeconds(st.pid);
      const cpuSeconds = await cpuOver(st.pid, holdSeconds * 1000);
      const mainCpuSeconds = ownCpuSeconds(st.pid) - mainBefore;
      const after = live.map((e) => variantPlaylists(hlsDir, e.entryId).map(lastSegment));
      const stalled = live.filter((_, i) => {
        const b = before[i] ?? [];
        const a = after[i] ?? [];
        return a.length === 0 || a.some((seg, j) => seg === null || seg === b[j]);
      });
      const speeds = publishers.map(publisherSpeed);
      const known = speeds.filter((s): s is number => s !== null);
      const slowest = known.length > 0 ? Math.min(...known) : null;
      const exited = publishers.filter((p) => p.child.exitCode !== null || p.child.signalCode !== null).length;
      const mainRss = rssBytes(st.pid);
      const problems: string[] = [];
      if (stalled.length > 0)
        problems.push(
          `${stalled.length} HLS playlist(s) stopped advancing (${stalled
            .slice(0, 3)
            .map((e) => e.entryId)
            .join(', ')})`,
        );
      if (slowest !== null && slowest < 0.95) problems.push(`slowest publisher at ${slowest}x`);
      if (exited > 0) problems.push(`${exited} publisher(s) exited`);
      const step: CapacityStep = {
        streams: n,
        holdSeconds,
        ok: problems.length === 0,
        problem: problems.length > 0 ? problems.join('; ') : null,
        stationCores: cpuSeconds / holdSeconds,
        mainCores: mainCpuSeconds / holdSeconds,
        mainRssMiB: mainRss / MiB,
        mainRssPerStreamMiB: (mainRss / MiB - result.idleMainRssMiB) / n,
        treeRssPerStreamMiB: treeRss(st.pid) / MiB / n,
        slowestPublisherSpeed: slowest,
      };
      result.steps.push(step);
      log(
        `  capacity: ${n} streams held ${holdSeconds} s: ${step.ok ? 'ok' : `FELL BEHIND: ${step.problem}`}; station ${step.stationCores.toFixed(2)} cores (Node ${step.mainCores.toFixed(2)}), main RSS ${step.mainRssMiB.toFixed(1)} MiB (${step.mainRssPerStreamMiB.toFixed(2)} MiB/stream), tree ${step.treeRssPerStreamMiB.toFixed(1)} MiB/stream`,
      );
      if (!step.ok) break;
      result.capacity = n;
    }
  } finally {
    await Promise.all(publishers.map((p) => p.stop()));
    await st.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}
