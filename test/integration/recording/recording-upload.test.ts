// Integration: real FFmpeg records a lavfi-made FLV (played in real time) into MPEG-TS segments, the
// durable queue uploads them through the real Kaltura client to an in-test api_v3 stand-in
// (fake-kaltura.ts: resumable uploadToken + appendRecording), including outages and a mid-chunk crash.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { SegmentRecorder } from '../../../main/recording/segment-recorder.js';
import type { FinishedSegment } from '../../../main/recording/recorder-types.js';
import { UploadQueue } from '../../../main/recording/upload-queue.js';
import { tempDir, waitFor } from '../../helpers/net.js';
import { startFakeKaltura } from './fake-kaltura.js';
import type { FakeKaltura } from './fake-kaltura.js';
import { FFMPEG, FFPROBE, clientUploader, makeSourceFlv, probeSegment } from './harness.js';

const ENTRY = '0_rkij47dr';
const SOURCE_SECONDS = 9;
const SEGMENT_SECONDS = 2;

let workDir: string;
let sourceFlv: string;
let server: FakeKaltura;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(() => {
  workDir = tempDir('klive-rec-');
  sourceFlv = makeSourceFlv(workDir, SOURCE_SECONDS);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server?.close();
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** Records the whole source once (FFmpeg ends at its end), feeding the queue; resolves with the segments. */
async function recordSession(dataDir: string, queue: UploadQueue, sessionId: string): Promise<FinishedSegment[]> {
  const segments: FinishedSegment[] = [];
  const recorder = new SegmentRecorder({
    ffmpegPath: FFMPEG,
    ffprobePath: FFPROBE,
    dataDir,
    entryId: ENTRY,
    sessionId,
    input: ['-re', '-i', sourceFlv],
    segmentSeconds: SEGMENT_SECONDS,
    minFreeBytes: 1024 * 1024,
    listPollIntervalMs: 200,
    restartBaseMs: 60_000,
    logger: silentLogger(),
    onSegment: (segment) => {
      segments.push(segment);
      queue.enqueue({ ...segment, partnerId: 102, mediaServerIndex: 0, assetId: '0_liveasset' });
    },
  });
  cleanups.push(() => recorder.stop());
  queue.openSession(ENTRY, sessionId);
  await recorder.start();
  // the source is finite: FFmpeg ends with it, and the recorder would restart it after restartBaseMs
  await waitFor(() => recorder.state().observed === 'restarting', {
    timeoutMs: 40_000,
    what: 'FFmpeg to reach the end of the source',
  });
  await recorder.stop();
  queue.closeSession(ENTRY, sessionId);
  return segments;
}

function makeQueue(
  dataDir: string,
  uploaderUrl: string,
  more: Partial<ConstructorParameters<typeof UploadQueue>[0]> = {},
): UploadQueue {
  const queue = new UploadQueue({
    dataDir,
    uploader: clientUploader(uploaderUrl),
    logger: silentLogger(),
    chunkBytes: 64 * 1024,
    retryBaseMs: 200,
    retryMaxMs: 1000,
    ...more,
  });
  cleanups.push(() => queue.stop());
  return queue;
}

describe('recording and upload', () => {
  it('a short recording arrives complete: every segment, in order, once, byte for byte', async () => {
    server = await startFakeKaltura();
    const dataDir = tempDir('klive-rec-data-');
    const queue = makeQueue(dataDir, server.serviceUrl);
    queue.start();
    const segments = await recordSession(dataDir, queue, 'session1');

    expect(segments.length).toBeGreaterThanOrEqual(Math.floor(SOURCE_SECONDS / SEGMENT_SECONDS));
    expect(segments.map((s) => s.sequence)).toEqual(segments.map((_s, i) => i));
    const totalSeconds = segments.reduce((sum, s) => sum + s.durationSeconds, 0);
    expect(Math.abs(totalSeconds - SOURCE_SECONDS)).toBeLessThanOrEqual(SEGMENT_SECONDS);
    for (const segment of segments) {
      const probe = await probeSegment(segment.filePath);
      expect(probe.formatName).toBe('mpegts');
      expect(probe.firstVideoFrameIsKey).toBe(true);
      expect(probe.videoFrames).toBeGreaterThan(0);
    }

    await waitFor(
      () => server.appends.length === segments.length && queue.uploadItems(ENTRY).every((i) => i.state === 'done'),
      { timeoutMs: 30_000, what: 'all segments appended' },
    );
    server.appends.forEach((append, i) => {
      const segment = segments[i]!;
      expect(append.bytes.equals(fs.readFileSync(segment.filePath))).toBe(true);
      expect(append.durationSeconds).toBeCloseTo(segment.durationSeconds, 3);
      expect(append.isLastChunk).toBe(i === segments.length - 1);
      expect(append).toMatchObject({
        action: 'appendRecording',
        entryId: ENTRY,
        assetId: '0_liveasset',
        mediaServerIndex: 0,
      });
    });
    expect(server.calls.filter((c) => c === 'uploadtoken.add')).toHaveLength(segments.length);
    // kept on disk: deleteAfterUpload is off by default
    for (const segment of segments) expect(fs.existsSync(segment.filePath)).toBe(true);
  });

  it('Kaltura down during the whole stream: everything arrives once it is back, in order, once', async () => {
    server = await startFakeKaltura();
    const dataDir = tempDir('klive-rec-data-');
    const queue = makeQueue(dataDir, server.serviceUrl, { deleteAfterUpload: true });
    queue.start();
    server.down = true;
    const segments = await recordSession(dataDir, queue, 'session2');
    expect(server.appends).toHaveLength(0);
    expect(queue.uploadItems(ENTRY)[0]?.reason).toMatch(/Kaltura unreachable.*retrying/);
    server.down = false;
    await waitFor(
      () => server.appends.length === segments.length && queue.uploadItems(ENTRY).every((i) => i.state === 'done'),
      { timeoutMs: 30_000, what: 'all segments appended after the outage' },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(server.appends).toHaveLength(segments.length);
    expect(server.appends.map((a) => a.durationSeconds)).toEqual(segments.map((s) => s.durationSeconds));
    expect(server.appends.map((a) => a.isLastChunk)).toEqual(segments.map((_s, i) => i === segments.length - 1));
    expect(new Set(server.appends.map((a) => a.tokenId)).size).toBe(segments.length);
    // deleteAfterUpload: confirmed segments are gone from disk
    for (const segment of segments) expect(fs.existsSync(segment.filePath)).toBe(false);
  });

  it('a queue killed in the middle of a chunk resumes from what Kaltura holds and completes', async () => {
    server = await startFakeKaltura();
    const dataDir = tempDir('klive-rec-data-');
    const segmentDir = path.join(dataDir, 'recordings', ENTRY, 'session3');
    fs.mkdirSync(segmentDir, { recursive: true });
    const filePath = path.join(segmentDir, 'seg_000000.ts');
    fs.copyFileSync(sourceFlv, filePath);
    const sizeBytes = fs.statSync(filePath).size;
    const chunkBytes = 64 * 1024;
    expect(sizeBytes).toBeGreaterThan(4 * chunkBytes);
    server.hangUploadAtByte = 3 * chunkBytes;

    const first = makeQueue(dataDir, server.serviceUrl, { chunkBytes });
    first.start();
    first.enqueue({
      entryId: ENTRY,
      partnerId: 102,
      mediaServerIndex: 0,
      assetId: '0_liveasset',
      sessionId: 'session3',
      filePath,
      sequence: 0,
      durationSeconds: SOURCE_SECONDS,
      sizeBytes,
    });
    await waitFor(() => server.hung === 1, { timeoutMs: 20_000, what: 'the fourth chunk to be swallowed' });
    expect(first.list(ENTRY)[0]).toMatchObject({ state: 'uploading', uploadedBytes: 3 * chunkBytes });

    // abandon the first instance (as if the process died) and start over on the same folder
    const second = makeQueue(dataDir, server.serviceUrl, { chunkBytes });
    second.start();
    await waitFor(() => second.list(ENTRY)[0]?.state === 'done', {
      timeoutMs: 20_000,
      what: 'the resumed upload to complete',
    });
    expect(server.calls.filter((c) => c === 'uploadtoken.add')).toHaveLength(1);
    expect(server.calls).toContain('uploadtoken.get');
    expect(server.appends).toHaveLength(1);
    expect(server.appends[0]!.bytes.equals(fs.readFileSync(filePath))).toBe(true);
    expect(server.appends[0]!.isLastChunk).toBe(true);
  });
});
