// Owns what an IngestServer is built from (listen address, data dir, logger, Kaltura's authenticate, options) and
// the check that refuses a bad one with the fix, before anything listens.
import type { AuthenticateArgs, LiveStreamEntry } from '../core/kaltura-api.js';
import type { Logger } from '../log/logger.js';
import type { IngestOptions } from './events.js';
import type { GateOptions } from './gate.js';
import type { NmsAdapter } from './nms-adapter.js';

type AdapterOptions = ConstructorParameters<typeof NmsAdapter>[0];

export interface IngestServerDeps {
  host: string;
  port: number;
  /** the station's data dir; NMS writes nothing there (its store and recorder are not used) */
  dataDir: string;
  logger: Logger;
  authenticate: (args: AuthenticateArgs) => Promise<LiveStreamEntry>;
  now?: () => number;
  options?: IngestOptions;
}

export function validateDeps(deps: IngestServerDeps): void {
  if (!Number.isInteger(deps.port) || deps.port < 0 || deps.port > 65_535) {
    throw new Error(
      `RTMP port ${String(deps.port)} is not a port number: choose 0-65535 with --rtmp-port N (or KLIVE_RTMP_PORT=N)`,
    );
  }
  if (typeof deps.host !== 'string' || deps.host.trim() === '') {
    throw new Error(
      'RTMP host is empty: set the address to listen on (127.0.0.1 for this machine only, 0.0.0.0 for the LAN)',
    );
  }
  if (typeof deps.authenticate !== 'function') {
    throw new Error('IngestServer needs an authenticate function (KalturaApi.authenticate): wire it from the station');
  }
  const o = deps.options ?? {};
  for (const [name, value] of Object.entries(o)) {
    if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
      throw new Error(`ingest option ${name}=${value} must be a non-negative number`);
    }
  }
}

/** The gate's settings from the ingest options. */
export function gateOptions(deps: IngestServerDeps, now: () => number): GateOptions {
  const o = deps.options ?? {};
  return {
    authenticate: deps.authenticate,
    now,
    successTtlMs: o.successTtlMs,
    failureBlockMs: o.failureBlockMs,
    maxTokensPerEntry: o.maxTokensPerEntry,
    authTimeoutMs: o.authTimeoutMs,
  };
}

/** The RTMP listener's settings from the ingest options, with the server's hooks. */
export function adapterOptions(
  deps: IngestServerDeps,
  now: () => number,
  hooks: AdapterOptions['hooks'],
): AdapterOptions {
  const o = deps.options ?? {};
  return {
    host: deps.host,
    port: deps.port,
    logger: deps.logger,
    appName: o.appName,
    now,
    maxConnections: o.maxConnections,
    handshakeTimeoutMs: o.handshakeTimeoutMs,
    maxMessageBytes: o.maxMessageBytes,
    allowRemotePlay: o.allowRemotePlay,
    maxReaderBacklogBytes: o.maxReaderBacklogBytes,
    readBatchMs: o.readBatchMs,
    readBatchAfterMs: o.readBatchAfterMs,
    hooks,
  };
}
