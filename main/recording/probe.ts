// Owns asking FFmpeg's tools for a media file's duration (used for a segment FFmpeg never listed because it
// was killed mid-file): ffprobe beside the FFmpeg in use when there is one, else that FFmpeg itself (the bundled
// static build ships no ffprobe). Through runOnce: argv only, no shell, bounded in time.
import fs from 'node:fs';
import path from 'node:path';
import { runOnce, succeeded } from '../process/run-once.js';

export type ProbeDurationFn = (filePath: string) => Promise<number | null>;

/** Duration in seconds, or null when ffprobe cannot read a duration (not a playable file). */
export function ffprobeDuration(ffprobePath: string, timeoutMs = 15_000): ProbeDurationFn {
  return async (filePath) => {
    const result = await runOnce(
      ffprobePath,
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', filePath],
      { timeoutMs, env: probeEnv() },
    );
    const seconds = Number(result.stdout.trim());
    return succeeded(result) && Number.isFinite(seconds) && seconds > 0 ? seconds : null;
  };
}

/**
 * The same duration from `ffmpeg -i FILE`, which prints the container's duration (the value ffprobe reads, to
 * 10 ms) and then exits 1 for want of an output: the exit code says nothing, the Duration line does.
 */
export function ffmpegDuration(ffmpegPath: string, timeoutMs = 15_000): ProbeDurationFn {
  return async (filePath) => {
    const result = await runOnce(ffmpegPath, ['-hide_banner', '-nostdin', '-i', filePath], {
      timeoutMs,
      env: probeEnv(),
    });
    return parseDurationLine(result.stderr);
  };
}

function probeEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '' };
}

/** "  Duration: 00:00:05.03, start: 1.400000, bitrate: ..." -> 5.03; "Duration: N/A" or none -> null */
export function parseDurationLine(text: string): number | null {
  const m = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(text);
  if (!m) return null;
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return seconds > 0 ? seconds : null;
}

/** ffprobe beside the FFmpeg in use (same build), else that FFmpeg itself. */
export function durationProbeFor(ffmpegPath: string, ffprobePath?: string): ProbeDurationFn {
  if (ffprobePath) return ffprobeDuration(ffprobePath);
  const beside = siblingFfprobe(ffmpegPath);
  return beside ? ffprobeDuration(beside) : ffmpegDuration(ffmpegPath);
}

export function siblingFfprobe(ffmpegPath: string): string | null {
  const candidate = path.join(path.dirname(ffmpegPath), path.basename(ffmpegPath).replace(/ffmpeg/, 'ffprobe'));
  return candidate !== ffmpegPath && fs.existsSync(candidate) ? candidate : null;
}
