// Unit tests of the durable upload queue against an in-memory Kaltura and a fake clock.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { UploadQueue, queueFilePath } from '../../../main/recording/upload-queue.js';
import type { UploadQueueOptions } from '../../../main/recording/upload-queue.js';
import type { UploadItem } from '../../../shared/state.js';
import { tempDir, waitFor } from '../../helpers/net.js';
import { FakeClock, StubKaltura } from './stubs.js';

const ENTRY = '0_rkij47dr';
const queues: UploadQueue[] = [];

afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.stop()));
});

function setup(overrides: Partial<UploadQueueOptions> = {}) {
  const dataDir = tempDir('klive-queue-');
  const kaltura = new StubKaltura();
  const clock = new FakeClock();
  const make = (more: Partial<UploadQueueOptions> = {}): UploadQueue => {
    const q = new UploadQueue({ dataDir, uploader: kaltura, logger: silentLogger(), clock, chunkBytes: 10, retryBaseMs: 1000, retryMaxMs: 4000, ...overrides, ...more });
    queues.push(q);
    return q;
  };
  let n = 0;
  const segment = (sequence: number, sizeBytes = 25, sessionId = 's1') => {
    const filePath = path.join(dataDir, 'recordings', ENTRY, sessionId, `seg_${String(sequence).padStart(6, '0')}.ts`);
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    const data = Buffer.alloc(sizeBytes, 0);
    for (let i = 0; i < sizeBytes; i++) data[i] = (i * 7 + sequence + n) % 256;
    n += 1;
    fs.writeFileSync(filePath, data);
    return { entryId: ENTRY, partnerId: 102, mediaServerIndex: 0 as const, sessionId, filePath, sequence, durationSeconds: 2 + sequence / 10, sizeBytes };
  };
  return { dataDir, kaltura, clock, make, segment };
}

describe('UploadQueue', () => {
  it('delivers segments in order, once each, with isLastChunk only on the last of the session', async () => {
    const { kaltura, make, segment } = setup();
    const q = make();
    q.openSession(ENTRY, 's1');
    q.start();
    const segs = [segment(1), segment(2, 31), segment(3, 7)];
    for (const s of segs) q.enqueue(s);
    q.closeSession(ENTRY, 's1');
    await waitFor(() => kaltura.appends.length === 3, { what: '3 appends' });
    expect(kaltura.appends.map((a) => a.durationSeconds)).toEqual([2.1, 2.2, 2.3]);
    expect(kaltura.appends.map((a) => a.isLastChunk)).toEqual([false, false, true]);
    kaltura.appends.forEach((a, i) => expect(a.bytes.equals(fs.readFileSync(segs[i]!.filePath))).toBe(true));
    expect(kaltura.calls.filter((c) => c === 'uploadToken.add')).toHaveLength(3);
    expect(new Set(kaltura.appends.map((a) => a.tokenId)).size).toBe(3);
    expect(q.uploadItems(ENTRY).map((i) => [i.state, i.percent])).toEqual([['done', 100], ['done', 100], ['done', 100]]);
    // files are kept unless the user chose deleteAfterUpload
    for (const s of segs) expect(fs.existsSync(s.filePath)).toBe(true);
  });

  it('uploads the newest segment of an open session but holds its append until the next segment or the end', async () => {
    const { kaltura, make, segment } = setup();
    const q = make();
    q.openSession(ENTRY, 's1');
    q.start();
    q.enqueue(segment(1));
    await waitFor(() => q.list(ENTRY)[0]?.uploadedBytes === 25, { what: 'segment 1 uploaded' });
    await new Promise((r) => setTimeout(r, 50));
    expect(kaltura.appends).toHaveLength(0);
    q.enqueue(segment(2));
    await waitFor(() => kaltura.appends.length === 1, { what: 'segment 1 appended' });
    expect(kaltura.appends[0]!.isLastChunk).toBe(false);
    q.closeSession(ENTRY, 's1');
    await waitFor(() => kaltura.appends.length === 2, { what: 'segment 2 appended' });
    expect(kaltura.appends[1]!.isLastChunk).toBe(true);
  });

  it('persists the token id before sending any byte', async () => {
    const { dataDir, kaltura, make, segment } = setup();
    let tokenOnDisk: string | null | undefined;
    kaltura.onFirstChunk = () => {
      const file = JSON.parse(fs.readFileSync(queueFilePath(dataDir), 'utf8')) as { items: Array<{ tokenId: string | null }> };
      tokenOnDisk = file.items[0]?.tokenId;
    };
    const q = make();
    q.start();
    q.enqueue(segment(1));
    await waitFor(() => kaltura.appends.length === 1);
    expect(tokenOnDisk).toBe(kaltura.appends[0]!.tokenId);
  });

  it('resumes an upload from the bytes Kaltura holds after the process died mid-chunk', async () => {
    const { kaltura, make, segment } = setup();
    const first = make();
    first.start();
    const s = segment(1, 35);
    kaltura.hangChunkAtByte = 20;
    first.enqueue(s);
    await waitFor(() => kaltura.hanging, { what: 'the third chunk to hang' });
    // the first instance is abandoned as if the process had been killed; a new one opens the same dir
    kaltura.hangChunkAtByte = null;
    const second = make();
    expect(second.list(ENTRY)[0]).toMatchObject({ state: 'uploading', uploadedBytes: 20 });
    second.start();
    await waitFor(() => kaltura.appends.length === 1, { what: 'the resumed append' });
    expect(kaltura.calls.filter((c) => c === 'uploadToken.add')).toHaveLength(1);
    expect(kaltura.calls).toContain('uploadToken.get');
    expect(kaltura.appends[0]!.bytes.equals(fs.readFileSync(s.filePath))).toBe(true);
    // the session of the dead process is over: its last segment carries isLastChunk
    expect(kaltura.appends[0]!.isLastChunk).toBe(true);
  });

  it('does not append twice when the answer to appendRecording was lost', async () => {
    const { kaltura, clock, make, segment } = setup();
    const q = make();
    q.start();
    kaltura.loseNextAppendAnswer = true;
    q.enqueue(segment(1));
    await waitFor(() => q.list(ENTRY)[0]?.reason?.includes('retrying'), { what: 'a retry after the lost answer' });
    clock.advance(1000);
    await waitFor(() => q.list(ENTRY)[0]?.state === 'done', { what: 'done' });
    expect(kaltura.appends).toHaveLength(1);
  });

  it('checks the token instead of appending again when restarted after an unconfirmed append', async () => {
    const { kaltura, make, segment } = setup();
    const q = make();
    q.start();
    kaltura.loseNextAppendAnswer = true;
    q.enqueue(segment(1));
    await waitFor(() => q.list(ENTRY)[0]?.reason?.includes('retrying'));
    await q.stop();
    expect(q.list(ENTRY)[0]).toMatchObject({ appendSent: true, state: 'uploading' });
    const second = make();
    second.start();
    await waitFor(() => second.list(ENTRY)[0]?.state === 'done', { what: 'done after restart' });
    expect(kaltura.appends).toHaveLength(1);
  });

  it('retries with capped exponential backoff while Kaltura is unreachable, then delivers everything in order', async () => {
    const { kaltura, clock, make, segment } = setup();
    const q = make();
    const seen: UploadItem[][] = [];
    q.onChange((_entryId, items) => seen.push(items));
    kaltura.down = true;
    q.start();
    q.enqueue(segment(1));
    q.enqueue(segment(2));
    for (let i = 0; i < 5; i++) {
      await waitFor(() => clock.pendingTimers === 1, { what: `backoff timer ${i + 1}` });
      clock.advance(clock.sleeps[clock.sleeps.length - 1]!);
    }
    await waitFor(() => clock.pendingTimers === 1, { what: 'backoff timer 6' });
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 4000, 4000, 4000]);
    expect(kaltura.appends).toHaveLength(0);
    expect(seen.at(-1)?.[0]?.reason).toMatch(/Kaltura unreachable.*retrying in 4 s/);
    kaltura.down = false;
    clock.advance(4000);
    await waitFor(() => kaltura.appends.length === 2, { what: 'both appended' });
    expect(kaltura.appends.map((a) => a.durationSeconds)).toEqual([2.1, 2.2]);
    expect(kaltura.appends.map((a) => a.isLastChunk)).toEqual([false, true]);
  });

  it('marks an item failed with the reason on a Kaltura refusal, keeps the file and goes on', async () => {
    const { kaltura, make, segment } = setup();
    const q = make();
    kaltura.refuseAppend = 'LIVE_STREAM_EXCEEDED_MAX_RECORDED_DURATION';
    q.start();
    const s1 = segment(1);
    q.enqueue(s1);
    await waitFor(() => q.list(ENTRY)[0]?.state === 'failed');
    const failed = q.uploadItems(ENTRY)[0]!;
    expect(failed.reason).toContain('LIVE_STREAM_EXCEEDED_MAX_RECORDED_DURATION');
    expect(failed.reason).toContain(s1.filePath);
    expect(fs.existsSync(s1.filePath)).toBe(true);
    kaltura.refuseAppend = null;
    q.enqueue(segment(2));
    await waitFor(() => kaltura.appends.length === 1);
    expect(kaltura.appends[0]!.durationSeconds).toBe(2.2);
  });

  it('deletes a file only after Kaltura confirmed it, when deleteAfterUpload is on', async () => {
    const { kaltura, make, segment } = setup({ deleteAfterUpload: true });
    const q = make();
    kaltura.refuseAppend = 'ENTRY_ID_NOT_FOUND';
    q.start();
    const refused = segment(1);
    q.enqueue(refused);
    await waitFor(() => q.list(ENTRY)[0]?.state === 'failed');
    kaltura.refuseAppend = null;
    const ok = segment(2);
    q.enqueue(ok);
    await waitFor(() => q.list(ENTRY)[1]?.fileDeleted);
    expect(fs.existsSync(ok.filePath)).toBe(false);
    expect(fs.existsSync(refused.filePath)).toBe(true);
  });

  it('can deliver through setRecordedContent for partners on the newer recording', async () => {
    const { kaltura, make, segment } = setup({ recordingApi: 'setRecordedContent' });
    const q = make();
    q.start();
    q.enqueue(segment(1));
    await waitFor(() => kaltura.appends.length === 1);
    expect(kaltura.appends[0]!.api).toBe('setRecordedContent');
  });

  it('publishes percent while uploading', async () => {
    const { kaltura, make, segment } = setup({ progressIntervalMs: 0 });
    const q = make();
    const percents: number[] = [];
    q.onChange((_e, items) => {
      const item = items[0];
      if (item?.state === 'uploading') percents.push(item.percent);
    });
    kaltura.hangChunkAtByte = 20;
    q.start();
    q.enqueue(segment(1, 40));
    await waitFor(() => kaltura.hanging);
    expect(percents).toContain(25);
    expect(percents).toContain(50);
  });

  it('moves a corrupt queue file aside and says so', () => {
    const dataDir = tempDir('klive-queue-');
    fs.mkdirSync(path.join(dataDir, 'recordings'));
    fs.writeFileSync(queueFilePath(dataDir), '{"version":1,"items":[');
    const errors: string[] = [];
    const logger = { ...silentLogger(), error: (m: string) => errors.push(m) };
    const q = new UploadQueue({ dataDir, uploader: new StubKaltura(), logger });
    expect(q.list()).toEqual([]);
    expect(errors[0]).toMatch(/not valid JSON.*moved it to/);
    expect(fs.readdirSync(path.join(dataDir, 'recordings')).some((f) => f.startsWith('queue.json.corrupt-'))).toBe(true);
  });

  it('rejects a bad chunk size with a clear message', () => {
    const dataDir = tempDir('klive-queue-');
    expect(() => new UploadQueue({ dataDir, uploader: new StubKaltura(), logger: silentLogger(), chunkBytes: 0 })).toThrow(/chunkBytes must be a positive integer/);
  });
});
