// Owns the recorder's view of its disk: below the free-space margin it says how much is free and what to do (the
// disk-low alert); it may resume only with headroom above the margin, so a disk hovering there does not flap.
import type { Logger } from '../log/logger.js';
import { formatBytes, marginBytes, type DiskSpace, type StatfsFn } from './disk-space.js';
import type { DiskLowAlert, DiskRecoveredEvent } from './recorder-types.js';

/** a paused recording resumes at this multiple of the free-space margin */
const RESUME_HEADROOM = 1.1;

export interface DiskGuardOptions {
  directory: string;
  entryId: string;
  statfs: StatfsFn;
  minFreeBytes: number;
  minFreePercent: number;
  logger: Logger;
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

export class DiskGuard {
  constructor(private readonly options: DiskGuardOptions) {}

  /** the disk-low alert when free space is below the margin, else null (also when it cannot be read) */
  async lowAlert(): Promise<DiskLowAlert | null> {
    const read = await this.read();
    if (!read || read.space.freeBytes >= read.margin) return null;
    const { space, margin } = read;
    const { entryId, directory } = this.options;
    return {
      kind: 'disk-low',
      entryId,
      directory,
      freeBytes: space.freeBytes,
      marginBytes: margin,
      message: `disk full: ${megabytes(space.freeBytes)} MB free, recording paused for ${entryId} (needs ${formatBytes(margin)} free on the disk of ${directory}). It resumes by itself when space returns: free some space or choose another data folder; finished segments are kept and uploaded.`,
    };
  }

  /** the recovery event once free space is back above the margin with headroom, else null */
  async recovered(): Promise<DiskRecoveredEvent | null> {
    const read = await this.read();
    if (!read || read.space.freeBytes < read.margin * RESUME_HEADROOM) return null;
    const { entryId } = this.options;
    return {
      kind: 'disk-ok',
      entryId,
      freeBytes: read.space.freeBytes,
      message: `disk space back: ${megabytes(read.space.freeBytes)} MB free, recording of ${entryId} resumed`,
    };
  }

  private async read(): Promise<{ space: DiskSpace; margin: number } | null> {
    const { directory, minFreeBytes, minFreePercent } = this.options;
    try {
      const space = await this.options.statfs(directory);
      return { space, margin: marginBytes(space, { minFreeBytes, minFreePercent }) };
    } catch (e) {
      this.options.logger.warn('cannot read free disk space; recording continues', {
        directory,
        error: (e as Error).message,
      });
      return null;
    }
  }
}
