// Owns the step from what an FFmpeg can do (FfmpegCapabilities) to how the station must speak to it (FfmpegDialect):
// the modern option where it has it, the older equivalent where not, and a typed refusal (what is missing, the
// release that has it, the fix) where there is none. Pure; build-args.ts and the station read it.
import { atLeast, releaseText, type FfmpegCapabilities } from './ffmpeg-capabilities.js';

export interface FfmpegDialect {
  /** -stats_period 1 (4.4+); else FFmpeg's own -progress cadence (every 0.5 s), which the watchdog accepts */
  statsPeriod: boolean;
  /** per-stream -fps_mode vfr (5.1+); else the global -vsync vfr plus a millisecond encoder time base */
  fpsMode: boolean;
  /**
   * var_stream_map "name:" (4.2+) names each variant's folder; else FFmpeg writes to folders named by variant
   * index, which the transcode session links to the named folders before it starts FFmpeg
   */
  variantNames: boolean;
}

/** The dialect of every FFmpeg from 5.1 on, and of tests that do not care which FFmpeg runs. */
export const MODERN_DIALECT: FfmpegDialect = { statsPeriod: true, fpsMode: true, variantNames: true };

export const RECOMMENDED_RELEASE = '6.0';
export const FFMPEG_FIX =
  'install a current FFmpeg (6.x or 7.x; e.g. apt-get install ffmpeg, or the release build for your system) and set its path in Settings or FFMPEG_PATH';

export function dialectOf(caps: FfmpegCapabilities | null): FfmpegDialect {
  if (!caps) return MODERN_DIALECT;
  return {
    statsPeriod: caps.options.has('stats_period'),
    fpsMode: caps.options.has('fps_mode'),
    // not visible in any help text: a value syntax of var_stream_map, added in FFmpeg 4.2
    variantNames: atLeast(caps.release, 4, 2),
  };
}

/** One thing the station needs that this FFmpeg cannot do, with no older equivalent. */
export interface FfmpegLack {
  /** what is missing, as FFmpeg calls it: 'muxer hls', 'filter yadif', 'encoder libx264', 'option enc_time_base' */
  missing: string;
  /** what the station cannot do without it */
  impact: string;
  /** the first FFmpeg release that has it */
  minRelease: string;
}

export class FfmpegCapabilityError extends Error {
  constructor(
    readonly lacks: FfmpegLack[],
    readonly ffmpegVersion: string | null,
  ) {
    super(
      `the FFmpeg in use (${ffmpegVersion ?? 'unknown version'}) cannot ${lacks.map((l) => `${l.impact} (it lacks ${l.missing}, FFmpeg ${l.minRelease}+ has it)`).join('; ')}: ${FFMPEG_FIX}`,
    );
    this.name = 'FfmpegCapabilityError';
  }
}

interface Requirement extends FfmpegLack {
  has(caps: FfmpegCapabilities): boolean;
}

const need = (
  missing: string,
  impact: string,
  minRelease: string,
  has: (c: FfmpegCapabilities) => boolean,
): Requirement => ({ missing, impact, minRelease, has });

/** Needed for every stream. */
export const CORE_REQUIREMENTS: readonly Requirement[] = [
  need('muxer hls', 'write HLS', '4.0', (c) => c.muxers.has('hls')),
  need('hls option var_stream_map', 'write a ladder from one FFmpeg', '4.0', (c) => c.hlsOptions.has('var_stream_map')),
  need('hls flag independent_segments', 'write HLS', '4.0', (c) => c.hlsOptions.has('independent_segments')),
  need('hls flag discont_start', 'continue a playlist after a restart', '4.0', (c) =>
    c.hlsOptions.has('discont_start'),
  ),
  need('hls flag append_list', 'continue a playlist after a restart', '4.0', (c) => c.hlsOptions.has('append_list')),
  need('filter split', 'encode a ladder', '4.0', (c) => c.filters.has('split')),
  need('filter scale', 'encode a ladder', '4.0', (c) => c.filters.has('scale')),
  need('filter format', 'encode a ladder', '4.0', (c) => c.filters.has('format')),
  need('encoder aac', 'encode audio', '4.0', (c) => c.encoders.has('aac')),
  need('muxer segment', 'record', '4.0', (c) => c.muxers.has('segment')),
];

/** Needed only by some ladders or settings. */
export const FEATURE_REQUIREMENTS = {
  libx264: need('encoder libx264', 'encode H.264 on the CPU', '4.0', (c) => c.encoders.has('libx264')),
  yadif: need('filter yadif', 'deinterlace (the ladder asks for it)', '4.0', (c) => c.filters.has('yadif')),
  select: need('filter select', 'skip frames (the ladder asks for it)', '4.0', (c) => c.filters.has('select')),
  // the older equivalent of -fps_mode vfr needs a finer encoder time base than the frame rate
  vfrRungs: need(
    'option fps_mode or enc_time_base',
    'skip frames (the ladder asks for it)',
    '4.1',
    (c) => c.options.has('fps_mode') || (c.options.has('vsync') && c.options.has('enc_time_base')),
  ),
  hwupload: need('filter hwupload', 'encode with VAAPI', '4.0', (c) => c.filters.has('hwupload')),
  // the argv names NVENC's p1-p7 presets and -tune ll, which came with NVENC SDK 10 in FFmpeg 4.3
  nvencPresets: need('NVENC presets p1-p7', 'encode with NVENC', '4.3', (c) => atLeast(c.release, 4, 3)),
} as const;

export type FeatureRequirement = keyof typeof FEATURE_REQUIREMENTS;

export function lacksOf(caps: FfmpegCapabilities, wanted: readonly FeatureRequirement[] = []): FfmpegLack[] {
  return [...CORE_REQUIREMENTS, ...wanted.map((w) => FEATURE_REQUIREMENTS[w])]
    .filter((r) => !r.has(caps))
    .map(({ missing, impact, minRelease }) => ({ missing, impact, minRelease }));
}

/** Throws FfmpegCapabilityError when something wanted has no equivalent in this FFmpeg; null caps = not known, allowed. */
export function assertCapable(caps: FfmpegCapabilities | null, wanted: readonly FeatureRequirement[]): void {
  if (!caps) return;
  const lacks = lacksOf(caps, wanted);
  if (lacks.length > 0) throw new FfmpegCapabilityError(lacks, caps.versionText);
}

/** What the station tells the producer about this FFmpeg before any stream: null when nothing needs saying. */
export function ffmpegSupportNote(caps: FfmpegCapabilities): {
  lacks: FfmpegLack[];
  olderEquivalents: string[];
  warning: string | null;
} {
  const lacks = lacksOf(caps, ['libx264', 'yadif', 'select', 'vfrRungs']);
  const dialect = dialectOf(caps);
  const olderEquivalents: string[] = [];
  if (!dialect.statsPeriod) olderEquivalents.push('progress every 0.5 s (no -stats_period, FFmpeg 4.4+)');
  if (!dialect.fpsMode) olderEquivalents.push('-vsync vfr for skipped-frame renditions (no -fps_mode, FFmpeg 5.1+)');
  if (!dialect.variantNames)
    olderEquivalents.push('rendition folders linked from numbered ones (no var_stream_map names, FFmpeg 4.2+)');
  const release = releaseText(caps.release);
  const old = !atLeast(caps.release, 5, 1);
  let warning: string | null = null;
  if (lacks.length > 0) {
    warning = `FFmpeg ${release ?? caps.versionText ?? '(unknown version)'} cannot ${lacks.map((l) => `${l.impact} (no ${l.missing}; FFmpeg ${l.minRelease}+)`).join(', ')}. To fix: ${FFMPEG_FIX}.`;
  } else if (old) {
    warning = `FFmpeg ${release ?? caps.versionText ?? '(unknown version)'} is older than the station is built for (${RECOMMENDED_RELEASE}+); it works with older equivalents: ${olderEquivalents.join('; ') || 'none needed'}. For the best results ${FFMPEG_FIX}.`;
  }
  return { lacks, olderEquivalents, warning };
}
