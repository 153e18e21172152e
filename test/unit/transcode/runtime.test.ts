// The station-wide transcode setup: directories, orphan reaping at start, the /hls/ route, the exit hook.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTranscodeRuntime } from '../../../main/transcode/runtime.js';
import { silentLogger } from '../../../main/log/logger.js';
import { tempDir } from '../../helpers/net.js';

describe('startTranscodeRuntime', () => {
  it('creates DATA/hls, reaps the pid file of a previous run, exposes the route and removes its exit hook on dispose', () => {
    const dataDir = tempDir();
    try {
      fs.mkdirSync(path.join(dataDir, 'run'), { recursive: true });
      // a pid far above pid_max: certainly not running
      fs.writeFileSync(path.join(dataDir, 'run', 'ffmpeg-pids.json'), JSON.stringify([{ pid: 99_999_999, startTimeTicks: 1, label: 'old', recordedAtMs: 0 }]));
      const before = process.listenerCount('exit');
      const runtime = startTranscodeRuntime({ dataDir, logger: silentLogger() });
      expect(process.listenerCount('exit')).toBe(before + 1);
      expect(runtime.hlsRootDir).toBe(path.join(dataDir, 'hls'));
      expect(fs.statSync(runtime.hlsRootDir).isDirectory()).toBe(true);
      expect(runtime.reaped).toEqual({ killed: [], skipped: [99_999_999] });
      expect(runtime.pidRegistry.list()).toEqual([]);
      expect(runtime.route.prefix).toBe('/hls/');
      runtime.dispose();
      expect(process.listenerCount('exit')).toBe(before);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
