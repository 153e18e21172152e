// A ladder is data: the renditions Kaltura's conversion profile asks for (from wowza_liveConversionProfile.serve),
// with units in names. buildFfmpegArgs() turns it into an FFmpeg argv; nothing else interprets the XML.
import { z } from 'zod';

export const FitModeSchema = z.enum(['match-source', 'fit-width', 'fit-height']);
export type FitMode = z.infer<typeof FitModeSchema>;

export const VideoSpecSchema = z.object({
  /** 'copy' for PassThru; 'h264' for H.264 (and H.263, which HLS cannot carry) */
  codec: z.enum(['copy', 'h264']),
  profile: z.enum(['baseline', 'main', 'high']).nullable(),
  bitrateBps: z.number().int().positive().nullable(),
  fitMode: FitModeSchema,
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  keyFrames: z.object({ followSource: z.boolean(), intervalFrames: z.number().int().positive().nullable() }),
  /** output fps = source fps / (skipFrameCount + 1) */
  skipFrameCount: z.number().int().nonnegative(),
  /** CBR requested (mainconcept.bit_rate_mode 0) */
  constantBitrate: z.boolean(),
});
export type VideoSpec = z.infer<typeof VideoSpecSchema>;

export const AudioSpecSchema = z.object({
  codec: z.enum(['copy', 'aac']),
  bitrateBps: z.number().int().positive().nullable(),
});
export type AudioSpec = z.infer<typeof AudioSpecSchema>;

export const RenditionSchema = z.object({
  /** Encode Name (liveParams systemName), e.g. Basic_Small_400 */
  name: z.string(),
  /** ENTRY_<liveParamsId> with any mp4: prefix stripped; the HLS variant folder */
  streamName: z.string(),
  /** the liveParams id parsed from streamName, when numeric */
  flavorId: z.number().int().nullable(),
  /** null = Disable (audio-only rendition) */
  video: VideoSpecSchema.nullable(),
  /** null = Disable (video-only rendition) */
  audio: AudioSpecSchema.nullable(),
});
export type Rendition = z.infer<typeof RenditionSchema>;

export const LadderSchema = z.object({
  renditions: z.array(RenditionSchema).min(1),
  /** StreamNameGroups: group name -> member encode names ('all' = the master playlist) */
  groups: z.record(z.string(), z.array(z.string())),
  /** Property sourceStreamFrameRate, when Kaltura sent it */
  sourceFrameRateFps: z.number().positive().nullable(),
  deinterlace: z.boolean(),
});
export type Ladder = z.infer<typeof LadderSchema>;
