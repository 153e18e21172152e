// Owns recording one ingest stream to disk: one FFmpeg (own process group) that copies the source
// into MPEG-TS segments under DATA/recordings/<entryId>/<sessionId>/, each cut on a keyframe and
// playable alone. A segment is reported once FFmpeg lists it in its CSV segment list (or, after a
// crash, once ffprobe can read it), so a killed FFmpeg costs at most the unfinished tail seconds.
// Restarts continue the numbering; free disk space is checked before and while recording: below the margin
// the recording pauses (FFmpeg ends cleanly, finished segments are kept and delivered) and resumes by itself,
// in the same session, once the disk has room again.
import { spawn as nodeSpawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MediaFeed } from '../media/flv-feed.js';
import { childFeedSink } from '../media/pipe-sink.js';
import type { Logger } from '../log/logger.js';
import { delayToGridMs } from '../core/clock.js';
import { formatBytes, marginBytes, statfsDiskSpace } from './disk-space.js';
import type { DiskSpace, StatfsFn } from './disk-space.js';
import { durationProbeFor } from './probe.js';
import type { ProbeDurationFn } from './probe.js';
import { buildRecorderArgs } from './recorder-args.js';
import {
  nextSegmentNumber,
  parseSegmentList,
  segmentFileName,
  segmentSequence,
  sessionDirectory,
} from './segment-files.js';

export type SpawnFn = (bin: string, argv: string[], options: SpawnOptions) => ChildProcess;

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

/** where running FFmpeg pids are recorded so a crashed station's leftovers are ended at its next start (PidRegistry) */
export interface PidRecords {
  add(pid: number, label: string): void;
  remove(pid: number): void;
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
  /** after 'q', wait this long before SIGKILL; default 5000 */
  stopTimeoutMs?: number;
  restartBaseMs?: number;
  restartMaxMs?: number;
  logger: Logger;
  /** each run's FFmpeg is recorded here while it runs */
  pids?: PidRecords;
  spawn?: SpawnFn;
  statfs?: StatfsFn;
  probeDuration?: ProbeDurationFn;
  onSegment(segment: FinishedSegment): void;
  onAlert?(alert: DiskLowAlert): void;
  onDiskRecovered?(event: DiskRecoveredEvent): void;
  onStateChange?(state: RecorderState): void;
}

export { feedInput, rtmpPullInput } from './recorder-args.js';

const STABLE_RUN_MS = 30_000;
/** a paused recording resumes at this multiple of the free-space margin */
const RESUME_HEADROOM = 1.1;

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

interface Run {
  generation: number;
  child: ChildProcess;
  /** ends the feed for this run (its detach, then the end of its pipe) */
  endFeed: () => void;
  startNumber: number;
  listPath: string;
  listOffset: number;
  startedAtMs: number;
  exited: Promise<void>;
  stderrTail: string[];
}

export class SegmentRecorder {
  readonly directory: string;
  private readonly spawnFn: SpawnFn;
  private readonly statfs: StatfsFn;
  private readonly probe: ProbeDurationFn;
  private readonly reported = new Set<number>();
  private run: Run | null = null;
  private generation = 0;
  private current: RecorderState = {
    wanted: 'stop',
    observed: 'idle',
    pid: null,
    restarts: 0,
    reason: null,
    segmentsFinished: 0,
    currentSegmentPath: null,
  };
  private pollTimer: NodeJS.Timeout | null = null;
  private diskTimer: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private restartDelayMs = 0;
  private cancelRestart: (() => void) | null = null;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly options: SegmentRecorderOptions) {
    const seconds = options.segmentSeconds ?? 900;
    if (!(seconds >= 1))
      throw new Error(`segmentSeconds must be at least 1, got ${seconds}; the default is 900 (15 minutes)`);
    if (options.input.length === 0) throw new Error('the recorder needs an FFmpeg input, e.g. rtmpPullInput(url)');
    this.directory = sessionDirectory(options.dataDir, options.entryId, options.sessionId);
    this.spawnFn = options.spawn ?? nodeSpawn;
    this.statfs = options.statfs ?? statfsDiskSpace;
    this.probe = options.probeDuration ?? durationProbeFor(options.ffmpegPath, options.ffprobePath);
  }

  state(): RecorderState {
    return { ...this.current };
  }

  /** Starts recording; if the disk is already below the margin, onAlert fires and it waits paused for space. */
  async start(): Promise<void> {
    if (this.current.wanted === 'run') return;
    fs.mkdirSync(this.directory, { recursive: true });
    this.update({ wanted: 'run', reason: null });
    this.diskTimer = setInterval(() => void this.checkDiskWhileRecording(), this.options.diskCheckIntervalMs ?? 5000);
    this.diskTimer.unref?.();
    if (await this.diskIsLow()) return;
    this.spawnRun();
  }

  /**
   * The publisher came back (a reconnect within the grace period): its drop ended FFmpeg's input, and the
   * restart must not wait out a backoff that grew while the feed was gone. Starts the next run now, on the
   * returned publisher's feed, in the same session with the numbering continued.
   */
  resume(): void {
    if (this.current.wanted !== 'run' || this.current.observed === 'paused') return;
    this.restartDelayMs = 0;
    // resolving the restart wait makes afterExit() start the next run at once
    this.cancelRestart?.();
  }

  /** Stops FFmpeg ('q', then SIGKILL of its group) and resolves once every finished segment was reported. */
  async stop(reason: string | null = null): Promise<void> {
    this.update({ wanted: 'stop', ...(reason ? { reason } : {}) });
    this.clearTimers();
    const run = this.run;
    if (run) this.terminate(run);
    await this.loop;
    if (this.current.observed !== 'failed') this.update({ observed: 'stopped', pid: null, currentSegmentPath: null });
  }

  private update(patch: Partial<RecorderState>): void {
    this.current = { ...this.current, ...patch };
    this.options.onStateChange?.(this.state());
  }

  private clearTimers(): void {
    if (this.diskTimer) clearInterval(this.diskTimer);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.diskTimer = null;
    this.restartTimer = null;
    this.cancelRestart?.();
  }

  private async readSpace(): Promise<{ space: DiskSpace; margin: number } | null> {
    try {
      const space = await this.statfs(this.directory);
      return {
        space,
        margin: marginBytes(space, {
          minFreeBytes: this.options.minFreeBytes ?? 500 * 1024 * 1024,
          minFreePercent: this.options.minFreePercent ?? 0,
        }),
      };
    } catch (e) {
      this.options.logger.warn('cannot read free disk space; recording continues', {
        directory: this.directory,
        error: (e as Error).message,
      });
      return null;
    }
  }

  /** Below the margin: pause (alert once per pause); the disk timer keeps looking for space. */
  private async diskIsLow(): Promise<boolean> {
    const read = await this.readSpace();
    if (!read || read.space.freeBytes >= read.margin) return false;
    if (this.current.observed === 'paused') return true;
    const { space, margin } = read;
    const message = `disk full: ${megabytes(space.freeBytes)} MB free, recording paused for ${this.options.entryId} (needs ${formatBytes(margin)} free on the disk of ${this.directory}). It resumes by itself when space returns: free some space or choose another data folder; finished segments are kept and uploaded.`;
    this.options.logger.error(message);
    this.update({ observed: 'paused', pid: null, reason: message, currentSegmentPath: null });
    this.options.onAlert?.({
      kind: 'disk-low',
      entryId: this.options.entryId,
      directory: this.directory,
      freeBytes: space.freeBytes,
      marginBytes: margin,
      message,
    });
    return true;
  }

  private async checkDiskWhileRecording(): Promise<void> {
    if (this.current.wanted !== 'run') return;
    if (this.current.observed === 'paused') return this.resumeIfRoom();
    if (await this.diskIsLow()) {
      const run = this.run;
      if (run) this.terminate(run);
    }
  }

  /** Resumes a paused recording (same session, numbering continued) once the disk is back above the margin with headroom. */
  private async resumeIfRoom(): Promise<void> {
    const read = await this.readSpace();
    if (!read || this.current.wanted !== 'run' || this.current.observed !== 'paused' || this.run) return;
    // headroom so a disk hovering at the margin does not flap between paused and recording
    if (read.space.freeBytes < read.margin * RESUME_HEADROOM) return;
    const message = `disk space back: ${megabytes(read.space.freeBytes)} MB free, recording of ${this.options.entryId} resumed`;
    this.options.logger.info(message);
    this.update({ reason: null });
    this.options.onDiskRecovered?.({
      kind: 'disk-ok',
      entryId: this.options.entryId,
      freeBytes: read.space.freeBytes,
      message,
    });
    this.spawnRun();
  }

  private spawnRun(): void {
    const generation = ++this.generation;
    const startNumber = nextSegmentNumber(this.directory);
    const listPath = path.join(this.directory, `list_${String(startNumber).padStart(6, '0')}.csv`);
    const argv = buildRecorderArgs({
      input: this.options.input,
      ...(this.options.codecArgs ? { codecArgs: this.options.codecArgs } : {}),
      segmentSeconds: this.options.segmentSeconds ?? 900,
      directory: this.directory,
      listPath,
      startNumber,
    });
    this.options.logger.info('recording starts', {
      entryId: this.options.entryId,
      sessionId: this.options.sessionId,
      startNumber,
    });
    const feed = this.options.feed;
    const child = this.spawnFn(this.options.ffmpegPath, argv, {
      detached: true,
      stdio: feed ? ['pipe', 'ignore', 'pipe', 'pipe'] : ['pipe', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '' },
    });
    const endFeed = this.attachFeed(child, feed);
    const pid = child.pid;
    if (pid !== undefined) this.options.pids?.add(pid, `recording ${this.options.entryId}`);
    const stderrTail: string[] = [];
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) stderrTail.push(line.trim());
      stderrTail.splice(0, Math.max(0, stderrTail.length - 20));
    });
    child.stdin?.on('error', () => {
      // FFmpeg gone before it read 'q': the exit handler takes over
    });
    const exited = new Promise<void>((resolve) => {
      child.once('error', (e) => {
        stderrTail.push(`cannot start ${this.options.ffmpegPath}: ${e.message}`);
        resolve();
      });
      child.once('exit', () => resolve());
    }).finally(() => {
      endFeed();
      if (pid !== undefined) this.options.pids?.remove(pid);
    });
    const run: Run = {
      generation,
      child,
      endFeed,
      startNumber,
      listPath,
      listOffset: 0,
      startedAtMs: Date.now(),
      exited,
      stderrTail,
    };
    this.run = run;
    this.update({
      observed: 'recording',
      pid: child.pid ?? null,
      currentSegmentPath: path.join(this.directory, segmentFileName(startNumber)),
    });
    this.pollList(run);
    this.loop = this.afterExit(run);
  }

  /** the CSV list on the station's time grid (delayToGridMs), so it shares the per-second wakeup */
  private pollList(run: Run): void {
    const periodMs = this.options.listPollIntervalMs ?? 500;
    this.pollTimer = setTimeout(
      () => {
        this.pollTimer = null;
        if (this.run !== run) return;
        this.readList(run);
        this.pollList(run);
      },
      delayToGridMs(Date.now(), periodMs),
    );
  }

  /** Writes the feed into the child's fd 3; returns what ends it (detach and close the pipe: FFmpeg then finishes). */
  private attachFeed(child: ChildProcess, feed: MediaFeed | undefined): () => void {
    const sink = feed ? childFeedSink(child.stdio[3]) : null;
    if (!feed || !sink) return () => undefined;
    const detach = feed.attach(sink);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      detach();
      if (!sink.destroyed) sink.end();
    };
  }

  private terminate(run: Run): void {
    if (run.child.exitCode !== null || run.child.signalCode !== null) return;
    // the end of a fed input finishes the last segment as cleanly as 'q'
    run.endFeed();
    try {
      run.child.stdin?.end('q');
    } catch {
      // stdin already closed
    }
    const timer = setTimeout(() => killGroup(run.child), this.options.stopTimeoutMs ?? 5000);
    void run.exited.then(() => clearTimeout(timer));
  }

  private readList(run: Run): void {
    let text: string;
    try {
      const fd = fs.openSync(run.listPath, 'r');
      try {
        const size = fs.fstatSync(fd).size;
        if (size <= run.listOffset) return;
        const buffer = Buffer.alloc(size - run.listOffset);
        fs.readSync(fd, buffer, 0, buffer.length, run.listOffset);
        text = buffer.toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        this.options.logger.warn('cannot read the segment list', { error: (e as Error).message });
      return;
    }
    const { entries, consumedChars } = parseSegmentList(text);
    run.listOffset += Buffer.byteLength(text.slice(0, consumedChars));
    for (const entry of entries) this.report(entry.sequence, entry.durationSeconds);
  }

  private report(sequence: number, durationSeconds: number): void {
    if (this.reported.has(sequence)) return;
    const filePath = path.join(this.directory, segmentFileName(sequence));
    let sizeBytes: number;
    try {
      sizeBytes = fs.statSync(filePath).size;
    } catch {
      this.options.logger.warn('a listed segment is missing on disk', { filePath });
      return;
    }
    this.reported.add(sequence);
    const writing =
      this.run && this.current.observed === 'recording'
        ? path.join(this.directory, segmentFileName(sequence + 1))
        : null;
    this.update({ segmentsFinished: this.current.segmentsFinished + 1, currentSegmentPath: writing });
    this.options.onSegment({
      entryId: this.options.entryId,
      sessionId: this.options.sessionId,
      filePath,
      sequence,
      durationSeconds,
      sizeBytes,
    });
  }

  /** After FFmpeg exits: report what it listed, then the unlisted tail it was writing (if playable). */
  private async afterExit(run: Run): Promise<void> {
    await run.exited;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.readList(run);
    const tail = fs
      .readdirSync(this.directory)
      .map((name) => ({ name, sequence: segmentSequence(name) }))
      .filter(
        (f): f is { name: string; sequence: number } =>
          f.sequence !== null && f.sequence >= run.startNumber && !this.reported.has(f.sequence),
      )
      .sort((a, b) => a.sequence - b.sequence);
    for (const file of tail) {
      const filePath = path.join(this.directory, file.name);
      if (fs.statSync(filePath).size === 0) {
        fs.rmSync(filePath, { force: true });
        continue;
      }
      const durationSeconds = await this.probe(filePath);
      if (durationSeconds === null) {
        this.options.logger.warn('an unfinished segment is not playable; it is kept but not uploaded', { filePath });
        continue;
      }
      this.report(file.sequence, durationSeconds);
    }
    const code = run.child.exitCode;
    const signal = run.child.signalCode;
    if (this.run === run) this.run = null;
    if (run.generation !== this.generation) return;
    // paused for disk space: the disk timer resumes it
    if (this.current.wanted === 'run' && this.current.observed === 'paused') return;
    if (this.current.wanted !== 'run') {
      this.update({ observed: 'stopped', pid: null, currentSegmentPath: null });
      return;
    }
    // the reason reaches the UI: FFmpeg's stderr may quote the input URL, so it goes through the redactor
    const why = this.options.logger.redactor.redact(
      `FFmpeg exited (${signal ?? `code ${code}`})${run.stderrTail.length ? `: ${run.stderrTail.slice(-3).join(' | ')}` : ''}`,
    );
    const baseMs = this.options.restartBaseMs ?? 1000;
    this.restartDelayMs =
      Date.now() - run.startedAtMs > STABLE_RUN_MS || this.restartDelayMs === 0
        ? baseMs
        : Math.min(this.options.restartMaxMs ?? 30_000, this.restartDelayMs * 2);
    this.options.logger.warn('recording FFmpeg exited; restarting', {
      entryId: this.options.entryId,
      reason: why,
      restartInMs: this.restartDelayMs,
    });
    this.update({
      observed: 'restarting',
      pid: null,
      reason: why,
      restarts: this.current.restarts + 1,
      currentSegmentPath: null,
    });
    await new Promise<void>((resolve) => {
      this.restartTimer = setTimeout(resolve, this.restartDelayMs);
      this.cancelRestart = resolve;
    });
    this.cancelRestart = null;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    if (this.current.wanted !== 'run') return;
    if (await this.diskIsLow()) return;
    this.spawnRun();
    await this.loop;
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
