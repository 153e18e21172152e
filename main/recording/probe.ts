// Owns asking ffprobe for a media file's duration (used for a segment FFmpeg never listed because it
// was killed mid-file): argv only, no shell, bounded in time.
import { execFile } from 'node:child_process';

export type ProbeDurationFn = (filePath: string) => Promise<number | null>;

/** Duration in seconds, or null when ffprobe cannot read a duration (not a playable file). */
export function ffprobeDuration(ffprobePath: string, timeoutMs = 15_000): ProbeDurationFn {
  return (filePath) =>
    new Promise((resolve) => {
      execFile(
        ffprobePath,
        ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', filePath],
        { timeout: timeoutMs, env: { PATH: process.env.PATH ?? '' } },
        (error, stdout) => {
          const seconds = Number(String(stdout).trim());
          resolve(!error && Number.isFinite(seconds) && seconds > 0 ? seconds : null);
        },
      );
    });
}
