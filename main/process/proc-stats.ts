// Owns reading a process's CPU and memory from Linux /proc: pure parsers of /proc/<pid>/stat and cmdline,
// a reader, and a meter turning two CPU samples into a percentage of one core. Elsewhere: null (unknown).
import fs from 'node:fs';

/** USER_HZ: 100 on every mainstream Linux architecture */
export const CLOCK_TICKS_PER_SECOND = 100;
/** the unit of stat's rss field: 4 KiB on x86-64 and most arm64 builds (as system-stats.ts assumes for statm) */
export const PAGE_SIZE_BYTES = 4096;

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  utimeTicks: number;
  stimeTicks: number;
  /** ticks since boot at which the process started: with the pid, identifies one process */
  startTimeTicks: number;
  rssPages: number;
}

/** /proc/<pid>/stat; comm may contain spaces and parentheses, so split after the LAST ')' */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state); field N is rest[N - 3]
  const field = (n: number): number => Number(rest[n - 3]);
  const stat = {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    utimeTicks: field(14),
    stimeTicks: field(15),
    startTimeTicks: field(22),
    rssPages: field(24),
  };
  if (![stat.pid, stat.utimeTicks, stat.stimeTicks, stat.startTimeTicks].every(Number.isFinite)) return null;
  return stat;
}

/** argv of /proc/<pid>/cmdline (NUL-separated) */
export function parseCmdline(text: string): string[] {
  return text.split('\0').filter((s) => s !== '');
}

export interface ProcReader {
  stat(pid: number): ProcStat | null;
  cmdline(pid: number): string[] | null;
}

export function linuxProcReader(root = '/proc'): ProcReader {
  const read = (pid: number, file: string): string | null => {
    try {
      return fs.readFileSync(`${root}/${pid}/${file}`, 'utf8');
    } catch {
      return null;
    }
  };
  return {
    stat: (pid) => {
      const text = read(pid, 'stat');
      return text === null ? null : parseProcStat(text);
    },
    cmdline: (pid) => {
      const text = read(pid, 'cmdline');
      return text === null ? null : parseCmdline(text);
    },
  };
}

export interface ProcUsage {
  cpuPercent: number | null;
  rssBytes: number | null;
}

/** CPU% of one process between calls (100 = one full core). */
export class ProcessMeter {
  private last: { atMs: number; ticks: number; startTimeTicks: number } | null = null;

  constructor(
    private readonly reader: ProcReader,
    private readonly pid: number,
  ) {}

  sample(nowMs: number): ProcUsage {
    const stat = this.reader.stat(this.pid);
    if (!stat) return { cpuPercent: null, rssBytes: null };
    const ticks = stat.utimeTicks + stat.stimeTicks;
    let cpuPercent: number | null = null;
    const last = this.last;
    if (last && last.startTimeTicks === stat.startTimeTicks && nowMs > last.atMs) {
      cpuPercent = cpuPercentBetween(last.ticks, ticks, nowMs - last.atMs);
    }
    this.last = { atMs: nowMs, ticks, startTimeTicks: stat.startTimeTicks };
    // one file a second: the resident set is in stat too (status would be a second open, read and parse)
    return { cpuPercent, rssBytes: Number.isFinite(stat.rssPages) ? stat.rssPages * PAGE_SIZE_BYTES : null };
  }
}

export function cpuPercentBetween(ticksBefore: number, ticksAfter: number, elapsedMs: number): number {
  const cpuSeconds = (ticksAfter - ticksBefore) / CLOCK_TICKS_PER_SECOND;
  return Math.max(0, Math.round((cpuSeconds / (elapsedMs / 1000)) * 1000) / 10);
}
