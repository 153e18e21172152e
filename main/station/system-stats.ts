// Owns sampling CPU and memory: the station process (process.cpuUsage deltas, RSS), each FFmpeg pid
// it is given (/proc/<pid>/stat, Linux; null elsewhere) and the machine (load, memory).
// Sampled once per second by a timer the station starts and stops.
import fs from 'node:fs';
import os from 'node:os';
import type { SystemStatus } from '../../shared/state.js';
import { parseProcStat } from '../process/proc-stats.js';
import { delayToGridMs, type Clock, type TimerHandle } from '../core/clock.js';

export interface ProcessStats {
  pid: number;
  cpuPercent: number | null;
  rssBytes: number;
}

export interface SystemProbes {
  /** reads a /proc file; null when it does not exist (process gone, not Linux) */
  readProcFile(path: string): string | null;
  cpuUsage(): NodeJS.CpuUsage;
  rssBytes(): number;
  loadAverage1m(): number;
  cores(): number;
  memoryTotalBytes(): number;
  memoryFreeBytes(): number;
  clockTicksPerSecond: number;
  pageSizeBytes: number;
}

export function nodeSystemProbes(): SystemProbes {
  // fixed while the station runs: read once, not every second (each is a syscall or a /proc/meminfo parse)
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const totalBytes = os.totalmem();
  return {
    readProcFile(path) {
      try {
        return fs.readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
    cpuUsage: () => process.cpuUsage(),
    rssBytes: () => process.memoryUsage.rss(),
    loadAverage1m: () => os.loadavg()[0] ?? 0,
    cores: () => cores,
    memoryTotalBytes: () => totalBytes,
    memoryFreeBytes: () => os.freemem(),
    // USER_HZ is 100 on every Linux the station targets; 4 KiB pages on x86-64 and most arm64 builds
    clockTicksPerSecond: 100,
    pageSizeBytes: 4096,
  };
}

export class SystemSampler {
  private lastCpu: { usage: NodeJS.CpuUsage; atMs: number } | null = null;
  private readonly lastTicks = new Map<number, { ticks: number; atMs: number }>();
  private perPidStats = new Map<number, ProcessStats>();
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly pids: () => readonly number[],
    private readonly probes: SystemProbes = nodeSystemProbes(),
  ) {}

  sample(): SystemStatus {
    const now = this.clock.nowMs();
    const usage = this.probes.cpuUsage();
    let cpuPercent: number | null = null;
    if (this.lastCpu && now > this.lastCpu.atMs) {
      const usedUs = usage.user - this.lastCpu.usage.user + (usage.system - this.lastCpu.usage.system);
      cpuPercent = round1((usedUs / 1000 / (now - this.lastCpu.atMs)) * 100);
    }
    this.lastCpu = { usage, atMs: now };

    const stats = new Map<number, ProcessStats>();
    for (const pid of new Set(this.pids())) {
      // stat alone has CPU ticks and the resident set: one file per pid a second
      const text = this.probes.readProcFile(`/proc/${pid}/stat`);
      const stat = text === null ? null : parseProcStat(text);
      if (stat === null || !Number.isFinite(stat.rssPages)) continue;
      const ticks = stat.utimeTicks + stat.stimeTicks;
      const pages = stat.rssPages;
      const prev = this.lastTicks.get(pid);
      const pct =
        prev && now > prev.atMs
          ? round1(((ticks - prev.ticks) / this.probes.clockTicksPerSecond / ((now - prev.atMs) / 1000)) * 100)
          : null;
      this.lastTicks.set(pid, { ticks, atMs: now });
      stats.set(pid, { pid, cpuPercent: pct, rssBytes: pages * this.probes.pageSizeBytes });
    }
    for (const pid of this.lastTicks.keys()) if (!stats.has(pid)) this.lastTicks.delete(pid);
    this.perPidStats = stats;

    const all = [...stats.values()];
    const cpus = all.map((s) => s.cpuPercent).filter((v): v is number => v !== null);
    return {
      cpuPercent,
      rssBytes: this.probes.rssBytes(),
      loadAverage1m: Math.round(this.probes.loadAverage1m() * 100) / 100,
      cores: this.probes.cores(),
      memoryTotalBytes: this.probes.memoryTotalBytes(),
      memoryFreeBytes: this.probes.memoryFreeBytes(),
      ffmpegCount: all.length,
      ffmpegCpuPercent: all.length === 0 ? null : cpus.length === 0 ? null : round1(cpus.reduce((a, b) => a + b, 0)),
      ffmpegRssBytes: all.length === 0 ? null : all.reduce((a, s) => a + s.rssBytes, 0),
    };
  }

  /** CPU and RSS per FFmpeg pid from the last sample (for TranscoderState.cpuPercent/rssBytes). */
  perPid(pid: number): ProcessStats | null {
    return this.perPidStats.get(pid) ?? null;
  }

  start(onSample: (status: SystemStatus) => void, intervalMs = 1000): void {
    if (this.timer) return;
    const loop = (): void => {
      try {
        onSample(this.sample());
      } finally {
        if (this.timer) this.timer = this.clock.setTimer(loop, delayToGridMs(this.clock.nowMs(), intervalMs));
      }
    };
    this.sample();
    this.timer = this.clock.setTimer(loop, delayToGridMs(this.clock.nowMs(), intervalMs));
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
