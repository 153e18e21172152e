// The composition root: constructs every part of the station, starts them in order and stops them
// in reverse. The same class runs under plain Node (cli.ts) and inside Electron (main/electron).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StationOptions } from '../config/options.js';
import type { Logger } from '../log/logger.js';
import { StationHttpServer } from '../http/server.js';
import { locateFfmpeg } from '../transcode/ffmpeg-locate.js';
import type { StationInfo } from '../../shared/station-info.js';
import type { AppPaths } from './app-paths.js';

export interface StationDeps {
  options: StationOptions;
  logger: Logger;
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  now?: () => number;
}

export class Station {
  private readonly http: StationHttpServer;
  private info: StationInfo;
  private started = false;

  constructor(private readonly deps: StationDeps) {
    const { options, logger, paths } = deps;
    this.http = new StationHttpServer({ host: options.host, port: options.httpPort, renderer: { root: paths.rendererDir }, logger: logger.child('http') });
    this.info = {
      name: 'kLive Station',
      version: paths.version,
      startedAtMs: (deps.now ?? Date.now)(),
      hostname: os.hostname(),
      rtmpUrl: `rtmp://${displayHost(options.host)}:${options.rtmpPort}/kLive`,
      httpUrl: `http://${displayHost(options.host)}:${options.httpPort}/`,
      ffmpeg: { status: 'missing', path: null, source: null, version: null, message: 'not detected yet' },
    };
  }

  getInfo(): StationInfo {
    return this.info;
  }

  async start(): Promise<StationInfo> {
    const { options, logger, env } = this.deps;
    fs.mkdirSync(options.dataDir, { recursive: true });
    fs.mkdirSync(path.join(options.dataDir, 'logs'), { recursive: true });
    const ffmpeg = await locateFfmpeg({ settingPath: '', env });
    if (ffmpeg.status === 'ok') logger.info('using FFmpeg', { path: ffmpeg.path, source: ffmpeg.source, version: ffmpeg.version });
    else logger.warn(ffmpeg.message ?? 'FFmpeg unavailable');
    await this.http.listen();
    this.info = {
      ...this.info,
      ffmpeg,
      httpUrl: `http://${displayHost(options.host)}:${this.http.port}/`,
    };
    this.started = true;
    this.http.setReady(true);
    return this.info;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.http.setReady(false);
    await this.http.close();
  }
}

/** The address a user types: loopback for wildcard binds. */
export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
