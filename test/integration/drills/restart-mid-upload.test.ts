// Drill: the station (the built CLI, a child process) is killed with SIGKILL half way through uploading one
// large recording, then started again on the same data dir. The upload must resume from the byte Kaltura
// holds (uploadToken.get's uploadedFileSize) on the same upload token, not from byte 0; the drill measures
// the bytes sent twice. Kaltura is a sandbox run by the test (the station uses it as its account), so its
// latency fault spreads the upload over the window (KLIVE_DRILL_RESTART_UPLOAD_SECONDS) and its upload
// tokens count every byte they receive. Needs `npm run build` (npm run test:integration does it).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStation, type StationProcess } from '../../helpers/station-process.js';
import { tempDir, waitFor } from '../../helpers/net.js';
import { silentLogger } from '../../../main/log/logger.js';
import { FileSecretStore } from '../../../main/config/file-secret-store.js';
import { ADMIN_SECRET_NAME } from '../../../main/config/secret-store.js';
import { PASSTHROUGH_PROFILE_ID, startSandbox, type SandboxHandle } from '../../../main/sandbox/index.js';
import { QueueFileSchema, saveQueueFile, type QueuedSegment } from '../../../main/recording/queue-store.js';
import { writeSettings } from './drill-kit.js';
import { drillSeconds, drillTimeoutMs, recordDrill } from './drill-windows.js';

const UPLOAD_SECONDS = drillSeconds('restartUpload');
/** the upload queue's chunk (UploadQueue's default) */
const CHUNK_BYTES = 1024 * 1024;
const FILE_BYTES = 32 * CHUNK_BYTES;
const dataDir = tempDir('klive-drill-restart-');
const sandboxDir = tempDir('klive-drill-restart-kaltura-');
const stations: StationProcess[] = [];
let sandbox: SandboxHandle | null = null;

afterAll(async () => {
  for (const st of stations) await st.stop('SIGKILL');
  await sandbox?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(sandboxDir, { recursive: true, force: true });
});

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function queuedItem(id: string): QueuedSegment | undefined {
  return QueueFileSchema.parse(
    JSON.parse(fs.readFileSync(path.join(dataDir, 'recordings', 'queue.json'), 'utf8')),
  ).items.find((i) => i.id === id);
}

describe(`drill: the station killed half way through a ${FILE_BYTES / CHUNK_BYTES} MiB upload spread over ${UPLOAD_SECONDS} s`, () => {
  it(
    'resumes on the same upload token from the byte Kaltura holds, sending (almost) nothing twice',
    async () => {
      sandbox = await startSandbox({
        dataDir: sandboxDir,
        rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive',
        logger: silentLogger(),
      });
      const entry = sandbox.store.createEntry({
        name: 'restart drill',
        conversionProfileId: PASSTHROUGH_PROFILE_ID,
        record: true,
      });
      // the station uses the test's sandbox as its Kaltura account (media-server partner -5)
      writeSettings(dataDir, { kaltura: { mode: 'saas', serviceUrl: sandbox.serviceUrl, partnerId: -5 } });
      new FileSecretStore(dataDir).set(ADMIN_SECRET_NAME, sandbox.adminSecret(-5) ?? '');

      // one large recorded segment of a closed session, waiting in the durable queue under the entry's source live asset
      const sourceAsset = sandbox.store.liveAssets(entry.id)[0];
      if (!sourceAsset) throw new Error('the sandbox gave the entry no live asset');
      const sessionId = '20261206T000000Z';
      const file = path.join(dataDir, 'recordings', entry.id, sessionId, 'seg_000001.ts');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, crypto.randomBytes(FILE_BYTES));
      const id = `${entry.id}/${sessionId}/1`;
      saveQueueFile(path.join(dataDir, 'recordings', 'queue.json'), {
        version: 1,
        openSessions: [],
        flavours: {},
        sessionUploads: [],
        items: [
          {
            id,
            entryId: entry.id,
            partnerId: entry.partnerId,
            mediaServerIndex: 0,
            assetId: sourceAsset.id,
            flavorParamsId: sourceAsset.flavorParamsId,
            recordedEntryId: null,
            sessionId,
            filePath: file,
            sequence: 1,
            durationSeconds: 900,
            sizeBytes: FILE_BYTES,
            state: 'pending',
            tokenId: null,
            uploadedBytes: 0,
            isLastChunk: false,
            appendSent: false,
            reason: null,
            attempts: 0,
            enqueuedAtMs: Date.now(),
            doneAtMs: null,
            fileDeleted: false,
            held: false,
          },
        ],
      });
      // every chunk waits this long at Kaltura: the whole upload takes about the window
      sandbox.faults.set({ latencyMs: Math.round((UPLOAD_SECONDS * 1000) / (FILE_BYTES / CHUNK_BYTES)) });

      const first = await startStation({ dataDir, args: ['--log-level', 'warn'] });
      stations.push(first);
      const tokenOf = () => sandbox!.store.uploadTokens().find((t) => t.fileName === 'seg_000001.ts');
      // kill once Kaltura holds between 40 % and 60 % of the file
      const atKill = await waitFor(
        () => {
          const t = tokenOf();
          return t && t.uploadedFileSize >= 0.4 * FILE_BYTES ? { ...t } : null;
        },
        { timeoutMs: UPLOAD_SECONDS * 3000 + 20_000, intervalMs: 50, what: 'Kaltura holding 40 % of the upload' },
      );
      first.child.kill('SIGKILL');
      await first.stop();
      expect(atKill.uploadedFileSize).toBeLessThan(FILE_BYTES);
      const heldAtKill = tokenOf()!.uploadedFileSize;
      const tokenAtKill = queuedItem(id)?.tokenId;
      expect(tokenAtKill).toBe(atKill.id);

      const second = await startStation({ dataDir, args: ['--log-level', 'warn'] });
      stations.push(second);
      const appended = await waitFor(
        () => sandbox!.store.recordings().find((r) => r.entryId === entry.id && r.action === 'appendRecording') ?? null,
        {
          timeoutMs: UPLOAD_SECONDS * 3000 + 30_000,
          intervalMs: 250,
          what: 'the large segment appended after the restart',
        },
      ).catch((e: unknown) => {
        throw new Error(
          `${(e as Error).message}; queue item: ${JSON.stringify(queuedItem(id))}; token: ${JSON.stringify(tokenOf())}; station: ${second.stderr().slice(-2000)}`,
        );
      });
      await waitFor(() => queuedItem(id)?.state === 'done', { timeoutMs: 10_000, what: 'the queue item done' });

      const tokens = sandbox.store.uploadTokens().filter((t) => t.fileName === 'seg_000001.ts');
      const token = tokens[0]!;
      const resentBytes = token.receivedBytes - FILE_BYTES;
      recordDrill({
        drill: 'restart-mid-upload',
        windowSeconds: UPLOAD_SECONDS,
        summary: `killed with ${(heldAtKill / CHUNK_BYTES).toFixed(1)} of ${FILE_BYTES / CHUNK_BYTES} MiB at Kaltura; resumed on the same token, ${resentBytes} bytes re-sent, ${tokens.length} token(s), stored file identical: ${appended.storedFilePath !== null && sha256(appended.storedFilePath) === sha256(file)}`,
        figures: {
          fileBytes: FILE_BYTES,
          bytesHeldAtKill: heldAtKill,
          bytesResent: resentBytes,
          uploadTokens: tokens.length,
          bytesLost: FILE_BYTES - (appended.fileSizeBytes ?? 0),
        },
      });

      // one token, the one created before the kill, carried the whole file; nothing before the kill was sent again
      expect(tokens).toHaveLength(1);
      expect(appended.uploadTokenId).toBe(tokenAtKill);
      expect(resentBytes).toBeGreaterThanOrEqual(0);
      // at most the chunk in flight at the kill goes twice (never the bytes Kaltura already held)
      expect(resentBytes).toBeLessThanOrEqual(CHUNK_BYTES);
      expect(appended.fileSizeBytes).toBe(FILE_BYTES);
      expect(sha256(appended.storedFilePath!)).toBe(sha256(file));
      expect(appended.isLastChunk).toBe(true);
    },
    drillTimeoutMs(UPLOAD_SECONDS * 2, 60),
  );
});
