// Owns the sandbox's public face: startSandbox() (the embedded local Kaltura api_v3 on loopback, used by
// the station when no account is configured and by tests) and runSandboxCommand() (`station sandbox`).
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { KsAgeTable } from './dispatch/auth.js';
import type { DispatchDeps } from './dispatch/dispatch.js';
import { scaledClock } from './clock.js';
import { parseTimeScale, timeScaleFromEnv } from '../config/time-scale.js';
import { Faults, type FaultControl } from './faults.js';
import { createSandboxServer } from './http.js';
import { SandboxLogins, type LoginRecord } from './model/logins.js';
import { SandboxStore } from './model/store.js';
import { MEDIA_SERVER_PARTNER_ID, SEED_ENTRY_ID, SEED_PARTNER_ID } from './model/types.js';

export { PRODUCER_LOGIN_ID, PRODUCER_2FA_LOGIN_ID, type LoginRecord } from './model/logins.js';
export { totpCode } from './model/totp.js';
export { SandboxStore } from './model/store.js';
export type { PartnerSettingsPatch } from './model/partners.js';
export type { UpdateEntryInput } from './model/entry-edit.js';
export { NODE_EXPIRY_MS } from './model/entry-nodes.js';
export type { CreateEntryInput } from './model/entry-factory.js';
export { SERVER_NODE_TTL_SECONDS } from './model/server-nodes.js';
export { scaledClock } from './clock.js';
export { TIME_SCALE_ENV, parseTimeScale } from '../config/time-scale.js';
export type {
  LiveAssetRecord,
  PartnerFeatures,
  PartnerRecord,
  RecordedEntryRecord,
  ServerNodeRecord,
} from './model/types.js';
export type { CorruptFileReport } from './model/persist.js';
export type { FaultState, FaultControl } from './faults.js';
export type { BeaconRecord, EntryRecord, NodeRecord, RecordingRecord, UploadTokenRecord } from './model/types.js';
export { MEDIA_SERVER_PARTNER_ID, SEED_ENTRY_ID, SEED_ENTRY_TOKEN, SEED_PARTNER_ID } from './model/types.js';
export { DEFAULT_PROFILE_ID, PASSTHROUGH_PROFILE_ID } from './model/profiles.js';

export interface SandboxOptions {
  /** the station's data dir; the sandbox keeps its files in DATA/sandbox */
  dataDir: string;
  /** default 127.0.0.1 */
  host?: string;
  /** 0 = any free port */
  port?: number;
  /** where encoders publish, e.g. rtmp://127.0.0.1:1935/kLive (used in the entries' broadcasting URLs) */
  rtmpBaseUrl: string;
  logger: Logger;
  /** ms clock; injectable for the 120 s registration/heartbeat expiries and KS expiry */
  now?: () => number;
  /**
   * sandbox seconds per real second (1..3600), applied to `now`: 60 makes the 120 s expiries take 2 s.
   * Default: KLIVE_SANDBOX_TIME_SCALE from the environment, else 1.
   */
  timeScale?: number;
  /** for the errorRate fault; default Math.random */
  random?: () => number;
}

export interface SandboxHandle {
  /** e.g. http://127.0.0.1:PORT: give it to the Kaltura client as serviceUrl */
  serviceUrl: string;
  port: number;
  mediaServerPartnerId: -5;
  /** the partner's admin secret (generated per install); never log it */
  adminSecret(partnerId: number): string | undefined;
  faults: FaultControl;
  store: SandboxStore;
  /** the KMC logins (user.loginByLoginId); their passwords are secrets like the admin secrets */
  logins(): readonly LoginRecord[];
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<SandboxHandle> {
  const host = options.host ?? '127.0.0.1';
  if (options.timeScale !== undefined) parseTimeScale(String(options.timeScale), 'sandbox timeScale');
  const now = scaledClock(options.now ?? Date.now, options.timeScale ?? timeScaleFromEnv(process.env));
  const logger = options.logger.child('sandbox');
  if (!/^rtmps?:\/\/[^/\s]+\/\S*$/.test(options.rtmpBaseUrl)) {
    throw new Error(
      `sandbox rtmpBaseUrl "${options.rtmpBaseUrl}" is not an RTMP URL; pass e.g. rtmp://127.0.0.1:1935/kLive`,
    );
  }
  const store = new SandboxStore(path.join(options.dataDir, 'sandbox'), logger, now);
  const logins = new SandboxLogins(path.join(options.dataDir, 'sandbox'), logger, now);
  const faults = new Faults(options.random);
  const deps: DispatchDeps = {
    store,
    logins,
    logger,
    now,
    rtmpBaseUrl: options.rtmpBaseUrl,
    ksAges: new KsAgeTable(),
    ksLifetimeSeconds: () => faults.current.ksLifetimeSeconds,
  };
  const sandboxServer = createSandboxServer({ deps, faults, logger });
  const port = await new Promise<number>((resolve, reject) => {
    const server = sandboxServer.server;
    const onError = (err: NodeJS.ErrnoException): void => {
      if (err.code === 'EADDRINUSE')
        reject(
          new Error(
            `sandbox port ${options.port ?? 0} on ${host} is already in use; choose another with --port N (0 = any free port)`,
          ),
        );
      else if (err.code === 'EADDRNOTAVAIL')
        reject(new Error(`cannot listen on ${host}: that address is not on this machine; use 127.0.0.1`));
      else reject(err);
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const serviceUrl = `http://${urlHost}:${port}`;
  logger.info(`sandbox api_v3 listening at ${serviceUrl}`);
  let closing: Promise<void> | null = null;
  return {
    serviceUrl,
    port,
    mediaServerPartnerId: MEDIA_SERVER_PARTNER_ID,
    adminSecret: (partnerId) => store.adminSecret(partnerId),
    faults,
    store,
    logins: () => logins.all(),
    close: () => (closing ??= sandboxServer.close()),
  };
}

/** `npm run station -- sandbox --port N`: starts the sandbox and prints one line with its service URL. */
export async function runSandboxCommand(args: {
  dataDir: string;
  host: string;
  port: number;
  logger: Logger;
  rtmpBaseUrl?: string;
  timeScale?: number;
  out?: (line: string) => void;
}): Promise<SandboxHandle> {
  const handle = await startSandbox({
    dataDir: args.dataDir,
    host: args.host,
    port: args.port,
    logger: args.logger,
    rtmpBaseUrl: args.rtmpBaseUrl ?? 'rtmp://127.0.0.1:1935/kLive',
    ...(args.timeScale !== undefined ? { timeScale: args.timeScale } : {}),
  });
  const scale = args.timeScale ?? timeScaleFromEnv(process.env);
  const clock = scale === 1 ? '' : `; clock runs ${scale}x, 120 s expiries take ${(120 / scale).toFixed(1)} s`;
  const line = `kLive sandbox api_v3 at ${handle.serviceUrl} (partner ${SEED_PARTNER_ID}, entry ${SEED_ENTRY_ID}; admin secrets in ${path.join(args.dataDir, 'sandbox', 'secrets.json')}${clock})`;
  (args.out ?? ((l: string) => process.stdout.write(l + '\n')))(line);
  return handle;
}
