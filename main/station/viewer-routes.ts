// Owns the HTTP routes viewers use and which Kaltura they play through: HLS (/hls/), the Wowza-shaped /kLive/
// paths, the /watch/<entryId> page, and the built-in sandbox's API and playManifest through this origin.
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import type { HttpRoute } from '../http/server.js';
import { createHlsRoute } from '../http/hls-route.js';
import { createWowzaRoute } from '../http/wowza-route.js';
import { createWatchRoute, type ViewerKaltura } from '../http/watch-route.js';
import { createProxyRoute } from '../http/proxy-route.js';
import type { KalturaSettings } from '../../shared/settings.js';
import type { SandboxHandle } from '../sandbox/index.js';

export interface ViewerRoutesDeps {
  dataDir: string;
  logger: Logger;
  /** the Kaltura settings in effect (start-up flags applied) */
  kaltura: () => KalturaSettings;
  sandbox: () => SandboxHandle | null;
  /** entry -> partner, learned from accepted streams */
  entryPartners: ReadonlyMap<string, number>;
}

/** Where the station writes an entry's HLS: DATA/hls. */
export function hlsRootDir(dataDir: string): string {
  return path.join(dataDir, 'hls');
}

/** Which Kaltura a viewer of /watch/<entryId> plays through, and as which partner. */
export function viewerKaltura(
  entryId: string,
  k: KalturaSettings,
  sandbox: SandboxHandle | null,
  entryPartners: ReadonlyMap<string, number>,
): ViewerKaltura {
  if (k.mode === 'sandbox') {
    const entry = sandbox?.store.entry(entryId);
    if (!entry)
      return {
        problem: `entry ${entryId} is not in this station's sandbox: check the link (the Sandbox screen lists the entries)`,
      };
    return { partnerId: entry.partnerId, serviceUrl: null };
  }
  const serviceUrl = k.serviceUrl
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/api_v3$/, '');
  // eCDN uses the partner's own id; as partner -5 the entry's partner is learned when it publishes here
  const partnerId = k.partnerId > 0 ? k.partnerId : entryPartners.get(entryId);
  if (partnerId === undefined)
    return {
      problem: `the partner of entry ${entryId} is not known yet: it becomes known when the entry first publishes to this station`,
    };
  return { partnerId, serviceUrl };
}

export function viewerRoutes(d: ViewerRoutesDeps): HttpRoute[] {
  const hls = hlsRootDir(d.dataDir);
  // the built-in sandbox stays on loopback; viewers reach its API and playManifest through this origin
  const sandboxUrl = (): string | null => (d.kaltura().mode === 'sandbox' ? (d.sandbox()?.serviceUrl ?? null) : null);
  return [
    createHlsRoute({ hlsRootDir: hls, logger: d.logger.child('hls') }),
    createWowzaRoute({ hlsRootDir: hls, logger: d.logger.child('hls') }),
    createWatchRoute({
      viewerKaltura: (entryId) => viewerKaltura(entryId, d.kaltura(), d.sandbox(), d.entryPartners),
      logger: d.logger.child('watch'),
    }),
    ...['/api_v3/', '/p/'].map((prefix) =>
      createProxyRoute({
        prefix,
        target: sandboxUrl,
        logger: d.logger.child('http'),
        unavailable: 'this station uses a Kaltura account, not its built-in sandbox: ask that Kaltura',
      }),
    ),
  ];
}
