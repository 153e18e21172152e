// Real processes: an FFmpeg left running by a "crashed" station is reaped at the next start; the hardware
// encoder probe runs real test encodes (none of the GPU encoders work on this CI machine; libx264 does).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PidRegistry } from '../../../main/process/pid-registry.js';
import { chooseEncoder, detectHardwareEncoders } from '../../../main/transcode/encoders.js';
import { silentLogger } from '../../../main/log/logger.js';
import { tempDir, waitFor } from '../../helpers/net.js';

const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function idleFfmpeg(): ChildProcess {
  // an FFmpeg that runs until killed and costs almost nothing: silent audio at its native rate into the null muxer
  const child = spawn(
    FFMPEG,
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      'anullsrc=r=8000:cl=mono',
      '-f',
      'null',
      '-',
    ],
    { detached: true, stdio: 'ignore' },
  );
  children.push(child);
  return child;
}

describe('orphan reaping', () => {
  it('ends a recorded FFmpeg that is still alive, and leaves a recorded non-FFmpeg pid alone', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = path.join(dir, 'run', 'ffmpeg-pids.json');
    const orphan = idleFfmpeg();
    const bystander = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    children.push(bystander);
    const orphanPid = orphan.pid as number;
    await waitFor(
      () =>
        fs.existsSync(`/proc/${orphanPid}/cmdline`) &&
        fs.readFileSync(`/proc/${orphanPid}/cmdline`, 'utf8').includes('ffmpeg'),
      { what: 'ffmpeg to exec' },
    );
    const crashed = new PidRegistry({ file, logger: silentLogger() });
    crashed.add(orphanPid, '0_abcd1234_1');
    crashed.add(bystander.pid as number, 'not ffmpeg');
    const exited = new Promise<string | null>((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));

    const restarted = new PidRegistry({ file, logger: silentLogger() });
    const result = restarted.reapOrphans();
    expect(result).toEqual({ killed: [orphanPid], skipped: [bystander.pid] });
    expect(await exited).toBe('SIGKILL');
    expect(bystander.exitCode).toBeNull();
    expect(restarted.list()).toEqual([]);
  });
});

describe('hardware encoder detection', () => {
  it('runs real one-second test encodes: libx264 passes, the fallback names the failed GPU encoder', async () => {
    const sanity = await detectHardwareEncoders({ ffmpegPath: FFMPEG, candidates: ['libx264'] });
    expect(sanity.working).toEqual(['libx264']);
    const detection = await detectHardwareEncoders({
      ffmpegPath: FFMPEG,
      candidates: ['h264_nvenc', 'h264_vaapi'],
      timeoutMs: 20_000,
    });
    for (const encoder of ['h264_nvenc', 'h264_vaapi'] as const) {
      if (detection.working.includes(encoder)) continue;
      expect(detection.failures[encoder]).toBeTruthy();
      expect(chooseEncoder(encoder, detection).encoder).toBe('libx264');
    }
  });
});
