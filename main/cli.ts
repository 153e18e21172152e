// The headless entry point: `npm run station` (and `npm run station -- sandbox --port N`).
// Prints one line with the URLs when ready; SIGINT/SIGTERM stop it cleanly; bad input exits 2 with one line.
import path from 'node:path';
import { parseCommandLine, USAGE } from './config/options.js';
import { UsageError } from './config/errors.js';
import { consoleSink, createLogger } from './log/logger.js';
import { fileSink } from './log/file-sink.js';
import { PortInUseError } from './http/errors.js';
import { Station } from './station/station.js';
import { findAppPaths } from './station/app-paths.js';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`klive-station: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (parsed.command === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const { options } = parsed;
  const file = fileSink({ dir: path.join(options.dataDir, 'logs') });
  const logger = createLogger({ level: options.logLevel, sinks: [consoleSink(), file] });
  const station = new Station({ options, logger, paths: findAppPaths(), env: process.env });

  let stopping: Promise<void> | null = null;
  const stop = (signal: string): void => {
    if (stopping) return;
    logger.info(`${signal}: stopping`);
    stopping = station.stop().then(
      () => {
        file.close();
        process.exit(0);
      },
      (e: unknown) => {
        logger.error('stop failed', { error: (e as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  try {
    const info = await station.start();
    process.stdout.write(`kLive Station ${info.version} ready: RTMP ${info.rtmpUrl}  UI ${info.httpUrl}  (data: ${options.dataDir})\n`);
    return -1;
  } catch (e) {
    await station.stop().catch(() => undefined);
    file.close();
    if (e instanceof PortInUseError || e instanceof UsageError) {
      process.stderr.write(`klive-station: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`klive-station: failed to start: ${logger.redactor.redact((e as Error).message)}\n`);
    return 1;
  }
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`klive-station: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
