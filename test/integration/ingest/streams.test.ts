// Several streams at once, readers released when the publisher leaves, resume within the grace
// period, takeover of a dead (stopped) publisher, and probe figures against what the publisher sent.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../../helpers/net.js';
import {
  ENCODE,
  ENTRY,
  SOURCE,
  keyFormArgs,
  obsFormArgs,
  query,
  readerArgs,
  startHarness,
  type Harness,
} from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

describe('ingest streams (integration)', () => {
  it('releases an FFmpeg reader within a second of the publisher leaving', async () => {
    h = await startHarness();
    const pub = h.spawnFfmpeg(keyFormArgs(h.port, 4));
    await waitFor(() => h?.events.streamAccepted[0], { timeoutMs: 15_000, what: 'streamAccepted' });
    const reader = h.spawnFfmpeg(readerArgs(h.server.pullUrl(`${ENTRY}_1`)));
    expect(await pub.exited).toBe(0);
    const leftAt = Date.now();
    const code = await Promise.race([reader.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 5000))]);
    expect(code).toBe(0);
    expect(Date.now() - leftAt).toBeLessThan(1500);
  });

  it('keeps a waiting reader empty while a refused publisher is connected', async () => {
    h = await startHarness();
    const out = path.join(tempDir('klive-reader-'), 'out.flv');
    const reader = h.spawnFfmpeg(['-i', h.server.pullUrl(`${ENTRY}_1`), '-c', 'copy', '-f', 'flv', out]);
    await new Promise((r) => setTimeout(r, 500));
    const pub = h.spawnFfmpeg(obsFormArgs(h.port, 10, `${ENTRY}_1`, query(ENTRY, 'wrongtok')));
    await waitFor(() => h?.events.streamRefused[0], { timeoutMs: 15_000, what: 'streamRefused' });
    await pub.exited;
    await new Promise((r) => setTimeout(r, 1500));
    expect(reader.exitCode()).toBeUndefined();
    expect(fs.existsSync(out) ? fs.statSync(out).size : 0).toBe(0);
  });

  it('ingests primary _1, backup (i=1) _1 and primary _2 at the same time', async () => {
    h = await startHarness();
    h.spawnFfmpeg(obsFormArgs(h.port, 4));
    h.spawnFfmpeg(obsFormArgs(h.port, 4, `${ENTRY}_1`, query(ENTRY, undefined, '1')));
    h.spawnFfmpeg(keyFormArgs(h.port, 4, `${ENTRY}_2`));
    await waitFor(() => (h?.events.streamAccepted.length ?? 0) >= 3, { timeoutMs: 20_000, what: 'three streams' });
    const active = h.server
      .activeStreams()
      .map((s) => `${s.streamName}/${s.mediaServerIndex}`)
      .sort();
    expect(active).toEqual([`${ENTRY}_1/0`, `${ENTRY}_1/1`, `${ENTRY}_2/0`]);
    expect(new Set(h.server.activeStreams().map((s) => s.pullUrl)).size).toBe(3);
    expect(h.server.pullUrl(`${ENTRY}_1`, 1)).toBe(`rtmp://127.0.0.1:${h.port}/kLive/${ENTRY}_1-b`);
    // Each is readable on its own pull URL.
    const reader = h.spawnFfmpeg(['-t', '1', ...readerArgs(h.server.pullUrl(`${ENTRY}_1`, 1))]);
    expect(await reader.exited).toBe(0);
    expect(h.events.streamRefused).toHaveLength(0);
  });

  it('refuses a second publisher on a live name, but lets it take over a dead connection as a resume', async () => {
    h = await startHarness({ deadPublisherAfterMs: 2000 });
    const first = h.spawnFfmpeg(keyFormArgs(h.port, 30));
    const accepted = await waitFor(() => h?.events.streamAccepted[0], { timeoutMs: 15_000, what: 'first accepted' });
    await new Promise((r) => setTimeout(r, 500));
    const second = h.spawnFfmpeg(obsFormArgs(h.port, 30));
    const busy = await waitFor(() => h?.events.streamRefused[0], { timeoutMs: 15_000, what: 'busy refusal' });
    expect(busy).toMatchObject({ reason: 'stream-busy', alertCode: 126 });
    expect(await second.exited).not.toBe(0);
    expect(h.calls).toHaveLength(1);
    // Half-open: the first encoder stops sending but keeps its socket.
    process.kill(first.child.pid ?? 0, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 2500));
    const third = h.spawnFfmpeg(obsFormArgs(h.port, 30));
    const taken = await waitFor(() => h?.events.streamAccepted[1], { timeoutMs: 15_000, what: 'takeover' });
    expect(taken).toMatchObject({ resumed: true, streamId: accepted.streamId });
    expect(h.events.streamEnded[0]).toMatchObject({ streamId: accepted.streamId, reason: 'replaced' });
    expect(h.server.activeStreams()).toHaveLength(1);
    process.kill(first.child.pid ?? 0, 'SIGKILL');
    expect(third.exitCode()).toBeUndefined();
  });

  it('closes a publisher that went silent and releases its reader', async () => {
    h = await startHarness({ publisherIdleTimeoutMs: 2000 });
    const pub = h.spawnFfmpeg(keyFormArgs(h.port, 30));
    const accepted = await waitFor(() => h?.events.streamAccepted[0], { timeoutMs: 15_000, what: 'accepted' });
    const reader = h.spawnFfmpeg(readerArgs(accepted.pullUrl));
    await new Promise((r) => setTimeout(r, 1000));
    process.kill(pub.child.pid ?? 0, 'SIGSTOP');
    const ended = await waitFor(() => h?.events.streamEnded[0], { timeoutMs: 8000, what: 'idle end' });
    expect(ended).toMatchObject({ streamId: accepted.streamId, reason: 'idle-timeout' });
    const code = await Promise.race([reader.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 3000))]);
    expect(code).not.toBe('hung');
    process.kill(pub.child.pid ?? 0, 'SIGKILL');
  });

  it('reports a reconnect as a resume of the same stream while its owner holds it, and not after the release', async () => {
    h = await startHarness();
    await h.spawnFfmpeg(keyFormArgs(h.port, 2)).exited;
    const first = await waitFor(() => h?.events.streamEnded[0], { timeoutMs: 5000, what: 'first end' });
    await h.spawnFfmpeg(keyFormArgs(h.port, 2)).exited;
    await waitFor(() => h?.events.streamEnded[1], { timeoutMs: 5000, what: 'second end' });
    expect(h.events.streamAccepted[1]).toMatchObject({ resumed: true, streamId: first.streamId });
    // the resumed publish hands its readers the same feed and probe objects
    expect(h.events.streamAccepted[1]?.feed).toBe(h.events.streamAccepted[0]?.feed);
    expect(h.events.streamAccepted[1]?.probe).toBe(h.events.streamAccepted[0]?.probe);
    // the station's pipeline releases the stream when its reconnect grace runs out
    h.server.release(first.streamId);
    await h.spawnFfmpeg(keyFormArgs(h.port, 1)).exited;
    await waitFor(() => h?.events.streamAccepted[2], { timeoutMs: 5000, what: 'third accept' });
    expect(h.events.streamAccepted[2]?.resumed).toBe(false);
    expect(h.events.streamAccepted[2]?.streamId).not.toBe(first.streamId);
    // The 10 s success cache: one Kaltura call for the three sessions, so "authenticating" was shown once.
    expect(h.calls).toHaveLength(1);
    expect(h.events.streamAuthenticating).toEqual([
      expect.objectContaining({ streamId: first.streamId, entryId: ENTRY, mediaServerIndex: 0 }),
    ]);
  });

  it('probes bitrate, frame rate and keyframe interval within 10 % of what the publisher sends', async () => {
    h = await startHarness({ probeWindowMs: 5000 });
    const dir = tempDir('klive-probe-');
    const file = path.join(dir, 'sent.flv');
    const url = `rtmp://127.0.0.1:${h.port}/kLive/${ENTRY}_1?${query()}`;
    const pub = h.spawnFfmpeg([
      ...SOURCE,
      '-t',
      '9',
      ...ENCODE,
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-f',
      'tee',
      `[f=flv]${url}|[f=flv]${file}`,
    ]);
    const accepted = await waitFor(() => h?.events.streamAccepted[0], { timeoutMs: 15_000, what: 'accepted' });
    expect(await pub.exited).toBe(0);
    const probes = h.events.probe.filter((p) => p.streamId === accepted.streamId);
    expect(probes.length).toBeGreaterThanOrEqual(6);
    const last = probes[probes.length - 1]?.probe;
    expect(last).toBeDefined();
    if (!last) return;
    const sent = measureFlv(file);
    expect(last.videoCodec).toBe('H.264');
    expect(last.audioCodec).toBe('AAC');
    expect([last.width, last.height]).toEqual([320, 180]);
    expect(last.audioSampleRateHz).toBe(44100);
    expect(last.audioChannels).toBe(1);
    expect(last.declared['width']).toBe(320);
    expect(last.frameRateFps).toBeGreaterThan(15 * 0.9);
    expect(last.frameRateFps).toBeLessThan(15 * 1.1);
    expect(last.keyframeIntervalSeconds.last).toBeCloseTo(2, 1);
    expect(last.keyframeIntervalSeconds.max ?? 0).toBeLessThan(2.2);
    // Bitrate over the probe's window against the bytes FFmpeg wrote over the same media span.
    expect(Math.abs((last.videoBitrateBps ?? 0) - sent.videoBps) / sent.videoBps).toBeLessThan(0.1);
    expect(Math.abs((last.audioBitrateBps ?? 0) - sent.audioBps) / sent.audioBps).toBeLessThan(0.1);
    expect(Math.abs(last.timestampDriftMs ?? 1e9)).toBeLessThan(1000);
    expect(probes.every((p) => !p.videoStalled && !p.audioStalled)).toBe(true);
  });
});

/** Video/audio payload bitrate of the last 5 s of an FLV file, from ffprobe packet sizes. */
function measureFlv(file: string): { videoBps: number; audioBps: number } {
  const out = spawnSync(
    '/usr/bin/ffprobe',
    ['-v', 'error', '-show_entries', 'packet=codec_type,dts_time,size', '-of', 'csv=p=0', file],
    { encoding: 'utf8' },
  );
  const rows = out.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  const end = Math.max(...rows.map((r) => Number(r[1])));
  const from = end - 5;
  const sum = (type: string): number =>
    rows.filter((r) => r[0] === type && Number(r[1]) > from).reduce((a, r) => a + Number(r[2]), 0);
  return { videoBps: (sum('video') * 8) / 5, audioBps: (sum('audio') * 8) / 5 };
}
