// Owns the on-disk naming of recording segments (DATA/recordings/<entryId>/<sessionId>/seg_NNNNNN.ts,
// one FFmpeg CSV segment list per run) and the pure parsing of FFmpeg's CSV segment list.
import fs from 'node:fs';
import path from 'node:path';

export const SEGMENT_PATTERN = 'seg_%06d.ts';
const SEGMENT_RE = /^seg_(\d{6,})\.ts$/;

export function sessionDirectory(dataDir: string, entryId: string, sessionId: string): string {
  for (const [name, value] of [
    ['entryId', entryId],
    ['sessionId', sessionId],
  ] as const) {
    if (!/^[A-Za-z0-9_.-]+$/.test(value) || value === '.' || value === '..') {
      throw new Error(
        `recording ${name} "${value}" cannot be used as a folder name; use letters, digits, '_', '-' or '.'`,
      );
    }
  }
  return path.join(dataDir, 'recordings', entryId, sessionId);
}

export function segmentFileName(sequence: number): string {
  return `seg_${String(sequence).padStart(6, '0')}.ts`;
}

export function segmentSequence(fileName: string): number | null {
  const match = SEGMENT_RE.exec(fileName);
  return match ? Number(match[1]) : null;
}

/** The number the next FFmpeg run starts at: one past every segment already in the folder, so nothing is overwritten. */
export function nextSegmentNumber(directory: string): number {
  let next = 0;
  let names: string[] = [];
  try {
    names = fs.readdirSync(directory);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  for (const name of names) {
    const sequence = segmentSequence(name);
    if (sequence !== null && sequence + 1 > next) next = sequence + 1;
  }
  return next;
}

export interface SegmentListEntry {
  fileName: string;
  sequence: number;
  startSeconds: number;
  endSeconds: number;
  durationSeconds: number;
}

/**
 * Parses complete lines of FFmpeg's `-segment_list_type csv` output ("seg_000003.ts,6.000000,8.021333").
 * Returns the entries and how many characters were consumed (a trailing partial line is left for later).
 */
export function parseSegmentList(text: string): { entries: SegmentListEntry[]; consumedChars: number } {
  const entries: SegmentListEntry[] = [];
  const lastNewline = text.lastIndexOf('\n');
  if (lastNewline < 0) return { entries, consumedChars: 0 };
  for (const rawLine of text.slice(0, lastNewline).split('\n')) {
    const line = rawLine.trim();
    if (line === '') continue;
    const parts = line.split(',');
    const fileName = parts[0]?.replace(/^"|"$/g, '') ?? '';
    const startSeconds = Number(parts[1]);
    const endSeconds = Number(parts[2]);
    const sequence = segmentSequence(path.basename(fileName));
    if (sequence === null || !Number.isFinite(startSeconds) || !Number.isFinite(endSeconds)) continue;
    entries.push({
      fileName: path.basename(fileName),
      sequence,
      startSeconds,
      endSeconds,
      durationSeconds: Math.max(0, Math.round((endSeconds - startSeconds) * 1e6) / 1e6),
    });
  }
  return { entries, consumedChars: lastNewline + 1 };
}
