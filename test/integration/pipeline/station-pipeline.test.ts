// The whole station on loopback: a real FFmpeg publisher in the OBS form into the sandbox's default
// "Cloud transcode" profile, through the Kaltura gate, the ladder from serve, one FFmpeg, HLS and the
// registration with the sandbox.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessStation, type InProcessStation } from '../../helpers/in-process-station.js';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';

const ENTRY = '0_rkij47dr';
let s: InProcessStation;
let publisher: Publisher | null = null;
const statusesSeen = new Set<number>();
let nodePoll: NodeJS.Timeout | null = null;

beforeAll(async () => {
  s = await startInProcessStation({ resumeGraceMs: 2000, keepAliveIntervalMs: 1500 });
  nodePoll = setInterval(() => {
    try {
      for (const n of s.sandboxState().nodes) if (n.entryId === ENTRY) statusesSeen.add(n.status);
    } catch {
      // the file is replaced atomically; a read can miss it once
    }
  }, 100);
});

afterAll(async () => {
  if (nodePoll) clearInterval(nodePoll);
  await publisher?.stop();
  await s?.stop();
});

function ffprobe(file: string): { width: number; height: number; codec: string; profile: string }[] {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v',
      '-show_entries',
      'stream=width,height,codec_name,profile',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  return (
    JSON.parse(out) as { streams: Array<{ width: number; height: number; codec_name: string; profile: string }> }
  ).streams.map((x) => ({ width: x.width, height: x.height, codec: x.codec_name, profile: x.profile }));
}

/** argv of this process's FFmpeg children that write HLS (the station's transcoders) */
function transcoderArgvs(): string[][] {
  const out: string[][] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
      const argv = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.includes('-hls_time')) out.push(argv);
    } catch {
      // exited while we looked
    }
  }
  return out;
}

function segmentDurations(playlist: string): number[] {
  return [...fs.readFileSync(playlist, 'utf8').matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
}

describe('station pipeline with the sandbox', () => {
  it('turns an OBS-form publish into the default ladder as HLS, registered with Kaltura', async () => {
    const token = s.sandboxState().entries.find((e) => e.id === ENTRY)?.streamPassword;
    expect(token).toBeTruthy();
    publisher = startPublisher(
      { rtmpPort: s.rtmpPort, partnerId: 102, entryId: ENTRY, token: token as string },
      { width: 640, height: 360, fps: 15, videoBitrateKbps: 800, durationSeconds: 14 },
    );

    const master = path.join(s.dataDir, 'hls', ENTRY, 'master.m3u8');
    await waitFor(() => fs.existsSync(master), { timeoutMs: 30_000, what: 'master playlist' });
    const text = fs.readFileSync(master, 'utf8');
    const variants = [...text.matchAll(/^(0_rkij47dr_\d+)\/index\.m3u8$/gm)].map((m) => m[1]);
    expect(variants).toEqual(['0_rkij47dr_32', '0_rkij47dr_33', '0_rkij47dr_34', '0_rkij47dr_35']);
    expect(text).toMatch(/AVERAGE-BANDWIDTH=\d+/);
    expect(text).toMatch(/CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"/);

    // the transcoder reads the ingest's feed on fd 3; nothing pulls the stream over RTMP
    const argvs = transcoderArgvs();
    expect(argvs).toHaveLength(1);
    expect(argvs[0]?.slice(argvs[0].indexOf('-i') - 6, argvs[0].indexOf('-i') + 2)).toEqual([
      '-f',
      'flv',
      '-fpsprobesize',
      '0',
      '-analyzeduration',
      '1000000',
      '-i',
      'pipe:3',
    ]);
    expect(argvs[0]?.join(' ')).not.toContain('rtmp://');

    // served over HTTP with the right type
    const res = await fetch(`${s.httpUrl}/hls/${ENTRY}/master.m3u8`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('mpegurl');

    const snap = await waitFor(
      async () => {
        const x = await s.snapshot();
        const stream = x.entries.find((e) => e.entryId === ENTRY)?.streams.find((st) => st.state === 'playable');
        return stream && stream.renditions.length === 4 && stream.renditions.every((r) => r.measuredBitrateBps !== null)
          ? stream
          : null;
      },
      { timeoutMs: 20_000, what: 'measured bitrates for every rendition' },
    );
    expect(snap.masterPlaylistUrl).toBe(`/hls/${ENTRY}/master.m3u8`);

    await publisher.exited;
    await waitFor(
      () =>
        fs
          .readFileSync(path.join(s.dataDir, 'hls', ENTRY, '0_rkij47dr_33', 'index.m3u8'), 'utf8')
          .includes('#EXT-X-ENDLIST'),
      { timeoutMs: 15_000, what: 'ENDLIST' },
    );

    // the promised sizes and codecs (fit-width 480 and 640 on a 640x360 source; passthrough keeps the source)
    const dir = path.join(s.dataDir, 'hls', ENTRY);
    const first = (variant: string) =>
      path.join(
        dir,
        variant,
        fs
          .readdirSync(path.join(dir, variant))
          .filter((f) => f.endsWith('.ts'))
          .sort()[0] as string,
      );
    expect(ffprobe(first('0_rkij47dr_32'))[0]).toMatchObject({ width: 640, height: 360, codec: 'h264' });
    expect(ffprobe(first('0_rkij47dr_33'))[0]).toMatchObject({
      width: 480,
      height: 270,
      codec: 'h264',
      profile: expect.stringMatching(/Baseline/),
    });
    expect(ffprobe(first('0_rkij47dr_35'))[0]).toMatchObject({
      width: 640,
      height: 360,
      codec: 'h264',
      profile: 'Main',
    });

    // keyframe-aligned: every transcoded rendition cut its segments at the same times
    const durations = ['0_rkij47dr_33', '0_rkij47dr_34', '0_rkij47dr_35'].map((v) =>
      segmentDurations(path.join(dir, v, 'index.m3u8')),
    );
    expect(durations[1]).toEqual(durations[0]);
    expect(durations[2]).toEqual(durations[0]);

    // Kaltura saw BROADCASTING (2) and PLAYABLE (1), then the unregister after the grace period
    expect(statusesSeen.has(2) || statusesSeen.has(1)).toBe(true);
    expect(statusesSeen.has(1)).toBe(true);
    await waitFor(() => s.sandboxState().nodes.filter((n) => n.entryId === ENTRY).length === 0, {
      timeoutMs: 15_000,
      what: 'unregister',
    });
  });

  it('refuses to serve an ingest the conversion profile does not have, says why, and unregisters', async () => {
    const token = s.sandboxState().entries.find((e) => e.id === ENTRY)?.streamPassword as string;
    const second = startPublisher(
      { rtmpPort: s.rtmpPort, partnerId: 102, entryId: ENTRY, token, streamName: `${ENTRY}_2` },
      { durationSeconds: 8 },
    );
    try {
      const failed = await waitFor(
        async () => {
          const x = await s.snapshot();
          return x.entries
            .find((e) => e.entryId === ENTRY)
            ?.streams.find((st) => st.streamName === `${ENTRY}_2` && st.state === 'failed');
        },
        { timeoutMs: 20_000, what: 'the _2 stream to fail' },
      );
      expect(failed.reason).toContain('INGEST_NOT_FOUND_IN_CONVERSION_PROFILE');
      await waitFor(() => s.sandboxState().nodes.filter((n) => n.entryId === ENTRY).length === 0, {
        timeoutMs: 15_000,
        what: 'unregister after the refusal',
      });
    } finally {
      await second.stop();
    }
  });

  // last: a refusal blocks the same (entry, index, token) for 30 s
  it('refuses a wrong token and shows the reason without the token', async () => {
    const bad = startPublisher(
      { rtmpPort: s.rtmpPort, partnerId: 102, entryId: ENTRY, token: 'deadbeef' },
      { durationSeconds: 5 },
    );
    try {
      const refused = await waitFor(
        async () => {
          const x = await s.snapshot();
          return x.entries.find((e) => e.entryId === ENTRY)?.streams.find((st) => st.state === 'refused');
        },
        { timeoutMs: 15_000, what: 'refusal' },
      );
      expect(refused.reason).toMatch(/token/i);
      expect(JSON.stringify(await s.snapshot())).not.toContain('deadbeef');
    } finally {
      await bad.stop();
    }
  });
});
