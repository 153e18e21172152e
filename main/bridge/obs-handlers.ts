// Owns the Send to OBS answers: the entry's publish details into OBS's stream service (obs-websocket 5), with the
// profile's top transcoded rung so OBS's own output settings can be checked against the ladder; OBS status,
// start, stop and disconnect.
import type { PublishDetails } from '../../shared/sandbox.js';
import type { ObsStatus } from '../../shared/obs.js';
import type { BridgeHandlers } from './server.js';

/** The top transcoded rung of the entry's profile, which OBS's output is checked against. */
export interface ObsTopRung {
  width: number | null;
  height: number | null;
  videoBitrateBps: number | null;
}

/** The OBS link as the bridge uses it (obs/'s ObsControl satisfies it). */
export interface BridgeObs {
  send(args: {
    address: string;
    password: string;
    server: string;
    key: string;
    entryId: string;
    mediaServerIndex: number;
    topRung: ObsTopRung | null;
  }): Promise<ObsStatus>;
  status(): Promise<ObsStatus>;
  startStreaming(): Promise<ObsStatus>;
  stopStreaming(): Promise<ObsStatus>;
  disconnect(): Promise<void>;
}

export interface ObsHandlerDeps {
  obs: BridgeObs;
  /** the entry's server URLs and stream keys (read from Kaltura or the sandbox) */
  publishDetails: (entryId: string) => Promise<PublishDetails>;
  /** the top transcoded rung of the entry's profile; null when there is none to check (passthrough, serve failed) */
  topRung: (partnerId: number, entryId: string) => Promise<ObsTopRung | null>;
}

export function createObsHandlers(d: ObsHandlerDeps) {
  return {
    'obs.send': async (req) => {
      const details = await d.publishDetails(req.entryId);
      const endpoint = req.mediaServerIndex === 1 ? details.backup : details.primary;
      return d.obs.send({
        address: req.address,
        password: req.password,
        server: endpoint.serverUrl,
        key: endpoint.streamKey,
        entryId: req.entryId,
        mediaServerIndex: req.mediaServerIndex,
        topRung: await d.topRung(details.partnerId, req.entryId),
      });
    },
    'obs.getStatus': async () => d.obs.status(),
    'obs.startStreaming': async () => d.obs.startStreaming(),
    'obs.stopStreaming': async () => d.obs.stopStreaming(),
    'obs.disconnect': async () => {
      await d.obs.disconnect();
      return d.obs.status();
    },
  } satisfies Partial<BridgeHandlers>;
}
