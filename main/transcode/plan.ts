// Owns the pure step from a Ladder plus what we know of the input to a concrete plan: which variants exist,
// their output size, frame rate, rate control, audio (shared group or per variant) and key-frame policy.
// build-args.ts turns the plan into argv; hls-master.ts turns it into the master playlist.
import type { FitMode, Ladder, Rendition } from '../../shared/ladder.js';

export type VideoEncoder = 'libx264' | 'h264_nvenc' | 'h264_vaapi' | 'h264_qsv' | 'h264_videotoolbox';
export const HARDWARE_ENCODERS: readonly VideoEncoder[] = ['h264_nvenc', 'h264_vaapi', 'h264_qsv', 'h264_videotoolbox'];

export interface TranscodeInput {
  /** FEED_INPUT_URL (pipe:3, the station's live feed), rtmp://..., or a file path in tests */
  url: string;
  /** -f before -i, e.g. 'flv' for the feed pipe (nothing to probe a format from) */
  format?: string;
  /** a live input (feed or RTMP): its FLV sequence headers come first, so probing is kept short */
  live?: boolean;
  frameRateFps: number | null;
  width: number | null;
  height: number | null;
  hasAudio: boolean;
  hasVideo: boolean;
  /** onMetaData audio codec, e.g. 'AAC', 'MP3'; null = unknown */
  audioCodec: string | null;
  /** declared video bitrate, used for a passthrough rung's BANDWIDTH */
  videoBitrateBps?: number | null;
  /** -re: read a file at its native rate (tests and benches; never for a live pull) */
  readRealtime?: boolean;
}

export interface HlsOutput {
  dir: string;
  segmentDurationSeconds: number;
  /** segments kept in each playlist (DVR: dvrWindow minutes worth) */
  playlistSize: number;
  deleteOldSegments: boolean;
  startNumber?: number;
  /** continue existing playlists with #EXT-X-DISCONTINUITY (restart after a failure, resumed publish) */
  appendToExisting?: boolean;
  /** FFmpeg never writes #EXT-X-ENDLIST (the session does, when the stream really ends) */
  omitEndList?: boolean;
}

export type KeyFrameMode = 'source' | 'interval';

export interface EncodeOptions {
  encoder: VideoEncoder;
  /** x264 preset; default 'veryfast' */
  preset?: string;
  threads?: number;
  /** default: 'source' when a passthrough video rung needs alignment with the source's GOP, else 'interval' */
  keyFrameMode?: KeyFrameMode;
  /**
   * the ladder's passthrough video rung is encoded instead, at this bitrate (the source's), with the other rungs'
   * fixed key frames: for a source whose GOP is too long to cut segments on (gop-policy.ts)
   */
  reencodeSourceBps?: number | null;
  /** h264_vaapi render node; default /dev/dri/renderD128 */
  vaapiDevice?: string;
}

export interface VideoPlan {
  copy: boolean;
  profile: 'baseline' | 'main' | 'high' | null;
  bitrateBps: number | null;
  maxrateBps: number | null;
  bufsizeBps: number | null;
  constantBitrate: boolean;
  /** output size when it can be known from the input */
  width: number | null;
  height: number | null;
  frameRateFps: number | null;
  /** scale filter, e.g. 'scale=480:-2'; null = keep the source size */
  scale: string | null;
  /** keep 1 of (skipFrameCount+1) frames */
  keepOneFrameIn: number;
  /** the ladder asked for passthrough; this plan encodes the source instead (EncodeOptions.reencodeSourceBps) */
  reencodedSource?: boolean;
}

export interface AudioPlan {
  copy: boolean;
  bitrateBps: number | null;
}

export interface VariantPlan {
  streamName: string;
  name: string;
  video: VideoPlan | null;
  /** null when the variant has no audio of its own (no audio, or it uses the shared group) */
  audio: AudioPlan | null;
  usesAudioGroup: boolean;
}

export interface AudioGroupPlan {
  groupId: string;
  /** folder of the audio-only playlist */
  streamName: string;
  audio: AudioPlan;
}

export interface TranscodePlan {
  variants: VariantPlan[];
  audioGroup: AudioGroupPlan | null;
  keyFrameMode: KeyFrameMode;
  segmentDurationSeconds: number;
  deinterlace: boolean;
  warnings: string[];
}

export const AUDIO_GROUP_ID = 'aud';
export const AUDIO_GROUP_FOLDER = 'audio';
const MAXRATE_FACTOR = 1.07;
const BUFSIZE_FACTOR = 1.5;

export class TranscodePlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranscodePlanError';
  }
}

export function planTranscode(
  ladder: Ladder,
  input: TranscodeInput,
  output: HlsOutput,
  options: EncodeOptions,
): TranscodePlan {
  const warnings: string[] = [];
  if (!(output.segmentDurationSeconds > 0))
    throw new TranscodePlanError(
      `segment duration ${output.segmentDurationSeconds} s is not positive; Kaltura allows 1-20 s`,
    );
  if (!input.hasVideo && !input.hasAudio)
    throw new TranscodePlanError(
      "the input has neither video nor audio: nothing to transcode; check the encoder's output settings",
    );
  const sourceFps = input.frameRateFps ?? ladder.sourceFrameRateFps;
  const audioIsAac =
    input.audioCodec === null || input.audioCodec.toUpperCase() === 'AAC' || input.audioCodec.toLowerCase() === 'mp4a';
  const variants: VariantPlan[] = [];
  for (const rendition of ladder.renditions) {
    const video =
      input.hasVideo && rendition.video
        ? planVideo(rendition, input, sourceFps, options.reencodeSourceBps ?? null)
        : null;
    let audio: AudioPlan | null = null;
    if (input.hasAudio && rendition.audio) {
      audio = { copy: rendition.audio.codec === 'copy', bitrateBps: rendition.audio.bitrateBps };
      if (audio.copy && !audioIsAac) {
        warnings.push(
          `${rendition.name}: source audio is ${input.audioCodec}, not AAC; encoding AAC 96 kbps instead of passing it through`,
        );
        audio = { copy: false, bitrateBps: 96_000 };
      }
    }
    if (!video && !audio) {
      warnings.push(`${rendition.name}: skipped, the input has no ${rendition.video ? 'video' : 'audio'} for it`);
      continue;
    }
    variants.push({ streamName: rendition.streamName, name: rendition.name, video, audio, usesAudioGroup: false });
  }
  if (variants.length === 0)
    throw new TranscodePlanError(
      'no rendition of the ladder fits the input (e.g. audio-only ladder for a video-only stream); check the encoder output or the conversion profile',
    );

  // One shared audio encode when every variant has video and identical audio: the ~7% saving of media.md 2.1.
  let audioGroup: AudioGroupPlan | null = null;
  const withAudio = variants.filter((v) => v.audio);
  const first = withAudio[0]?.audio;
  if (
    first &&
    withAudio.length >= 2 &&
    withAudio.length === variants.length &&
    variants.every((v) => v.video) &&
    withAudio.every((v) => v.audio?.copy === first.copy && v.audio?.bitrateBps === first.bitrateBps)
  ) {
    audioGroup = { groupId: AUDIO_GROUP_ID, streamName: AUDIO_GROUP_FOLDER, audio: first };
    for (const v of variants) {
      v.audio = null;
      v.usesAudioGroup = true;
    }
  }

  const hasCopyVideo = variants.some((v) => v.video?.copy);
  const keyFrameMode = options.keyFrameMode ?? (hasCopyVideo ? 'source' : 'interval');
  return {
    variants,
    audioGroup,
    keyFrameMode,
    segmentDurationSeconds: output.segmentDurationSeconds,
    deinterlace: ladder.deinterlace,
    warnings,
  };
}

function planVideo(
  rendition: Rendition,
  input: TranscodeInput,
  sourceFps: number | null,
  reencodeSourceBps: number | null,
): VideoPlan {
  const spec = rendition.video;
  if (!spec) throw new TranscodePlanError(`${rendition.name} has no video`);
  if (spec.codec === 'copy' && reencodeSourceBps !== null && reencodeSourceBps > 0) {
    // the source's size and frame rate at the source's bitrate: as close to passthrough as an encode gets
    const bitrateBps = Math.round(reencodeSourceBps);
    return {
      copy: false,
      profile: 'high',
      bitrateBps,
      maxrateBps: Math.round(bitrateBps * MAXRATE_FACTOR),
      bufsizeBps: Math.round(bitrateBps * BUFSIZE_FACTOR),
      constantBitrate: false,
      width: input.width,
      height: input.height,
      frameRateFps: sourceFps,
      scale: null,
      keepOneFrameIn: 1,
      reencodedSource: true,
    };
  }
  if (spec.codec === 'copy') {
    return {
      copy: true,
      profile: null,
      bitrateBps: input.videoBitrateBps ?? null,
      maxrateBps: null,
      bufsizeBps: null,
      constantBitrate: false,
      width: input.width,
      height: input.height,
      frameRateFps: sourceFps,
      scale: null,
      keepOneFrameIn: 1,
    };
  }
  const size = outputSize(spec.fitMode, spec.width, spec.height, input.width, input.height);
  const bitrateBps = spec.bitrateBps ?? 240_000;
  const keepOneFrameIn = spec.skipFrameCount + 1;
  return {
    copy: false,
    profile: spec.profile ?? 'main',
    bitrateBps,
    maxrateBps: spec.constantBitrate ? bitrateBps : Math.round(bitrateBps * MAXRATE_FACTOR),
    bufsizeBps: Math.round(bitrateBps * BUFSIZE_FACTOR),
    constantBitrate: spec.constantBitrate,
    width: size.width,
    height: size.height,
    frameRateFps: sourceFps === null ? null : round3(sourceFps / keepOneFrameIn),
    scale: size.scale,
    keepOneFrameIn,
  };
}

/** Keep the aspect ratio; never upscale beyond the source when its size is known (and via min() when not). */
export function outputSize(
  fitMode: FitMode,
  width: number | null,
  height: number | null,
  srcWidth: number | null,
  srcHeight: number | null,
): { width: number | null; height: number | null; scale: string | null } {
  const known = srcWidth !== null && srcHeight !== null && srcWidth > 0 && srcHeight > 0;
  if (fitMode === 'fit-width' && width !== null) {
    if (!known) return { width: null, height: null, scale: `scale='min(${width},iw)':-2` };
    if (width >= srcWidth) return { width: srcWidth, height: srcHeight, scale: null };
    return { width, height: even((srcHeight * width) / srcWidth), scale: `scale=${width}:-2` };
  }
  if (fitMode === 'fit-height' && height !== null) {
    if (!known) return { width: null, height: null, scale: `scale=-2:'min(${height},ih)'` };
    if (height >= srcHeight) return { width: srcWidth, height: srcHeight, scale: null };
    return { width: even((srcWidth * height) / srcHeight), height, scale: `scale=-2:${height}` };
  }
  return { width: known ? srcWidth : null, height: known ? srcHeight : null, scale: null };
}

/** FFmpeg's -2 (scale_eval.c): rescale with rounding, then truncate to a multiple of 2 */
function even(value: number): number {
  return Math.max(2, Math.floor(Math.round(value) / 2) * 2);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
