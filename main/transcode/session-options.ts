// Owns what a TranscodeSession is built from (the ladder as data, the input, the entry's HLS settings, FFmpeg and its
// supervisor timings) and the events it reports.
import type { Ladder } from '../../shared/ladder.js';
import type { InputProbe, RenditionState, TranscoderState } from '../../shared/state.js';
import type { MediaFeed } from '../media/flv-feed.js';
import type { Logger } from '../log/logger.js';
import type { Clock } from '../core/clock.js';
import type { PidRegistry } from '../process/pid-registry.js';
import type { ProcReader } from '../process/proc-stats.js';
import type { Spawner } from '../process/spawner.js';
import type { FfmpegCapabilities } from './ffmpeg-capabilities.js';
import type { VideoEncoder } from './plan.js';
import type { SupervisorOptions } from './supervisor.js';

export interface TranscodeSessionOptions {
  entryId: string;
  partnerId: number;
  /** ENTRY_N as published */
  streamName: string;
  /** DATA/hls; this session writes DATA/hls/<entryId>/ */
  hlsRootDir: string;
  /** the ingest's feed of this stream (the station), written to each FFmpeg run's fd 3 */
  feed?: MediaFeed;
  /** or an input FFmpeg opens itself: an RTMP pull or a file (tests, benches); ignored when feed is set */
  pullUrl?: string;
  probeAtStart: InputProbe | null;
  /** the stream's latest probe (once a second): the key-frame policy follows its GOP */
  probe?: () => InputProbe | null;
  entry: { segmentDurationMs: number | null; dvrEnabled: boolean; dvrWindowMinutes: number | null };
  ffmpegPath: string;
  /** what that FFmpeg can do (read at start); null = not read, the modern argv */
  ffmpeg?: FfmpegCapabilities | null;
  encoder: VideoEncoder;
  preset?: string;
  threads?: number;
  /** the renditions to serve, as data (the station reads them from Kaltura's conversion profile) */
  ladder: Ladder;
  logger: Logger;
  spawner?: Spawner;
  clock?: Clock;
  pidRegistry?: PidRegistry | null;
  procReader?: ProcReader;
  /**
   * HLS folder (and URL segment) for this ingest; default the entry id. A backup or a second ingest stream of
   * the same entry must not write into the primary's playlists: e.g. 0_rkij47dr-b1 for the backup's _1.
   */
  outputId?: string;
  /** the playlists continue an earlier run of this stream (publisher reconnected within the grace period) */
  resumed?: boolean;
  /**
   * The publisher may come back after its input ends (a reconnect within the grace period): the playlists stay
   * open (no #EXT-X-ENDLIST, which makes players stop as if the stream were over) until stop(), so a viewer
   * sees a pause and then a discontinuity, not the end of the stream.
   */
  openUntilStop?: boolean;
  /** -re on the input: tests and benches reading a file */
  readRealtime?: boolean;
  /** supervisor timings (watchdog, backoff, stop) */
  supervisor?: Partial<
    Pick<
      SupervisorOptions,
      | 'watchdogMs'
      | 'startupTimeoutMs'
      | 'backoffInitialMs'
      | 'backoffMaxMs'
      | 'stableRunMs'
      | 'stopTimeoutMs'
      | 'maxConsecutiveFailures'
    >
  >;
}

export interface TranscodeStateEvent {
  transcoder: TranscoderState;
  renditions: RenditionState[];
}

export interface TranscodeSessionEvents extends Record<string, unknown> {
  /** the master playlist exists and every rendition has its first segment */
  playable: { masterUrl: string; masterPath: string };
  state: TranscodeStateEvent;
  /** the ladder cannot be planned or run by this FFmpeg, or FFmpeg gave up */
  failed: { reason: string };
  /** FFmpeg finished: stop() or the input ended; the playlists carry #EXT-X-ENDLIST */
  ended: { reason: 'stopped' | 'input-ended'; playlistsClosedByStation: number };
}
