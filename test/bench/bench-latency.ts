// Owns two latency benches: the authentication decision on the wire (RTMP publish -> NetStream.Publish.Start,
// cold and cached) and publish start -> first playable segment of every rendition of the default ladder.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { buildEncoderClient } from './encoder-client.js';
import { rtmpPublish, type RtmpPublishResult, type RtmpPublishTarget, type TimedPublish } from './rtmp-client.js';
import {
  PARTNER_ID,
  publishLive,
  type BenchEntry,
  seedEntries,
  sleep,
  startStationChild,
  tempDir,
  waitUntil,
} from './harness.js';
import { summarize, type Summary } from './stats.js';

/** one client's figures: cold and cached publishes to the station, and the floor (the canned server) */
export interface PassResult {
  coldMs: Summary;
  cachedMs: Summary;
  /** the cached figure by step, as the encoder sees each round trip (see RtmpPublishResult.stepsMs) */
  cachedStepsMs: StepSummaries;
  /** the same client against a server that answers every step at once with fixed bytes, timed between the cached
   * publishes: what two processes on loopback cost on this machine, the floor under the cached figure */
  floorMs: Summary;
  floorStepsMs: StepSummaries;
  codes: string[];
}

/** the Node client's pass, and the blocking client's (encoder-client.c) or why it could not be built */
export interface AuthResult extends PassResult {
  /** publish command -> answer of the cached publishes: the station's own share of the cached figure */
  cachedPublishToAnswerMs: Summary;
  encoder: PassResult | { unavailable: string };
}

type StepName = keyof RtmpPublishResult['stepsMs'];
type StepSummaries = Record<StepName, Summary>;
type Steps = Record<StepName, number[]>;
const newSteps = (): Steps => ({ tcp: [], handshake: [], connect: [], createStream: [], publish: [] });
const pushSteps = (steps: Steps, r: TimedPublish): void => {
  for (const k of Object.keys(steps) as StepName[]) steps[k].push(r.stepsMs[k]);
};
const summarizeSteps = (steps: Steps): StepSummaries => ({
  tcp: summarize(steps.tcp),
  handshake: summarize(steps.handshake),
  connect: summarize(steps.connect),
  createStream: summarize(steps.createStream),
  publish: summarize(steps.publish),
});

/** Publishes the Node client warms up on before it is timed (V8 optimises its code, as an encoder's is compiled). */
export const CLIENT_WARMUP_PUBLISHES = 200;
/** ... and the blocking client (its binary and the kernel's paths in the caches) */
const ENCODER_WARMUP_PUBLISHES = 20;

interface CannedServer {
  port: number;
  stop(): void;
}

/** Starts canned-rtmp-server.js as its own process. */
async function startCannedServer(): Promise<CannedServer> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'canned-rtmp-server.js');
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the canned RTMP server exited with ${String(code)}`)));
  });
  return { port, stop: () => child.kill('SIGTERM') };
}

/**
 * Cached publishes per entry, all within the gate's 10 s success window (1.5 s apart, so the close of the one
 * before and the station's work after an accept are done): n cached = runs x this.
 */
export const CACHED_PUBLISHES_PER_ENTRY = 4;

/** a client's publish; the client closes its connection once answered */
type Publisher = (target: RtmpPublishTarget) => Promise<TimedPublish>;

interface Pass {
  cold: number[];
  cached: number[];
  steps: Steps;
  floor: number[];
  floorSteps: Steps;
  codes: string[];
}

/**
 * One client's pass: each entry published once (cold), then CACHED_PUBLISHES_PER_ENTRY times 1.5 s apart, the
 * canned server timed half-way between (so both servers have been idle as long).
 */
async function authPass(
  entries: BenchEntry[],
  stationPort: number,
  cannedPort: number,
  publish: Publisher,
  warmups: number,
): Promise<Pass> {
  const pass: Pass = {
    cold: [],
    cached: [],
    steps: newSteps(),
    floor: [],
    floorSteps: newSteps(),
    codes: [],
  };
  const cannedPublish = async (): Promise<TimedPublish> => {
    const r = await publish({ port: cannedPort, app: 'kLive', streamName: 'bench_1' });
    if (r.code !== 'NetStream.Publish.Start') throw new Error(`the canned RTMP server answered ${r.code}`);
    return r;
  };
  for (let i = 0; i < warmups; i++) await cannedPublish();
  for (const e of entries) {
    const target = {
      port: stationPort,
      app: `kLive/?p=${PARTNER_ID}&e=${e.entryId}&i=0&t=${e.token}`,
      streamName: `${e.entryId}_1`,
    };
    const first = await publish(target);
    pass.codes.push(first.code);
    if (first.code === 'NetStream.Publish.Start') pass.cold.push(first.elapsedMs);
    for (let i = 0; i < CACHED_PUBLISHES_PER_ENTRY; i++) {
      await sleep(750);
      const f = await cannedPublish();
      pass.floor.push(f.elapsedMs);
      pushSteps(pass.floorSteps, f);
      await sleep(750);
      const again = await publish(target);
      pass.codes.push(again.code);
      if (again.code === 'NetStream.Publish.Start') {
        pass.cached.push(again.elapsedMs);
        pushSteps(pass.steps, again);
      }
    }
    await sleep(300);
  }
  return pass;
}

const summarizePass = (pass: Pass): PassResult => ({
  coldMs: summarize(pass.cold),
  cachedMs: summarize(pass.cached),
  cachedStepsMs: summarizeSteps(pass.steps),
  floorMs: summarize(pass.floor),
  floorStepsMs: summarizeSteps(pass.floorSteps),
  codes: pass.codes,
});

/** The Node client (rtmp-client.ts), its socket closed once answered. */
const nodePublisher: Publisher = async (target) => {
  const r = await rtmpPublish(target);
  r.socket.destroy();
  return r;
};

export async function benchAuth(runs: number): Promise<AuthResult> {
  const encoderClient = buildEncoderClient();
  const dataDir = tempDir('klive-bench-auth-');
  const entries = seedEntries(dataDir, typeof encoderClient === 'string' ? runs : 2 * runs, 'passthrough', 'au');
  const station = await startStationChild(dataDir);
  const canned = await startCannedServer();
  try {
    const node = await authPass(
      entries.slice(0, runs),
      station.rtmpPort,
      canned.port,
      nodePublisher,
      CLIENT_WARMUP_PUBLISHES,
    );
    const encoder =
      typeof encoderClient === 'string'
        ? { unavailable: encoderClient }
        : summarizePass(
            await authPass(
              entries.slice(runs),
              station.rtmpPort,
              canned.port,
              (t) => encoderClient.publish(t),
              ENCODER_WARMUP_PUBLISHES,
            ),
          );
    return { ...summarizePass(node), cachedPublishToAnswerMs: summarize(node.steps.publish), encoder };
  } finally {
    canned.stop();
    await station.stop();
    if (typeof encoderClient !== 'string') encoderClient.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface PlayableResult {
  /** publisher start -> master.m3u8 (every rendition has a first segment) */
  masterSeconds: Summary;
  /** publisher start -> the last rendition's playlist listing its first segment */
  allRenditionsSeconds: Summary;
  renditions: number;
}

export async function benchPlayable(runs: number, env: NodeJS.ProcessEnv = {}): Promise<PlayableResult> {
  const dataDir = tempDir('klive-bench-play-');
  const entries = seedEntries(dataDir, runs, 'default', 'pl');
  const station = await startStationChild(dataDir, env);
  const master: number[] = [];
  const all: number[] = [];
  let renditions = 0;
  try {
    for (const e of entries) {
      const dir = path.join(dataDir, 'hls', e.entryId);
      const t0 = performance.now();
      const pub = publishLive(station.rtmpPort, e, { width: 640, height: 360, fps: 30, kbps: 1000 });
      try {
        const masterFile = path.join(dir, 'master.m3u8');
        let lastFirstSegmentAt = 0;
        const firstSeen = new Map<string, number>();
        await waitUntil(
          () => {
            const now = performance.now();
            if (fs.existsSync(dir)) {
              for (const v of fs.readdirSync(dir)) {
                if (firstSeen.has(v) || !fs.statSync(path.join(dir, v)).isDirectory()) continue;
                // listed in the rendition's playlist: FFmpeg 4.1 creates a segment's file when it starts it, not when it ends
                const playlist = path.join(dir, v, 'index.m3u8');
                if (fs.existsSync(playlist) && fs.readFileSync(playlist, 'utf8').includes('#EXTINF')) {
                  firstSeen.set(v, now);
                  lastFirstSegmentAt = now;
                }
              }
            }
            return fs.existsSync(masterFile);
          },
          60_000,
          `master playlist of ${e.entryId}`,
          25,
        );
        const masterAt = performance.now();
        master.push((masterAt - t0) / 1000);
        const variants = [...fs.readFileSync(masterFile, 'utf8').matchAll(/^(.+)\/index\.m3u8$/gm)].map(
          (m) => m[1] as string,
        );
        renditions = variants.length;
        const allSeen = variants.every((v) => firstSeen.has(v));
        all.push(((allSeen ? lastFirstSegmentAt : masterAt) - t0) / 1000);
      } finally {
        await pub.stop();
      }
      await sleep(1000);
    }
  } finally {
    await station.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { masterSeconds: summarize(master), allRenditionsSeconds: summarize(all), renditions };
}
