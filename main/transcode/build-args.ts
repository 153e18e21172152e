// Owns the pure translation of a Ladder into ONE FFmpeg argv per ingest stream (media.md 2.1): decode once,
// split, scale and encode per rung, copy passthrough rungs, aligned key frames, HLS variants per StreamName.
// Each stream's codec options are codec-args.ts. No I/O here: tests compare whole argv arrays.
import path from 'node:path';
import type { Ladder } from '../../shared/ladder.js';
import {
  type EncodeOptions,
  type HlsOutput,
  type TranscodeInput,
  type TranscodePlan,
  type VariantPlan,
  type VideoEncoder,
  type VideoPlan,
  planTranscode,
} from './plan.js';
import type { FfmpegCapabilities } from './ffmpeg-capabilities.js';
import { assertCapable, dialectOf, type FeatureRequirement, type FfmpegDialect } from './ffmpeg-dialect.js';
import { audioCodecArgs, formatNumber, pixelFormat, videoCodecArgs } from './codec-args.js';

/**
 * `ffmpeg` is what the FFmpeg in use can do (null: not read, the modern dialect). Throws FfmpegCapabilityError
 * when the plan needs something that FFmpeg lacks with no older equivalent.
 */
export function buildFfmpegArgs(
  ladder: Ladder,
  input: TranscodeInput,
  output: HlsOutput,
  options: EncodeOptions,
  ffmpeg: FfmpegCapabilities | null = null,
): string[] {
  return buildFfmpegArgsFromPlan(planTranscode(ladder, input, output, options), input, output, options, ffmpeg);
}

export function buildFfmpegArgsFromPlan(
  plan: TranscodePlan,
  input: TranscodeInput,
  output: HlsOutput,
  options: EncodeOptions,
  ffmpeg: FfmpegCapabilities | null = null,
): string[] {
  assertCapable(ffmpeg, requirementsOf(plan, options));
  const dialect = dialectOf(ffmpeg);
  const args = ['-hide_banner', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1'];
  if (dialect.statsPeriod) args.push('-stats_period', '1');
  if (options.encoder === 'h264_vaapi') args.push('-vaapi_device', options.vaapiDevice ?? '/dev/dri/renderD128');
  if (input.readRealtime) args.push('-re');
  if (input.format) args.push('-f', input.format);
  // a live input: the FLV sequence headers arrive first, so long stream probing only delays the first segment
  if (input.live ?? /^rtmps?:\/\//.test(input.url)) args.push('-fpsprobesize', '0', '-analyzeduration', '1000000');
  args.push('-i', input.url);

  const encoded = plan.variants.filter((v) => v.video && !v.video.copy);
  const filter = filterGraph(plan, encoded, options.encoder);
  if (filter) args.push('-filter_complex', filter);

  // Maps: every video first (in ladder order), then audio, so that v:N and a:N count in that order.
  const videoLabels = new Map<VariantPlan, number>();
  let encodedIndex = 0;
  let videoIndex = 0;
  for (const variant of plan.variants) {
    if (!variant.video) continue;
    args.push('-map', variant.video.copy ? '0:v:0' : `[v${encodedIndex++}]`);
    videoLabels.set(variant, videoIndex++);
  }
  const audioIndexes = new Map<VariantPlan, number>();
  let audioIndex = 0;
  if (plan.audioGroup) {
    args.push('-map', '0:a:0');
    audioIndex++;
  } else {
    for (const variant of plan.variants) {
      if (!variant.audio) continue;
      args.push('-map', '0:a:0');
      audioIndexes.set(variant, audioIndex++);
    }
  }

  // before 5.1 the sync method is one global option, not per stream (vfr passes every kept frame's timestamp)
  if (!dialect.fpsMode && encoded.some((v) => (v.video as VideoPlan).keepOneFrameIn > 1)) args.push('-vsync', 'vfr');
  for (const variant of plan.variants) {
    const index = videoLabels.get(variant);
    if (index === undefined || !variant.video) continue;
    args.push(...videoCodecArgs(variant.video, index, plan, options, input, dialect));
  }
  if (plan.audioGroup) args.push(...audioCodecArgs(plan.audioGroup.audio, 0));
  for (const variant of plan.variants) {
    const index = audioIndexes.get(variant);
    if (index !== undefined && variant.audio) args.push(...audioCodecArgs(variant.audio, index));
  }
  if (options.threads !== undefined) args.push('-threads', String(options.threads));

  const flags = ['independent_segments'];
  if (output.deleteOldSegments) flags.push('delete_segments');
  if (output.appendToExisting) flags.push('append_list', 'discont_start');
  if (output.omitEndList) flags.push('omit_endlist');
  args.push(
    '-f',
    'hls',
    '-hls_time',
    formatNumber(output.segmentDurationSeconds),
    '-hls_list_size',
    String(output.playlistSize),
    '-hls_flags',
    flags.join('+'),
    '-hls_segment_type',
    'mpegts',
    '-start_number',
    String(output.startNumber ?? 0),
    '-var_stream_map',
    varStreamMap(plan, videoLabels, audioIndexes, dialect),
    '-hls_segment_filename',
    path.join(output.dir, '%v', 'seg_%05d.ts'),
    path.join(output.dir, '%v', 'index.m3u8'),
  );
  return args;
}

function filterGraph(plan: TranscodePlan, encoded: VariantPlan[], encoder: VideoEncoder): string | null {
  if (encoded.length === 0) return null;
  const head = '[0:v:0]';
  // the ladder's Deinterlace is applied once, before the split
  const pre = plan.deinterlace ? ['yadif'] : [];
  const branches = encoded.map((_v, i) => `[v${i}]`);
  const parts: string[] = [];
  const sources = encoded.length === 1 ? [head] : encoded.map((_v, i) => `[s${i}]`);
  if (encoded.length > 1) parts.push(`${head}${[...pre, `split=${encoded.length}`].join(',')}${sources.join('')}`);
  encoded.forEach((variant, i) => {
    const video = variant.video as VideoPlan;
    const chain: string[] = encoded.length === 1 ? [...pre] : [];
    if (video.scale) chain.push(video.scale);
    if (video.keepOneFrameIn > 1) {
      // select instead of fps: in 'source' mode it must keep the source's key frames, which fps would drop
      chain.push(
        plan.keyFrameMode === 'source'
          ? `select='key+not(mod(n,${video.keepOneFrameIn}))'`
          : `select='not(mod(n,${video.keepOneFrameIn}))'`,
      );
    }
    chain.push(...pixelFormat(encoder));
    parts.push(`${sources[i]}${chain.join(',')}${branches[i]}`);
  });
  return parts.join(';');
}

/** What this plan needs of the FFmpeg beyond the basics every stream needs. */
function requirementsOf(plan: TranscodePlan, options: EncodeOptions): FeatureRequirement[] {
  const encoded = plan.variants.filter((v) => v.video && !v.video.copy);
  if (encoded.length === 0) return [];
  const wanted: FeatureRequirement[] = [];
  if (options.encoder === 'libx264') wanted.push('libx264');
  if (options.encoder === 'h264_vaapi') wanted.push('hwupload');
  if (options.encoder === 'h264_nvenc') wanted.push('nvencPresets');
  if (plan.deinterlace) wanted.push('yadif');
  if (encoded.some((v) => (v.video as VideoPlan).keepOneFrameIn > 1)) wanted.push('select', 'vfrRungs');
  return wanted;
}

/**
 * The folder of each var_stream_map entry, in its order: FFmpeg's %v is this folder when it knows variant names,
 * else the entry's index, and the session links index -> folder (see FfmpegDialect.variantNames).
 */
export function variantFolders(plan: TranscodePlan): string[] {
  const folders = plan.variants.map((v) => v.streamName);
  if (plan.audioGroup) folders.push(plan.audioGroup.streamName);
  return folders;
}

function varStreamMap(
  plan: TranscodePlan,
  videoLabels: Map<VariantPlan, number>,
  audioIndexes: Map<VariantPlan, number>,
  dialect: FfmpegDialect,
): string {
  const name = (folder: string): string[] => (dialect.variantNames ? [`name:${folder}`] : []);
  const entries = plan.variants.map((variant) => {
    const parts: string[] = [];
    const v = videoLabels.get(variant);
    if (v !== undefined) parts.push(`v:${v}`);
    const a = audioIndexes.get(variant);
    if (a !== undefined) parts.push(`a:${a}`);
    if (variant.usesAudioGroup && plan.audioGroup) parts.push(`agroup:${plan.audioGroup.groupId}`);
    parts.push(...name(variant.streamName));
    return parts.join(',');
  });
  if (plan.audioGroup)
    entries.push([`a:0,agroup:${plan.audioGroup.groupId}`, ...name(plan.audioGroup.streamName)].join(','));
  return entries.join(' ');
}
