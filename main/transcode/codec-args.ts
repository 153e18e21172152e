// Owns the pure per-stream codec options of the transcode argv: each video rung's encoder options (preset, profile,
// rate control, bitrate, key frames aligned to segments or following the source) per encoder, audio (AAC or copy),
// and the pixel format each encoder takes. Called by build-args.ts; no I/O.
import type { EncodeOptions, TranscodeInput, TranscodePlan, VideoEncoder, VideoPlan } from './plan.js';
import type { FfmpegDialect } from './ffmpeg-dialect.js';

const DEFAULT_PRESET = 'veryfast';
/** Kaltura's longest segment is 20 s: a source-following GOP must never be cut by the encoder before that */
const MAX_GOP_SECONDS = 20;
const FALLBACK_FPS = 30;

export function pixelFormat(encoder: VideoEncoder): string[] {
  if (encoder === 'h264_vaapi') return ['format=nv12', 'hwupload'];
  if (encoder === 'h264_qsv') return ['format=nv12'];
  return ['format=yuv420p'];
}

export function videoCodecArgs(
  video: VideoPlan,
  index: number,
  plan: TranscodePlan,
  options: EncodeOptions,
  input: TranscodeInput,
  dialect: FfmpegDialect,
): string[] {
  const s = `:v:${index}`;
  if (video.copy) return [`-c${s}`, 'copy'];
  const encoder = options.encoder;
  const preset = options.preset ?? DEFAULT_PRESET;
  const args = [`-c${s}`, encoder];
  const profile = video.profile ?? 'main';
  switch (encoder) {
    case 'libx264':
      args.push(`-preset${s}`, preset, `-tune${s}`, 'zerolatency', `-profile${s}`, profile);
      break;
    case 'h264_nvenc':
      args.push(
        `-preset${s}`,
        nvencPreset(preset),
        `-tune${s}`,
        'll',
        `-profile${s}`,
        profile,
        `-rc${s}`,
        video.constantBitrate ? 'cbr' : 'vbr',
        `-forced-idr${s}`,
        '1',
      );
      break;
    case 'h264_qsv':
      args.push(`-preset${s}`, qsvPreset(preset), `-profile${s}`, profile);
      break;
    case 'h264_vaapi':
      args.push(
        `-profile${s}`,
        profile === 'baseline' ? 'constrained_baseline' : profile,
        `-rc_mode${s}`,
        video.constantBitrate ? 'CBR' : 'VBR',
      );
      break;
    case 'h264_videotoolbox':
      args.push(`-profile${s}`, profile, `-realtime${s}`, '1');
      break;
  }
  args.push(
    `-b${s}`,
    String(video.bitrateBps),
    `-maxrate${s}`,
    String(video.maxrateBps),
    `-bufsize${s}`,
    String(video.bufsizeBps),
  );
  if (encoder === 'libx264') {
    if (video.constantBitrate) args.push(`-x264-params${s}`, 'nal-hrd=cbr');
    args.push(`-sc_threshold${s}`, '0');
  }
  // keep select's timestamps: the default (cfr at the link's rate) would duplicate every dropped frame back (5.1+)
  // before 5.1 (-vsync vfr above): a millisecond time base, else the HLS muxer sums packet durations of the
  // unthinned frame rate and writes EXTINF at 1/K of the real duration (verified on the bundled 2018 build)
  if (video.keepOneFrameIn > 1)
    args.push(...(dialect.fpsMode ? [`-fps_mode${s}`, 'vfr'] : [`-enc_time_base${s}`, '1:1000']));
  const fps = video.frameRateFps ?? input.frameRateFps ?? FALLBACK_FPS;
  if (plan.keyFrameMode === 'source') {
    args.push(`-g${s}`, String(Math.round(fps * MAX_GOP_SECONDS)), `-force_key_frames${s}`, 'source');
  } else {
    const seg = plan.segmentDurationSeconds;
    args.push(
      `-g${s}`,
      String(Math.max(1, Math.round(fps * seg * 2))),
      `-force_key_frames${s}`,
      `expr:gte(t,n_forced*${formatNumber(seg)})`,
    );
  }
  return args;
}

export function audioCodecArgs(audio: { copy: boolean; bitrateBps: number | null }, index: number): string[] {
  const s = `:a:${index}`;
  if (audio.copy) return [`-c${s}`, 'copy'];
  return [`-c${s}`, 'aac', `-b${s}`, String(audio.bitrateBps ?? 96_000)];
}

/** x264 preset names -> NVENC p1 (fastest) .. p7 */
function nvencPreset(preset: string): string {
  const table: Record<string, string> = {
    ultrafast: 'p1',
    superfast: 'p2',
    veryfast: 'p3',
    faster: 'p3',
    fast: 'p4',
    medium: 'p4',
    slow: 'p5',
    slower: 'p6',
    veryslow: 'p7',
  };
  return table[preset] ?? 'p3';
}

function qsvPreset(preset: string): string {
  return ['veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'].includes(preset) ? preset : 'veryfast';
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
}
