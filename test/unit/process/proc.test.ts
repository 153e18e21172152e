// /proc parsers, the CPU meter, and the pid registry's decisions (which recorded pids it may kill).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PAGE_SIZE_BYTES,
  ProcessMeter,
  cpuPercentBetween,
  parseCmdline,
  parseProcStat,
  type ProcReader,
  type ProcStat,
} from '../../../main/process/proc-stats.js';
import { PidRegistry } from '../../../main/process/pid-registry.js';
import { silentLogger } from '../../../main/log/logger.js';
import { tempDir } from '../../helpers/net.js';

const STAT =
  '4242 (ffmpeg (x) y) S 1 4242 4242 0 -1 4194304 5000 0 0 0 250 50 0 0 20 0 5 0 123456 300000000 25000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';

describe('/proc parsers', () => {
  it('parses stat, even with spaces and parentheses in comm', () => {
    expect(parseProcStat(STAT)).toEqual({
      pid: 4242,
      comm: 'ffmpeg (x) y',
      state: 'S',
      utimeTicks: 250,
      stimeTicks: 50,
      startTimeTicks: 123456,
      rssPages: 25000,
    });
    expect(parseProcStat('garbage')).toBeNull();
  });

  it('parses cmdline', () => {
    expect(parseCmdline('/usr/bin/ffmpeg\0-i\0in.flv\0')).toEqual(['/usr/bin/ffmpeg', '-i', 'in.flv']);
  });

  it('meters CPU % of one core between samples, ignoring a reused pid', () => {
    expect(cpuPercentBetween(100, 180, 1000)).toBe(80);
    let stat: ProcStat = {
      pid: 1,
      comm: 'ffmpeg',
      state: 'S',
      utimeTicks: 100,
      stimeTicks: 0,
      startTimeTicks: 5,
      rssPages: 3,
    };
    const reader: ProcReader = { stat: () => stat, cmdline: () => ['ffmpeg'] };
    const meter = new ProcessMeter(reader, 1);
    expect(meter.sample(0)).toEqual({ cpuPercent: null, rssBytes: 3 * PAGE_SIZE_BYTES });
    stat = { ...stat, utimeTicks: 150, stimeTicks: 25 };
    expect(meter.sample(1000)).toEqual({ cpuPercent: 75, rssBytes: 3 * PAGE_SIZE_BYTES });
    stat = { ...stat, startTimeTicks: 6, utimeTicks: 1 };
    expect(meter.sample(2000).cpuPercent).toBeNull();
  });
});

describe('PidRegistry', () => {
  function fakeProc(procs: Record<number, { start: number; argv0: string; state?: string }>): ProcReader {
    return {
      stat: (pid) => {
        const p = procs[pid];
        return p
          ? {
              pid,
              comm: 'x',
              state: p.state ?? 'S',
              utimeTicks: 0,
              stimeTicks: 0,
              startTimeTicks: p.start,
              rssPages: 0,
            }
          : null;
      },
      cmdline: (pid) => (procs[pid] ? [procs[pid].argv0, '-i', 'x'] : null),
    };
  }

  it('records pids with their start time and reaps only live FFmpeg processes that are still the same process', () => {
    const dir = tempDir();
    try {
      const file = path.join(dir, 'run', 'ffmpeg-pids.json');
      const procs: Record<number, { start: number; argv0: string; state?: string }> = {
        100: { start: 1, argv0: '/usr/bin/ffmpeg' },
        101: { start: 2, argv0: 'ffmpeg' },
        102: { start: 3, argv0: '/usr/bin/ffmpeg' },
        103: { start: 4, argv0: '/bin/bash' },
        105: { start: 5, argv0: 'ffmpeg', state: 'Z' },
      };
      const killed: Array<[number, string]> = [];
      const registry = new PidRegistry({
        file,
        logger: silentLogger(),
        proc: fakeProc(procs),
        killGroup: (pid, sig) => killed.push([pid, sig]),
        now: () => 42,
      });
      for (const pid of [100, 101, 102, 103, 104, 105]) registry.add(pid, `entry ${pid}`);
      registry.remove(101);
      expect(registry.list().map((r) => r.pid)).toEqual([100, 102, 103, 104, 105]);
      expect(registry.list()[0]).toEqual({ pid: 100, startTimeTicks: 1, label: 'entry 100', recordedAtMs: 42 });
      // after a crash: 102's pid now belongs to a newer process, 103 is not FFmpeg, 104 is gone, 105 is a zombie
      procs[102] = { start: 99, argv0: '/usr/bin/ffmpeg' };
      const result = new PidRegistry({
        file,
        logger: silentLogger(),
        proc: fakeProc(procs),
        killGroup: (pid, sig) => killed.push([pid, sig]),
      }).reapOrphans();
      expect(result).toEqual({ killed: [100], skipped: [102, 103, 104, 105] });
      expect(killed).toEqual([[100, 'SIGKILL']]);
      // the file was emptied (each registry is its file's only writer: read it as the next start would)
      expect(new PidRegistry({ file, logger: silentLogger(), proc: fakeProc(procs) }).list()).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('killAll (last resort on exit) kills only recorded processes that are still our FFmpeg', () => {
    const dir = tempDir();
    try {
      const killed: number[] = [];
      const registry = new PidRegistry({
        file: path.join(dir, 'p.json'),
        logger: silentLogger(),
        proc: fakeProc({ 200: { start: 1, argv0: 'ffmpeg' }, 201: { start: 1, argv0: 'node' } }),
        killGroup: (pid) => killed.push(pid),
      });
      registry.add(200, 'a');
      registry.add(201, 'b');
      expect(registry.killAll()).toEqual([200]);
      expect(killed).toEqual([200]);
      expect(registry.list()).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('survives a missing or corrupt file and never records pid 0 or 1', () => {
    const dir = tempDir();
    try {
      const file = path.join(dir, 'ffmpeg-pids.json');
      fs.writeFileSync(file, '{not json');
      const registry = new PidRegistry({
        file,
        logger: silentLogger(),
        proc: fakeProc({}),
        killGroup: () => undefined,
      });
      expect(registry.reapOrphans()).toEqual({ killed: [], skipped: [] });
      fs.writeFileSync(file, JSON.stringify([{ pid: 0 }, { pid: 1 }, { pid: -5 }, { pid: 'x' }]));
      expect(registry.list()).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
