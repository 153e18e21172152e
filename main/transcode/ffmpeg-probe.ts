// Owns asking the FFmpeg in use what it can do, at start and when its path changes: one short run per question
// (CAPABILITY_PROBES), argv only, no shell, bounded in time; the answers go to the pure parsers.
import { howItEnded, runOnce, succeeded } from '../process/run-once.js';
import type { FfmpegInfo } from '../../shared/station-info.js';
import {
  CAPABILITY_PROBES,
  parseCapabilities,
  releaseText,
  type FfmpegCapabilities,
  type FfmpegProbeOutputs,
} from './ffmpeg-capabilities.js';
import { ffmpegSupportNote } from './ffmpeg-dialect.js';

/** Runs bin with args; resolves with stdout and stderr together (help goes to either, by version). */
export type ProbeRunner = (bin: string, args: readonly string[]) => Promise<string>;

export const execProbeRunner: ProbeRunner = async (bin, args) => {
  const timeoutMs = 10_000;
  const result = await runOnce(bin, args, { timeoutMs });
  const text = `${result.stdout}${result.stderr}`;
  // `-h muxer=x` exits 0; a failed probe with output is still an answer (old builds exit 1 after help)
  if (!succeeded(result) && text.trim() === '')
    throw result.error ?? new Error(`${bin} ${args.join(' ')} ${howItEnded(result, timeoutMs)}`);
  return text;
};

export async function readFfmpegCapabilities(
  bin: string,
  run: ProbeRunner = execProbeRunner,
): Promise<FfmpegCapabilities> {
  const outputs = {} as FfmpegProbeOutputs;
  // one at a time: the station starts on a laptop that may already be busy
  for (const key of Object.keys(CAPABILITY_PROBES) as Array<keyof FfmpegProbeOutputs>)
    outputs[key] = await run(bin, CAPABILITY_PROBES[key]);
  return parseCapabilities(outputs);
}

/** The FfmpegInfo the producer sees, with what the FFmpeg cannot do and the warning to show before any stream. */
export function withSupport(info: FfmpegInfo, caps: FfmpegCapabilities | null): FfmpegInfo {
  if (!caps) return info;
  const note = ffmpegSupportNote(caps);
  return {
    ...info,
    release: releaseText(caps.release),
    lacks: note.lacks,
    olderEquivalents: note.olderEquivalents,
    warning: note.warning,
  };
}
