// Owns recording per live entry: one SegmentRecorder per recorded stream, its finished segments fed to
// the durable UploadQueue, the session opened and closed around it (so the last segment carries
// isLastChunk), and the RecordingState (shared/state.ts) the station publishes for each entry.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import type { MediaFeed } from '../media/flv-feed.js';
import type { MediaServerIndex } from '../core/kaltura-api.js';
import type { RecordingState, UploadItem } from '../../shared/state.js';
import { segmentSequence, sessionDirectory } from './segment-files.js';
import { SegmentRecorder } from './segment-recorder.js';
import type {
  DiskLowAlert,
  DiskRecoveredEvent,
  PidRecords,
  RecorderState,
  SegmentRecorderOptions,
} from './recorder-types.js';
import type { UploadQueue } from './upload-queue.js';

export interface RecorderLike {
  start(): Promise<void>;
  /** the publisher reconnected: restart now rather than after the backoff */
  resume?(): void;
  stop(reason?: string | null): Promise<void>;
  state(): RecorderState;
}

export interface RecordingServiceOptions {
  dataDir: string;
  ffmpegPath: string;
  ffprobePath?: string;
  queue: UploadQueue;
  logger: Logger;
  /** default 900 (15 minutes) */
  segmentSeconds?: number;
  minFreeBytes?: number;
  minFreePercent?: number;
  /** how often free space is checked while recording or paused; default 5000 */
  diskCheckIntervalMs?: number;
  now?: () => number;
  /** every recording FFmpeg is recorded here while it runs (the station's PidRegistry) */
  pids?: PidRecords;
  /** injected in tests; default builds a SegmentRecorder */
  createRecorder?: (options: SegmentRecorderOptions) => RecorderLike;
  /** the disk fell below the margin: the recording paused */
  onAlert?(alert: DiskLowAlert): void;
  /** space returned: the paused recording resumed */
  onDiskRecovered?(event: DiskRecoveredEvent): void;
  onChange?(entryId: string, state: RecordingState): void;
}

export interface StartRecordingArgs {
  entryId: string;
  partnerId: number;
  mediaServerIndex: MediaServerIndex;
  /** the live asset the recording goes under, when known (else looked up from flavorParamsId) */
  assetId?: string | null;
  /** the liveParams id of the recorded rendition (the ladder's source/ingest rendition), e.g. 32 */
  flavorParamsId?: number | null;
  /** the live entry's recorded entry as Kaltura last said (registerMediaServer's answer) */
  recordedEntryId?: () => string | null;
  /** FFmpeg input argv: feedInput() with `feed` (the station), or e.g. rtmpPullInput('rtmp://127.0.0.1:PORT/kLive/ENTRY_1') */
  input: string[];
  /** the ingest's feed of the stream, for feedInput() */
  feed?: MediaFeed;
}

interface Session {
  sessionId: string;
  recorder: RecorderLike;
  closed: boolean;
}

/** e.g. 20261125T034012Z: sortable, one folder per recording session. */
export function sessionIdAt(nowMs: number): string {
  return new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** The segment being written, shown before it joins the upload queue. */
function recordingItem(entryId: string, filePath: string): UploadItem {
  let sizeBytes = 0;
  try {
    sizeBytes = fs.statSync(filePath).size;
  } catch {
    // FFmpeg has not created it yet
  }
  const fileName = path.basename(filePath);
  return {
    id: `${entryId}:recording:${fileName}`,
    entryId,
    fileName,
    sequence: segmentSequence(fileName) ?? 0,
    durationSeconds: 0,
    sizeBytes,
    state: 'recording',
    percent: 0,
    reason: null,
    isLastChunk: false,
  };
}

export class RecordingService {
  private readonly sessions = new Map<string, Session>();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: RecordingServiceOptions) {
    this.unsubscribe = options.queue.onChange((entryId) => this.publish(entryId));
  }

  /** Starts recording an entry (a second call while it records is ignored). */
  async start(args: StartRecordingArgs): Promise<void> {
    const existing = this.sessions.get(args.entryId);
    if (existing && existing.recorder.state().wanted === 'run') return;
    const base = sessionIdAt((this.options.now ?? Date.now)());
    let sessionId = base;
    // a restart within the same second gets its own folder and queue session
    for (let n = 2; fs.existsSync(sessionDirectory(this.options.dataDir, args.entryId, sessionId)); n++)
      sessionId = `${base}-${n}`;
    const session: Session = { sessionId, recorder: null as unknown as RecorderLike, closed: false };
    const recorderOptions: SegmentRecorderOptions = {
      ffmpegPath: this.options.ffmpegPath,
      ...(this.options.ffprobePath ? { ffprobePath: this.options.ffprobePath } : {}),
      dataDir: this.options.dataDir,
      entryId: args.entryId,
      sessionId,
      input: args.input,
      ...(args.feed ? { feed: args.feed } : {}),
      ...(this.options.segmentSeconds !== undefined ? { segmentSeconds: this.options.segmentSeconds } : {}),
      ...(this.options.minFreeBytes !== undefined ? { minFreeBytes: this.options.minFreeBytes } : {}),
      ...(this.options.minFreePercent !== undefined ? { minFreePercent: this.options.minFreePercent } : {}),
      ...(this.options.diskCheckIntervalMs !== undefined
        ? { diskCheckIntervalMs: this.options.diskCheckIntervalMs }
        : {}),
      logger: this.options.logger.child('recording'),
      ...(this.options.pids ? { pids: this.options.pids } : {}),
      onSegment: (segment) => {
        this.options.queue.enqueue({
          ...segment,
          partnerId: args.partnerId,
          mediaServerIndex: args.mediaServerIndex,
          assetId: args.assetId ?? null,
          flavorParamsId: args.flavorParamsId ?? null,
          recordedEntryId: args.recordedEntryId?.() ?? null,
        });
      },
      onAlert: (alert) => this.options.onAlert?.(alert),
      onDiskRecovered: (event) => this.options.onDiskRecovered?.(event),
      onStateChange: (state) => {
        // a recorder that stopped by itself (disk low) ends its session too
        if (state.wanted === 'stop' && state.observed === 'stopped') this.closeSession(args.entryId, session);
        this.publish(args.entryId);
      },
    };
    session.recorder = (this.options.createRecorder ?? ((o) => new SegmentRecorder(o)))(recorderOptions);
    this.sessions.set(args.entryId, session);
    this.options.queue.openSession(args.entryId, sessionId);
    await session.recorder.start();
    if (session.recorder.state().wanted === 'stop') this.closeSession(args.entryId, session);
    this.publish(args.entryId);
  }

  /** The entry's publisher reconnected within the grace period: its recording goes on in the same session, now. */
  resume(entryId: string): void {
    const session = this.sessions.get(entryId);
    if (session && !session.closed) session.recorder.resume?.();
  }

  /** Stops an entry's recording; resolves once its last segment is queued with isLastChunk. */
  async stop(entryId: string): Promise<void> {
    const session = this.sessions.get(entryId);
    if (!session) return;
    await session.recorder.stop();
    this.closeSession(entryId, session);
    this.publish(entryId);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((entryId) => this.stop(entryId)));
    this.unsubscribe();
  }

  state(entryId: string): RecordingState {
    const session = this.sessions.get(entryId);
    const recorder = session?.recorder.state();
    return {
      enabled: session !== undefined,
      // paused for disk space is not recording; the reason says why and that it resumes by itself
      active:
        recorder !== undefined &&
        recorder.wanted === 'run' &&
        recorder.observed !== 'failed' &&
        recorder.observed !== 'paused',
      reason: recorder?.reason ?? null,
      items: [
        ...this.options.queue.uploadItems(entryId),
        ...(recorder?.currentSegmentPath ? [recordingItem(entryId, recorder.currentSegmentPath)] : []),
      ],
    };
  }

  private closeSession(entryId: string, session: Session): void {
    if (session.closed) return;
    session.closed = true;
    this.options.queue.closeSession(entryId, session.sessionId);
  }

  private publish(entryId: string): void {
    this.options.onChange?.(entryId, this.state(entryId));
  }
}
