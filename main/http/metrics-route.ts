// Owns GET /metrics: the station's Prometheus exposition (a per-station registry, see station/metrics.ts).
import type { HttpRoute } from './server.js';
import { onlyGet, refuseOps, type OpsAccess } from './ops-access.js';

export interface MetricsRenderer {
  render(): Promise<string>;
  readonly contentType: string;
}

export function createMetricsRoute(metrics: MetricsRenderer, access: OpsAccess): HttpRoute {
  return {
    prefix: '/metrics',
    async handle(req, res, url) {
      if (!onlyGet(req, res)) return;
      if (!access(req, url)) return refuseOps(res);
      const body = await metrics.render();
      res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}
