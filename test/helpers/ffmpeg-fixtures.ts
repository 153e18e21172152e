// The recorded answers of both FFmpegs this project runs (test/fixtures/ffmpeg/): Debian's 5.1 and the bundled
// 2018 static build. Re-record with the commands in test/fixtures/ffmpeg/README.md.
import fs from 'node:fs';
import path from 'node:path';
import {
  parseCapabilities,
  type FfmpegCapabilities,
  type FfmpegProbeOutputs,
} from '../../main/transcode/ffmpeg-capabilities.js';
import { REPO_ROOT } from './net.js';

export type RecordedFfmpeg = 'ffmpeg4.1-static' | 'ffmpeg5.1-debian';

const FILES: Record<keyof FfmpegProbeOutputs, string> = {
  version: 'version.txt',
  helpLong: 'h-long.txt',
  muxers: 'muxers.txt',
  filters: 'filters.txt',
  encoders: 'encoders.txt',
  hlsHelp: 'h-muxer-hls.txt',
};

export function recordedOutputs(name: RecordedFfmpeg): FfmpegProbeOutputs {
  const dir = path.join(REPO_ROOT, 'test', 'fixtures', 'ffmpeg', name);
  const out = {} as FfmpegProbeOutputs;
  for (const [key, file] of Object.entries(FILES))
    out[key as keyof FfmpegProbeOutputs] = fs.readFileSync(path.join(dir, file), 'utf8');
  return out;
}

export const recordedCapabilities = (name: RecordedFfmpeg): FfmpegCapabilities =>
  parseCapabilities(recordedOutputs(name));
