// Owns the pacing bench: a publisher at a given bitrate into a passthrough entry, past the station's unpaced start,
// measured by how much media it got through per second of wall time (1.00 = the station never slowed the encoder
// down), by the bytes queued between encoder and station (a backlog that grows would slow it down later), and by
// what the station's Node process spent and how often it woke up.
import fs from 'node:fs';
import path from 'node:path';
import { contextSwitches, ownCpuSeconds } from './proc.js';
import {
  makeSourceFile,
  publishFile,
  publisherMediaUs,
  seedEntries,
  sleep,
  startStationChild,
  tempDir,
  waitUntil,
} from './harness.js';

export interface PacingStep {
  mbps: number;
  /** media seconds the publisher sent per wall second over the window */
  publisherRealtime: number | null;
  /**
   * bytes waiting between the encoder and the station (the publisher's send queue + the station's receive queue,
   * from /proc/net/tcp), sampled every 50 ms: a batch larger than the socket's receive window would leave a backlog
   * growing in the publisher's send buffer long before the encoder itself is slowed down
   */
  backlogMaxBytes: number | null;
  /** mean backlog over the window's last quarter minus its first quarter: > 0 and growing = the station falls behind */
  backlogGrowthBytes: number | null;
  nodeCorePercent: number;
  nodeSwitchesPerSecond: number;
}

export interface PacingResult {
  windowSeconds: number;
  steps: PacingStep[];
}

/**
 * Media seconds per wall second between the first and the last progress report seen while sampling for windowMs
 * (each report is timed when it changes, polled every 50 ms: ±50 ms over the window instead of ± a report period).
 */
async function mediaProgress(read: () => number | null, windowMs: number): Promise<number | null> {
  const end = Date.now() + windowMs;
  let last = read();
  let first: { atMs: number; mediaUs: number } | null = null;
  let latest: { atMs: number; mediaUs: number } | null = null;
  while (Date.now() < end) {
    await sleep(50);
    const now = read();
    if (now === null || now === last) continue;
    last = now;
    latest = { atMs: Date.now(), mediaUs: now };
    first ??= latest;
  }
  if (!first || !latest || latest.atMs - first.atMs < windowMs / 2) return null;
  return (latest.mediaUs - first.mediaUs) / 1000 / (latest.atMs - first.atMs);
}

/** Bytes queued on the one RTMP connection to `port`: the client's send queue plus the server's receive queue. */
function backlogBytes(port: number): number | null {
  let text: string;
  try {
    text = fs.readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return null;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let total = 0;
  let found = false;
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const [local, remote, state, queues] = [f[1], f[2], f[3], f[4]];
    if (!local || !remote || !queues || state !== '01') continue;
    const [tx, rx] = queues.split(':').map((h) => parseInt(h, 16));
    if (remote.endsWith(`:${hexPort}`)) {
      total += tx ?? 0;
      found = true;
    } else if (local.endsWith(`:${hexPort}`)) {
      total += rx ?? 0;
      found = true;
    }
  }
  return found ? total : null;
}

export function kib(bytes: number | null): string {
  return bytes === null ? 'n/a' : `${(bytes / 1024).toFixed(0)} KiB`;
}

/** The station reads every arrival for its first 10 s: measure after that. */
const PAST_START_SECONDS = 12;

export async function benchPacing(
  rates: number[],
  windowSeconds: number,
  workDir: string,
  log: (line: string) => void,
): Promise<PacingResult> {
  const steps: PacingStep[] = [];
  for (const mbps of rates) {
    const source = path.join(workDir, `cbr-${mbps}mbps.flv`);
    makeSourceFile(source, { width: 640, height: 360, fps: 30, kbps: mbps * 1000, seconds: 20, cbr: true });
    const dataDir = tempDir('klive-bench-pace-');
    const [entry] = seedEntries(dataDir, 1, 'passthrough', 'pc');
    if (!entry) throw new Error('no entry seeded');
    const st = await startStationChild(dataDir);
    const pub = publishFile(source, st.rtmpPort, entry, [], 0.5);
    try {
      await waitUntil(
        () => fs.existsSync(path.join(dataDir, 'hls', entry.entryId, 'master.m3u8')),
        60_000,
        'the station to be playable',
      );
      await sleep(PAST_START_SECONDS * 1000);
      const n0 = ownCpuSeconds(st.pid);
      const s0 = contextSwitches(st.pid);
      const t0 = Date.now();
      const backlog: number[] = [];
      const sampler = setInterval(() => {
        const b = backlogBytes(st.rtmpPort);
        if (b !== null) backlog.push(b);
      }, 50);
      const progress = await mediaProgress(() => publisherMediaUs(pub.stderr()), windowSeconds * 1000).finally(() =>
        clearInterval(sampler),
      );
      const wallS = (Date.now() - t0) / 1000;
      const quarter = Math.floor(backlog.length / 4);
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      const step: PacingStep = {
        mbps,
        publisherRealtime: progress,
        backlogMaxBytes: backlog.length ? Math.max(...backlog) : null,
        backlogGrowthBytes: quarter > 0 ? mean(backlog.slice(-quarter)) - mean(backlog.slice(0, quarter)) : null,
        nodeCorePercent: ((ownCpuSeconds(st.pid) - n0) / wallS) * 100,
        nodeSwitchesPerSecond: (contextSwitches(st.pid) - s0) / wallS,
      };
      steps.push(step);
      log(
        `[bench] pacing ${mbps} Mbps: publisher ${step.publisherRealtime?.toFixed(3) ?? 'n/a'}x real time, backlog max ${kib(step.backlogMaxBytes)} (growth ${kib(step.backlogGrowthBytes)}), Node ${step.nodeCorePercent.toFixed(2)} % of a core, ${step.nodeSwitchesPerSecond.toFixed(0)} wakeups/s`,
      );
    } finally {
      await pub.stop();
      await st.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { windowSeconds, steps };
}
