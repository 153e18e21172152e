// Owns what the station opens to windows and viewers once it listens: the bridge (its handlers over the
// station's parts, the host, the WebSocket transport on /bridge) and the HTTP routes (/metrics, /diagnostics,
// HLS, /kLive, /watch, the sandbox proxy).
import { createBridgeHandlers } from '../bridge/handlers.js';
import type { StationBridgeHost } from '../bridge/server.js';
import type { Logger } from '../log/logger.js';
import type { Settings } from '../../shared/settings.js';
import type { StationInfo } from '../../shared/station-info.js';
import type { StationParts } from './station-parts.js';
import { viewerRoutes } from './viewer-routes.js';
import { servedTopRung } from '../kaltura/top-rung.js';
import { totpCode } from '../sandbox/index.js';
import {
  conversionProfileListLive,
  entryServerNodesFor,
  liveStreamAdd,
  liveStreamDelete,
  liveStreamGetForProducer,
  liveStreamList,
  liveStreamRegenerateToken,
  liveStreamUpdate,
} from '../kaltura/producer-actions.js';
import { describeProducerError } from '../kaltura/producer-status.js';
import type { ProducerCalls } from '../bridge/producer-deps.js';

/** A producer's Kaltura calls, from kaltura/, for the bridge's producer answers. */
const producerCalls: ProducerCalls = {
  conversionProfileListLive,
  entryServerNodesFor,
  liveStreamAdd,
  liveStreamDelete,
  liveStreamGetForProducer,
  liveStreamList,
  liveStreamRegenerateToken,
  liveStreamUpdate,
  describeError: describeProducerError,
};

export interface OutletsDeps {
  parts: StationParts;
  logger: Logger;
  dataDir: string;
  /** the station info current at call time */
  info: () => StationInfo;
  /** entry -> partner, learned from accepted streams (the viewer page's partner as -5) */
  entryPartners: ReadonlyMap<string, number>;
  /** applies changed settings (reconfigures Kaltura, re-detects FFmpeg) */
  applySettings: (previous: Settings, next: Settings, secretChanged: boolean) => Promise<void>;
}

/** Builds the bridge and adds every route to the station's HTTP server; returns the bridge host. */
export function openOutlets(d: OutletsDeps): StationBridgeHost {
  const { liveState, kaltura, kalturaConfig, queue, http, accessToken } = d.parts;
  const bridge = liveState.createBridgeHost(
    createBridgeHandlers({
      info: d.info,
      registry: liveState.registry,
      events: liveState.events,
      settings: d.parts.settings,
      secrets: d.parts.secrets,
      kaltura,
      logger: d.logger,
      startupOverrides: kalturaConfig.overriddenFields(),
      encoders: () => d.parts.ffmpeg.availability(),
      producer: d.parts.producer,
      calls: producerCalls,
      obs: d.parts.obs,
      topRung: (partnerId, entryId) => servedTopRung(kaltura.api, partnerId, entryId),
      totpCode,
      applySettings: d.applySettings,
      retryRecordings: (entryId) => queue.retryHeld(entryId),
      partnerChanged: () => {
        queue.retryHeld();
        void kaltura.serverNode()?.reregister();
      },
    }),
  );
  liveState.attachWebSocket(http, bridge, accessToken);
  const viewers = viewerRoutes({
    dataDir: d.dataDir,
    logger: d.logger,
    kaltura: () => kalturaConfig.effective(),
    sandbox: () => kaltura.sandbox,
    entryPartners: d.entryPartners,
  });
  for (const route of [...liveState.routes(accessToken), ...viewers]) http.addRoute(route);
  return bridge;
}
