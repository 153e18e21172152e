// The recording's real path to Kaltura over a scripted fetch: the upload queue's delivery step (segment-delivery.ts)
// through kalturaRecordingUploader and the client, impersonating the stream's partner as KalturaService says.
// (These assertions were made on KalturaService.uploadFile/setRecordedContent, removed in issue 19: only tests used them.)
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KalturaClient } from '../../../main/kaltura/client.js';
import { KalturaService } from '../../../main/kaltura/service.js';
import { silentLogger } from '../../../main/log/logger.js';
import { kalturaRecordingUploader } from '../../../main/station/recording-uploader.js';
import { newQueuedSegment } from '../../../main/recording/queue-model.js';
import { deliverSegment, type DeliveryContext } from '../../../main/recording/segment-delivery.js';
import { classifyFailure } from '../../../main/recording/uploader.js';
import { jsonResponse, stubFetch, type Responder } from '../kaltura/stub-fetch.js';
import { tempDir } from '../../helpers/net.js';

const ENTRY_JSON = { id: '0_abcd1234', partnerId: 102, objectType: 'KalturaLiveStreamEntry' };
const TOKEN_JSON = { id: 'tok1', status: 1, objectType: 'KalturaUploadToken' };

function make(responders: Responder[]) {
  const stub = stubFetch(responders);
  const client = new KalturaClient({
    serviceUrl: 'http://127.0.0.1:9',
    clientTag: 'klive-station:test',
    getKs: () => 'ks',
    fetch: stub.fetch,
    sleep: async () => undefined,
  });
  const service = new KalturaService({ mode: 'saas', partnerId: -5, hostname: 'station-1', client });
  const uploader = kalturaRecordingUploader({ client, impersonationFor: (p) => service.impersonationFor(p) });
  return { uploader, requests: stub.requests };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function segmentFile(sizeBytes: number): string {
  const dir = tempDir();
  dirs.push(dir);
  const file = path.join(dir, 'seg_000001.ts');
  fs.writeFileSync(file, Buffer.alloc(sizeBytes, 1));
  return file;
}

function context(uploader: DeliveryContext['uploader'], progress: number[]): DeliveryContext {
  return {
    uploader,
    chunkBytes: 1024,
    recordingApi: 'setRecordedContent',
    signal: new AbortController().signal,
    logger: silentLogger(),
    needsSync: false,
    save: () => undefined,
    progress: (sentBytes) => progress.push(sentBytes),
    appendable: () => ({ ok: true, isLastChunk: true }),
  };
}

describe('kalturaRecordingUploader on the queue delivery path', () => {
  it('uploads in chunks: add, then upload with resume/resumeAt/finalChunk, then setRecordedContent', async () => {
    const filePath = segmentFile(2500);
    const { uploader, requests } = make([
      () => jsonResponse(TOKEN_JSON),
      () => jsonResponse(TOKEN_JSON),
      () => jsonResponse(TOKEN_JSON),
      () => jsonResponse(TOKEN_JSON),
      () => jsonResponse(ENTRY_JSON),
    ]);
    const item = newQueuedSegment(
      '0_abcd1234:s1:000001',
      {
        entryId: '0_abcd1234',
        partnerId: 102,
        mediaServerIndex: 0,
        sessionId: 's1',
        filePath,
        sequence: 1,
        durationSeconds: 12.5,
        sizeBytes: 2500,
      },
      0,
    );
    const progress: number[] = [];
    expect(await deliverSegment(item, context(uploader, progress))).toBe('delivered');
    expect(item.tokenId).toBe('tok1');
    expect(requests[0]?.json).toMatchObject({
      uploadToken: { objectType: 'KalturaUploadToken', fileName: 'seg_000001.ts', fileSize: 2500 },
      partnerId: 102,
    });
    const chunks = requests.slice(1, 4).map((r) => JSON.parse(String(r.form?.get('json'))) as Record<string, unknown>);
    expect(chunks.map((c) => [c.resume, c.resumeAt, c.finalChunk, c.partnerId])).toEqual([
      [false, -1, false, 102],
      [true, 1024, false, 102],
      [true, 2048, true, 102],
    ]);
    expect(progress).toEqual([1024, 2048, 2500]);
    expect(requests[4]?.url).toMatch(/\/service\/livestream\/action\/setRecordedContent$/);
    expect(requests[4]?.json).toMatchObject({
      entryId: '0_abcd1234',
      resource: { objectType: 'KalturaUploadedFileTokenResource', token: 'tok1' },
      duration: 12.5,
      mediaServerIndex: '0',
      partnerId: 102,
    });
  });

  it('a missing recording file is a clear error naming it, and no retry is made', async () => {
    const { uploader, requests } = make([]);
    const error = await uploader
      .uploadChunk({
        partnerId: 102,
        tokenId: 'tok1',
        filePath: '/nonexistent/x.ts',
        startByte: 0,
        endByte: 10,
        finalChunk: true,
      })
      .catch((e: unknown) => e as NodeJS.ErrnoException);
    expect(error).toMatchObject({ code: 'ENOENT' });
    expect((error as Error).message).toMatch(/\/nonexistent\/x.ts/);
    expect(classifyFailure(error)).toBe('permanent');
    expect(requests).toHaveLength(0);
  });
});
