// Owns the promise that no FFmpeg outlives the station, even after a crash: every running FFmpeg pid is recorded
// (with its /proc start time) in DATA/run/ffmpeg-pids.json, and reapOrphans() at start ends the recorded ones that
// are still alive, are still the same process (start time) and are still FFmpeg (cmdline).
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { linuxProcReader, type ProcReader } from './proc-stats.js';
import { killProcessGroup } from './spawner.js';

export interface PidRecord {
  pid: number;
  /** /proc/<pid>/stat starttime; null when it could not be read */
  startTimeTicks: number | null;
  /** what it transcodes, for the log */
  label: string;
  recordedAtMs: number;
}

export interface ReapResult {
  killed: number[];
  /** recorded pids that were gone, reused by another program, or not FFmpeg */
  skipped: number[];
}

/** where a supervisor records the pid of each run while it runs (PidRegistry, or a stub in tests) */
export interface PidRecords {
  add(pid: number, label: string): void;
  remove(pid: number): void;
}

export interface PidRegistryOptions {
  /** DATA/run/ffmpeg-pids.json */
  file: string;
  logger: Logger;
  proc?: ProcReader;
  /** signals a process group; default killProcessGroup */
  killGroup?: (pid: number, signal: NodeJS.Signals) => void;
  now?: () => number;
}

export function defaultPidFile(dataDir: string): string {
  return path.join(dataDir, 'run', 'ffmpeg-pids.json');
}

export class PidRegistry implements PidRecords {
  private readonly proc: ProcReader;
  private readonly killGroup: (pid: number, signal: NodeJS.Signals) => void;
  /** the file's content once read: this registry is its only writer, and list() is asked every second */
  private records: PidRecord[] | null = null;

  constructor(private readonly options: PidRegistryOptions) {
    this.proc = options.proc ?? linuxProcReader();
    this.killGroup = options.killGroup ?? killProcessGroup;
  }

  add(pid: number, label: string): void {
    const records = this.read().filter((r) => r.pid !== pid);
    records.push({
      pid,
      startTimeTicks: this.proc.stat(pid)?.startTimeTicks ?? null,
      label,
      recordedAtMs: (this.options.now ?? Date.now)(),
    });
    this.write(records);
  }

  remove(pid: number): void {
    const records = this.read();
    const kept = records.filter((r) => r.pid !== pid);
    if (kept.length !== records.length) this.write(kept);
  }

  list(): PidRecord[] {
    return this.read();
  }

  /**
   * Last resort, synchronous (usable in process.on('exit') after SIGTERM): kill every recorded FFmpeg that is still
   * ours. The normal path is TranscodeSession.stop(), which ends FFmpeg cleanly and removes its record.
   */
  killAll(): number[] {
    const killed: number[] = [];
    for (const record of this.read()) {
      if (!this.isOurFfmpeg(record)) continue;
      this.killGroup(record.pid, 'SIGKILL');
      killed.push(record.pid);
    }
    this.write([]);
    return killed;
  }

  /** At station start: end FFmpeg processes a previous (crashed) run left behind, then forget them all. */
  reapOrphans(): ReapResult {
    const result: ReapResult = { killed: [], skipped: [] };
    for (const record of this.read()) {
      if (this.isOurFfmpeg(record)) {
        this.options.logger.warn('ending an FFmpeg left behind by a previous run', {
          pid: record.pid,
          label: record.label,
        });
        this.killGroup(record.pid, 'SIGKILL');
        result.killed.push(record.pid);
      } else {
        result.skipped.push(record.pid);
      }
    }
    this.write([]);
    return result;
  }

  private isOurFfmpeg(record: PidRecord): boolean {
    const stat = this.proc.stat(record.pid);
    if (!stat || stat.state === 'Z') return false;
    if (record.startTimeTicks !== null && stat.startTimeTicks !== record.startTimeTicks) return false;
    const argv0 = this.proc.cmdline(record.pid)?.[0];
    return argv0 !== undefined && /ffmpeg(\.exe)?$/i.test(path.basename(argv0));
  }

  private read(): PidRecord[] {
    this.records ??= this.readFile();
    return [...this.records];
  }

  private readFile(): PidRecord[] {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.options.file, 'utf8')) as unknown;
      if (!Array.isArray(parsed)) return [];
      return parsed.filter(
        (r): r is PidRecord =>
          typeof r === 'object' && r !== null && Number.isInteger((r as PidRecord).pid) && (r as PidRecord).pid > 1,
      );
    } catch {
      return [];
    }
  }

  private write(records: PidRecord[]): void {
    this.records = [...records];
    fs.mkdirSync(path.dirname(this.options.file), { recursive: true });
    const tmp = `${this.options.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(records, null, 2));
    fs.renameSync(tmp, this.options.file);
  }
}
