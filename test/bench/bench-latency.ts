// Owns two latency benches: the authentication decision on the wire (RTMP publish -> NetStream.Publish.Start,
// cold and cached) and publish start -> first playable segment of every rendition of the default ladder.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { rtmpPublish } from './rtmp-client.js';
import { PARTNER_ID, publishLive, seedEntries, sleep, startStationChild, tempDir, waitUntil } from './harness.js';
import { summarize, type Summary } from './stats.js';

export interface AuthResult {
  coldMs: Summary;
  cachedMs: Summary;
  /** publish command -> answer of the cached publishes: the station's own share of the cached figure */
  cachedPublishToAnswerMs: Summary;
  codes: string[];
}

/**
 * Cached publishes per entry, all within the gate's 10 s success window (1.5 s apart, so the close of the one
 * before and the station's work after an accept are done): n cached = runs x this.
 */
export const CACHED_PUBLISHES_PER_ENTRY = 4;

export async function benchAuth(runs: number): Promise<AuthResult> {
  const dataDir = tempDir('klive-bench-auth-');
  const entries = seedEntries(dataDir, runs, 'passthrough', 'au');
  const station = await startStationChild(dataDir);
  const cold: number[] = [];
  const cached: number[] = [];
  const cachedPublish: number[] = [];
  const codes: string[] = [];
  try {
    for (const e of entries) {
      const app = `kLive/?p=${PARTNER_ID}&e=${e.entryId}&i=0&t=${e.token}`;
      const first = await rtmpPublish({ port: station.rtmpPort, app, streamName: `${e.entryId}_1` });
      codes.push(first.code);
      if (first.code === 'NetStream.Publish.Start') cold.push(first.elapsedMs);
      first.socket.destroy();
      for (let i = 0; i < CACHED_PUBLISHES_PER_ENTRY; i++) {
        await sleep(1500);
        const again = await rtmpPublish({ port: station.rtmpPort, app, streamName: `${e.entryId}_1` });
        codes.push(again.code);
        if (again.code === 'NetStream.Publish.Start') {
          cached.push(again.elapsedMs);
          cachedPublish.push(again.publishToAnswerMs);
        }
        again.socket.destroy();
      }
      await sleep(300);
    }
  } finally {
    await station.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    coldMs: summarize(cold),
    cachedMs: summarize(cached),
    cachedPublishToAnswerMs: summarize(cachedPublish),
    codes,
  };
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
