// Unit tests of RecordingService wiring: recorder segments reach the queue, sessions open and close
// around a recording (also when the recorder stops itself on a full disk), RecordingState is published.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { RecordingService, sessionIdAt } from '../../../main/recording/recording-service.js';
import type { RecorderLike } from '../../../main/recording/recording-service.js';
import type { RecorderState, SegmentRecorderOptions } from '../../../main/recording/recorder-types.js';
import { UploadQueue } from '../../../main/recording/upload-queue.js';
import type { RecordingState } from '../../../shared/state.js';
import { tempDir } from '../../helpers/net.js';
import { StubKaltura } from './stubs.js';

class FakeRecorder implements RecorderLike {
  current: RecorderState = {
    wanted: 'stop',
    observed: 'idle',
    pid: null,
    restarts: 0,
    reason: null,
    segmentsFinished: 0,
    currentSegmentPath: null,
  };
  constructor(readonly options: SegmentRecorderOptions) {}
  set(patch: Partial<RecorderState>): void {
    this.current = { ...this.current, ...patch };
    this.options.onStateChange?.(this.current);
  }
  async start(): Promise<void> {
    this.set({ wanted: 'run', observed: 'recording', pid: 4242 });
  }
  async stop(): Promise<void> {
    this.set({ wanted: 'stop', observed: 'stopped', pid: null });
  }
  state(): RecorderState {
    return this.current;
  }
}

function setup() {
  const dataDir = tempDir('klive-recsvc-');
  const queue = new UploadQueue({ dataDir, uploader: new StubKaltura(), logger: silentLogger() });
  const recorders: FakeRecorder[] = [];
  const published: Array<[string, RecordingState]> = [];
  const service = new RecordingService({
    dataDir,
    ffmpegPath: '/usr/bin/ffmpeg',
    queue,
    logger: silentLogger(),
    segmentSeconds: 4,
    now: () => Date.UTC(2026, 10, 25, 3, 40, 12, 345),
    createRecorder: (o) => {
      const r = new FakeRecorder(o);
      recorders.push(r);
      return r;
    },
    onChange: (entryId, state) => published.push([entryId, state]),
  });
  const segment = (r: FakeRecorder, sequence: number) => {
    const filePath = `${dataDir}/seg_${sequence}.ts`;
    fs.writeFileSync(filePath, 'x'.repeat(100));
    r.options.onSegment({
      entryId: r.options.entryId,
      sessionId: r.options.sessionId,
      filePath,
      sequence,
      durationSeconds: 4,
      sizeBytes: 100,
    });
  };
  return { dataDir, queue, recorders, published, service, segment };
}

const START = {
  entryId: '0_rkij47dr',
  partnerId: 102,
  mediaServerIndex: 0 as const,
  assetId: '0_asset',
  input: ['-i', 'rtmp://127.0.0.1:1935/kLive/0_rkij47dr_1'],
};

describe('RecordingService', () => {
  it('names sessions by their UTC start time', () => {
    expect(sessionIdAt(Date.UTC(2026, 10, 25, 3, 40, 12, 345))).toBe('20261125T034012Z');
  });

  it('queues the recorder segments under an open session and closes it on stop', async () => {
    const { queue, recorders, published, service, segment } = setup();
    await service.start(START);
    const r = recorders[0]!;
    expect(r.options).toMatchObject({
      sessionId: '20261125T034012Z',
      segmentSeconds: 4,
      input: START.input,
      entryId: START.entryId,
    });
    segment(r, 0);
    segment(r, 1);
    expect(queue.list(START.entryId).map((i) => [i.sequence, i.partnerId, i.assetId, i.sessionId])).toEqual([
      [0, 102, '0_asset', '20261125T034012Z'],
      [1, 102, '0_asset', '20261125T034012Z'],
    ]);
    const file = () =>
      JSON.parse(fs.readFileSync(`${r.options.dataDir}/recordings/queue.json`, 'utf8')) as { openSessions: string[] };
    expect(file().openSessions).toEqual(['0_rkij47dr/20261125T034012Z']);
    expect(service.state(START.entryId)).toMatchObject({ enabled: true, active: true, reason: null });
    expect(service.state(START.entryId).items.map((i) => i.state)).toEqual(['pending', 'pending']);
    r.set({ currentSegmentPath: `${r.options.dataDir}/recordings/x/seg_000002.ts` });
    expect(service.state(START.entryId).items.at(-1)).toMatchObject({
      state: 'recording',
      fileName: 'seg_000002.ts',
      sequence: 2,
      sizeBytes: 0,
      percent: 0,
    });
    await service.stop(START.entryId);
    expect(file().openSessions).toEqual([]);
    expect(published.at(-1)?.[1]).toMatchObject({ active: false });
  });

  it('closes the session when the recorder stops itself and reports why', async () => {
    const { queue, recorders, service } = setup();
    await service.start(START);
    recorders[0]!.set({ wanted: 'stop', observed: 'stopped', reason: 'FFmpeg could not start' });
    expect(service.state(START.entryId)).toMatchObject({ active: false, reason: 'FFmpeg could not start' });
    expect((queue as unknown as { file: { openSessions: string[] } }).file.openSessions).toEqual([]);
  });

  it('a recording paused for disk space is not active, says why, and keeps its session open to resume in it', async () => {
    const { queue, recorders, service } = setup();
    await service.start(START);
    recorders[0]!.set({
      wanted: 'run',
      observed: 'paused',
      reason: 'disk full: 10.0 MB free, recording paused for 0_rkij47dr',
    });
    expect(service.state(START.entryId)).toMatchObject({
      active: false,
      reason: expect.stringContaining('disk full: 10.0 MB free, recording paused'),
    });
    expect((queue as unknown as { file: { openSessions: string[] } }).file.openSessions).toHaveLength(1);
  });

  it('gives a restart within the same second its own session folder', async () => {
    const { dataDir, recorders, service } = setup();
    await service.start(START);
    fs.mkdirSync(`${dataDir}/recordings/${START.entryId}/20261125T034012Z`, { recursive: true });
    await service.stop(START.entryId);
    await service.start(START);
    expect(recorders.map((r) => r.options.sessionId)).toEqual(['20261125T034012Z', '20261125T034012Z-2']);
  });
});
