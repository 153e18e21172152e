// Owns what one TranscodeSession hands to the planner and to FFmpeg: the input as the probe describes it, the HLS
// output the entry asks for, the encode options of the current key-frame decision, and clearing its folders.
import fs from 'node:fs';
import path from 'node:path';
import type { InputProbe } from '../../shared/state.js';
import { FEED_INPUT_URL } from '../media/flv-feed.js';
import { variantFolders } from './build-args.js';
import type { GopDecision } from './gop-policy.js';
import { MASTER_PLAYLIST } from './hls-master.js';
import { playlistSizeFor, segmentSecondsFor } from './hls-playlist.js';
import type { EncodeOptions, HlsOutput, TranscodeInput, TranscodePlan, VideoEncoder } from './plan.js';

export function sessionInput(
  source: { feed: boolean; pullUrl?: string; readRealtime?: boolean },
  probe: InputProbe | null,
): TranscodeInput {
  return {
    url: source.feed ? FEED_INPUT_URL : (source.pullUrl as string),
    ...(source.feed ? { format: 'flv', live: true } : {}),
    frameRateFps: probe?.frameRateFps ?? null,
    width: probe?.width ?? null,
    height: probe?.height ?? null,
    // without a probe assume an ordinary A/V encoder (OBS)
    hasVideo: probe ? probe.videoCodec !== null : true,
    hasAudio: probe ? probe.audioCodec !== null : true,
    audioCodec: probe?.audioCodec ?? null,
    videoBitrateBps: probe?.videoBitrateBps ?? null,
    readRealtime: source.readRealtime ?? false,
  };
}

export function sessionOutput(
  dir: string,
  entry: { segmentDurationMs: number | null; dvrEnabled: boolean; dvrWindowMinutes: number | null },
  append: boolean,
): HlsOutput {
  const segmentDurationSeconds = segmentSecondsFor(entry.segmentDurationMs);
  return {
    dir,
    segmentDurationSeconds,
    playlistSize: playlistSizeFor(segmentDurationSeconds, {
      enabled: entry.dvrEnabled,
      windowMinutes: entry.dvrWindowMinutes,
    }),
    deleteOldSegments: true,
    appendToExisting: append,
  };
}

export function sessionEncodeOptions(
  o: { encoder: VideoEncoder; preset?: string; threads?: number },
  decision: GopDecision | null,
): EncodeOptions {
  return {
    encoder: o.encoder,
    ...(o.preset ? { preset: o.preset } : {}),
    ...(o.threads ? { threads: o.threads } : {}),
    ...(decision ? { keyFrameMode: decision.keyFrameMode, reencodeSourceBps: decision.reencodeSourceBps } : {}),
  };
}

/** A fresh start: the plan's folders and the master go (other ingests of the entry have their own folder). */
export function clearSessionOutput(dir: string, plan: TranscodePlan): void {
  fs.mkdirSync(dir, { recursive: true });
  const folders = variantFolders(plan);
  // numbered links of an FFmpeg before 4.2 (linkNumberedFolders) go too
  for (const name of [...folders, ...folders.map((_f, i) => String(i)), MASTER_PLAYLIST])
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
}
