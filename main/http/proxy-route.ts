// Owns forwarding a path prefix to another local HTTP server unchanged (method, path, headers, body; the answer as is).
// The station uses it to put the built-in sandbox's /api_v3/ and /p/ (playManifest) on its own origin, so a viewer on
// the LAN reaches Kaltura's API through the station while the sandbox itself stays on loopback.
import http from 'node:http';
import type { Logger } from '../log/logger.js';
import type { HttpRoute } from './server.js';

export interface ProxyRouteOptions {
  prefix: string;
  /** http://127.0.0.1:PORT of the target, or null when there is none now */
  target(): string | null;
  logger: Logger;
  /** what a caller is told when there is no target */
  unavailable: string;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

export function createProxyRoute(options: ProxyRouteOptions): HttpRoute {
  return {
    prefix: options.prefix,
    handle(req, res, url) {
      const target = options.target();
      if (!target) {
        res
          .writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Access-Control-Allow-Origin': '*' })
          .end(`${options.unavailable}\n`);
        return;
      }
      const base = new URL(target);
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      return new Promise<void>((resolve) => {
        // the Host header stays the caller's: URLs the target builds (playManifest) then point back at this station
        const upstream = http.request(
          { host: base.hostname, port: base.port, method: req.method, path: url.pathname + url.search, headers },
          (answer) => {
            const out: http.OutgoingHttpHeaders = {};
            for (const [name, value] of Object.entries(answer.headers))
              if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
            res.writeHead(answer.statusCode ?? 502, out);
            answer.pipe(res);
            answer.once('end', () => resolve());
            answer.once('error', () => resolve());
          },
        );
        upstream.once('error', (e) => {
          options.logger.warn('proxied request failed', { path: url.pathname, error: e.message });
          if (!res.headersSent)
            res
              .writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8', 'Access-Control-Allow-Origin': '*' })
              .end(`${options.unavailable}\n`);
          else res.destroy();
          resolve();
        });
        req.pipe(upstream);
      });
    },
  };
}
