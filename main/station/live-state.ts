// Owns the live state's services, for the composition root: the events log, registry, metrics, beacons,
// system sampler and their timers, plus what publishes that state: the bridge host, the WebSocket transport
// and the ops routes (/metrics, /diagnostics). station.ts constructs one, wires the parts' events into
// `registry`, and starts/stops it.
import path from 'node:path';
import type { KalturaApi } from '../core/kaltura-api.js';
import type { Logger } from '../log/logger.js';
import type { KalturaStatus } from '../../shared/state.js';
import type { StationInfo } from '../../shared/station-info.js';
import type { HttpRoute, StationHttpServer } from '../http/server.js';
import { createMetricsRoute } from '../http/metrics-route.js';
import { createDiagnosticsRoute } from '../http/diagnostics-route.js';
import { opsAccess } from '../http/ops-access.js';
import { isLocalRequest, tokensEqual } from '../http/access-token.js';
import { WsBridgeServer } from '../bridge/ws-transport.js';
import { delayToGridMs, systemClock, type Clock, type TimerHandle } from '../core/clock.js';
import { EventsLog } from './events-log.js';
import { StationRegistry, type RegistryOptions } from './registry.js';
import { StationMetrics } from './metrics.js';
import { BeaconSender } from './beacons.js';
import { SystemSampler, type SystemProbes } from './system-stats.js';
import { forwardRegistryEvents } from '../bridge/state-changes.js';
import {
  createBridgeHost,
  type BridgeHandlers,
  type BridgeHostOptions,
  type StationBridgeHost,
} from '../bridge/server.js';

export interface LiveStateServicesOptions {
  logger: Logger;
  /** events go to DATA/logs/events.log; null keeps them in memory (tests) */
  dataDir: string | null;
  info: StationInfo;
  kaltura: KalturaStatus;
  /** the current Kaltura client, or null while none is configured (beacons are then dropped) */
  kalturaApi: () => Pick<KalturaApi, 'addBeacon'> | null;
  /** settings.kaltura.beaconsEnabled */
  beaconsEnabled: () => boolean;
  /** pids of the running FFmpeg processes */
  ffmpegPids: () => readonly number[];
  /** the server-node hostname (X-Me of /diagnostics) */
  me: () => string;
  clock?: Clock;
  registry?: Partial<Omit<RegistryOptions, 'clock' | 'info' | 'kaltura' | 'events' | 'redactor'>>;
  beaconIntervalMs?: number;
  /** how long stop() waits for the last beacons (default 3 s) */
  beaconFlushOnStopMs?: number;
  tickIntervalMs?: number;
  systemProbes?: SystemProbes;
}

export class LiveStateServices {
  readonly clock: Clock;
  readonly events: EventsLog;
  readonly registry: StationRegistry;
  readonly metrics: StationMetrics;
  readonly beacons: BeaconSender;
  readonly sampler: SystemSampler;
  private tickTimer: TimerHandle | null = null;
  private readonly cleanups: (() => void | Promise<void>)[] = [];

  constructor(private readonly o: LiveStateServicesOptions) {
    this.clock = o.clock ?? systemClock();
    const redactor = o.logger.redactor;
    this.events = new EventsLog({
      clock: this.clock,
      redactor,
      logsDir: o.dataDir ? path.join(o.dataDir, 'logs') : null,
    });
    this.registry = new StationRegistry({
      ...o.registry,
      clock: this.clock,
      info: o.info,
      kaltura: o.kaltura,
      events: this.events,
      redactor,
    });
    this.metrics = new StationMetrics({
      snapshot: () => this.registry.snapshot(),
      authResults: () => this.registry.authResults(),
      nowMs: () => this.clock.nowMs(),
    });
    this.beacons = new BeaconSender({
      api: { addBeacon: async (args) => o.kalturaApi()?.addBeacon(args) },
      clock: this.clock,
      logger: o.logger.child('beacons'),
      redactor,
      enabled: () => o.beaconsEnabled() && o.kalturaApi() !== null,
      ...(o.beaconIntervalMs !== undefined ? { flushIntervalMs: o.beaconIntervalMs } : {}),
    });
    this.cleanups.push(this.registry.onAlert((t) => this.beacons.onAlert(t)));
    this.sampler = new SystemSampler(this.clock, o.ffmpegPids, o.systemProbes);
  }

  /** The BridgeHost for both transports, already forwarding registry changes as events. */
  createBridgeHost(handlers: BridgeHandlers, options: BridgeHostOptions = {}): StationBridgeHost {
    const host = createBridgeHost(handlers, {
      redactor: this.o.logger.redactor,
      logger: this.o.logger.child('bridge'),
      ...options,
    });
    this.cleanups.push(forwardRegistryEvents((l) => this.registry.subscribe(l), host));
    return host;
  }

  /** The WebSocket bridge on /bridge of `http`; closed by stop(). */
  attachWebSocket(http: StationHttpServer, host: StationBridgeHost, accessToken: string): WsBridgeServer {
    const ws = new WsBridgeServer({
      host,
      access: { trusts: (presented) => tokensEqual(presented, accessToken), isLocal: isLocalRequest },
      getSnapshot: () => this.registry.snapshot(),
      logger: this.o.logger.child('ws'),
    });
    ws.attach(http);
    this.cleanups.push(() => ws.close());
    return ws;
  }

  /** /metrics and /diagnostics/* (loopback, or the access token). */
  routes(accessToken: string): HttpRoute[] {
    const access = opsAccess(accessToken);
    return [
      createMetricsRoute(this.metrics, access),
      createDiagnosticsRoute(
        {
          snapshot: () => this.registry.snapshot(),
          refusals: () => this.registry.refusals(),
          nowMs: () => this.clock.nowMs(),
          me: this.o.me,
        },
        access,
      ),
    ];
  }

  start(): void {
    if (this.tickTimer) return;
    const tickMs = this.o.tickIntervalMs ?? 1000;
    const tick = (): void => {
      try {
        this.registry.tick();
      } catch (e) {
        this.o.logger.error('state tick failed', { error: (e as Error).message });
      }
      if (this.tickTimer) this.tickTimer = this.clock.setTimer(tick, delayToGridMs(this.clock.nowMs(), tickMs));
    };
    this.tickTimer = this.clock.setTimer(tick, delayToGridMs(this.clock.nowMs(), tickMs));
    this.sampler.start((s) => this.registry.system(s), tickMs);
    this.beacons.start();
    this.events.add({ severity: 'info', kind: 'station', message: `kLive Station ${this.o.info.version} started` });
  }

  /** Stops timers, sends pending beacons (waiting at most beaconFlushOnStopMs), closes transports and the events file. One-shot. */
  async stop(): Promise<void> {
    this.tickTimer?.cancel();
    this.tickTimer = null;
    this.sampler.stop();
    this.beacons.stop();
    this.registry.flush();
    // last beacons are best effort: a hanging Kaltura must not hold up quitting
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.beacons.flush(),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.o.beaconFlushOnStopMs ?? 3000))),
    ]);
    clearTimeout(timer);
    for (const c of this.cleanups.splice(0).reverse()) await c();
    this.registry.dispose();
    this.events.close();
  }
}
