// Owns which segments of a recording session are finished: each FFmpeg run's CSV segment list, read on the
// station's time grid while the run lives, and after the run ends the unlisted tail it was writing (reported if it
// is playable, removed if empty). Each segment is reported once; the numbering continues across runs.
import fs from 'node:fs';
import path from 'node:path';
import { delayToGridMs, type Clock, type TimerHandle } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { ProbeDurationFn } from './probe.js';
import { nextSegmentNumber, parseSegmentList, segmentFileName, segmentSequence } from './segment-files.js';

export interface CollectedSegment {
  filePath: string;
  sequence: number;
  durationSeconds: number;
  sizeBytes: number;
}

export interface SegmentCollectorOptions {
  directory: string;
  clock: Clock;
  logger: Logger;
  listPollIntervalMs: number;
  probe: ProbeDurationFn;
  onFinished(segment: CollectedSegment): void;
}

interface CollectedRun {
  startNumber: number;
  listPath: string;
  listOffset: number;
}

export class SegmentCollector {
  private readonly reported = new Set<number>();
  private run: CollectedRun | null = null;
  private pollTimer: TimerHandle | null = null;

  constructor(private readonly options: SegmentCollectorOptions) {}

  /** A run starts: it numbers on after every segment on disk, and its list is read from now on. */
  beginRun(): { startNumber: number; listPath: string } {
    const startNumber = nextSegmentNumber(this.options.directory);
    const listPath = path.join(this.options.directory, `list_${String(startNumber).padStart(6, '0')}.csv`);
    const run: CollectedRun = { startNumber, listPath, listOffset: 0 };
    this.run = run;
    this.poll(run);
    return { startNumber, listPath };
  }

  /** the segment the running run writes first */
  get firstSegmentPath(): string | null {
    return this.run ? path.join(this.options.directory, segmentFileName(this.run.startNumber)) : null;
  }

  /** After the run ended: report what it listed, then the unlisted tail it was writing (if playable). */
  async endRun(): Promise<void> {
    const run = this.run;
    this.pollTimer?.cancel();
    this.pollTimer = null;
    if (!run) return;
    this.readList(run);
    const { directory } = this.options;
    const tail = fs
      .readdirSync(directory)
      .map((name) => ({ name, sequence: segmentSequence(name) }))
      .filter(
        (f): f is { name: string; sequence: number } =>
          f.sequence !== null && f.sequence >= run.startNumber && !this.reported.has(f.sequence),
      )
      .sort((a, b) => a.sequence - b.sequence);
    for (const file of tail) {
      const filePath = path.join(directory, file.name);
      if (fs.statSync(filePath).size === 0) {
        fs.rmSync(filePath, { force: true });
        continue;
      }
      const durationSeconds = await this.options.probe(filePath);
      if (durationSeconds === null) {
        this.options.logger.warn('an unfinished segment is not playable; it is kept but not uploaded', { filePath });
        continue;
      }
      this.report(file.sequence, durationSeconds);
    }
    if (this.run === run) this.run = null;
  }

  /** the CSV list on the station's time grid (delayToGridMs), so it shares the per-second wakeup */
  private poll(run: CollectedRun): void {
    const { clock, listPollIntervalMs } = this.options;
    this.pollTimer = clock.setTimer(
      () => {
        this.pollTimer = null;
        if (this.run !== run) return;
        this.readList(run);
        this.poll(run);
      },
      delayToGridMs(clock.nowMs(), listPollIntervalMs),
    );
  }

  private readList(run: CollectedRun): void {
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
    const filePath = path.join(this.options.directory, segmentFileName(sequence));
    let sizeBytes: number;
    try {
      sizeBytes = fs.statSync(filePath).size;
    } catch {
      this.options.logger.warn('a listed segment is missing on disk', { filePath });
      return;
    }
    this.reported.add(sequence);
    this.options.onFinished({ filePath, sequence, durationSeconds, sizeBytes });
  }
}
