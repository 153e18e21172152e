// Shared parts of the fault drills: the sandbox handle of an in-process station (for fault injection),
// FFmpeg processes found through /proc, HLS playlist reading, /metrics counters, settings written before
// start, and process-group cleanup. Not a test file: the drills import it.
import fs from 'node:fs';
import path from 'node:path';
import { Station } from '../../../main/station/station.js';
import { type StationTuning } from '../../../main/station/station-parts.js';
import { findAppPaths } from '../../../main/station/app-paths.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';
import type { SandboxHandle } from '../../../main/sandbox/index.js';
import type { Snapshot } from '../../../shared/state.js';
import { freePort, tempDir } from '../../helpers/net.js';

export interface DrillStation {
  station: Station;
  sandbox: SandboxHandle;
  dataDir: string;
  rtmpPort: number;
  httpUrl: string;
  logs: string[];
  snapshot(): Promise<Snapshot>;
  stop(): Promise<void>;
}

/** Like test/helpers/in-process-station.ts, with settings written to DATA/settings.json before start. */
export async function startDrillStation(
  o: { tuning?: StationTuning; settings?: Record<string, unknown>; dataDir?: string } = {},
): Promise<DrillStation> {
  const dataDir = o.dataDir ?? tempDir('klive-drill-');
  if (o.settings) writeSettings(dataDir, o.settings);
  const rtmpPort = await freePort();
  const httpPort = await freePort();
  const sink = memorySink(5000);
  const station = new Station({
    options: { dataDir, rtmpPort, httpPort, host: '127.0.0.1', logLevel: 'info' },
    logger: createLogger({ level: 'info', sinks: [sink] }),
    paths: findAppPaths(),
    env: process.env,
    tuning: { skipEncoderDetection: true, x264Preset: 'ultrafast', ...o.tuning },
  });
  await station.start();
  return {
    station,
    sandbox: sandboxOf(station),
    dataDir,
    rtmpPort,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    logs: sink.lines,
    snapshot: async () =>
      (await station.bridgeHost().handle('state.getSnapshot', {}, { transport: 'ipc', trusted: true })) as Snapshot,
    stop: async () => {
      await station.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The station's embedded sandbox. The station keeps it in its private Kaltura runtime; the drills reach it
 * with a cast rather than widening the Station class for tests.
 */
export function sandboxOf(station: Station): SandboxHandle {
  const runtime = (station as unknown as { kaltura?: { sandbox?: SandboxHandle | null } }).kaltura;
  const handle = runtime?.sandbox;
  if (!handle) throw new Error('the station has no sandbox: start it in sandbox mode (the default)');
  return handle;
}

export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  argv: string[];
}

export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      out.push({ pid: Number(name), ppid, comm, argv });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** FFmpeg processes writing under `dir` (the station's data dir): transcoders and recorders, not publishers. */
export function ffmpegUnder(dir: string): ProcInfo[] {
  return listProcesses().filter((p) => p.comm.startsWith('ffmpeg') && p.argv.some((a) => a.includes(dir)));
}

/** Live (not zombie) FFmpeg processes writing under `dir`. */
export function liveFfmpegUnder(dir: string): ProcInfo[] {
  return ffmpegUnder(dir).filter((p) => {
    try {
      return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  });
}

export function killGroups(pids: number[]): void {
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

export interface PlaylistView {
  mediaSequence: number;
  segments: Array<{ uri: string; durationSeconds: number; discontinuityBefore: boolean }>;
  ended: boolean;
}

export function readPlaylist(file: string): PlaylistView | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const seq = /#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text);
  const segments: PlaylistView['segments'] = [];
  let duration = 0;
  let disc = false;
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (l.startsWith('#EXTINF:')) duration = Number(l.slice(8).split(',')[0]);
    else if (l === '#EXT-X-DISCONTINUITY') disc = true;
    else if (l !== '' && !l.startsWith('#')) {
      segments.push({ uri: l, durationSeconds: duration, discontinuityBefore: disc });
      disc = false;
    }
  }
  return { mediaSequence: seq ? Number(seq[1]) : 0, segments, ended: text.includes('#EXT-X-ENDLIST') };
}

/** The variant playlists of one entry's HLS (DATA/hls/<entry>/<variant>/index.m3u8). */
export function variantPlaylists(dataDir: string, entryId: string): string[] {
  const dir = path.join(dataDir, 'hls', entryId);
  try {
    return fs
      .readdirSync(dir)
      .map((v) => path.join(dir, v, 'index.m3u8'))
      .filter((f) => fs.existsSync(f))
      .sort();
  } catch {
    return [];
  }
}

/** Sum of klive_kaltura_api_calls_total samples whose labels contain each given value (call names are lower case). */
export async function apiCalls(httpUrl: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('klive_kaltura_api_calls_total{')) continue;
    const found = new Map([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2] ?? '']));
    if (!Object.entries(labels).every(([k, v]) => (found.get(k) ?? '').includes(v))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Writes DATA/settings.json before the station starts (merged over the defaults by the settings store). */
export function writeSettings(dataDir: string, settings: Record<string, unknown>): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify(settings, null, 2));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
