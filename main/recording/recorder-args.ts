// Owns the recorder's FFmpeg argv (pure): input, stream copy, and the segment muxer writing MPEG-TS
// segments (a crash leaves a playable file, unlike MP4) plus a CSV list that says when each one is finished.
import path from 'node:path';
import { FEED_INPUT_URL } from '../media/flv-feed.js';
import { SEGMENT_PATTERN } from './segment-files.js';

/** Video and audio copied as published: recording costs no encoding. */
export const DEFAULT_RECORDER_CODEC_ARGS: readonly string[] = ['-map', '0:v?', '-map', '0:a?', '-c', 'copy'];

export interface RecorderArgsInput {
  input: readonly string[];
  codecArgs?: readonly string[];
  segmentSeconds: number;
  directory: string;
  listPath: string;
  startNumber: number;
}

export function buildRecorderArgs(a: RecorderArgsInput): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'warning',
    ...a.input,
    ...(a.codecArgs ?? DEFAULT_RECORDER_CODEC_ARGS),
    '-f',
    'segment',
    '-segment_time',
    String(a.segmentSeconds),
    '-reset_timestamps',
    '1',
    '-segment_format',
    'mpegts',
    '-segment_list',
    a.listPath,
    '-segment_list_type',
    'csv',
    '-segment_start_number',
    String(a.startNumber),
    path.join(a.directory, SEGMENT_PATTERN),
  ];
}

/** Input argv for the ingest's FLV feed on fd 3 (the station's own recordings). */
export function feedInput(): string[] {
  return ['-f', 'flv', '-i', FEED_INPUT_URL];
}

/** Input argv for pulling the primary ingest over RTMP; a stalled source ends FFmpeg after 10 s. */
export function rtmpPullInput(url: string): string[] {
  return ['-rw_timeout', '10000000', '-i', url];
}
