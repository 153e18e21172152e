// The headless entry point: `npm run station` (and `npm run station -- sandbox --port N`).
// Prints one line with the URLs when ready; SIGINT/SIGTERM stop it cleanly; bad input exits 2 with one line.
import './core/baseline-code.js';
import path from 'node:path';
import { parseCommandLine, USAGE, type StationOptions } from './config/options.js';
import { UsageError } from './config/errors.js';
import { consoleSink, createLogger, type Logger } from './log/logger.js';
import { fileSink } from './log/file-sink.js';
import { PortInUseError } from './core/errors.js';
import { Station } from './station/station.js';
import { findAppPaths } from './station/app-paths.js';
import { runSandboxCommand } from './sandbox/index.js';

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
  if (parsed.command === 'sandbox')
    return runSandbox(options, parsed.sandboxPort ?? 0, parsed.sandboxTimeScale, logger, () => file.close());
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
    process.stdout.write(
      `kLive Station ${info.version} ready: RTMP ${info.rtmpUrl}  UI ${station.uiUrlForHumans()}  (data: ${options.dataDir})\n`,
    );
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

/** `npm run station -- sandbox --port N`: only the Kaltura-compatible sandbox, for tests and other tools. */
async function runSandbox(
  options: StationOptions,
  port: number,
  timeScale: number | undefined,
  logger: Logger,
  closeLog: () => void,
): Promise<number> {
  try {
    const handle = await runSandboxCommand({
      dataDir: options.dataDir,
      host: options.host,
      port,
      logger,
      rtmpBaseUrl: `rtmp://${options.host}:${options.rtmpPort}/kLive`,
      ...(timeScale !== undefined ? { timeScale } : {}),
      out: (line) => process.stdout.write(line + '\n'),
    });
    const stop = (): void => {
      void handle.close().finally(() => {
        closeLog();
        process.exit(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return -1;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(
      code === 'EADDRINUSE'
        ? `klive-station: sandbox port ${port} is already in use; choose another with --port N\n`
        : `klive-station: sandbox failed to start: ${logger.redactor.redact((e as Error).message)}\n`,
    );
    closeLog();
    return code === 'EADDRINUSE' ? 2 : 1;
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
