// Real encoders into the whole station (issue 21): an FFmpeg publisher with OBS's default GOP (250 frames, 8.3 s at
// 30 fps), one whose GOP grows mid-stream, and GStreamer (rtmp2sink: no swfUrl, flashVer "LNX 10,0,32,18"), into the
// sandbox's default ladder (a passthrough source and three encoded rungs, 2 s segments).
// Pins: with a passthrough rung the encoded rungs followed the source's key frames, so every segment was 8.3 s.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startInProcessStation, type InProcessStation } from '../../helpers/in-process-station.js';
import { startGstPublisher, startPublisher, type Publisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';
import type { IngestStream } from '../../../shared/state.js';

const ENTRY = '0_rkij47dr';
const RUNGS = ['0_rkij47dr_32', '0_rkij47dr_33', '0_rkij47dr_34', '0_rkij47dr_35'];
const SOURCE = '0_rkij47dr_32';
let s: InProcessStation;
let publisher: Publisher | null = null;

beforeAll(async () => {
  s = await startInProcessStation({ resumeGraceMs: 1000, keepAliveIntervalMs: 1500 });
});

beforeEach(() => {
  // the previous case's playlists use the same segment names: the collector must not take them for this case's
  fs.rmSync(path.join(s.dataDir, 'hls', ENTRY), { recursive: true, force: true });
});

afterEach(async () => {
  await publisher?.stop();
  publisher = null;
  // the next case starts a fresh stream of the same entry
  await waitFor(
    async () =>
      !(await s.snapshot()).entries.some((e) =>
        e.streams.some((st) => ['live', 'playable', 'reconnecting'].includes(st.state)),
      ),
    { timeoutMs: 20_000, what: 'the stream to end' },
  );
});

afterAll(async () => {
  await publisher?.stop();
  await s?.stop();
});

interface Seen {
  uri: string;
  durationSeconds: number;
  discontinuity: boolean;
}

/** Every segment each rendition's playlist ever listed (the live window slides past them), in order. */
function collectSegments(dir: string, folders: string[]): { segments: Map<string, Seen[]>; stop: () => void } {
  const segments = new Map<string, Seen[]>(folders.map((f) => [f, []]));
  const poll = (): void => {
    for (const folder of folders) {
      let text: string;
      try {
        text = fs.readFileSync(path.join(dir, folder, 'index.m3u8'), 'utf8');
      } catch {
        continue;
      }
      const list = segments.get(folder) as Seen[];
      let duration = 0;
      let discontinuity = false;
      for (const line of text.split('\n')) {
        if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
        else if (line.startsWith('#EXT-X-DISCONTINUITY')) discontinuity = true;
        else if (line.endsWith('.ts')) {
          if (!list.some((x) => x.uri === line)) list.push({ uri: line, durationSeconds: duration, discontinuity });
          discontinuity = false;
        }
      }
    }
  };
  const timer = setInterval(poll, 250);
  return {
    segments,
    stop: () => {
      clearInterval(timer);
      poll(); // the last segment comes with #EXT-X-ENDLIST
    },
  };
}

function ffprobeVideo(file: string): { width: number; height: number; profile: string } {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v', '-show_entries', 'stream=width,height,profile', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { streams: Array<{ width: number; height: number; profile: string }> }).streams[0] as {
    width: number;
    height: number;
    profile: string;
  };
}

async function liveStream(): Promise<IngestStream | null> {
  const snap = await s.snapshot();
  return snap.entries.find((e) => e.entryId === ENTRY)?.streams.find((st) => st.state === 'playable') ?? null;
}

/** the entry's 2 s segments, ±10 % */
function expectSegmentSeconds(d: Seen): void {
  expect(d.durationSeconds, d.uri).toBeGreaterThanOrEqual(1.8);
  expect(d.durationSeconds, d.uri).toBeLessThanOrEqual(2.2);
}

const token = (): string => s.sandboxState().entries.find((e) => e.id === ENTRY)?.streamPassword as string;
const round1 = (xs: Seen[]): number[] => xs.map((x) => Math.round(x.durationSeconds * 10) / 10);

describe('real encoders into the default ladder', () => {
  it('an FFmpeg publisher with a 250-frame GOP at 30 fps: 2 s segments on every rendition, aligned, the source re-encoded, 107 raised', async () => {
    const dir = path.join(s.dataDir, 'hls', ENTRY);
    const seen = collectSegments(dir, RUNGS);
    const publishSeconds = 24;
    publisher = startPublisher(
      { rtmpPort: s.rtmpPort, partnerId: 102, entryId: ENTRY, token: token() },
      { width: 320, height: 180, fps: 30, gopFrames: 250, videoBitrateKbps: 500, durationSeconds: publishSeconds },
    );
    try {
      const live = await waitFor(
        async () => {
          const st = await liveStream();
          return st?.transcoder?.keyFrames?.sourceRung === 'reencoded' &&
            st.renditions.find((r) => r.streamName === SOURCE)?.note
            ? st
            : null;
        },
        { timeoutMs: 30_000, what: 'the re-encoded source, said in the state' },
      );
      expect(live.transcoder?.keyFrames).toMatchObject({ mode: 'interval', segmentSeconds: 2 });
      expect(live.renditions.find((r) => r.streamName === SOURCE)).toMatchObject({
        passthrough: false,
        note: expect.stringContaining("re-encoded at the source's bitrate"),
      });
      // the producer is told, with the fix, in the window and in the beacons
      const alert = await waitFor(
        async () => (await s.snapshot()).entries.find((e) => e.entryId === ENTRY)?.alerts.find((a) => a.code === 107),
        { timeoutMs: 20_000, what: '107' },
      );
      expect(alert.text).toContain('OBS → Settings → Output → Keyframe Interval: 2 s');
      await waitFor(
        () =>
          s
            .sandboxState()
            .beacons.some(
              (b) =>
                b.eventType === '0_healthData' &&
                (JSON.parse(b.privateData) as { alerts: Array<{ Code: number }> }).alerts.some((a) => a.Code === 107),
            ),
        { timeoutMs: 20_000, what: 'the 107 beacon' },
      );

      await publisher.exited;
      await waitFor(
        () => RUNGS.every((r) => fs.readFileSync(path.join(dir, r, 'index.m3u8'), 'utf8').includes('#EXT-X-ENDLIST')),
        { timeoutMs: 20_000, what: 'ENDLIST' },
      );
    } finally {
      seen.stop();
    }
    const lists = RUNGS.map((r) => seen.segments.get(r) as Seen[]);
    // the last segment is cut by the end of the stream
    const full = lists.map((l) => l.slice(0, -1));
    for (const l of full) {
      expect(l.length).toBeGreaterThanOrEqual(8);
      for (const d of l) expectSegmentSeconds(d);
    }
    // aligned: every rendition cut at the same times
    for (const l of lists.slice(1)) expect(round1(l)).toEqual(round1(lists[0] as Seen[]));
    // the switch came before anything was playable: one clean start, nothing lost or repeated
    for (const l of lists) {
      expect(l.some((x) => x.discontinuity)).toBe(false);
      const total = l.reduce((a, x) => a + x.durationSeconds, 0);
      expect(total).toBeGreaterThan(publishSeconds - 2);
      expect(total).toBeLessThan(publishSeconds + 1);
    }
    expect(ffprobeVideo(path.join(dir, SOURCE, lists[0]?.[0]?.uri as string))).toMatchObject({
      width: 320,
      height: 180,
      profile: 'High',
    });
  });

  it('a GOP that grows mid-stream: the ladder switches after a discontinuity in the same playlists, without a gap', async () => {
    const dir = path.join(s.dataDir, 'hls', ENTRY);
    const seen = collectSegments(dir, RUNGS);
    const publishSeconds = 26;
    // a key frame every 2 s for the first 10 s, then x264's own 250 frames
    publisher = startPublisher(
      { rtmpPort: s.rtmpPort, partnerId: 102, entryId: ENTRY, token: token() },
      {
        width: 320,
        height: 180,
        fps: 30,
        gopFrames: 250,
        forceKeyFrames: 'expr:lt(t,10)*gte(t,n_forced*2)',
        videoBitrateKbps: 500,
        durationSeconds: publishSeconds,
      },
    );
    try {
      const before = await waitFor(
        async () => {
          const st = await liveStream();
          return st?.renditions.length === 4 && st.transcoder?.keyFrames ? st : null;
        },
        { timeoutMs: 30_000, what: 'playable' },
      );
      expect(before.transcoder?.keyFrames?.sourceRung).toBe('passthrough');
      await waitFor(async () => (await liveStream())?.transcoder?.keyFrames?.sourceRung === 'reencoded', {
        timeoutMs: 30_000,
        what: 'the switch to a re-encoded source',
      });
      await publisher.exited;
      await waitFor(
        () => RUNGS.every((r) => fs.readFileSync(path.join(dir, r, 'index.m3u8'), 'utf8').includes('#EXT-X-ENDLIST')),
        { timeoutMs: 20_000, what: 'ENDLIST' },
      );
    } finally {
      seen.stop();
    }
    const lists = RUNGS.map((r) => seen.segments.get(r) as Seen[]);
    for (const l of lists) {
      // one switch, one discontinuity, same playlist; 2 s segments on both sides (the one before it ends at the switch)
      expect(
        l.filter((x) => x.discontinuity),
        JSON.stringify(l),
      ).toHaveLength(1);
      const at = l.findIndex((x) => x.discontinuity);
      for (const d of [...l.slice(0, at - 1), ...l.slice(at, -1)]) expectSegmentSeconds(d);
      // the new run starts from the last key frame the old one had not cut after: nothing lost, nothing repeated
      const total = l.reduce((a, x) => a + x.durationSeconds, 0);
      expect(total).toBeGreaterThan(publishSeconds - 2);
      expect(total).toBeLessThan(publishSeconds + 1);
    }
    for (const l of lists.slice(1)) expect(round1(l)).toEqual(round1(lists[0] as Seen[]));
    const source = lists[0] as Seen[];
    const switchAt = source.findIndex((x) => x.discontinuity);
    expect(ffprobeVideo(path.join(dir, SOURCE, source[switchAt - 1]?.uri as string)).profile).not.toBe('High');
    expect(ffprobeVideo(path.join(dir, SOURCE, source[switchAt]?.uri as string)).profile).toBe('High');
  });

  it('a GStreamer publisher (rtmp2sink, OBS form) is accepted, transcoded and playable, aligned', async () => {
    const dir = path.join(s.dataDir, 'hls', ENTRY);
    const seen = collectSegments(dir, RUNGS);
    publisher = startGstPublisher(
      { rtmpPort: s.rtmpPort, partnerId: 102, entryId: ENTRY, token: token() },
      { width: 320, height: 180, fps: 15, gopFrames: 30, durationSeconds: 12 },
    );
    try {
      const master = path.join(dir, 'master.m3u8');
      await waitFor(() => fs.existsSync(master), {
        timeoutMs: 30_000,
        what: `the master playlist (gst-launch said: ${publisher?.stderr() ?? ''})`,
      });
      expect(
        [...fs.readFileSync(master, 'utf8').matchAll(/^(0_rkij47dr_\d+)\/index\.m3u8$/gm)].map((m) => m[1]),
      ).toEqual(RUNGS);
      const st = await waitFor(
        async () => {
          const x = await liveStream();
          return x && x.renditions.every((r) => r.measuredBitrateBps !== null) ? x : null;
        },
        { timeoutMs: 20_000, what: 'measured renditions' },
      );
      expect(st.transcoder?.keyFrames?.sourceRung).toBe('passthrough');
      expect(st.probe).toMatchObject({ videoCodec: 'H.264', audioCodec: 'AAC', width: 320, height: 180 });
      // this publish (the last accepted) was read in the OBS form: app with the query, the key as the stream
      expect(s.logs.filter((l) => l.includes('stream accepted')).at(-1)).toContain('form=obs');
      const res = await fetch(`${s.httpUrl}/hls/${ENTRY}/${RUNGS[1]}/index.m3u8`);
      expect(res.status).toBe(200);
      expect(await publisher.exited).toBe(0);
      await waitFor(
        () => RUNGS.every((r) => fs.readFileSync(path.join(dir, r, 'index.m3u8'), 'utf8').includes('#EXT-X-ENDLIST')),
        { timeoutMs: 20_000, what: 'ENDLIST' },
      );
    } finally {
      seen.stop();
    }
    const lists = RUNGS.map((r) => seen.segments.get(r) as Seen[]);
    for (const l of lists) for (const d of l.slice(0, -1)) expectSegmentSeconds(d);
    for (const l of lists.slice(1)) expect(round1(l)).toEqual(round1(lists[0] as Seen[]));
  });
});
