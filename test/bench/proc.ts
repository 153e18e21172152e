// Owns reading CPU time and memory from /proc: CPU-seconds (utime+stime, plus reaped children's) of a
// whole process tree, RSS of one process, and the tree itself.
import fs from 'node:fs';

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux x86-64

interface Stat {
  pid: number;
  ppid: number;
  cpuTicks: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces and parentheses: fields start after the last ')'
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const num = (i: number): number => Number(rest[i] ?? 0);
    // rest[0] = state (field 3), so field N is rest[N - 3]
    return { pid, ppid: num(1), cpuTicks: num(11) + num(12) + num(13) + num(14) };
  } catch {
    return null;
  }
}

function allStats(): Stat[] {
  const out: Stat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** pid and every live descendant */
export function processTree(rootPid: number): number[] {
  const stats = allStats();
  const children = new Map<number, number[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const out: number[] = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** CPU-seconds used so far by the tree (children that exited and were reaped count via cutime/cstime). */
export function treeCpuSeconds(rootPid: number): number {
  let ticks = 0;
  for (const pid of processTree(rootPid)) ticks += readStat(pid)?.cpuTicks ?? 0;
  return ticks / TICKS_PER_SECOND;
}

/** VmRSS of one process in bytes (0 when gone). */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The command line of a process as argv. */
export function cmdline(pid: number): string[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((x, i, a) => x !== '' || i < a.length - 1);
  } catch {
    return [];
  }
}

export function commName(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** CPU-seconds of one process alone (its own threads, not its children). */
export function ownCpuSeconds(pid: number): number {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11] ?? 0) + Number(rest[12] ?? 0)) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Voluntary + involuntary context switches of one process so far: how often it slept and woke. */
export function contextSwitches(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const voluntary = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(status);
    const involuntary = /^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status);
    return Number(voluntary?.[1] ?? 0) + Number(involuntary?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Sleeps while sampling the tree's CPU; returns CPU-seconds used over the window. */
export async function cpuOver(rootPid: number, windowMs: number): Promise<number> {
  const before = treeCpuSeconds(rootPid);
  await new Promise((r) => setTimeout(r, windowMs));
  return treeCpuSeconds(rootPid) - before;
}
