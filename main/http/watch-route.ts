// Owns the public viewer page /watch/<entryId> (no access token, like the HLS itself): a page that plays the entry
// with the unmodified Kaltura Player (@playkit-js/kaltura-player-js, OVP build) served from this station, through the
// station's Kaltura (the sandbox, or the account's service URL). A strict CSP: scripts only from here, no inline code.
import fs from 'node:fs';
import type http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import type { HttpRoute } from './server.js';
import { WATCH_SCRIPT } from './watch-script.js';

export const WATCH_PREFIX = '/watch/';
const ENTRY_ID = /^[01]_[a-zA-Z0-9]{8}$/;
const POLL_SECONDS = 5;

/** Which Kaltura the viewer's player talks to for an entry; serviceUrl null = this station's own origin (proxied sandbox). */
export type ViewerKaltura = { partnerId: number; serviceUrl: string | null } | { problem: string };

export interface WatchRouteOptions {
  viewerKaltura(entryId: string): ViewerKaltura;
  logger: Logger;
  /** dist/kaltura-ovp-player.js of the pinned player; default: resolved from node_modules */
  playerBundlePath?: string;
}

/** The OVP player bundle and its version, from the installed @playkit-js/kaltura-player-js. */
export function locatePlayerBundle(): { file: string; version: string } {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('@playkit-js/kaltura-player-js/package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version: string };
  return { file: path.join(path.dirname(pkgFile), 'dist', 'kaltura-ovp-player.js'), version: pkg.version };
}

export function watchUrl(baseUrl: string, entryId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${WATCH_PREFIX}${entryId}`;
}

/** The page's CSP: its own scripts only; the player injects its styles; HLS and the API may be on any host of the LAN or Kaltura. */
export const WATCH_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: http: https:",
  // data: for the player's autoplay probe (a tiny data: video)
  "media-src 'self' blob: data: http: https:",
  "connect-src 'self' http: https:",
  "worker-src 'self' blob:",
  "font-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function renderWatchPage(
  entryId: string,
  kaltura: { partnerId: number; serviceUrl: string | null },
  playerVersion: string,
): string {
  // JSON in a data block: never executed, and "<" escaped so it cannot close the element
  const config = JSON.stringify({
    entryId,
    partnerId: kaltura.partnerId,
    serviceUrl: kaltura.serviceUrl,
    pollSeconds: POLL_SECONDS,
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Live ${escapeHtml(entryId)} · kLive Station</title>
<style>
  html, body { margin: 0; height: 100%; background: #0b0d12; color: #e8eaf0; font: 15px/1.4 system-ui, sans-serif; }
  main { position: relative; width: 100%; height: 100%; }
  #player { position: absolute; inset: 0; }
  #slate { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; flex-direction: column; gap: 8px; background: #0b0d12; z-index: 10; }
  #slate[hidden] { display: none; }
  #slate .dot { width: 10px; height: 10px; border-radius: 50%; background: #f0b429; }
  #slate small { color: #8b93a7; }
</style>
</head>
<body data-state="waiting">
<script type="application/json" id="watch-config">${config}</script>
<main>
  <div id="player"></div>
  <div id="slate" data-testid="watch-slate"><span class="dot"></span><strong id="slate-text">Checking whether the stream is live...</strong><small>Entry ${escapeHtml(entryId)}</small></div>
</main>
<script src="${WATCH_PREFIX}kaltura-ovp-player.js?v=${encodeURIComponent(playerVersion)}"></script>
<script src="${WATCH_PREFIX}watch.js?v=${encodeURIComponent(playerVersion)}"></script>
</body>
</html>
`;
}

function send(
  res: http.ServerResponse,
  req: http.IncomingMessage,
  status: number,
  type: string,
  body: string | Buffer,
  extra: http.OutgoingHttpHeaders = {},
): void {
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res
    .writeHead(status, {
      'Content-Type': type,
      'Content-Length': buffer.length,
      'X-Content-Type-Options': 'nosniff',
      ...extra,
    })
    .end(req.method === 'HEAD' ? undefined : buffer);
}

export function createWatchRoute(options: WatchRouteOptions): HttpRoute {
  let bundle: { file: string; version: string } | null = null;
  const playerBundle = (): { file: string; version: string } => {
    bundle ??= options.playerBundlePath ? { file: options.playerBundlePath, version: 'local' } : locatePlayerBundle();
    return bundle;
  };
  return {
    prefix: WATCH_PREFIX,
    async handle(req, res, url) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      const name = url.pathname.slice(WATCH_PREFIX.length);
      if (name === 'kaltura-ovp-player.js') {
        let data: Buffer;
        try {
          data = await fs.promises.readFile(playerBundle().file);
        } catch (e) {
          options.logger.error('the Kaltura Player bundle is missing', { error: (e as Error).message });
          return send(
            res,
            req,
            500,
            'text/plain; charset=utf-8',
            'the Kaltura Player is not installed: run npm install (package @playkit-js/kaltura-player-js)\n',
          );
        }
        return send(res, req, 200, 'text/javascript; charset=utf-8', data, {
          'Cache-Control': 'public, max-age=86400',
        });
      }
      if (name === 'watch.js')
        return send(res, req, 200, 'text/javascript; charset=utf-8', WATCH_SCRIPT, { 'Cache-Control': 'no-cache' });
      if (!ENTRY_ID.test(name))
        return send(
          res,
          req,
          404,
          'text/plain; charset=utf-8',
          'not a viewer page: open /watch/<entryId>, e.g. /watch/0_rkij47dr\n',
        );
      const kaltura = options.viewerKaltura(name);
      if ('problem' in kaltura)
        return send(res, req, 404, 'text/plain; charset=utf-8', `${kaltura.problem}\n`, {
          'Cache-Control': 'no-store',
        });
      let version = 'unknown';
      try {
        version = playerBundle().version;
      } catch {
        // the bundle route will say what is missing
      }
      send(res, req, 200, 'text/html; charset=utf-8', renderWatchPage(name, kaltura, version), {
        'Content-Security-Policy': WATCH_CSP,
        'Cache-Control': 'no-cache',
        'Referrer-Policy': 'no-referrer',
      });
    },
  };
}
