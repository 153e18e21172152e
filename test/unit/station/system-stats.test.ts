import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../helpers/manual-clock.js';
import { SystemSampler, type SystemProbes } from '../../../main/station/system-stats.js';

function fakeProbes(files: Map<string, string>, cpu: { user: number; system: number }): SystemProbes {
  return {
    readProcFile: (p) => files.get(p) ?? null,
    cpuUsage: () => ({ ...cpu }),
    rssBytes: () => 50_000_000,
    loadAverage1m: () => 1.234,
    cores: () => 2,
    memoryTotalBytes: () => 8e9,
    memoryFreeBytes: () => 4e9,
    clockTicksPerSecond: 100,
    pageSizeBytes: 4096,
  };
}

const stat = (ticksUser: number, ticksSys: number): string =>
  `4242 (ffmpeg -i x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 ${ticksUser} ${ticksSys} 0 0 20 0 3 0 100 1000000 2500 18446744073709551615`;

describe('system stats', () => {
  it('computes station and FFmpeg CPU from deltas, RSS from stat, and forgets gone pids', () => {
    const clock = new ManualClock();
    const files = new Map([['/proc/4242/stat', stat(100, 0)]]);
    const cpu = { user: 0, system: 0 };
    let pids = [4242];
    const sampler = new SystemSampler(clock, () => pids, fakeProbes(files, cpu));
    const first = sampler.sample();
    expect(first.cpuPercent).toBeNull();
    expect(first.ffmpegCount).toBe(1);
    expect(first.ffmpegCpuPercent).toBeNull();
    clock.advance(1000);
    cpu.user = 250_000;
    cpu.system = 50_000;
    files.set('/proc/4242/stat', stat(150, 30));
    const second = sampler.sample();
    expect(second).toMatchObject({
      cpuPercent: 30,
      ffmpegCount: 1,
      ffmpegCpuPercent: 80,
      ffmpegRssBytes: 2500 * 4096,
      cores: 2,
      loadAverage1m: 1.23,
      rssBytes: 50_000_000,
    });
    expect(sampler.perPid(4242)).toEqual({ pid: 4242, cpuPercent: 80, rssBytes: 2500 * 4096 });
    pids = [];
    const third = sampler.sample();
    expect(third).toMatchObject({ ffmpegCount: 0, ffmpegCpuPercent: null, ffmpegRssBytes: null });
    expect(sampler.perPid(4242)).toBeNull();
  });

  it('reads its own process from the real /proc', () => {
    const sampler = new SystemSampler(new ManualClock(), () => [process.pid]);
    const s = sampler.sample();
    expect(s.rssBytes).toBeGreaterThan(0);
    expect(s.ffmpegCount).toBe(process.platform === 'linux' ? 1 : 0);
  });

  it('samples on its timer until stopped', () => {
    const clock = new ManualClock();
    const sampler = new SystemSampler(clock, () => [], fakeProbes(new Map(), { user: 0, system: 0 }));
    let n = 0;
    sampler.start(() => n++, 1000);
    clock.advance(3500);
    expect(n).toBe(3);
    sampler.stop();
    clock.advance(5000);
    expect(n).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });
});
