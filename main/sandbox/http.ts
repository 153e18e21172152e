// Owns the sandbox's HTTP server: api_v3 routing (canonical, index.php, path pairs, query, body; URL wins),
// response formats, CORS, the X-Kaltura headers of pre-dispatch errors, and the faults applied per call;
// /p/.../playManifest/... goes to playback/play-manifest.ts.
import http from 'node:http';
import type net from 'node:net';
import type { Logger } from '../log/logger.js';
import { SandboxApiError, toApiError } from './errors.js';
import { runCall, runMultiRequest, type DispatchDeps } from './dispatch/dispatch.js';
import { RawResult } from './dispatch/types.js';
import type { Faults } from './faults.js';
import { handlePlayManifest, isPlayManifestPath } from './playback/play-manifest.js';
import { DEFAULT_BODY_LIMITS, isMultipart, parseBody, readBody, type BodyLimits } from './wire/body.js';
import { mergeBags, optString, parseApiPath, unflatten, type ParamBag } from './wire/params.js';
import { renderJson, renderJsonMulti, renderXml, renderXmlMulti, type ApiValue } from './wire/serialize.js';

// api_v3/web/index.php and KalturaResponseCacher: every answer carries these two; OPTIONS adds the preflight ones
const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Server, Content-Length, Content-Range, Date, X-Kaltura, X-Kaltura-Session, X-Me',
};
const PREFLIGHT_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Origin, X-Requested-With, Content-Type, Accept, Range, Cache-Control',
  'Access-Control-Allow-Methods': 'POST, GET, HEAD, OPTIONS',
  'Access-Control-Max-Age': '86400',
};

export interface SandboxHttpOptions {
  deps: DispatchDeps;
  faults: Faults;
  logger: Logger;
  limits?: BodyLimits;
}

type Format = 'json' | 'xml';

export interface SandboxServer {
  server: http.Server;
  /** stops listening and cuts every open connection (keep-alive included) */
  close(): Promise<void>;
}

export function createSandboxServer(options: SandboxHttpOptions): SandboxServer {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    if (options.faults.current.down) {
      req.socket.destroy();
      return;
    }
    void handle(options, req, res).catch((e: unknown) => {
      options.logger.error(`sandbox request failed: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.end();
    });
  });
  server.on('connection', (socket) => {
    if (options.faults.current.down) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 15_000;
  server.requestTimeout = 0;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
    });
  return { server, close };
}

async function handle(options: SandboxHttpOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const started = process.hrtime.bigint();
  const url = new URL(req.url ?? '/', 'http://sandbox');
  if (isPlayManifestPath(url.pathname)) {
    handlePlayManifest(options.deps.store, req, res, url);
    return;
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(200, { ...PREFLIGHT_HEADERS, 'Content-Length': '0' }).end();
    return;
  }
  const route = parseApiPath(url.pathname);
  if (!route) {
    res
      .writeHead(404, { 'Content-Type': 'text/plain' })
      .end('Not found: the sandbox answers api_v3 calls under /api_v3/service/{service}/action/{action}\n');
    return;
  }
  const contentType = String(req.headers['content-type'] ?? '');
  const urlBag = unflatten([...route.pairs, ...url.searchParams.entries()]);
  let bag: ParamBag = urlBag;
  let format: Format = formatOf(optString(urlBag, 'format') ?? '2') ?? 'xml';
  // a JSON client whose body cannot be read still gets its error as JSON
  if (contentType.toLowerCase().startsWith('application/json') && optString(urlBag, 'format') === null) format = 'json';
  try {
    const limits = options.limits ?? DEFAULT_BODY_LIMITS;
    const body = await readBody(req, isMultipart(contentType) ? limits.maxUploadBytes : limits.maxBodyBytes);
    bag = mergeBags(parseBody(body, contentType), urlBag);
  } catch (e) {
    if (!(e instanceof SandboxApiError)) throw e;
    return sendError(res, e, format, started, true);
  }
  const rawFormat = optString(bag, 'format') ?? '2';
  const parsedFormat = formatOf(rawFormat);
  if (!parsedFormat) {
    const error = new SandboxApiError('UNKNOWN_RESPONSE_FORMAT', [rawFormat]);
    res.writeHead(200, { ...CORS_HEADERS, ...kalturaErrorHeaders(error), 'Content-Length': '0' }).end();
    return;
  }
  format = parsedFormat;
  if (options.faults.current.latencyMs > 0) await new Promise((r) => setTimeout(r, options.faults.current.latencyMs));
  if (options.faults.current.down) {
    req.socket.destroy();
    return;
  }
  if (options.faults.shouldFail())
    return sendError(res, new SandboxApiError('INTERNAL_SERVERL_ERROR'), format, started, true);

  const service = route.service ?? optString(bag, 'service');
  const action = route.action ?? optString(bag, 'action');
  const ignoreNull = optString(bag, 'ignoreNull') === '1';
  if (service && service.toLowerCase() === 'multirequest') {
    const results = await runMultiRequest(options.deps, bag, { origin: requestOrigin(req) });
    const seconds = elapsedSeconds(started);
    send(res, format, format === 'json' ? renderJsonMulti(results) : renderXmlMulti(results, seconds, ignoreNull));
    options.logger.debug(`sandbox multirequest (${results.length} calls)`);
    return;
  }
  if (!service) return sendError(res, new SandboxApiError('SERVICE_DOES_NOT_EXISTS', ['']), format, started, true);
  if (!action)
    return sendError(res, new SandboxApiError('ACTION_DOES_NOT_EXISTS', ['', service]), format, started, true);

  const outcome = await runCall(options.deps, service, action, bag, { origin: requestOrigin(req) });
  options.logger.debug(`sandbox ${service}.${action}${outcome.ok ? '' : ` -> ${outcome.error.code}`}`);
  if (!outcome.ok) {
    if (outcome.file) {
      res.writeHead(200, { ...CORS_HEADERS, ...kalturaErrorHeaders(outcome.error), 'Content-Length': '0' }).end();
      return;
    }
    return sendError(res, outcome.error, format, started, outcome.preDispatch);
  }
  if (outcome.value instanceof RawResult) {
    const body = Buffer.from(outcome.value.body, 'utf8');
    res
      .writeHead(200, {
        ...CORS_HEADERS,
        ...outcome.value.headers,
        'Content-Type': outcome.value.contentType,
        'Content-Length': String(body.length),
      })
      .end(body);
    return;
  }
  const value: ApiValue = outcome.value;
  send(res, format, format === 'json' ? renderJson(value) : renderXml(value, elapsedSeconds(started), ignoreNull));
}

/** http://HOST as the caller reached the sandbox (a LAN viewer's Host, not loopback); a bad Host falls back to the socket's address. */
export function requestOrigin(req: http.IncomingMessage): string {
  const host = req.headers.host ?? '';
  if (/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)) return `http://${host}`;
  const address = req.socket.localAddress ?? '127.0.0.1';
  const port = req.socket.localPort ?? 80;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

function formatOf(raw: string): Format | null {
  if (raw === '1') return 'json';
  if (raw === '2' || raw === '') return 'xml';
  return null;
}

function elapsedSeconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function kalturaErrorHeaders(error: SandboxApiError): Record<string, string> {
  // header values must be latin1 without line breaks
  const clean = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?');
  return {
    'X-Kaltura': clean(`error-${error.code}`),
    'X-Kaltura-App': clean(`exiting on error ${error.code} - ${error.message}`).slice(0, 1000),
  };
}

function send(res: http.ServerResponse, format: Format, body: string, extraHeaders: Record<string, string> = {}): void {
  const buffer = Buffer.from(body, 'utf8');
  res
    .writeHead(200, {
      ...CORS_HEADERS,
      ...extraHeaders,
      'Content-Type': format === 'json' ? 'application/json' : 'text/xml',
      'Content-Length': String(buffer.length),
    })
    .end(buffer);
}

function sendError(res: http.ServerResponse, e: unknown, format: Format, started: bigint, preDispatch: boolean): void {
  const error = toApiError(e);
  const body = format === 'json' ? renderJson(error) : renderXml(error, elapsedSeconds(started), false);
  send(res, format, body, preDispatch ? kalturaErrorHeaders(error) : {});
}
