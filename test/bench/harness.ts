// Owns the bench's moving parts: the built station as a child process (its own process tree, so /proc
// CPU and RSS are the station's alone), sandbox entries seeded before it starts, and FFmpeg publishers
// (live test pattern, or a pre-encoded file looped with -c copy so 50+ publishers cost no encoding).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../main/log/logger.js';
import { SandboxStore, PASSTHROUGH_PROFILE_ID, DEFAULT_PROFILE_ID } from '../../main/sandbox/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** dist/node/test/bench -> dist/node/main/cli.js */
export const CLI_PATH = path.resolve(HERE, '..', '..', 'main', 'cli.js');
export const PARTNER_ID = 102;

export interface BenchEntry {
  entryId: string;
  token: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      server.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitUntil<T>(
  check: () => T | Promise<T>,
  timeoutMs: number,
  what: string,
  intervalMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Seeds `count` sandbox entries on a profile into DATA/sandbox before the station starts. */
export function seedEntries(
  dataDir: string,
  count: number,
  profile: 'default' | 'passthrough',
  prefix: string,
): BenchEntry[] {
  const store = new SandboxStore(path.join(dataDir, 'sandbox'), silentLogger(), Date.now);
  const out: BenchEntry[] = [];
  for (let i = 0; i < count; i++) {
    const id = `0_${prefix}${String(i).padStart(8 - prefix.length, '0')}`;
    const token = `b${String(i).padStart(7, '0')}`;
    store.createEntry({
      name: `bench ${prefix} ${i}`,
      id,
      streamPassword: token,
      conversionProfileId: profile === 'passthrough' ? PASSTHROUGH_PROFILE_ID : DEFAULT_PROFILE_ID,
      record: false,
    });
    out.push({ entryId: id, token });
  }
  // Kaltura caps a partner's concurrent live streams (10 passthrough inputs by default; the sandbox refuses the 11th
  // with alert 115, as Kaltura does): a bench partner is given room for every entry it seeds, as an account manager
  // would raise it for a large event.
  const partner = store.partner(PARTNER_ID);
  store.updatePartner(PARTNER_ID, {
    maxLiveStreamInputs: Math.max(partner?.maxLiveStreamInputs ?? 0, count),
    maxLiveStreamOutputs: Math.max(partner?.maxLiveStreamOutputs ?? 0, count),
  });
  store.save();
  return out;
}

export interface StationChild {
  child: ChildProcess;
  pid: number;
  dataDir: string;
  rtmpPort: number;
  httpPort: number;
  httpUrl: string;
  /** the last lines the station printed (warn level and up) */
  logTail(lines?: number): string[];
  stop(): Promise<void>;
}

/** Which FFmpeg a bench section's station runs: Debian's on PATH, or the bundled 2018 build (FFMPEG_PATH). */
export interface BenchFfmpeg {
  label: 'system' | 'bundled';
  env: NodeJS.ProcessEnv;
}

export function benchFfmpeg(label: string): BenchFfmpeg {
  if (label === 'system') return { label, env: {} };
  if (label === 'bundled') {
    const bin = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path?: string }).path;
    if (!bin) throw new Error('@ffmpeg-installer/ffmpeg has no binary for this platform: run npm ci');
    return { label, env: { FFMPEG_PATH: bin } };
  }
  throw new Error(`unknown FFmpeg "${label}" for --ffmpeg: use system, bundled or system,bundled`);
}

export async function startStationChild(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<StationChild> {
  if (!fs.existsSync(CLI_PATH))
    throw new Error(`${CLI_PATH} is missing: run \`npm run build\` first (npm run bench does)`);
  const rtmpPort = await freePort();
  const httpPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      CLI_PATH,
      '--data-dir',
      dataDir,
      '--http-port',
      String(httpPort),
      '--rtmp-port',
      String(rtmpPort),
      '--log-level',
      'warn',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-50_000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-50_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitUntil(
    () => {
      if (child.exitCode !== null)
        throw new Error(`station exited with ${child.exitCode} before it was ready:\n${out}`);
      return out.includes(' ready: ');
    },
    60_000,
    'the station to be ready',
  );
  return {
    child,
    pid: child.pid as number,
    dataDir,
    rtmpPort,
    httpPort,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    logTail: (lines = 5) => out.trim().split('\n').slice(-lines),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** OBS wire form: the query on the app, the key as the publish name. */
export function obsTargetArgs(rtmpPort: number, e: BenchEntry): string[] {
  const query = `p=${PARTNER_ID}&e=${e.entryId}&i=0&t=${e.token}`;
  const base = `rtmp://127.0.0.1:${rtmpPort}`;
  return [
    '-rtmp_app',
    `kLive/?${query}`,
    '-rtmp_playpath',
    `${e.entryId}_1`,
    '-rtmp_tcurl',
    `${base}/kLive/?${query}`,
    `${base}/kLive`,
  ];
}

export interface BenchPublisher {
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

function track(child: ChildProcess): BenchPublisher {
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await exited;
    },
  };
}

/** Loops a pre-encoded FLV into the station in real time without re-encoding. */
export function publishFile(
  file: string,
  rtmpPort: number,
  e: BenchEntry,
  extra: string[] = [],
  statsPeriodSeconds = 2,
): BenchPublisher {
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-stats_period',
    String(statsPeriodSeconds),
    '-progress',
    'pipe:2',
    '-nostdin',
    '-re',
    '-stream_loop',
    '-1',
    '-i',
    file,
    ...extra,
    '-c',
    'copy',
    '-f',
    'flv',
    ...obsTargetArgs(rtmpPort, e),
  ];
  return track(spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true }));
}

/** Live lavfi test pattern + tone, encoded by the publisher (like OBS would); a 2 s GOP unless gopFrames says. */
export function publishLive(
  rtmpPort: number,
  e: BenchEntry,
  o: { width: number; height: number; fps: number; kbps: number; gopFrames?: number },
): BenchPublisher {
  const gop = String(o.gopFrames ?? o.fps * 2);
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${o.width}x${o.height}:rate=${o.fps}`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=44100',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-g',
    gop,
    '-keyint_min',
    gop,
    '-sc_threshold',
    '0',
    '-b:v',
    `${o.kbps}k`,
    '-maxrate',
    `${o.kbps}k`,
    '-bufsize',
    `${o.kbps * 2}k`,
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    '-ar',
    '44100',
    '-f',
    'flv',
    ...obsTargetArgs(rtmpPort, e),
  ];
  return track(spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true }));
}

/** Encodes a test-pattern FLV once (H.264 + AAC, 2 s GOP) for the file publishers; `cbr` pads to the exact rate. */
export function makeSourceFile(
  file: string,
  o: { width: number; height: number; fps: number; kbps: number; seconds: number; cbr?: boolean },
): void {
  if (fs.existsSync(file)) return;
  const r = spawnSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${o.width}x${o.height}:rate=${o.fps}`,
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=44100',
      '-t',
      String(o.seconds),
      '-c:v',
      'libx264',
      '-preset',
      o.cbr ? 'ultrafast' : 'veryfast',
      '-pix_fmt',
      'yuv420p',
      '-g',
      String(o.fps * 2),
      '-keyint_min',
      String(o.fps * 2),
      '-sc_threshold',
      '0',
      '-b:v',
      `${o.kbps}k`,
      '-maxrate',
      `${o.kbps}k`,
      '-bufsize',
      `${o.cbr ? o.kbps : o.kbps * 2}k`,
      ...(o.cbr ? ['-minrate', `${o.kbps}k`, '-x264-params', 'nal-hrd=cbr'] : []),
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      '-ar',
      '44100',
      '-f',
      'flv',
      file,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (r.status !== 0) throw new Error(`could not make the bench source ${file}: ${r.stderr?.toString() ?? ''}`);
}

/** The last speed= of a publisher's -progress output (FFmpeg's average since it started; 1 = real time). */
export function publisherSpeed(progress: string): number | null {
  const last = [...progress.matchAll(/speed=\s*([\d.]+)x/g)].at(-1)?.[1];
  return last === undefined ? null : Number(last);
}

/** The last out_time_us= of a publisher's -progress output: how much media it has sent, in µs. */
export function publisherMediaUs(progress: string): number | null {
  const last = [...progress.matchAll(/out_time_us=(\d+)/g)].at(-1)?.[1];
  return last === undefined ? null : Number(last);
}

/** FFmpeg children of the station (pids whose parent is the station). */
export function ffmpegChildren(stationPid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (Number(rest[1]) === stationPid && comm === 'ffmpeg') out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}
