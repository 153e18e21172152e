// Owns the station-wide transcode setup the composition root needs once: DATA/hls and DATA/run, reaping FFmpeg
// orphans of a crashed previous run, the /hls/ route, and a last-resort exit hook so no FFmpeg outlives the station.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { createHlsRoute } from '../http/hls-route.js';
import type { HttpRoute } from '../http/server.js';
import { defaultPidFile, PidRegistry, type ReapResult } from './pid-registry.js';

export interface TranscodeRuntime {
  /** DATA/hls: pass as TranscodeSessionOptions.hlsRootDir */
  hlsRootDir: string;
  /** pass as TranscodeSessionOptions.pidRegistry */
  pidRegistry: PidRegistry;
  /** what reapOrphans() found at start */
  reaped: ReapResult;
  /** register with StationHttpServer.addRoute */
  route: HttpRoute;
  /** removes the process 'exit' hook (call from Station.stop after every session stopped) */
  dispose(): void;
}

export function startTranscodeRuntime(options: { dataDir: string; logger: Logger; installExitHook?: boolean }): TranscodeRuntime {
  const hlsRootDir = path.join(options.dataDir, 'hls');
  fs.mkdirSync(hlsRootDir, { recursive: true });
  const pidRegistry = new PidRegistry({ file: defaultPidFile(options.dataDir), logger: options.logger.child('ffmpeg-pids') });
  const reaped = pidRegistry.reapOrphans();
  if (reaped.killed.length > 0) options.logger.warn('ended FFmpeg processes left by a previous run', { pids: reaped.killed });
  // process 'exit' runs synchronously after SIGTERM handlers or process.exit(): the last chance to end FFmpeg
  const onExit = (): void => {
    pidRegistry.killAll();
  };
  if (options.installExitHook !== false) process.on('exit', onExit);
  return {
    hlsRootDir,
    pidRegistry,
    reaped,
    route: createHlsRoute({ hlsRootDir, logger: options.logger.child('hls') }),
    dispose: () => {
      process.off('exit', onExit);
    },
  };
}
