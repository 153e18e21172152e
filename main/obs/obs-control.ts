// Owns the station's link to OBS Studio over obs-websocket 5 (OBS 28+): connect with the user's address and
// password, set the stream service to custom RTMP with this station's server and key, start/stop streaming,
// and report whether OBS streams, at what bitrate, and which of its settings hurt the ladder. The password and
// the stream key stay in main: they are added to the log redactor and never returned.
import { OBSWebSocket, OBSWebSocketError } from 'obs-websocket-js/json';
import type { Logger } from '../log/logger.js';
import type { ObsStatus } from '../../shared/obs.js';
import { obsLadderWarnings, type ObsOutputSettings, type TopRung } from './obs-warnings.js';

/** The obs-websocket calls the station makes; a stub in unit tests, obs-websocket-js in the app. */
export interface ObsLink {
  call(request: string, data?: Record<string, unknown>): Promise<Record<string, unknown>>;
  disconnect(): Promise<void>;
  onClose(listener: () => void): void;
}

export type ObsConnector = (address: string, password: string) => Promise<ObsLink>;

export const obsWebSocketConnector: ObsConnector = async (address, password) => {
  const obs = new OBSWebSocket();
  await obs.connect(address, password === '' ? undefined : password, { rpcVersion: 1 });
  return {
    call: async (request, data) =>
      ((await (obs.call as (r: string, d?: unknown) => Promise<unknown>)(request, data)) ?? {}) as Record<
        string,
        unknown
      >,
    disconnect: () => obs.disconnect(),
    onClose: (listener) => void obs.on('ConnectionClosed', listener),
  };
};

export interface SendArgs {
  address: string;
  password: string;
  server: string;
  key: string;
  entryId: string;
  mediaServerIndex: number;
  topRung: TopRung | null;
}

/** Why OBS could not be used, with what to do in OBS. */
export function describeObsError(error: unknown, address: string): string {
  if (error instanceof OBSWebSocketError) {
    if (error.code === 4009)
      return `OBS refused the password (authentication failed): copy it from OBS → Tools → WebSocket Server Settings → Show Connect Info.`;
    if (error.code === 4010)
      return 'This OBS speaks an older obs-websocket: use OBS 28 or newer (it ships obs-websocket 5).';
    if (error.code === 1006 || error.code === 1000 || error.code === -1) {
      return `OBS is not reachable at ${address}: start OBS, open Tools → WebSocket Server Settings, tick "Enable WebSocket server", and use the port and password from "Show Connect Info".`;
    }
    return `OBS answered an error (${error.code}): ${error.message}`;
  }
  const message = (error as Error).message ?? String(error);
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|socket|connect/i.test(message)) {
    return `OBS is not reachable at ${address}: start OBS, open Tools → WebSocket Server Settings, tick "Enable WebSocket server", and use the port and password from "Show Connect Info".`;
  }
  return `OBS: ${message}`;
}

const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : null;

export class ObsControl {
  private link: ObsLink | null = null;
  private address: string | null = null;
  private version: string | null = null;
  private sent: SendArgs | null = null;
  private problem: string | null = null;
  private lastBytes: { bytes: number; atMs: number } | null = null;
  private bitrateKbps: number | null = null;

  constructor(private readonly o: { logger: Logger; connect?: ObsConnector; nowMs?: () => number }) {}

  /** Connects (or reuses the link to the same address) and points OBS's stream at this station. */
  async send(args: SendArgs): Promise<ObsStatus> {
    if (args.password !== '') this.o.logger.redactor.addSecret(args.password);
    try {
      if (!this.link || this.address !== args.address) {
        await this.disconnect();
        this.link = await (this.o.connect ?? obsWebSocketConnector)(args.address, args.password);
        this.address = args.address;
        const link = this.link;
        link.onClose(() => {
          if (this.link !== link) return;
          this.link = null;
          this.problem = `OBS closed the connection: is OBS still running? Send the settings again to reconnect.`;
        });
        const version = await this.link.call('GetVersion');
        this.version = typeof version.obsVersion === 'string' ? version.obsVersion : null;
      }
      const current = await this.link.call('GetStreamStatus');
      if (current.outputActive === true) {
        this.problem =
          'OBS is streaming right now: stop streaming in OBS before the station changes its server and key.';
        return this.status();
      }
      await this.link.call('SetStreamServiceSettings', {
        streamServiceType: 'rtmp_custom',
        streamServiceSettings: { server: args.server, key: args.key, use_auth: false },
      });
      this.sent = args;
      this.problem = null;
      this.lastBytes = null;
      this.bitrateKbps = null;
      this.o.logger.info(
        `sent stream settings for ${args.entryId} (index ${args.mediaServerIndex}) to OBS ${this.version ?? ''} at ${args.address}`,
      );
    } catch (error) {
      this.problem = this.o.logger.redactor.redact(describeObsError(error, args.address));
      this.o.logger.warn(`Send to OBS failed: ${this.problem}`);
      await this.disconnect(false);
    }
    return this.status();
  }

  async startStreaming(): Promise<ObsStatus> {
    await this.run('StartStream');
    return this.status();
  }

  async stopStreaming(): Promise<ObsStatus> {
    await this.run('StopStream');
    return this.status();
  }

  async status(): Promise<ObsStatus> {
    const base: ObsStatus = {
      connected: this.link !== null,
      address: this.address,
      obsVersion: this.version,
      entryId: this.sent?.entryId ?? null,
      mediaServerIndex: this.sent?.mediaServerIndex ?? null,
      settingsApplied: false,
      streaming: false,
      reconnecting: false,
      outputBitrateKbps: null,
      outputDurationMs: null,
      skippedFrames: null,
      totalFrames: null,
      warnings: [],
      problem: this.problem,
    };
    const link = this.link;
    if (!link) return base;
    try {
      const [stream, service, video, mode, vbitrate, x264] = await Promise.all([
        link.call('GetStreamStatus'),
        link.call('GetStreamServiceSettings'),
        link.call('GetVideoSettings'),
        link.call('GetProfileParameter', { parameterCategory: 'Output', parameterName: 'Mode' }),
        link.call('GetProfileParameter', { parameterCategory: 'SimpleOutput', parameterName: 'VBitrate' }),
        link.call('GetProfileParameter', { parameterCategory: 'SimpleOutput', parameterName: 'x264Settings' }),
      ]);
      const nowMs = (this.o.nowMs ?? Date.now)();
      const bytes = num(stream.outputBytes);
      const streaming = stream.outputActive === true;
      if (streaming && bytes !== null) {
        if (this.lastBytes && nowMs > this.lastBytes.atMs && bytes >= this.lastBytes.bytes) {
          this.bitrateKbps = Math.round(((bytes - this.lastBytes.bytes) * 8) / (nowMs - this.lastBytes.atMs));
        }
        this.lastBytes = { bytes, atMs: nowMs };
      } else {
        this.lastBytes = null;
        this.bitrateKbps = null;
      }
      const settings = (service.streamServiceSettings ?? {}) as Record<string, unknown>;
      const fpsNum = num(video.fpsNumerator);
      const fpsDen = num(video.fpsDenominator);
      const paramValue = (r: Record<string, unknown>): string | null =>
        typeof r.parameterValue === 'string'
          ? r.parameterValue
          : typeof r.defaultParameterValue === 'string'
            ? r.defaultParameterValue
            : null;
      const output: ObsOutputSettings = {
        outputMode: paramValue(mode) ?? 'Simple',
        simpleVideoBitrateKbps: num(paramValue(vbitrate)) ?? 2500,
        simpleX264Settings: paramValue(x264),
        outputWidth: num(video.outputWidth),
        outputHeight: num(video.outputHeight),
        fps: fpsNum !== null && fpsDen ? fpsNum / fpsDen : null,
      };
      return {
        ...base,
        settingsApplied:
          this.sent !== null &&
          service.streamServiceType === 'rtmp_custom' &&
          settings.server === this.sent.server &&
          settings.key === this.sent.key,
        streaming,
        reconnecting: stream.outputReconnecting === true,
        outputBitrateKbps: streaming ? this.bitrateKbps : null,
        outputDurationMs: num(stream.outputDuration),
        skippedFrames: num(stream.outputSkippedFrames),
        totalFrames: num(stream.outputTotalFrames),
        warnings: obsLadderWarnings(output, this.sent?.topRung ?? null),
      };
    } catch (error) {
      return { ...base, problem: this.o.logger.redactor.redact(describeObsError(error, this.address ?? '')) };
    }
  }

  async disconnect(clearProblem = true): Promise<void> {
    const link = this.link;
    this.link = null;
    if (clearProblem) this.problem = null;
    if (link) await link.disconnect().catch(() => undefined);
  }

  private async run(request: 'StartStream' | 'StopStream'): Promise<void> {
    if (!this.link) {
      this.problem = 'Not connected to OBS: press "Send to OBS" first.';
      return;
    }
    try {
      await this.link.call(request);
      this.problem = null;
    } catch (error) {
      this.problem = this.o.logger.redactor.redact(describeObsError(error, this.address ?? ''));
    }
  }
}
