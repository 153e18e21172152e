// Owns the per-second measurements of a running ladder: per rendition, the bitrate measured from finished segment
// sizes and #EXTINF durations against the target, and the segment duration drift; per process, speed, fps,
// dropped/duplicated frames (from -progress) and CPU/memory (from /proc). Output fits shared/state.ts.
import fs from 'node:fs';
import path from 'node:path';
import type { Metric, RenditionState, TranscoderState } from '../../shared/state.js';
import { parseMediaPlaylist } from './hls-playlist.js';
import { VARIANT_PLAYLIST } from './hls-master.js';
import type { TranscodePlan, VariantPlan } from './plan.js';
import type { ProcUsage } from '../process/proc-stats.js';
import type { ProgressSample } from './progress.js';
import type { SupervisorState } from './supervisor.js';

const HISTORY_LENGTH = 60;
const AVERAGE_OVER_SEGMENTS = 3;

export interface MeterFs {
  readText(file: string): string | null;
  sizeBytes(file: string): number | null;
  /** changes whenever the file is rewritten (mtime + size); null when missing */
  version(file: string): string | null;
}

export const nodeMeterFs: MeterFs = {
  readText: (file) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  },
  sizeBytes: (file) => {
    try {
      return fs.statSync(file).size;
    } catch {
      return null;
    }
  },
  version: (file) => {
    try {
      const stat = fs.statSync(file);
      return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch {
      return null;
    }
  },
};

interface Track {
  /** playlist version last parsed: a DVR playlist can hold thousands of lines, parse it only when rewritten */
  version: string | null;
  seen: Set<string>;
  recentBps: number[];
  historyBps: number[];
  lastDurations: number[];
  segments: number;
}

export class HlsMeter {
  private readonly tracks = new Map<string, Track>();
  private readonly sizes = new Map<string, { width: number; height: number }>();

  constructor(
    private readonly dir: string,
    private plan: TranscodePlan,
    /** e.g. /hls/0_abcd1234 */
    private readonly urlBase: string,
    private readonly files: MeterFs = nodeMeterFs,
  ) {}

  /** the key-frame policy changed the plan (gop-policy.ts): same folders, other targets; the history is kept */
  setPlan(plan: TranscodePlan): void {
    this.plan = plan;
  }

  /** folders with a playlist: every variant, plus the shared audio group */
  folders(): string[] {
    const names = this.plan.variants.map((v) => v.streamName);
    if (this.plan.audioGroup) names.push(this.plan.audioGroup.streamName);
    return names;
  }

  /** reads every playlist once; new finished segments update the measurements */
  sample(): RenditionState[] {
    for (const folder of this.folders()) this.scan(folder);
    return this.plan.variants.map((v) => this.state(v));
  }

  /** true once every playlist lists at least one segment */
  allHaveSegments(): boolean {
    return this.folders().every((folder) => (this.tracks.get(folder)?.segments ?? 0) > 0 || this.scan(folder) > 0);
  }

  /** the picture size read from a real segment, for renditions whose size could not be planned */
  setObservedSize(folder: string, width: number, height: number): void {
    this.sizes.set(folder, { width, height });
  }

  /** measured bitrate of a folder (variant or audio group), for the master playlist */
  measuredBps(folder: string): number | null {
    const recent = this.tracks.get(folder)?.recentBps ?? [];
    return recent.length ? Math.round(recent.reduce((a, b) => a + b, 0) / recent.length) : null;
  }

  private scan(folder: string): number {
    const file = path.join(this.dir, folder, VARIANT_PLAYLIST);
    const version = this.files.version(file);
    const known = this.tracks.get(folder);
    if (version === null) return 0;
    if (known && known.version === version) return known.segments;
    const text = this.files.readText(file);
    if (text === null) return 0;
    let playlist;
    try {
      playlist = parseMediaPlaylist(text);
    } catch {
      return 0;
    }
    const track = known ?? {
      version: null,
      seen: new Set<string>(),
      recentBps: [],
      historyBps: [],
      lastDurations: [],
      segments: 0,
    };
    this.tracks.set(folder, track);
    track.version = version;
    track.segments = playlist.segments.length;
    for (const segment of playlist.segments) {
      if (track.seen.has(segment.uri)) continue;
      track.seen.add(segment.uri);
      const size = this.files.sizeBytes(path.join(this.dir, folder, segment.uri));
      if (size === null || segment.durationSeconds <= 0) continue;
      const bps = Math.round((size * 8) / segment.durationSeconds);
      track.recentBps = [...track.recentBps, bps].slice(-AVERAGE_OVER_SEGMENTS);
      track.historyBps = [...track.historyBps, bps].slice(-HISTORY_LENGTH);
      track.lastDurations = [...track.lastDurations, segment.durationSeconds].slice(-AVERAGE_OVER_SEGMENTS);
    }
    if (track.seen.size > 10_000) track.seen = new Set(playlist.segments.map((s) => s.uri));
    return track.segments;
  }

  private state(variant: VariantPlan): RenditionState {
    const track = this.tracks.get(variant.streamName);
    const measured = this.measuredBps(variant.streamName);
    const video = variant.video;
    const target = video && !video.copy ? video.bitrateBps : null;
    const audioTarget = variant.audio?.bitrateBps ?? 0;
    const durations = track?.lastDurations ?? [];
    const segmentDurationSeconds = durations.length
      ? round3(durations.reduce((a, b) => a + b, 0) / durations.length)
      : null;
    const metrics: Record<string, Metric> = {
      bitrate: bitrateMetric(measured, target === null ? null : target + audioTarget),
      segmentDuration: segmentMetric(durations, this.plan.segmentDurationSeconds),
    };
    return {
      streamName: variant.streamName,
      name: variant.name,
      width: video ? (video.width ?? this.sizes.get(variant.streamName)?.width ?? null) : null,
      height: video ? (video.height ?? this.sizes.get(variant.streamName)?.height ?? null) : null,
      videoCodec: video ? (video.copy ? 'copy' : 'h264') : null,
      audioCodec: variant.audio
        ? variant.audio.copy
          ? 'copy'
          : 'aac'
        : variant.usesAudioGroup
          ? 'aac (shared)'
          : null,
      passthrough: video?.copy ?? false,
      targetVideoBitrateBps: target,
      targetTotalBitrateBps: target === null ? null : target + audioTarget,
      measuredBitrateBps: measured,
      bitrateHistoryBps: [...(track?.historyBps ?? [])],
      segmentDurationSeconds,
      metrics,
      playlistUrl: `${this.urlBase}/${variant.streamName}/${VARIANT_PLAYLIST}`,
    };
  }
}

/** measured (TS, audio included) vs target (video + own audio); MPEG-TS adds ~10% */
export function bitrateMetric(measuredBps: number | null, targetBps: number | null): Metric {
  if (measuredBps === null)
    return { value: null, unit: 'bps', status: 'normal', text: 'waiting for the first segment' };
  const text = `${mbps(measuredBps)} Mbps`;
  if (targetBps === null) return { value: measuredBps, unit: 'bps', status: 'normal', text: `${text} (passthrough)` };
  const ratio = measuredBps / (targetBps * 1.1);
  const status = ratio > 1.5 || ratio < 0.5 ? 'warning' : 'normal';
  return { value: measuredBps, unit: 'bps', status, text: `${text} (target ${mbps(targetBps)} Mbps)` };
}

/** Kaltura 123 M3U8ChunkWithInvalidDurationAlert is critical: a segment far longer than the target */
export function segmentMetric(durations: number[], targetSeconds: number): Metric {
  if (durations.length === 0) return { value: null, unit: 's', status: 'normal', text: 'no segment yet' };
  const last = durations[durations.length - 1] as number;
  const drift = Math.max(...durations.map((d) => Math.abs(d - targetSeconds)));
  const status =
    last > targetSeconds * 2 ? 'critical' : drift > Math.max(0.5, targetSeconds * 0.25) ? 'warning' : 'normal';
  return {
    value: round3(last),
    unit: 's',
    status,
    text: `${round3(last)} s (target ${targetSeconds} s, drift ${round3(drift)} s)`,
  };
}

export function transcoderState(
  sup: SupervisorState,
  sample: ProgressSample | null,
  usage: ProcUsage,
  encoder: string,
): TranscoderState {
  return {
    wanted: sup.wanted,
    observed: sup.observed,
    pid: sup.pid,
    restarts: sup.restarts,
    speed: sample?.speed ?? null,
    frameRateFps: sample?.fps ?? null,
    droppedFrames: sample?.dropFrames ?? null,
    duplicatedFrames: sample?.dupFrames ?? null,
    cpuPercent: usage.cpuPercent,
    rssBytes: usage.rssBytes,
    encoder,
    lastError: sup.lastError,
    stderrTail: sup.stderrTail,
  };
}

function mbps(bps: number): string {
  return (bps / 1_000_000).toFixed(2);
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
