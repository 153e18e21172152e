// What the station says about itself: version, where it listens, which FFmpeg it uses.
import { z } from 'zod';

export const FfmpegInfoSchema = z.object({
  status: z.enum(['ok', 'missing', 'broken']),
  path: z.string().nullable(),
  /** where the binary came from: the setting, FFMPEG_PATH, PATH, or the bundled npm package */
  source: z.enum(['setting', 'env', 'path', 'bundled']).nullable(),
  version: z.string().nullable(),
  /** for missing/broken: what went wrong and how to fix it */
  message: z.string().nullable(),
  /** the release it is (or, for a git build, was built after), e.g. "4.1"; absent until its capabilities are read */
  release: z.string().nullable().optional(),
  /** what the station needs that it cannot do (none of these has an older equivalent) */
  lacks: z.array(z.object({ missing: z.string(), impact: z.string(), minRelease: z.string() })).optional(),
  /** older equivalents the station uses with it, e.g. "-vsync vfr for skipped-frame renditions" */
  olderEquivalents: z.array(z.string()).optional(),
  /** too old or lacking: the warning with the fix, shown before any stream arrives */
  warning: z.string().nullable().optional(),
});
export type FfmpegInfo = z.infer<typeof FfmpegInfoSchema>;

export const StationInfoSchema = z.object({
  name: z.literal('kLive Station'),
  version: z.string(),
  startedAtMs: z.number(),
  hostname: z.string(),
  rtmpUrl: z.string(),
  httpUrl: z.string(),
  /** where viewers open /watch/<entryId>: the station's LAN address when it listens on one, else httpUrl */
  viewerUrl: z.string(),
  ffmpeg: FfmpegInfoSchema,
});
export type StationInfo = z.infer<typeof StationInfoSchema>;
