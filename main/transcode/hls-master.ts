// Owns OUR master playlist (FFmpeg's lacks AVERAGE-BANDWIDTH and FRAME-RATE): one EXT-X-STREAM-INF per rendition
// with BANDWIDTH, AVERAGE-BANDWIDTH, RESOLUTION, CODECS, FRAME-RATE and the shared audio group. Rendering is pure;
// writing is atomic (temp + rename) so a player never reads half a playlist.
import fs from 'node:fs';
import path from 'node:path';
import { computedAvcCodec } from './hls-codecs.js';
import type { TranscodePlan, VariantPlan } from './plan.js';

export const MASTER_PLAYLIST = 'master.m3u8';
export const VARIANT_PLAYLIST = 'index.m3u8';
/** MPEG-TS + PES overhead over the elementary bitrate (measured +7-10%, media.md 2.2) */
const TS_OVERHEAD = 1.1;
const UNKNOWN_AUDIO_BPS = 128_000;

/** What was learned from the first real segments (codec strings, measured bitrate). */
export interface ObservedVariant {
  avcCodec?: string | null;
  aacCodec?: string | null;
  measuredBitrateBps?: number | null;
  /** picture size read from the segment's SPS: fills RESOLUTION when the input size was unknown */
  width?: number | null;
  height?: number | null;
}

export interface MasterVariant {
  uri: string;
  bandwidthBps: number;
  averageBandwidthBps: number;
  width: number | null;
  height: number | null;
  frameRateFps: number | null;
  codecs: string[];
  audioGroupId: string | null;
}

export interface MasterAudio {
  groupId: string;
  name: string;
  uri: string;
  codec: string;
}

export function masterFromPlan(
  plan: TranscodePlan,
  observed: Map<string, ObservedVariant> = new Map(),
): { variants: MasterVariant[]; audio: MasterAudio | null } {
  const groupAudio = plan.audioGroup;
  const groupObserved = groupAudio ? observed.get(groupAudio.streamName) : undefined;
  const groupAudioBps = groupAudio
    ? (groupAudio.audio.bitrateBps ?? groupObserved?.measuredBitrateBps ?? UNKNOWN_AUDIO_BPS)
    : 0;
  const audio = groupAudio
    ? {
        groupId: groupAudio.groupId,
        name: 'audio',
        uri: `${groupAudio.streamName}/${VARIANT_PLAYLIST}`,
        codec: groupObserved?.aacCodec ?? 'mp4a.40.2',
      }
    : null;
  const variants = plan.variants.map((variant) =>
    masterVariant(variant, observed.get(variant.streamName), groupAudioBps, audio),
  );
  return { variants, audio };
}

function masterVariant(
  variant: VariantPlan,
  seen: ObservedVariant | undefined,
  groupAudioBps: number,
  audio: MasterAudio | null,
): MasterVariant {
  const video = variant.video;
  const ownAudioBps = variant.audio ? (variant.audio.bitrateBps ?? UNKNOWN_AUDIO_BPS) : 0;
  const audioBps = ownAudioBps + (variant.usesAudioGroup ? groupAudioBps : 0);
  let peak: number;
  let average: number;
  if (video && !video.copy && video.bitrateBps !== null) {
    peak = Math.round(((video.maxrateBps ?? video.bitrateBps) + audioBps) * TS_OVERHEAD);
    average = Math.round((video.bitrateBps + audioBps) * TS_OVERHEAD);
  } else if (seen?.measuredBitrateBps) {
    // passthrough: what the encoder really sends (segment size / duration, TS overhead included)
    average = Math.round(seen.measuredBitrateBps + (variant.usesAudioGroup ? groupAudioBps : 0));
    peak = Math.round(average * 1.2);
  } else {
    const declared = video?.bitrateBps ?? 0;
    average = Math.round((declared + audioBps) * TS_OVERHEAD) || 1;
    peak = Math.round(average * 1.2);
  }
  const codecs: string[] = [];
  if (video)
    codecs.push(
      seen?.avcCodec ??
        computedAvcCodec(video.copy ? 'high' : video.profile, video.width, video.height, video.frameRateFps),
    );
  if (variant.audio) codecs.push(seen?.aacCodec ?? 'mp4a.40.2');
  else if (variant.usesAudioGroup && audio) codecs.push(audio.codec);
  return {
    uri: `${variant.streamName}/${VARIANT_PLAYLIST}`,
    bandwidthBps: peak,
    averageBandwidthBps: average,
    width: video ? (video.width ?? seen?.width ?? null) : null,
    height: video ? (video.height ?? seen?.height ?? null) : null,
    frameRateFps: video?.frameRateFps ?? null,
    codecs,
    audioGroupId: variant.usesAudioGroup && audio ? audio.groupId : null,
  };
}

export function renderMasterPlaylist(master: { variants: MasterVariant[]; audio: MasterAudio | null }): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-INDEPENDENT-SEGMENTS'];
  if (master.audio) {
    lines.push(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${master.audio.groupId}",NAME="${master.audio.name}",DEFAULT=YES,AUTOSELECT=YES,URI="${master.audio.uri}"`,
    );
  }
  for (const v of master.variants) {
    const attrs = [`BANDWIDTH=${v.bandwidthBps}`, `AVERAGE-BANDWIDTH=${v.averageBandwidthBps}`];
    if (v.width !== null && v.height !== null) attrs.push(`RESOLUTION=${v.width}x${v.height}`);
    if (v.frameRateFps !== null) attrs.push(`FRAME-RATE=${v.frameRateFps.toFixed(3)}`);
    attrs.push(`CODECS="${v.codecs.join(',')}"`);
    if (v.audioGroupId) attrs.push(`AUDIO="${v.audioGroupId}"`);
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, v.uri);
  }
  return lines.join('\n') + '\n';
}

export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
