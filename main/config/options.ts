// Owns how the headless station is configured at start: flags, then environment, then a config file, then defaults.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from './errors.js';
import {
  checkKalturaStartup,
  parseAdminSecretFile,
  parseHostname,
  parseKalturaMode,
  parsePartnerId,
  parseServiceUrl,
  type KalturaStartup,
} from './kaltura-startup.js';
import { parseTimeScale } from './time-scale.js';

export interface StationOptions {
  dataDir: string;
  rtmpPort: number;
  httpPort: number;
  host: string;
  configFile?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** the Kaltura account given at start-up; wins over the saved settings for this run */
  kaltura?: KalturaStartup;
}

export const DEFAULT_RTMP_PORT = 1935;
export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';

type FlagKind = 'port' | 'string' | 'level' | 'kaltura-mode' | 'url' | 'partner-id' | 'secret-file' | 'hostname';

interface FlagSpec {
  key: keyof FileConfig;
  env: string;
  kind: FlagKind;
}

const FLAGS: Record<string, FlagSpec> = {
  '--data-dir': { key: 'dataDir', env: 'KLIVE_DATA_DIR', kind: 'string' },
  '--rtmp-port': { key: 'rtmpPort', env: 'KLIVE_RTMP_PORT', kind: 'port' },
  '--http-port': { key: 'httpPort', env: 'KLIVE_HTTP_PORT', kind: 'port' },
  '--host': { key: 'host', env: 'KLIVE_HOST', kind: 'string' },
  '--log-level': { key: 'logLevel', env: 'KLIVE_LOG_LEVEL', kind: 'level' },
  '--kaltura-mode': { key: 'kalturaMode', env: 'KLIVE_KALTURA_MODE', kind: 'kaltura-mode' },
  '--kaltura-url': { key: 'kalturaUrl', env: 'KLIVE_KALTURA_URL', kind: 'url' },
  '--partner-id': { key: 'partnerId', env: 'KLIVE_PARTNER_ID', kind: 'partner-id' },
  '--admin-secret-file': { key: 'adminSecretFile', env: 'KLIVE_ADMIN_SECRET_FILE', kind: 'secret-file' },
  '--hostname': { key: 'hostname', env: 'KLIVE_HOSTNAME', kind: 'hostname' },
};

interface FileConfig {
  dataDir?: string;
  rtmpPort?: number;
  httpPort?: number;
  host?: string;
  logLevel?: StationOptions['logLevel'];
  kalturaMode?: KalturaStartup['mode'];
  kalturaUrl?: string;
  partnerId?: number;
  adminSecretFile?: string;
  hostname?: string;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0
      ? env.XDG_DATA_HOME
      : path.join(env.HOME ?? os.homedir(), '.local', 'share');
  return path.join(base, 'klive-station');
}

export const USAGE = `Usage: klive-station [options]
       klive-station sandbox [--port N] [--time-scale N] [--data-dir DIR]

Options (each also from an environment variable):
  --data-dir DIR    where settings, HLS, recordings and logs go   KLIVE_DATA_DIR   (default ~/.local/share/klive-station)
  --rtmp-port N     RTMP ingest port                             KLIVE_RTMP_PORT  (default 1935)
  --http-port N     UI, HLS preview and ops endpoints            KLIVE_HTTP_PORT  (default 8080)
  --host ADDR       address to listen on; 0.0.0.0 exposes to LAN  KLIVE_HOST       (default 127.0.0.1)
  --config FILE     JSON file with any of: dataDir, rtmpPort, httpPort, host, logLevel,
                    kalturaMode, kalturaUrl, partnerId, adminSecretFile, hostname
  --log-level L     debug | info | warn | error                   KLIVE_LOG_LEVEL  (default info)
  --help            this text

Kaltura account (each wins over the saved settings for this run; nothing is saved):
  --kaltura-mode M          sandbox | ecdn | saas | onprem          KLIVE_KALTURA_MODE
                            ecdn: your own partner id and admin secret (Hybrid eCDN);
                            saas/onprem: the media-server partner -5 (Kaltura SaaS lets -5
                            in only from Kaltura's own network)
  --kaltura-url URL         the Kaltura server, e.g. https://www.kaltura.com   KLIVE_KALTURA_URL
  --partner-id N            your partner id (ecdn) or -5 (saas/onprem)       KLIVE_PARTNER_ID
  --admin-secret-file FILE  a file holding only the partner's admin secret  KLIVE_ADMIN_SECRET_FILE
                            (the secret itself is never taken from argv or the environment)
  --hostname NAME           this station's server-node name at Kaltura      KLIVE_HOSTNAME
                            (default: this machine's name plus an installation id)

sandbox --time-scale N: sandbox seconds per real second (1-3600; also KLIVE_SANDBOX_TIME_SCALE, which the
  station's built-in sandbox honours too); 60 makes the 120 s heartbeat and registration expiries take 2 s.`;

function parseValue(flag: string, spec: FlagSpec, raw: string, origin: string): string | number {
  if (spec.kind === 'port') {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isInteger(n) || n < 1 || n > 65535) {
      throw new UsageError(
        `${origin}: "${raw}" is not a port; give a whole number from 1 to 65535 (${flag} N or ${spec.env}=N)`,
      );
    }
    return n;
  }
  if (spec.kind === 'level') {
    if (!['debug', 'info', 'warn', 'error'].includes(raw)) {
      throw new UsageError(`${origin}: log level "${raw}" is unknown; use debug, info, warn or error`);
    }
    return raw;
  }
  if (raw.trim() === '') throw new UsageError(`${origin}: empty value; give ${flag} a value or leave it out`);
  switch (spec.kind) {
    case 'kaltura-mode':
      return parseKalturaMode(raw, origin);
    case 'url':
      return parseServiceUrl(raw, origin);
    case 'partner-id':
      return parsePartnerId(raw, origin);
    case 'secret-file':
      return parseAdminSecretFile(raw, origin);
    case 'hostname':
      return parseHostname(raw, origin);
    default:
      return raw;
  }
}

function readConfigFile(file: string): FileConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `--config ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'}); check the path`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config ${file}: not valid JSON (${(e as Error).message}); fix the file or remove --config`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`--config ${file}: expected a JSON object like {"httpPort": 8080}`);
  }
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const entry = Object.entries(FLAGS).find(([, spec]) => spec.key === key);
    if (!entry) {
      throw new UsageError(
        `--config ${file}: unknown key "${key}"; allowed keys are ${Object.values(FLAGS)
          .map((s) => s.key)
          .join(', ')}`,
      );
    }
    const [flag, spec] = entry;
    out[key] = parseValue(flag, spec, String(value), `--config ${file} "${key}"`);
  }
  return out as FileConfig;
}

export interface ParsedCommand {
  command: 'station' | 'sandbox' | 'help';
  options: StationOptions;
  sandboxPort?: number;
  /** sandbox --time-scale N */
  sandboxTimeScale?: number;
}

export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedCommand {
  const args = [...argv];
  let command: ParsedCommand['command'] = 'station';
  if (args[0] === 'sandbox') {
    command = 'sandbox';
    args.shift();
  }
  const fromFlags: FileConfig = {};
  let configFile: string | undefined;
  let sandboxPort: number | undefined;
  let sandboxTimeScale: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    // help works whatever else is wrong in the environment
    if (arg === '--help' || arg === '-h')
      return { command: 'help', options: resolve({}, {}, { HOME: env.HOME, XDG_DATA_HOME: env.XDG_DATA_HOME }) };
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value (see --help)`);
      return next;
    };
    if (name === '--config') {
      configFile = takeValue();
      continue;
    }
    if (command === 'sandbox' && name === '--port') {
      sandboxPort = parseValue(
        '--port',
        { key: 'httpPort', env: 'KLIVE_SANDBOX_PORT', kind: 'port' },
        takeValue(),
        '--port',
      ) as number;
      continue;
    }
    if (name === '--admin-secret') {
      throw new UsageError(
        '--admin-secret is not accepted: a secret on the command line is visible to every user of this machine; put it in a file (mode 0600) and pass --admin-secret-file FILE',
      );
    }
    if (command === 'sandbox' && name === '--time-scale') {
      const raw = takeValue();
      try {
        sandboxTimeScale = parseTimeScale(raw, '--time-scale');
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      continue;
    }
    const spec = FLAGS[name];
    if (!spec) throw new UsageError(`unknown option "${arg}"; see --help for the options`);
    (fromFlags as Record<string, unknown>)[spec.key] = parseValue(name, spec, takeValue(), name);
  }
  const fromFile = configFile ? readConfigFile(configFile) : {};
  const options = resolve(fromFlags, fromFile, env);
  if (configFile) options.configFile = configFile;
  return {
    command,
    options,
    ...(sandboxPort !== undefined ? { sandboxPort } : {}),
    ...(sandboxTimeScale !== undefined ? { sandboxTimeScale } : {}),
  };
}

function resolve(fromFlags: FileConfig, fromFile: FileConfig, env: NodeJS.ProcessEnv): StationOptions {
  if (env.KLIVE_ADMIN_SECRET !== undefined && env.KLIVE_ADMIN_SECRET !== '') {
    throw new UsageError(
      'KLIVE_ADMIN_SECRET is not accepted: the environment of a process can be read by others; put the secret in a file (mode 0600) and set KLIVE_ADMIN_SECRET_FILE to its path',
    );
  }
  const fromEnv: FileConfig = {};
  for (const [flag, spec] of Object.entries(FLAGS)) {
    const raw = env[spec.env];
    if (raw !== undefined && raw !== '')
      (fromEnv as Record<string, unknown>)[spec.key] = parseValue(flag, spec, raw, spec.env);
  }
  const pick = <K extends keyof FileConfig>(key: K): FileConfig[K] => fromFlags[key] ?? fromEnv[key] ?? fromFile[key];
  const mode = pick('kalturaMode');
  const serviceUrl = pick('kalturaUrl');
  const partnerId = pick('partnerId');
  const adminSecretFile = pick('adminSecretFile');
  const hostname = pick('hostname');
  const kaltura: KalturaStartup = {
    ...(mode !== undefined ? { mode } : {}),
    ...(serviceUrl !== undefined ? { serviceUrl } : {}),
    ...(partnerId !== undefined ? { partnerId } : {}),
    ...(adminSecretFile !== undefined ? { adminSecretFile: path.resolve(adminSecretFile) } : {}),
    ...(hostname !== undefined ? { hostname } : {}),
  };
  checkKalturaStartup(kaltura);
  return {
    dataDir: path.resolve(pick('dataDir') ?? defaultDataDir(env)),
    rtmpPort: pick('rtmpPort') ?? DEFAULT_RTMP_PORT,
    httpPort: pick('httpPort') ?? DEFAULT_HTTP_PORT,
    host: pick('host') ?? DEFAULT_HOST,
    logLevel: pick('logLevel') ?? 'info',
    kaltura,
  };
}
