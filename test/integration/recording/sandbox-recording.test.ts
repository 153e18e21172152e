// Integration with the real parts end to end: RecordingService records a lavfi-made FLV with real
// FFmpeg, the durable queue uploads through the real Kaltura client (media-server KS of partner -5,
// impersonating 102) to the built-in sandbox, which must hold every segment, in order, byte for byte;
// a sandbox outage (faults.down) during the stream only delays delivery.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KalturaClient } from '../../../main/kaltura/client.js';
import { generateKsV2 } from '../../../main/core/ks.js';
import { silentLogger } from '../../../main/log/logger.js';
import { kalturaRecordingUploader } from '../../../main/station/recording-uploader.js';
import { RecordingService } from '../../../main/recording/recording-service.js';
import type { FinishedSegment } from '../../../main/recording/recorder-types.js';
import { UploadQueue } from '../../../main/recording/upload-queue.js';
import { SEED_ENTRY_ID, SEED_PARTNER_ID, startSandbox } from '../../../main/sandbox/index.js';
import type { SandboxHandle } from '../../../main/sandbox/index.js';
import type { RecordingState } from '../../../shared/state.js';
import { tempDir, waitFor } from '../../helpers/net.js';
import { FFMPEG, FFPROBE, makeSourceFlv } from './harness.js';

const SOURCE_SECONDS = 8;
const SEGMENT_SECONDS = 2;
let workDir: string;
let sourceFlv: string;
let sandbox: SandboxHandle;
let queue: UploadQueue | null = null;
let service: RecordingService | null = null;

beforeAll(async () => {
  workDir = tempDir('klive-rec-sandbox-');
  sourceFlv = makeSourceFlv(workDir, SOURCE_SECONDS);
  sandbox = await startSandbox({
    dataDir: workDir,
    port: 0,
    rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive',
    logger: silentLogger(),
  });
});

afterAll(async () => {
  await service?.stopAll();
  await queue?.stop();
  await sandbox?.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('recording to the sandbox', () => {
  it('delivers a recorded session, through an outage, complete and in order', async () => {
    const ks = generateKsV2({
      secret: sandbox.adminSecret(-5) as string,
      partnerId: -5,
      userId: 'MediaServer',
      type: 2,
      privileges: 'disableentitlement',
      expiresAtSeconds: Math.floor(Date.now() / 1000) + 3600,
    });
    const client = new KalturaClient({
      serviceUrl: sandbox.serviceUrl,
      clientTag: 'klive-station:test',
      getKs: () => ks,
      timeoutMs: 10_000,
      retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 100 },
    });
    const dataDir = tempDir('klive-rec-sandbox-data-');
    queue = new UploadQueue({
      dataDir,
      uploader: kalturaRecordingUploader({ client, impersonationFor: (p) => p }),
      logger: silentLogger(),
      chunkBytes: 64 * 1024,
      retryBaseMs: 200,
      retryMaxMs: 1000,
    });
    queue.start();
    const states: RecordingState[] = [];
    const segments: FinishedSegment[] = [];
    service = new RecordingService({
      dataDir,
      ffmpegPath: FFMPEG,
      ffprobePath: FFPROBE,
      queue,
      logger: silentLogger(),
      segmentSeconds: SEGMENT_SECONDS,
      minFreeBytes: 1024 * 1024,
      onChange: (_entryId, state) => states.push(state),
    });
    // appendRecording needs a live asset of the entry: the one for the source live params (32)
    const sourceAssetId = sandbox.store.liveAssets(SEED_ENTRY_ID).find((a) => a.flavorParamsId === 32)?.id ?? 'missing';
    sandbox.faults.set({ down: true });
    await service.start({
      entryId: SEED_ENTRY_ID,
      partnerId: SEED_PARTNER_ID,
      mediaServerIndex: 0,
      assetId: sourceAssetId,
      input: ['-re', '-i', sourceFlv],
    });
    // FFmpeg ends with the finite source; then the station would stop the recording
    await waitFor(() => states.at(-1)?.reason?.startsWith('FFmpeg exited'), {
      timeoutMs: 40_000,
      what: 'the end of the source',
    });
    await service.stop(SEED_ENTRY_ID);
    for (const item of queue.list(SEED_ENTRY_ID))
      segments.push({
        entryId: item.entryId,
        sessionId: item.sessionId,
        filePath: item.filePath,
        sequence: item.sequence,
        durationSeconds: item.durationSeconds,
        sizeBytes: item.sizeBytes,
      });
    expect(segments.length).toBeGreaterThanOrEqual(SOURCE_SECONDS / SEGMENT_SECONDS);
    expect(sandbox.store.recordings()).toHaveLength(0);

    sandbox.faults.set({ down: false });
    await waitFor(() => queue!.uploadItems(SEED_ENTRY_ID).every((i) => i.state === 'done'), {
      timeoutMs: 30_000,
      what: 'every segment delivered',
    });
    const recordings = sandbox.store.recordings();
    expect(recordings).toHaveLength(segments.length);
    recordings.forEach((rec, i) => {
      const segment = segments[i]!;
      expect(rec).toMatchObject({
        action: 'appendRecording',
        entryId: SEED_ENTRY_ID,
        partnerId: SEED_PARTNER_ID,
        assetId: sourceAssetId,
        mediaServerIndex: 0,
        isLastChunk: i === segments.length - 1,
      });
      expect(rec.durationSeconds).toBeCloseTo(segment.durationSeconds, 3);
      expect(fs.readFileSync(rec.storedFilePath as string).equals(fs.readFileSync(segment.filePath))).toBe(true);
    });
    const totalSeconds = recordings.reduce((sum, r) => sum + r.durationSeconds, 0);
    expect(Math.abs(totalSeconds - SOURCE_SECONDS)).toBeLessThanOrEqual(SEGMENT_SECONDS);
    expect(states.at(-1)).toMatchObject({ enabled: true, active: false });
  });
});
