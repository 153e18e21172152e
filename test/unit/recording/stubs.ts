// Test doubles for the recording queue: a fake clock that records requested sleeps, and an
// in-memory Kaltura uploadToken/appendRecording that can be taken down, made to hang or to refuse.
import fs from 'node:fs';
import { KalturaApiError, KalturaTransportError } from '../../../main/core/kaltura-errors.js';
import { abortError, type TimerHandle } from '../../../main/core/clock.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { RecordingRefusal } from '../../../main/recording/uploader.js';
import type { RecordingUploader, UploadTokenStatus } from '../../../main/recording/uploader.js';

/** the manual clock, also remembering each delay asked for (the queue's backoff sleeps) */
export class FakeClock extends ManualClock {
  readonly sleeps: number[] = [];
  constructor() {
    super(1_000_000);
  }
  override setTimer(fn: () => void, delayMs: number): TimerHandle {
    this.sleeps.push(delayMs);
    return super.setTimer(fn, delayMs);
  }
}

export interface AppendCall {
  entryId: string;
  tokenId: string;
  durationSeconds: number;
  isLastChunk: boolean;
  mediaServerIndex: number;
  bytes: Buffer;
  api: 'appendRecording' | 'setRecordedContent';
}

export class StubKaltura implements RecordingUploader {
  down = false;
  /** a chunk starting at this byte never answers (until aborted): the process "dies" mid-chunk */
  hangChunkAtByte: number | null = null;
  hanging = false;
  /** appendRecording applies but its answer is lost once */
  loseNextAppendAnswer = false;
  refuseAppend: string | null = null;
  /** the partner's FEATURE_LIVE_STREAM_KALTURA_RECORDING: null accepts both flows (older tests) */
  kalturaRecording: boolean | null = null;
  /** liveParams id -> live asset id of the entry (flavorAsset.list) */
  liveAssets = new Map<number, string>([[32, '0_asset32']]);
  readonly handOvers: Array<{
    api: string;
    assetId?: string;
    flavorParamsId?: number | null;
    recordedEntryId?: string | null;
  }> = [];
  readonly tokens = new Map<string, { data: Buffer; consumed: boolean }>();
  readonly appends: AppendCall[] = [];
  readonly calls: string[] = [];
  private nextToken = 1;
  onFirstChunk: (() => void) | null = null;

  private check(call: string): void {
    this.calls.push(call);
    if (this.down) throw new KalturaTransportError('network', 'connect ECONNREFUSED 127.0.0.1', call);
  }

  async createUploadToken(): Promise<{ tokenId: string }> {
    this.check('uploadToken.add');
    const tokenId = `1_tok${this.nextToken++}`;
    this.tokens.set(tokenId, { data: Buffer.alloc(0), consumed: false });
    return { tokenId };
  }

  async getUploadToken(a: { tokenId: string }): Promise<UploadTokenStatus> {
    this.check('uploadToken.get');
    const t = this.tokens.get(a.tokenId);
    if (!t) throw new KalturaApiError('UPLOAD_TOKEN_NOT_FOUND', 'Upload token not found', {}, 'uploadToken.get');
    return { uploadedBytes: t.data.length, consumed: t.consumed };
  }

  async uploadChunk(a: {
    tokenId: string;
    filePath: string;
    startByte: number;
    endByte: number;
    finalChunk: boolean;
    signal?: AbortSignal;
    onProgress?(n: number): void;
  }): Promise<{ uploadedBytes: number }> {
    this.check('uploadToken.upload');
    this.onFirstChunk?.();
    this.onFirstChunk = null;
    if (this.hangChunkAtByte === a.startByte) {
      this.hanging = true;
      return new Promise((_resolve, reject) => a.signal?.addEventListener('abort', () => reject(abortError())));
    }
    const t = this.tokens.get(a.tokenId);
    if (!t || t.consumed)
      throw new KalturaApiError('UPLOAD_TOKEN_INVALID_STATUS', 'bad token status', {}, 'uploadToken.upload');
    if (a.startByte !== t.data.length)
      throw new KalturaApiError(
        'UPLOAD_TOKEN_RESUMING_INVALID_POSITION',
        `resumeAt ${a.startByte} but holds ${t.data.length}`,
        {},
        'uploadToken.upload',
      );
    const chunk = fs.readFileSync(a.filePath).subarray(a.startByte, a.endByte);
    a.onProgress?.(chunk.length);
    t.data = Buffer.concat([t.data, chunk]);
    return { uploadedBytes: t.data.length };
  }

  private consume(tokenId: string): Buffer {
    const t = this.tokens.get(tokenId);
    if (!t)
      throw new KalturaApiError('UPLOAD_TOKEN_NOT_FOUND', 'Upload token not found', {}, 'liveStream.appendRecording');
    if (t.consumed)
      throw new KalturaApiError(
        'UPLOAD_TOKEN_INVALID_STATUS_FOR_ADD_ENTRY',
        'token already used',
        {},
        'liveStream.appendRecording',
      );
    t.consumed = true;
    return t.data;
  }

  async resolveLiveAsset(a: { flavorParamsId: number }): Promise<{ assetId: string }> {
    this.check('flavorAsset.list');
    const assetId = this.liveAssets.get(a.flavorParamsId);
    if (!assetId) throw new RecordingRefusal('NO_LIVE_ASSET', `no live asset for liveParams ${a.flavorParamsId}`);
    return { assetId };
  }

  async appendRecording(a: {
    entryId: string;
    assetId: string;
    tokenId: string;
    durationSeconds: number;
    isLastChunk: boolean;
    mediaServerIndex: number;
  }): Promise<void> {
    this.check('liveStream.appendRecording');
    if (this.refuseAppend)
      throw new KalturaApiError(this.refuseAppend, 'refused by test', {}, 'liveStream.appendRecording');
    if (this.kalturaRecording === true)
      throw new KalturaApiError(
        'KALTURA_RECORDING_ENABLED',
        'Kaltura recording is enabled for partner 102',
        {},
        'liveStream.appendRecording',
      );
    this.handOvers.push({ api: 'appendRecording', assetId: a.assetId });
    const bytes = this.consume(a.tokenId);
    this.appends.push({
      entryId: a.entryId,
      tokenId: a.tokenId,
      durationSeconds: a.durationSeconds,
      isLastChunk: a.isLastChunk,
      mediaServerIndex: a.mediaServerIndex,
      bytes,
      api: 'appendRecording',
    });
    if (this.loseNextAppendAnswer) {
      this.loseNextAppendAnswer = false;
      throw new KalturaTransportError('timeout', 'no answer within 30000 ms', 'liveStream.appendRecording');
    }
  }

  async setRecordedContent(a: {
    entryId: string;
    tokenId: string;
    durationSeconds: number;
    mediaServerIndex: number;
    flavorParamsId: number | null;
    recordedEntryId: string | null;
  }): Promise<void> {
    this.check('liveStream.setRecordedContent');
    if (this.refuseAppend)
      throw new KalturaApiError(this.refuseAppend, 'refused by test', {}, 'liveStream.setRecordedContent');
    if (this.kalturaRecording === false)
      throw new KalturaApiError(
        'KALTURA_RECORDING_DISABLED',
        'Kaltura recording is disabled for partner 102',
        {},
        'liveStream.setRecordedContent',
      );
    this.handOvers.push({
      api: 'setRecordedContent',
      flavorParamsId: a.flavorParamsId,
      recordedEntryId: a.recordedEntryId,
    });
    const bytes = this.consume(a.tokenId);
    this.appends.push({
      entryId: a.entryId,
      tokenId: a.tokenId,
      durationSeconds: a.durationSeconds,
      isLastChunk: false,
      mediaServerIndex: a.mediaServerIndex,
      bytes,
      api: 'setRecordedContent',
    });
  }
}
