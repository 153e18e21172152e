// Owns the whole-session file Kaltura recording takes (setRecordedContent once per session and rendition): the
// session's MPEG-TS segments concatenated in order into one file (MPEG-TS is made to be concatenated; each
// segment starts on a keyframe), written to a temp name, fsynced and renamed, so a crash never leaves a torn one.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

export function sessionFilePath(sessionDir: string): string {
  return path.join(sessionDir, 'session.ts');
}

/** Concatenates `segments` into `target`; returns its size in bytes. Every segment must exist and be readable. */
export async function buildSessionFile(target: string, segments: readonly string[]): Promise<number> {
  const tmp = `${target}.tmp`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const out = fs.createWriteStream(tmp);
  try {
    for (const segment of segments) await pipeline(fs.createReadStream(segment), out, { end: false });
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  } catch (e) {
    out.destroy();
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  const fd = fs.openSync(tmp, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
  return fs.statSync(target).size;
}
