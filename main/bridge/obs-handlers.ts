// Owns the Send to OBS answers: the entry's publish details into OBS's stream service (obs-websocket 5), with the
// profile's top transcoded rung so OBS's own output settings can be checked against the ladder; OBS status,
// start, stop and disconnect.
import type { PublishDetails } from '../../shared/sandbox.js';
import type { ObsControl } from '../obs/obs-control.js';
import type { TopRung } from '../obs/obs-warnings.js';
import { parseServeLadder } from '../kaltura/serve-ladder.js';
import type { BridgeKaltura } from './deps.js';
import type { BridgeHandlers } from './server.js';

export interface ObsHandlerDeps {
  kaltura: BridgeKaltura;
  obs: ObsControl;
  /** the entry's server URLs and stream keys (read from Kaltura or the sandbox) */
  publishDetails: (entryId: string) => Promise<PublishDetails>;
}

export function createObsHandlers(d: ObsHandlerDeps) {
  /** The profile's top transcoded rung, for OBS warnings; null with a passthrough rung or when serve fails. */
  const topRung = async (partnerId: number, entryId: string): Promise<TopRung | null> => {
    try {
      const xml = await d.kaltura.api.serveConversionProfile({
        partnerId,
        streamName: `${entryId}_1`,
        extraParams: {},
      });
      const { ladder } = parseServeLadder(xml);
      if (ladder.renditions.some((r) => r.video?.codec === 'copy')) return null;
      const rungs = ladder.renditions.flatMap((r) => (r.video && r.video.codec === 'h264' ? [r.video] : []));
      const top = rungs.sort((a, b) => (b.bitrateBps ?? 0) - (a.bitrateBps ?? 0))[0];
      return top ? { width: top.width, height: top.height, videoBitrateBps: top.bitrateBps } : null;
    } catch {
      return null;
    }
  };

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
        topRung: await topRung(details.partnerId, req.entryId),
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
