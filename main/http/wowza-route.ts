// Owns the Wowza-shaped paths Kaltura's playManifest redirects viewers to (kaltura-playback.md 3.5):
// /kLive/smil:{entryId}_{fp1_fp2}.smil/playlist.m3u8, /kLive/smil:{entryId}_all.smil/playlist.m3u8 and
// /kLive/{entryId}_{fp}/playlist.m3u8. Each answers a master playlist cut from the entry's HLS output (variant folder
// {entryId}_{liveParamsId} = the ladder's StreamName) whose URIs point at /hls/, so a redirect from the sandbox or
// from real Kaltura reaches this station unchanged. Query attributes (?DVR&flavorIds=) carry nothing new.
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { HLS_PREFIX } from './hls-route.js';
import type { HttpRoute } from './server.js';

/** MediaServerNode's default application, the one the station registers */
export const WOWZA_APPLICATION = 'kLive';
const ENTRY_ID = '[01]_[a-zA-Z0-9]{8}';
const SMIL = new RegExp(`^smil:(${ENTRY_ID})_(all|\\d+(?:_\\d+)*)\\.smil$`);
const SINGLE = new RegExp(`^(${ENTRY_ID})_(\\d+)$`);

export interface WowzaStream {
  entryId: string;
  /** liveParams ids; null = every rendition (smil:{entryId}_all.smil) */
  flavorParamsIds: number[] | null;
}

/** /kLive/{stream}/playlist.m3u8 -> the stream it names, or null. */
export function parseWowzaPath(pathname: string, application = WOWZA_APPLICATION): WowzaStream | null {
  let parts: string[];
  try {
    parts = pathname.split('/').map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
  if (parts.length !== 4 || parts[0] !== '' || parts[1] !== application || parts[3] !== 'playlist.m3u8') return null;
  const stream = parts[2] as string;
  const smil = SMIL.exec(stream);
  if (smil)
    return {
      entryId: smil[1] as string,
      flavorParamsIds: smil[2] === 'all' ? null : (smil[2] as string).split('_').map(Number),
    };
  const single = SINGLE.exec(stream);
  if (single) return { entryId: single[1] as string, flavorParamsIds: [Number(single[2])] };
  return null;
}

/**
 * Keeps the master playlist's variants whose folder is {entryId}_{fp} for a wanted fp (all when null) and the audio
 * group they use; URIs become absolute /hls/{outputId}/... paths. Null when no wanted variant is there.
 */
export function cutMasterPlaylist(
  master: string,
  outputId: string,
  entryId: string,
  flavorParamsIds: readonly number[] | null,
): string | null {
  const wanted = flavorParamsIds === null ? null : new Set(flavorParamsIds.map((fp) => `${entryId}_${fp}`));
  const lines = master.split(/\r?\n/);
  const header: string[] = [];
  const media: string[] = [];
  const variants: string[] = [];
  const usedGroups = new Set<string>();
  const absolute = (uri: string): string => (/^[a-z]+:|^\//i.test(uri) ? uri : `${HLS_PREFIX}${outputId}/${uri}`);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('#EXT-X-MEDIA:')) {
      media.push(line.replace(/URI="([^"]*)"/, (_m, uri: string) => `URI="${absolute(uri)}"`));
    } else if (line.startsWith('#EXT-X-STREAM-INF:')) {
      const uri = (lines[++i] ?? '').trim();
      if (wanted && !wanted.has(uri.split('/')[0] ?? '')) continue;
      const group = /AUDIO="([^"]*)"/.exec(line)?.[1];
      if (group) usedGroups.add(group);
      variants.push(line, absolute(uri));
    } else if (line.startsWith('#')) {
      header.push(line);
    }
  }
  if (variants.length === 0) return null;
  const keptMedia = media.filter((m) => usedGroups.has(/GROUP-ID="([^"]*)"/.exec(m)?.[1] ?? ''));
  return [...header, ...keptMedia, ...variants].join('\n') + '\n';
}

export interface WowzaRouteOptions {
  /** DATA/hls */
  hlsRootDir: string;
  logger: Logger;
  application?: string;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  // useHeaderForKs sends X-Kaltura-Ks on manifest requests, and it follows the redirect here
  'Access-Control-Allow-Headers': 'Origin, Accept, Range, Cache-Control, X-Kaltura-Ks',
};

/** The HLS output an entry plays from here: its primary ingest, or the backup (-b1) when that is the newer one. */
function outputFor(hlsRootDir: string, entryId: string): { outputId: string; master: string } | null {
  let best: { outputId: string; master: string; mtimeMs: number } | null = null;
  for (const outputId of [entryId, `${entryId}-b1`]) {
    const file = path.join(hlsRootDir, outputId, 'master.m3u8');
    try {
      const stat = fs.statSync(file);
      if (!best || stat.mtimeMs > best.mtimeMs)
        best = { outputId, master: fs.readFileSync(file, 'utf8'), mtimeMs: stat.mtimeMs };
    } catch {
      // not this one
    }
  }
  return best ? { outputId: best.outputId, master: best.master } : null;
}

export function createWowzaRoute(options: WowzaRouteOptions): HttpRoute {
  const application = options.application ?? WOWZA_APPLICATION;
  return {
    prefix: `/${application}/`,
    handle(req, res, url) {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { ...CORS, 'Access-Control-Max-Age': '600' }).end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...CORS, Allow: 'GET, HEAD, OPTIONS' }).end();
        return;
      }
      const stream = parseWowzaPath(url.pathname, application);
      if (!stream)
        return notFound(
          res,
          `not a stream path: expected /${application}/smil:{entryId}_{ids}.smil/playlist.m3u8 or /${application}/{entryId}_{id}/playlist.m3u8`,
        );
      const output = outputFor(options.hlsRootDir, stream.entryId);
      if (!output) return notFound(res, `entry ${stream.entryId} is not playing on this station`);
      const playlist = cutMasterPlaylist(output.master, output.outputId, stream.entryId, stream.flavorParamsIds);
      if (!playlist) {
        options.logger.debug('no rendition of a Wowza path on this station', { path: url.pathname });
        return notFound(
          res,
          `none of the renditions ${stream.flavorParamsIds?.join(', ') ?? ''} of entry ${stream.entryId} plays on this station`,
        );
      }
      const body = Buffer.from(playlist, 'utf8');
      const headers: http.OutgoingHttpHeaders = {
        ...CORS,
        'Content-Type': 'application/vnd.apple.mpegurl',
        'Cache-Control': 'no-cache, no-store, must-revalidate',
        'Content-Length': body.length,
      };
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
    },
  };
}

function notFound(res: http.ServerResponse, message: string): void {
  res
    .writeHead(404, { ...CORS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
    .end(message);
}
