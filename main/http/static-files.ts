// Owns serving the built renderer: files under one root, no traversal, index.html for app routes.
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
};

/**
 * The renderer's CSP. extraOrigins: the station's own non-loopback origins (a LAN --host), whose HLS the preview
 * reads; loopback is always allowed.
 */
export function rendererCsp(extraOrigins: readonly string[] = []): string {
  const extra = extraOrigins.filter(
    (o) => /^https?:\/\/[^\s;,']+$/.test(o) && !/^http:\/\/(127\.0\.0\.1|localhost):/.test(o),
  );
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    ['connect-src', "'self'", 'ws:', 'wss:', 'http://127.0.0.1:*', 'http://localhost:*', ...extra].join(' '),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

export const RENDERER_CSP = rendererCsp();

/** Resolves a URL path under root; null when it would escape root. */
export function safeJoin(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  const rootResolved = path.resolve(root);
  return full === rootResolved || full.startsWith(rootResolved + path.sep) ? full : null;
}

export interface StaticServeOptions {
  root: string;
  /** transforms index.html before it is sent (e.g. to inject the loopback access token) */
  transformIndex?: (html: string, req: IncomingMessage) => string;
}

export function serveRenderer(
  options: StaticServeOptions,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): void {
  const file = safeJoin(options.root, pathname === '/' ? '/index.html' : pathname);
  if (!file) {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad path');
    return;
  }
  const ext = path.extname(file);
  const exists = fs.existsSync(file) && fs.statSync(file).isFile();
  const target = exists ? file : ext === '' ? path.join(options.root, 'index.html') : null;
  if (!target || !fs.existsSync(target)) {
    const missingBuild = !fs.existsSync(path.join(options.root, 'index.html'));
    res
      .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      .end(missingBuild ? 'The UI is not built: run `npm run build` (npm run station does it for you).' : 'not found');
    return;
  }
  const type = MIME_TYPES[path.extname(target)] ?? 'application/octet-stream';
  const headers: Record<string, string> = { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' };
  if (target.endsWith('index.html')) {
    headers['Content-Security-Policy'] = RENDERER_CSP;
    headers['Cache-Control'] = 'no-cache';
    const html = fs.readFileSync(target, 'utf8');
    res.writeHead(200, headers).end(options.transformIndex ? options.transformIndex(html, req) : html);
    return;
  }
  headers['Cache-Control'] = target.includes(`${path.sep}assets${path.sep}`)
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
  res.writeHead(200, headers);
  fs.createReadStream(target).pipe(res);
}
