// Owns serving the built renderer on klive://app/: files under dist/renderer only (no traversal),
// index.html for extensionless app routes, and the strict CSP on every response.
import fs from 'node:fs';
import path from 'node:path';
import type { Protocol } from 'electron';
import { MIME_TYPES, RENDERER_CSP, safeJoin } from '../http/static-files.js';
import { APP_HOST, APP_SCHEME } from './app-url.js';

/** Must run before app 'ready': makes klive: a standard, secure origin that may use fetch. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

export interface AppFileResolution {
  status: 200 | 400 | 404;
  /** the file to send when status is 200 */
  file: string | null;
  headers: Record<string, string>;
}

/** Pure mapping from a klive://app/ URL to a file under rendererDir. */
export function resolveAppRequest(
  rendererDir: string,
  url: string,
  exists: (file: string) => boolean = isFile,
): AppFileResolution {
  const base = { 'Content-Security-Policy': RENDERER_CSP, 'X-Content-Type-Options': 'nosniff' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, file: null, headers: { ...base, 'Content-Type': 'text/plain' } };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) {
    return { status: 404, file: null, headers: { ...base, 'Content-Type': 'text/plain' } };
  }
  const requested = safeJoin(rendererDir, parsed.pathname === '/' ? '/index.html' : parsed.pathname);
  if (!requested) return { status: 400, file: null, headers: { ...base, 'Content-Type': 'text/plain' } };
  const target = exists(requested)
    ? requested
    : path.extname(requested) === ''
      ? path.join(rendererDir, 'index.html')
      : null;
  if (!target || !exists(target))
    return { status: 404, file: null, headers: { ...base, 'Content-Type': 'text/plain' } };
  return {
    status: 200,
    file: target,
    headers: { ...base, 'Content-Type': MIME_TYPES[path.extname(target)] ?? 'application/octet-stream' },
  };
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Serves klive://app/ from rendererDir (which may sit inside app.asar: Electron's fs reads it). */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const resolved = resolveAppRequest(rendererDir, request.url);
    if (resolved.status !== 200 || !resolved.file) {
      const missingBuild = !isFile(path.join(rendererDir, 'index.html'));
      const text = missingBuild
        ? 'The UI is not built: run `npm run build`.'
        : resolved.status === 400
          ? 'bad path'
          : 'not found';
      return new Response(text, { status: resolved.status, headers: resolved.headers });
    }
    const body = await fs.promises.readFile(resolved.file);
    return new Response(new Uint8Array(body), { status: 200, headers: resolved.headers });
  });
}
