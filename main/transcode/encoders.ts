// Owns hardware H.264 encoder detection: each candidate gets a real one-second test encode (lavfi testsrc -> null)
// at start, because an encoder listed by `ffmpeg -encoders` often has no device or driver behind it. The station
// uses the chosen one only if it passed, else falls back to libx264 with an alert.
import { HARDWARE_ENCODERS, type VideoEncoder } from './plan.js';
import { howItEnded, runOnce, succeeded } from '../process/run-once.js';

export interface TestRunResult {
  ok: boolean;
  /** last stderr line, for the log */
  detail: string;
}

export type TestRunner = (bin: string, args: string[], timeoutMs: number) => Promise<TestRunResult>;

export interface EncoderDetection {
  working: VideoEncoder[];
  failures: Partial<Record<VideoEncoder, string>>;
}

export function testEncodeArgs(encoder: VideoEncoder, vaapiDevice = '/dev/dri/renderD128'): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  if (encoder === 'h264_vaapi') args.push('-vaapi_device', vaapiDevice);
  args.push('-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30', '-t', '1');
  if (encoder === 'h264_vaapi') args.push('-vf', 'format=nv12,hwupload');
  else if (encoder === 'h264_qsv') args.push('-vf', 'format=nv12');
  else args.push('-pix_fmt', 'yuv420p');
  args.push('-c:v', encoder, '-f', 'null', '-');
  return args;
}

export const execTestRunner: TestRunner = async (bin, args, timeoutMs) => {
  const result = await runOnce(bin, args, { timeoutMs });
  const ok = succeeded(result);
  const lastLine = result.stderr.trim().split('\n').filter(Boolean).at(-1);
  return {
    ok,
    detail: result.timedOut ? howItEnded(result, timeoutMs) : (lastLine ?? (ok ? '' : howItEnded(result, timeoutMs))),
  };
};

/** Runs one test encode per candidate, one at a time (the machine may have 2 cores). */
export async function detectHardwareEncoders(options: {
  ffmpegPath: string;
  candidates?: readonly VideoEncoder[];
  run?: TestRunner;
  timeoutMs?: number;
  vaapiDevice?: string;
}): Promise<EncoderDetection> {
  const run = options.run ?? execTestRunner;
  const result: EncoderDetection = { working: [], failures: {} };
  for (const encoder of options.candidates ?? HARDWARE_ENCODERS) {
    const outcome = await run(
      options.ffmpegPath,
      testEncodeArgs(encoder, options.vaapiDevice),
      options.timeoutMs ?? 15_000,
    );
    if (outcome.ok) result.working.push(encoder);
    else result.failures[encoder] = outcome.detail || 'test encode failed';
  }
  return result;
}

/** The encoder to use: the wanted one if it works, else libx264 with an alert that names the problem and the fix. */
export function chooseEncoder(
  wanted: VideoEncoder,
  detection: EncoderDetection | null,
): { encoder: VideoEncoder; alert: string | null } {
  if (wanted === 'libx264') return { encoder: 'libx264', alert: null };
  if (detection?.working.includes(wanted)) return { encoder: wanted, alert: null };
  const why = detection?.failures[wanted] ?? 'it was not tested';
  return {
    encoder: 'libx264',
    alert: `hardware encoder ${wanted} failed its test encode (${why}); transcoding with libx264 (CPU) instead. Check the GPU driver, or choose another encoder in Settings`,
  };
}
