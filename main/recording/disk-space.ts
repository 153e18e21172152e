// Owns the free-space rule for recording: how much room a folder's disk has, and whether it is
// below the margin (absolute bytes, or a share of the disk, whichever is larger).
import fs from 'node:fs';

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

export type StatfsFn = (directory: string) => Promise<DiskSpace>;

export async function statfsDiskSpace(directory: string): Promise<DiskSpace> {
  const stats = await fs.promises.statfs(directory);
  return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
}

export interface DiskMargin {
  minFreeBytes: number;
  minFreePercent: number;
}

export function marginBytes(space: DiskSpace, margin: DiskMargin): number {
  return Math.max(margin.minFreeBytes, (space.totalBytes * margin.minFreePercent) / 100);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}
