// Owns the few direct touches of HLS files on disk besides FFmpeg's own writing: closing a playlist that FFmpeg
// could not close (killed) with #EXT-X-ENDLIST, reading the first finished segment for its codec strings, and
// writing our master playlist from the plan and those segments.
import fs from 'node:fs';
import path from 'node:path';
import { readAacCodecFromTs, readAvcCodecFromTs, readAvcSizeFromTs } from './hls-codecs.js';
import { parseMediaPlaylist } from './hls-playlist.js';
import {
  MASTER_PLAYLIST,
  VARIANT_PLAYLIST,
  masterFromPlan,
  renderMasterPlaylist,
  writeFileAtomic,
  type ObservedVariant,
} from './hls-master.js';
import type { HlsMeter } from './hls-meter.js';
import type { TranscodePlan } from './plan.js';

/** Appends #EXT-X-ENDLIST when the playlist exists and lacks it; returns true when it had to. */
export function ensureEndList(playlistFile: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(playlistFile, 'utf8');
  } catch {
    return false;
  }
  if (/#EXT-X-ENDLIST\s*$/.test(text) || !text.startsWith('#EXTM3U')) return false;
  fs.appendFileSync(playlistFile, (text.endsWith('\n') ? '' : '\n') + '#EXT-X-ENDLIST\n');
  return true;
}

/** The bytes of the first segment the folder's playlist lists (at most 256 KiB), or null. */
export function firstSegmentBytes(folderDir: string, maxBytes = 256 * 1024): Buffer | null {
  try {
    const playlist = parseMediaPlaylist(fs.readFileSync(path.join(folderDir, VARIANT_PLAYLIST), 'utf8'));
    const first = playlist.segments[0];
    if (!first) return null;
    const fd = fs.openSync(path.join(folderDir, path.basename(first.uri)), 'r');
    try {
      const buffer = Buffer.alloc(maxBytes);
      const read = fs.readSync(fd, buffer, 0, maxBytes, 0);
      return buffer.subarray(0, read);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
}

/**
 * For an FFmpeg that cannot name variants (before 4.2, FfmpegDialect.variantNames): its %v is the variant's index,
 * so each numbered folder is made a link to the named one the station serves and meters (a junction on Windows,
 * which needs no privilege). Idempotent; a stale entry of that name is replaced.
 */
export function linkNumberedFolders(dir: string, folders: readonly string[]): void {
  folders.forEach((folder, index) => {
    const target = path.join(dir, folder);
    const link = path.join(dir, String(index));
    fs.mkdirSync(target, { recursive: true });
    try {
      if (fs.readlinkSync(link) === target) return;
    } catch {
      // absent, or not a link
    }
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(target, link, 'junction');
  });
}

/**
 * Writes the master playlist of `dir` (atomically) from the plan and what the first listed segments show; returns
 * its path. Folders in `planOnly` take the plan's size and codec string: their first segment is from an earlier plan
 * (the source rung was passed through before it was re-encoded, or the other way round).
 */
export function writeMaster(
  dir: string,
  plan: TranscodePlan,
  meter: HlsMeter,
  planOnly: ReadonlySet<string> = new Set(),
): string {
  meter.sample();
  const observed = new Map<string, ObservedVariant>();
  for (const folder of meter.folders()) {
    const bytes = firstSegmentBytes(path.join(dir, folder));
    const stale = planOnly.has(folder);
    const size = bytes && !stale ? readAvcSizeFromTs(bytes) : null;
    if (size) meter.setObservedSize(folder, size.width, size.height);
    observed.set(folder, {
      ...size,
      avcCodec: bytes && !stale ? readAvcCodecFromTs(bytes) : null,
      aacCodec: bytes ? readAacCodecFromTs(bytes) : null,
      measuredBitrateBps: stale ? null : meter.measuredBps(folder),
    });
  }
  const masterPath = path.join(dir, MASTER_PLAYLIST);
  writeFileAtomic(masterPath, renderMasterPlaylist(masterFromPlan(plan, observed)));
  return masterPath;
}
