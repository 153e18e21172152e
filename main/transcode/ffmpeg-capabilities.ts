// Owns what the FFmpeg in use can do: pure parsers from its own answers (-version, -h long, -muxers, -filters,
// -encoders, -h muxer=hls) to a typed FfmpegCapabilities, and the release it corresponds to. Tested on the
// recorded output of Debian's 5.1 and the bundled 2018 static build (test/fixtures/ffmpeg/).

export interface FfmpegRelease {
  major: number;
  minor: number;
}

export interface FfmpegCapabilities {
  /** as printed after "ffmpeg version", e.g. "5.1.9-0+deb12u1" or "N-47683-g0e8eb07980-static" */
  versionText: string | null;
  /** the release it is or was built after; a git build is placed by its libavformat version */
  release: FfmpegRelease | null;
  /** ffmpeg command-line options without the dash (-h long), e.g. 'stats_period', 'fps_mode', 'vsync' */
  options: ReadonlySet<string>;
  muxers: ReadonlySet<string>;
  filters: ReadonlySet<string>;
  encoders: ReadonlySet<string>;
  /** the hls muxer's options and flag values (-h muxer=hls), e.g. 'var_stream_map', 'discont_start' */
  hlsOptions: ReadonlySet<string>;
}

/** The outputs of the probes, as FFmpeg printed them (stdout + stderr). */
export interface FfmpegProbeOutputs {
  version: string;
  helpLong: string;
  muxers: string;
  filters: string;
  encoders: string;
  hlsHelp: string;
}

/** The argv of each probe (no shell; -hide_banner keeps the answers short). */
export const CAPABILITY_PROBES: Readonly<Record<keyof FfmpegProbeOutputs, readonly string[]>> = {
  version: ['-hide_banner', '-version'],
  helpLong: ['-hide_banner', '-h', 'long'],
  muxers: ['-hide_banner', '-muxers'],
  filters: ['-hide_banner', '-filters'],
  encoders: ['-hide_banner', '-encoders'],
  hlsHelp: ['-hide_banner', '-h', 'muxer=hls'],
};

export function parseCapabilities(out: FfmpegProbeOutputs): FfmpegCapabilities {
  const version = parseVersionOutput(out.version);
  return {
    versionText: version.versionText,
    release: version.release,
    options: parseCliOptions(out.helpLong),
    muxers: parseMuxers(out.muxers),
    filters: parseFilters(out.filters),
    encoders: parseEncoders(out.encoders),
    hlsOptions: parseMuxerHelp(out.hlsHelp),
  };
}

/** First libavformat version of each release (FFmpeg's RELEASE_NOTES / version.h at each tag). */
const LAVF_RELEASES: ReadonlyArray<{ lavf: [number, number]; release: FfmpegRelease }> = [
  { lavf: [57, 25], release: { major: 3, minor: 0 } },
  { lavf: [57, 41], release: { major: 3, minor: 1 } },
  { lavf: [57, 56], release: { major: 3, minor: 2 } },
  { lavf: [57, 71], release: { major: 3, minor: 3 } },
  { lavf: [57, 83], release: { major: 3, minor: 4 } },
  { lavf: [58, 12], release: { major: 4, minor: 0 } },
  { lavf: [58, 20], release: { major: 4, minor: 1 } },
  { lavf: [58, 29], release: { major: 4, minor: 2 } },
  { lavf: [58, 45], release: { major: 4, minor: 3 } },
  { lavf: [58, 76], release: { major: 4, minor: 4 } },
  { lavf: [59, 16], release: { major: 5, minor: 0 } },
  { lavf: [59, 27], release: { major: 5, minor: 1 } },
  { lavf: [60, 3], release: { major: 6, minor: 0 } },
  { lavf: [60, 16], release: { major: 6, minor: 1 } },
  { lavf: [61, 1], release: { major: 7, minor: 0 } },
  { lavf: [61, 7], release: { major: 7, minor: 1 } },
  { lavf: [62, 3], release: { major: 8, minor: 0 } },
];

/**
 * "ffmpeg version 5.1.9-0+deb12u1 ..." -> 5.1; a git build ("N-47683-g0e8eb07980-static") has no release number,
 * so it is placed by its libavformat line ("libavformat 58. 24.100") at the last release at or below it.
 */
export function parseVersionOutput(text: string): { versionText: string | null; release: FfmpegRelease | null } {
  const versionText = /ffmpeg version (\S+)/.exec(text)?.[1] ?? null;
  const numbered = versionText ? /^n?(\d+)\.(\d+)/.exec(versionText) : null;
  if (numbered) return { versionText, release: { major: Number(numbered[1]), minor: Number(numbered[2]) } };
  const lavf = /libavformat\s+(\d+)\.\s*(\d+)\.\s*\d+/.exec(text);
  if (!lavf) return { versionText, release: null };
  const major = Number(lavf[1]);
  const minor = Number(lavf[2]);
  let release: FfmpegRelease | null = null;
  for (const row of LAVF_RELEASES) {
    if (major > row.lavf[0] || (major === row.lavf[0] && minor >= row.lavf[1])) release = row.release;
  }
  return { versionText, release };
}

/** Lines of -h long that start with "-name": the ffmpeg tool's own options. */
export function parseCliOptions(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^-([A-Za-z0-9_:]+)/.exec(line);
    if (m) names.add((m[1] as string).split(':')[0] as string);
  }
  return names;
}

/** " E hls   Apple HTTP Live Streaming" (4.x) or "  E hls ..." (5.x); "DE" rows mux too; names may be "a,b". */
export function parseMuxers(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of afterDashes(text)) {
    const m = /^\s*D?E\s+(\S+)/.exec(line);
    if (m) for (const name of (m[1] as string).split(',')) names.add(name);
  }
  return names;
}

/** " ..C scale   V->V   Scale the input video ..." (flags, name, in->out). */
export function parseFilters(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*[T.][S.][C.]\s+(\S+)\s+\S*->\S*\s/.exec(line);
    if (m) names.add(m[1] as string);
  }
  return names;
}

/** " V..... libx264   libx264 H.264 ..." (type and 5 flags, name). */
export function parseEncoders(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of afterDashes(text)) {
    const m = /^\s*[VAS][A-Z.]{5}\s+(\S+)/.exec(line);
    if (m && m[1] !== '=') names.add(m[1] as string);
  }
  return names;
}

/** "  -hls_flags <flags> E..." option names and "     discont_start  E..." flag values of one muxer's help. */
export function parseMuxerHelp(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const option = /^\s{1,4}-(\w+)\s+</.exec(line);
    if (option) {
      names.add(option[1] as string);
      continue;
    }
    const constant = /^\s{5,}(\w+)\s+E[.A-Z]*\s/.exec(line);
    if (constant) names.add(constant[1] as string);
  }
  return names;
}

/** The listing rows follow a " --" line; the legend above it must not be read as rows. */
function afterDashes(text: string): string[] {
  const lines = text.split('\n');
  const dashes = lines.findIndex((l) => l.trim() === '--' || l.trim() === '------');
  return dashes >= 0 ? lines.slice(dashes + 1) : lines;
}

export function releaseText(release: FfmpegRelease | null): string | null {
  return release ? `${release.major}.${release.minor}` : null;
}

export function atLeast(release: FfmpegRelease | null, major: number, minor: number): boolean {
  if (!release) return false;
  return release.major > major || (release.major === major && release.minor >= minor);
}
