// Shared pieces of the recording integration tests: a small H.264/AAC FLV made with lavfi (what an
// encoder would publish), ffprobe checks, and the real Kaltura client + adapter aimed at a server.
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { KalturaClient } from '../../../main/kaltura/client.js';
import { kalturaRecordingUploader } from '../../../main/station/recording-uploader.js';
import type { RecordingUploader } from '../../../main/recording/uploader.js';

export const FFMPEG = '/usr/bin/ffmpeg';
export const FFPROBE = '/usr/bin/ffprobe';

/** 320x180@15, 1 s GOP, AAC: like an OBS publish, small enough for a 2-core machine. */
export function makeSourceFlv(dir: string, seconds: number, name = 'source.flv'): string {
  const file = path.join(dir, name);
  execFileSync(
    FFMPEG,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x180:rate=15',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-t',
      String(seconds),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '15',
      '-keyint_min',
      '15',
      '-sc_threshold',
      '0',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      '-f',
      'flv',
      file,
    ],
    { timeout: 60_000 },
  );
  return file;
}

function run(bin: string, argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, argv, { timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}: ${stderr}`)) : resolve(stdout),
    );
  });
}

export interface TsProbe {
  formatName: string;
  durationSeconds: number;
  firstVideoFrameIsKey: boolean;
  videoFrames: number;
}

/** ffprobe a segment: container, duration, whether it opens on a keyframe, and that every video frame decodes. */
export async function probeSegment(file: string): Promise<TsProbe> {
  const format = JSON.parse(
    await run(FFPROBE, ['-v', 'error', '-show_entries', 'format=format_name,duration', '-of', 'json', file]),
  ) as { format: { format_name: string; duration: string } };
  const frames = JSON.parse(
    await run(FFPROBE, [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'frame=key_frame',
      '-of',
      'json',
      file,
    ]),
  ) as { frames: Array<{ key_frame: number }> };
  return {
    formatName: format.format.format_name,
    durationSeconds: Number(format.format.duration),
    firstVideoFrameIsKey: frames.frames[0]?.key_frame === 1,
    videoFrames: frames.frames.length,
  };
}

/** The real KalturaClient and the recording adapter, one attempt per call so a down server is felt at once. */
export function clientUploader(serviceUrl: string): RecordingUploader {
  const client = new KalturaClient({
    serviceUrl,
    clientTag: 'klive-station:test',
    getKs: () => 'test-ks',
    timeoutMs: 10_000,
    retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 100 },
  });
  return kalturaRecordingUploader({ client, impersonationFor: (partnerId) => partnerId });
}
