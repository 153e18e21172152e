// Owns serving the ladders' HLS files at /hls/<entryId>/...: a whitelist of names (no path traversal), the right
// MIME types, CORS for players on other origins, no-cache playlists and cacheable segments.
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import type { HttpRoute } from './server.js';

export const HLS_PREFIX = '/hls/';
/** an entry id, optionally with the ingest suffix of a non-primary stream (0_rkij47dr-b1, 0_rkij47dr-p2) */
const ENTRY_ID = /^[01]_[a-zA-Z0-9]{8}(-[bp]\d{1,3})?$/;
const FOLDER = /^[A-Za-z0-9_-]{1,64}$/;
const SEGMENT = /^seg_\d{1,10}\.ts$/;

export interface HlsRouteOptions {
  /** DATA/hls */
  hlsRootDir: string;
  logger: Logger;
  /** seconds a segment may be cached; default 600 */
  segmentMaxAgeSeconds?: number;
}

export function hlsUrlFor(entryId: string, file = 'master.m3u8'): string {
  return `${HLS_PREFIX}${entryId}/${file}`;
}

/** /hls/<entryId>/master.m3u8 | /hls/<entryId>/<folder>/index.m3u8 | /hls/<entryId>/<folder>/seg_N.ts -> file path, or null */
export function resolveHlsPath(
  hlsRootDir: string,
  pathname: string,
): { file: string; kind: 'playlist' | 'segment' } | null {
  if (!pathname.startsWith(HLS_PREFIX)) return null;
  let parts: string[];
  try {
    parts = pathname
      .slice(HLS_PREFIX.length)
      .split('/')
      .map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
  const [entryId, a, b] = parts;
  if (!entryId || !ENTRY_ID.test(entryId)) return null;
  if (parts.length === 2 && a === 'master.m3u8') return { file: path.join(hlsRootDir, entryId, a), kind: 'playlist' };
  if (parts.length !== 3 || !a || !b || !FOLDER.test(a)) return null;
  if (b === 'index.m3u8') return { file: path.join(hlsRootDir, entryId, a, b), kind: 'playlist' };
  if (SEGMENT.test(b)) return { file: path.join(hlsRootDir, entryId, a, b), kind: 'segment' };
  return null;
}

export function createHlsRoute(options: HlsRouteOptions): HttpRoute {
  const maxAge = options.segmentMaxAgeSeconds ?? 600;
  return {
    prefix: HLS_PREFIX,
    async handle(req, res, url) {
      // '*' whatever the Origin: after a cross-origin redirect (Kaltura's playManifest) browsers send Origin: null;
      // X-Kaltura-Ks follows that redirect when the player sends the KS as a header (useHeaderForKs)
      const cors = {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': 'Origin, Accept, Range, Cache-Control, X-Kaltura-Ks',
        'Access-Control-Expose-Headers': 'Content-Length, Content-Range',
      };
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { ...cors, 'Access-Control-Max-Age': '600' }).end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...cors, Allow: 'GET, HEAD, OPTIONS' }).end();
        return;
      }
      const target = resolveHlsPath(options.hlsRootDir, url.pathname);
      if (!target) {
        notFound(res, cors, 'not an HLS path: expected /hls/<entryId>/master.m3u8');
        return;
      }
      let stat: fs.Stats;
      try {
        stat = await fs.promises.stat(target.file);
      } catch {
        notFound(res, cors, 'no such playlist or segment (is the entry live?)');
        return;
      }
      if (!stat.isFile()) {
        notFound(res, cors, 'not a file');
        return;
      }
      const headers: http.OutgoingHttpHeaders = {
        ...cors,
        'Content-Type': target.kind === 'playlist' ? 'application/vnd.apple.mpegurl' : 'video/mp2t',
        'Cache-Control':
          target.kind === 'playlist' ? 'no-cache, no-store, must-revalidate' : `public, max-age=${maxAge}`,
        'Content-Length': stat.size,
      };
      if (req.method === 'HEAD') {
        res.writeHead(200, headers).end();
        return;
      }
      await new Promise<void>((resolve) => {
        const stream = fs.createReadStream(target.file);
        stream.once('open', () => {
          res.writeHead(200, headers);
          stream.pipe(res);
        });
        stream.once('error', (e) => {
          // deleted between stat and open (old segment rolled off the window)
          if (!res.headersSent) notFound(res, cors, 'gone');
          else res.destroy();
          options.logger.debug('HLS read failed', { path: url.pathname, error: e.message });
          resolve();
        });
        stream.once('close', () => resolve());
      });
    },
  };
}

function notFound(res: http.ServerResponse, cors: Record<string, string>, message: string): void {
  res
    .writeHead(404, { ...cors, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
    .end(message);
}
