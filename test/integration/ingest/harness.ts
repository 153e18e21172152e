// Test harness for ingest integration tests: a stub Kaltura authenticate, FFmpeg publishers and
// readers in their own process groups (killed in cleanup), and an IngestServer on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { IngestServer, type IngestOptions, type IngestEvents } from '../../../main/ingest/index.js';
import type { AuthenticateArgs, LiveStreamEntry } from '../../../main/core/kaltura-api.js';
import { KalturaApiError } from '../../../main/core/kaltura-errors.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';
import { freePort, tempDir } from '../../helpers/net.js';

export const ENTRY = '0_rkij47dr';
export const TOKEN = 'dj94kfit';
export const PARTNER = 102;
export const FFMPEG = process.env['FFMPEG_PATH'] ?? '/usr/bin/ffmpeg';

export function entryFor(entryId: string): LiveStreamEntry {
  return {
    id: entryId,
    partnerId: PARTNER,
    name: `entry ${entryId}`,
    conversionProfileId: 1,
    dvrStatus: 0,
    dvrWindow: null,
    recordStatus: 0,
    recordedEntryId: null,
    segmentDuration: 6000,
    explicitLive: false,
  };
}

/** Knows ENTRY with TOKEN and a second entry 1_backup00 with the same token; counts calls. */
export function stubKaltura(): {
  authenticate: (a: AuthenticateArgs) => Promise<LiveStreamEntry>;
  calls: AuthenticateArgs[];
} {
  const calls: AuthenticateArgs[] = [];
  const known = new Set([ENTRY, '1_backup00']);
  return {
    calls,
    authenticate: async (args) => {
      calls.push(args);
      if (!known.has(args.entryId))
        throw new KalturaApiError('ENTRY_ID_NOT_FOUND', `Entry id "${args.entryId}" not found`);
      if (args.token !== TOKEN) throw new KalturaApiError('LIVE_STREAM_INVALID_TOKEN', 'Invalid token');
      return entryFor(args.entryId);
    },
  };
}

export interface Harness {
  server: IngestServer;
  port: number;
  calls: AuthenticateArgs[];
  lines: string[];
  events: { [K in keyof IngestEvents]: IngestEvents[K][] };
  spawnFfmpeg(args: string[]): FfmpegProc;
  cleanup(): Promise<void>;
}

export interface FfmpegProc {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  exitCode: () => number | null | undefined;
}

export async function startHarness(options: IngestOptions = {}): Promise<Harness> {
  const port = await freePort();
  const sink = memorySink(5000);
  const logger = createLogger({ sinks: [sink], level: 'debug' });
  const stub = stubKaltura();
  const server = new IngestServer({
    host: '127.0.0.1',
    port,
    dataDir: tempDir('klive-ingest-'),
    logger,
    authenticate: stub.authenticate,
    options,
  });
  const events = {
    streamAuthenticating: [],
    streamAccepted: [],
    streamRefused: [],
    streamEnded: [],
    probe: [],
  } as Harness['events'];
  server.on('streamAuthenticating', (e) => events.streamAuthenticating.push(e));
  server.on('streamAccepted', (e) => events.streamAccepted.push(e));
  server.on('streamRefused', (e) => events.streamRefused.push(e));
  server.on('streamEnded', (e) => events.streamEnded.push(e));
  server.on('probe', (e) => events.probe.push(e));
  await server.start();
  const procs: FfmpegProc[] = [];
  const spawnFfmpeg = (args: string[]): FfmpegProc => {
    const child = spawn(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (err.length < 20_000) err += d.toString();
    });
    let code: number | null | undefined;
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (c) => {
        code = c;
        resolve(c);
      }),
    );
    const proc = { child, stderr: () => err, exited, exitCode: () => code };
    procs.push(proc);
    return proc;
  };
  return {
    server,
    port,
    calls: stub.calls,
    lines: sink.lines,
    events,
    spawnFfmpeg,
    cleanup: async () => {
      for (const p of procs) {
        if (p.exitCode() === undefined && p.child.pid) {
          try {
            process.kill(-p.child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      await Promise.all(procs.map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 3000))])));
      await server.stop();
    },
  };
}

export const SOURCE = [
  '-re',
  '-f',
  'lavfi',
  '-i',
  'testsrc2=size=320x180:rate=15',
  '-f',
  'lavfi',
  '-i',
  'sine=frequency=440:sample_rate=44100',
];
export const ENCODE = [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-tune',
  'zerolatency',
  '-g',
  '30',
  '-b:v',
  '300k',
  '-c:a',
  'aac',
  '-b:a',
  '64k',
];

export function query(entryId = ENTRY, token = TOKEN, index = '0'): string {
  return `p=${PARTNER}&e=${entryId}&i=${index}&t=${token}`;
}

/** The stream-key-query form: server rtmp://host/kLive, key ENTRY_N?p=..&e=..&i=..&t=.. */
export function keyFormArgs(port: number, seconds: number, name = `${ENTRY}_1`, q = query()): string[] {
  return [...SOURCE, '-t', String(seconds), ...ENCODE, '-f', 'flv', `rtmp://127.0.0.1:${port}/kLive/${name}?${q}`];
}

/** The OBS wire form: app `kLive/?query`, tcUrl the typed server URL, publish name ENTRY_N. */
export function obsFormArgs(port: number, seconds: number, name = `${ENTRY}_1`, q = query()): string[] {
  const server = `rtmp://127.0.0.1:${port}/kLive/?${q}`;
  return [
    ...SOURCE,
    '-t',
    String(seconds),
    ...ENCODE,
    '-rtmp_app',
    `kLive/?${q}`,
    '-rtmp_tcurl',
    server,
    '-rtmp_playpath',
    name,
    '-f',
    'flv',
    `rtmp://127.0.0.1:${port}/kLive`,
  ];
}

/** An FFmpeg reader pulling the stream to null, as the transcoder would. */
export function readerArgs(url: string): string[] {
  return ['-i', url, '-c', 'copy', '-f', 'null', '-'];
}
