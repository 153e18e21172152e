// Owns the sandbox's files in DATA/sandbox: atomic JSON writes (tmp + rename), loading with validation,
// and setting a corrupt file aside (*.corrupt-<time>) instead of overwriting it.
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

export interface CorruptFileReport {
  /** the file that could not be read */
  path: string;
  /** where it was moved */
  keptAs: string;
  reason: string;
}

export function writeJsonAtomic(file: string, value: unknown, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 1), { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

export type LoadResult<T> =
  { kind: 'missing' } | { kind: 'ok'; value: T } | { kind: 'corrupt'; report: CorruptFileReport };

/** Reads and validates a JSON file; an unreadable one is renamed aside and reported, never deleted. */
export function loadJson<T>(file: string, schema: z.ZodType<T>, nowMs: number): LoadResult<T> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  let reason: string;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return { kind: 'ok', value: parsed.data };
    const issue = parsed.error.issues[0];
    reason = `unexpected content at ${issue ? issue.path.join('.') || '(root)' : '(root)'}: ${issue?.message ?? 'invalid'}`;
  } catch (e) {
    reason = `not valid JSON: ${(e as Error).message}`;
  }
  const keptAs = `${file}.corrupt-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}`;
  fs.renameSync(file, keptAs);
  return { kind: 'corrupt', report: { path: file, keptAs, reason } };
}
