// Owns what a SegmentRecorder is given and what it tells: its options, its state, the finished segments it reports
// and the disk alerts it raises.
import type { Clock } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { MediaFeed } from '../media/flv-feed.js';
import type { PidRecords } from '../process/pid-registry.js';
import type { Spawner } from '../process/spawner.js';
import type { StatfsFn } from './disk-space.js';
import type { ProbeDurationFn } from './probe.js';

export type { PidRecords };

export interface FinishedSegment {
  entryId: string;
  sessionId: string;
  filePath: string;
  sequence: number;
  durationSeconds: number;
  sizeBytes: number;
}

export interface DiskLowAlert {
  kind: 'disk-low';
  entryId: string;
  directory: string;
  freeBytes: number;
  marginBytes: number;
  message: string;
}

/** the disk has room again: the recording resumed after a disk-low pause */
export interface DiskRecoveredEvent {
  kind: 'disk-ok';
  entryId: string;
  freeBytes: number;
  message: string;
}

export interface RecorderState {
  wanted: 'run' | 'stop';
  /** paused: wanted, but the disk is below the margin; it resumes when space returns */
  observed: 'idle' | 'starting' | 'recording' | 'restarting' | 'paused' | 'stopped' | 'failed';
  pid: number | null;
  restarts: number;
  /** why it stopped or failed, e.g. the disk-low message */
  reason: string | null;
  segmentsFinished: number;
  /** the segment FFmpeg is writing now (null when not recording) */
  currentSegmentPath: string | null;
}

export interface SegmentRecorderOptions {
  ffmpegPath: string;
  /** default: ffprobe beside ffmpegPath, else ffmpegPath itself (`-i`, its Duration line) */
  ffprobePath?: string;
  dataDir: string;
  entryId: string;
  sessionId: string;
  /** FFmpeg input argv: feedInput() with `feed`, or e.g. rtmpPullInput('rtmp://127.0.0.1:1935/kLive/0_abc_1') */
  input: string[];
  /** the ingest's feed of the stream, written to each FFmpeg run's fd 3 (its input argv reads pipe:3) */
  feed?: MediaFeed;
  /** FFmpeg argv between input and the segment muxer; default copies video and audio */
  codecArgs?: string[];
  /** default 900 (15 minutes); at least 1 */
  segmentSeconds?: number;
  /** stop recording below this much free space; default 500 MiB */
  minFreeBytes?: number;
  /** or below this share of the disk, whichever is larger; default 0 */
  minFreePercent?: number;
  diskCheckIntervalMs?: number;
  listPollIntervalMs?: number;
  /** after 'q', wait this long before SIGKILL of the group; default 5000 */
  stopTimeoutMs?: number;
  restartBaseMs?: number;
  restartMaxMs?: number;
  logger: Logger;
  /** each run's FFmpeg is recorded here while it runs */
  pids?: PidRecords;
  /** default: node's, in its own process group, with only PATH in the environment */
  spawner?: Spawner;
  clock?: Clock;
  statfs?: StatfsFn;
  probeDuration?: ProbeDurationFn;
  onSegment(segment: FinishedSegment): void;
  onAlert?(alert: DiskLowAlert): void;
  onDiskRecovered?(event: DiskRecoveredEvent): void;
  onStateChange?(state: RecorderState): void;
}
