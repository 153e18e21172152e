// Owns the window's security policy: the CSP header on our pages, no navigation away from the app,
// no new windows (http(s) links go to the user's browser), no webviews, and every permission denied.
import type { Session, WebContents } from 'electron';
import { rendererCsp } from '../http/static-files.js';
import type { Logger } from '../log/logger.js';
import { APP_ORIGIN, isAppUrl, isExternalWebUrl } from './app-url.js';

type HeaderMap = Record<string, string[]>;

/**
 * Adds the CSP to responses for our own pages; other responses (HLS from 127.0.0.1) pass unchanged. The preview
 * origins (the station's own, a LAN address included) join connect-src.
 */
export function withAppCsp(
  url: string,
  headers: HeaderMap | undefined,
  previewOrigins: ReadonlySet<string> = new Set(),
): HeaderMap | undefined {
  if (!isAppUrl(url)) return headers;
  const out: HeaderMap = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() !== 'content-security-policy') out[key] = value;
  }
  out['Content-Security-Policy'] = [rendererCsp([...previewOrigins])];
  return out;
}

/**
 * The window (origin klive://app) previews HLS from the station's own HTTP server on loopback, which is
 * cross-origin for it: responses from an allowed preview origin are marked readable by our origin only.
 */
export function withPreviewCors(
  url: string,
  headers: HeaderMap | undefined,
  previewOrigins: ReadonlySet<string>,
): HeaderMap | undefined {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return headers;
  }
  if (!previewOrigins.has(origin)) return headers;
  const out: HeaderMap = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (!key.toLowerCase().startsWith('access-control-allow-')) out[key] = value;
  }
  out['Access-Control-Allow-Origin'] = [APP_ORIGIN];
  return out;
}

export interface SessionSecurity {
  /** lets the window read responses from this origin (the station's HTTP server, e.g. http://127.0.0.1:8080) */
  allowPreviewOrigin(origin: string): void;
}

export function installSessionSecurity(
  session: Pick<Session, 'webRequest' | 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
  logger: Logger,
): SessionSecurity {
  const previewOrigins = new Set<string>();
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = withPreviewCors(
      details.url,
      withAppCsp(details.url, details.responseHeaders, previewOrigins),
      previewOrigins,
    );
    callback(responseHeaders ? { responseHeaders } : {});
  });
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    logger.warn('permission request denied', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  return {
    allowPreviewOrigin(origin: string): void {
      const parsed = new URL(origin);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new Error(`preview origin ${origin} must be http(s)`);
      previewOrigins.add(parsed.origin);
    },
  };
}

export interface ContentsSecurityDeps {
  openExternal: (url: string) => Promise<void>;
  logger: Logger;
}

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export function installContentsSecurity(contents: GuardedContents, deps: ContentsSecurityDeps): void {
  const { logger } = deps;
  const sendOut = (url: string, why: string): void => {
    if (isExternalWebUrl(url)) {
      deps
        .openExternal(url)
        .catch((e: unknown) => logger.warn('could not open link in the browser', { url, error: (e as Error).message }));
    } else {
      logger.warn(`${why} refused`, { url });
    }
  };
  // The app is one page; any navigation (a clicked link, a drag-dropped file, a redirect) leaves it.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    sendOut(url, 'navigation');
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    logger.warn('redirect refused', { url });
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    logger.warn('webview refused');
  });
  contents.setWindowOpenHandler(({ url }) => {
    sendOut(url, 'new window');
    return { action: 'deny' };
  });
}
