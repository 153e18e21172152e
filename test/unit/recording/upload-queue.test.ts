// Unit tests of the durable upload queue against an in-memory Kaltura and a fake clock.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { UploadQueue } from '../../../main/recording/upload-queue.js';
import { queueFilePath } from '../../../main/recording/queue-model.js';
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
    const q = new UploadQueue({
      dataDir,
      uploader: kaltura,
      logger: silentLogger(),
      clock,
      chunkBytes: 10,
      retryBaseMs: 1000,
      retryMaxMs: 4000,
      ...overrides,
      ...more,
    });
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
    return {
      entryId: ENTRY,
      partnerId: 102,
      mediaServerIndex: 0 as const,
      flavorParamsId: 32,
      sessionId,
      filePath,
      sequence,
      durationSeconds: 2 + sequence / 10,
      sizeBytes,
    };
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
    expect(q.uploadItems(ENTRY).map((i) => [i.state, i.percent])).toEqual([
      ['done', 100],
      ['done', 100],
      ['done', 100],
    ]);
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
      const file = JSON.parse(fs.readFileSync(queueFilePath(dataDir), 'utf8')) as {
        items: Array<{ tokenId: string | null }>;
      };
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

  it('holds a refused hand-over with the reason and the fix, keeps later segments behind it, and delivers all on Retry (issue 16)', async () => {
    const { kaltura, make, segment } = setup();
    const q = make();
    kaltura.refuseAppend = 'SERVICE_FORBIDDEN';
    q.start();
    const s1 = segment(1);
    q.enqueue(s1);
    q.enqueue(segment(2));
    await waitFor(() => q.list(ENTRY)[0]?.state === 'failed');
    const held = q.uploadItems(ENTRY)[0]!;
    expect(held.reason).toMatch(
      /SERVICE_FORBIDDEN.*To fix: the partner lacks the media-server recording permission.*ask your Kaltura account manager.*Nothing is lost/,
    );
    expect(fs.existsSync(s1.filePath)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    // order: segment 2 waits behind the held segment 1
    expect(kaltura.appends).toHaveLength(0);
    kaltura.refuseAppend = null;
    expect(q.retryHeld()).toBe(1);
    q.closeSession(ENTRY, 's1');
    await waitFor(() => kaltura.appends.length === 2);
    expect(kaltura.appends.map((a) => a.durationSeconds)).toEqual([2.1, 2.2]);
    expect(kaltura.handOvers.map((h) => h.assetId)).toEqual(['0_asset32', '0_asset32']);
  });

  it('tries a held hand-over again by itself after the slow retry period', async () => {
    const { kaltura, clock, make, segment } = setup({ heldRetryMs: 600_000 });
    const q = make();
    kaltura.refuseAppend = 'ASSET_ID_NOT_FOUND';
    q.start();
    q.enqueue(segment(1));
    await waitFor(() => q.list(ENTRY)[0]?.state === 'failed');
    kaltura.refuseAppend = null;
    await waitFor(() => clock.sleeps.includes(600_000));
    clock.advance(600_000);
    await waitFor(() => kaltura.appends.length === 1);
  });

  it('deletes a file only after Kaltura confirmed it, when deleteAfterUpload is on', async () => {
    const { kaltura, make, segment } = setup({ deleteAfterUpload: true });
    const q = make();
    kaltura.refuseAppend = 'ENTRY_ID_NOT_FOUND';
    q.start();
    const refused = segment(1);
    q.enqueue(refused);
    await waitFor(() => q.list(ENTRY)[0]?.state === 'failed');
    expect(fs.existsSync(refused.filePath)).toBe(true);
    kaltura.refuseAppend = null;
    q.retryHeld(ENTRY);
    const ok = segment(2);
    q.enqueue(ok);
    await waitFor(() => q.list(ENTRY)[1]?.fileDeleted);
    expect(fs.existsSync(ok.filePath)).toBe(false);
    // the refused one went through on the retry, and only then left the disk
    expect(q.list(ENTRY)[0]).toMatchObject({ state: 'done', fileDeleted: true });
  });

  it('can deliver through setRecordedContent for partners on the newer recording', async () => {
    const { kaltura, make, segment } = setup({ recordingApi: 'setRecordedContent' });
    const q = make();
    q.start();
    q.enqueue(segment(1));
    await waitFor(() => kaltura.appends.length === 1);
    expect(kaltura.appends[0]!.api).toBe('setRecordedContent');
  });

  it('learns Kaltura recording from KALTURA_RECORDING_ENABLED: the whole session in one file, one setRecordedContent, remembered per partner (issue 16)', async () => {
    const { dataDir, kaltura, make, segment } = setup();
    kaltura.kalturaRecording = true;
    const q = make();
    q.openSession(ENTRY, 's1');
    q.start();
    const segs = [segment(1), segment(2, 31), segment(3, 7)];
    for (const s of segs) q.enqueue(s);
    await waitFor(() => q.flavourOf(102) === 'kaltura', { what: 'flavour learned' });
    await new Promise((r) => setTimeout(r, 50));
    // nothing is handed over while the session records
    expect(kaltura.appends).toHaveLength(0);
    q.closeSession(ENTRY, 's1');
    await waitFor(() => kaltura.appends.length === 1, { what: 'one setRecordedContent' });
    const call = kaltura.appends[0]!;
    expect(call.api).toBe('setRecordedContent');
    expect(call.bytes.equals(Buffer.concat(segs.map((s) => fs.readFileSync(s.filePath))))).toBe(true);
    expect(call.durationSeconds).toBeCloseTo(2.1 + 2.2 + 2.3, 6);
    expect(kaltura.handOvers.at(-1)).toMatchObject({ api: 'setRecordedContent', flavorParamsId: 32 });
    await waitFor(() => q.list(ENTRY).every((i) => i.state === 'done'));
    expect(fs.existsSync(path.join(dataDir, 'recordings', ENTRY, 's1', 'session.ts'))).toBe(false);
    // remembered across restarts: the next queue goes straight to the session flow
    await q.stop();
    const again = make();
    expect(again.flavourOf(102)).toBe('kaltura');
    expect(again.flavourOf(103)).toBe('legacy');
  });

  it('learns legacy recording from KALTURA_RECORDING_DISABLED and hands the segments over one by one (issue 16)', async () => {
    const { kaltura, make, segment } = setup({ recordingApi: 'setRecordedContent' });
    kaltura.kalturaRecording = false;
    const q = make();
    q.start();
    q.enqueue(segment(1));
    q.enqueue(segment(2));
    await waitFor(() => kaltura.appends.length === 2, { what: 'two appends' });
    expect(q.flavourOf(102)).toBe('legacy');
    expect(kaltura.appends.map((a) => a.api)).toEqual(['appendRecording', 'appendRecording']);
    expect(kaltura.handOvers.filter((h) => h.api === 'appendRecording').map((h) => h.assetId)).toEqual([
      '0_asset32',
      '0_asset32',
    ]);
  });

  it('holds a segment whose rendition has no live asset, naming the liveParams (issue 16)', async () => {
    const { kaltura, make, segment } = setup();
    kaltura.liveAssets = new Map([[33, '0_asset33']]);
    const q = make();
    q.start();
    q.enqueue(segment(1));
    await waitFor(() => q.list(ENTRY)[0]?.state === 'failed');
    expect(q.uploadItems(ENTRY)[0]!.reason).toMatch(
      /NO_LIVE_ASSET: no live asset for liveParams 32.*To fix: the entry has no live asset/,
    );
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
    expect(fs.readdirSync(path.join(dataDir, 'recordings')).some((f) => f.startsWith('queue.json.corrupt-'))).toBe(
      true,
    );
  });

  it('rejects a bad chunk size with a clear message', () => {
    const dataDir = tempDir('klive-queue-');
    expect(
      () => new UploadQueue({ dataDir, uploader: new StubKaltura(), logger: silentLogger(), chunkBytes: 0 }),
    ).toThrow(/chunkBytes must be a positive integer/);
  });
});
