// Owns the sandbox's playManifest (kaltura-playback.md 3, playManifestAction): GET /p/{pid}[/sp/{sp}]/playManifest/
// key/value.../a.m3u8 for a live entry answers 302 to the playing station (primary, else backup), or 404 with
// X-Kaltura: error-N like KExternalErrors::dieError. Only applehttp; the KS (path or X-Kaltura-Ks) is not checked.
import type http from 'node:http';
import type { SandboxStore } from '../model/store.js';
import { liveStatusOf } from '../model/api-objects.js';
import { ENTRY_ID_PATTERN, NodeStatus } from '../model/types.js';
import { playbackTargets, wowzaPlaylistUrl } from './wowza-url.js';

export interface PlayManifestRequest {
  partnerId: number;
  params: Map<string, string>;
}

/** KExternalErrors codes and descriptions used here. */
const ERRORS = {
  ENTRY_NOT_FOUND: [1, 'requested entry not found'],
  DELIVERY_METHOD_NOT_ALLOWED: [18, 'Delivery method not allowed'],
  MISSING_PARAMETER: [20, 'Request parameter [%s] is missing'],
  ENTRY_NOT_LIVE: [36, 'The given entry is not broadcasting'],
} as const;

// alpha/web/index.php answers a preflight on /p/... itself
const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Origin, X-Requested-With, Content-Type, Accept, Range, Cache-Control, X-Kaltura-Ks',
  'Access-Control-Allow-Methods': 'POST, GET, HEAD, OPTIONS',
  'Access-Control-Max-Age': '86400',
};
// kManifestRenderers::output()
const MANIFEST_CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Server,range,Content-Length,Content-Range',
  'Timing-Allow-Origin': '*',
};

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses /p/{pid}[/sp/{x}]/playManifest/k/v/.../file and the query (path pairs win); null when not a playManifest URL. */
export function parsePlayManifestUrl(url: URL): PlayManifestRequest | null {
  const segments = url.pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map(safeDecode);
  if (segments[0] !== 'p' || !segments[1] || !/^-?\d+$/.test(segments[1])) return null;
  let rest = segments.slice(2);
  if (rest[0] === 'sp') rest = rest.slice(2);
  if (rest[0]?.toLowerCase() !== 'playmanifest') return null;
  const params = new Map<string, string>();
  for (const [k, v] of url.searchParams) params.set(k, v);
  const pairs = rest.slice(1);
  // an odd count ends with a file name (a.m3u8), which carries nothing
  for (let i = 0; i + 1 < pairs.length; i += 2) params.set(pairs[i] as string, pairs[i + 1] as string);
  return { partnerId: Number(segments[1]), params };
}

function dieError(
  res: http.ServerResponse,
  error: (typeof ERRORS)[keyof typeof ERRORS],
  detail: string | null,
  arg?: string,
): void {
  const [code, template] = error;
  const description = (arg !== undefined ? template.replace('%s', arg) : template) + (detail ? `, ${detail}` : '');
  const clean = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 1000);
  res
    .writeHead(404, {
      'X-Kaltura-App': clean(`exiting on error ${code} - ${description}`),
      'X-Kaltura': `error-${code}`,
      // not Kaltura's, and harmless: a cross-origin player can then read why
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'X-Kaltura, X-Kaltura-App',
      'Cache-Control': 'no-cache',
      'Content-Length': '0',
    })
    .end();
}

export function isPlayManifestPath(pathname: string): boolean {
  return /^\/p\/-?\d+\/(sp\/[^/]+\/)?playManifest(\/|$)/i.test(pathname);
}

export function handlePlayManifest(
  store: SandboxStore,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): void {
  if (req.method === 'OPTIONS') {
    res.writeHead(200, { ...PREFLIGHT_HEADERS, 'Content-Length': '0' }).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD, OPTIONS', 'Content-Length': '0' }).end();
    return;
  }
  const request = parsePlayManifestUrl(url);
  if (!request) return dieError(res, ERRORS.MISSING_PARAMETER, null, 'entryId');
  const entryId = request.params.get('entryId') ?? '';
  if (entryId === '') return dieError(res, ERRORS.MISSING_PARAMETER, null, 'entryId');
  const entry = ENTRY_ID_PATTERN.test(entryId) ? store.entry(entryId) : undefined;
  if (!entry || entry.partnerId !== request.partnerId) return dieError(res, ERRORS.ENTRY_NOT_FOUND, null);
  const format = request.params.get('format') ?? 'applehttp';
  if (format !== 'applehttp')
    return dieError(
      res,
      ERRORS.DELIVERY_METHOD_NOT_ALLOWED,
      `format [${format}] is not served by the sandbox; use applehttp`,
    );
  const registrations = store.nodes();
  if (liveStatusOf(registrations, entry.id) !== NodeStatus.PLAYABLE)
    return dieError(res, ERRORS.ENTRY_NOT_LIVE, `Entry [${entry.id}] is not broadcasting`);
  const targets = playbackTargets(entry.id, registrations, store.serverNodes.all());
  const target = targets[0];
  if (!target) return dieError(res, ERRORS.ENTRY_NOT_LIVE, `Entry [${entry.id}] is not broadcasting on stream type []`);
  // initFlavorParamsIds: the requested live assets of this entry, as flavor params ids
  const requested = (request.params.get('flavorIds') ?? '').split(',').filter((s) => s.length > 0);
  const assets = store.liveAssets(entry.id);
  const flavorParamsIds = [...new Set(assets.filter((a) => requested.includes(a.id)).map((a) => a.flavorParamsId))];
  const protocol = request.params.get('protocol') === 'https' ? 'https' : 'http';
  const location = wowzaPlaylistUrl(target.serverNode, protocol, entry.id, flavorParamsIds, entry.dvrStatus === 1);
  // kRedirectManifestRenderer; no-cache rather than Kaltura's 60 s, because the station behind it can change
  res
    .writeHead(302, { ...MANIFEST_CORS, Location: location, 'Cache-Control': 'no-cache', 'Content-Length': '0' })
    .end();
}
