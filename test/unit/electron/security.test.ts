import { describe, expect, it, vi } from 'vitest';
import type { Session } from 'electron';
import { installSessionSecurity, withAppCsp } from '../../../main/electron/security.js';
import { isAppUrl, isExternalWebUrl } from '../../../main/electron/app-url.js';
import { RENDERER_CSP } from '../../../main/http/static-files.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  cb: (r: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

function fakeSession() {
  const state: {
    headers: HeadersListener | null;
    request: ((wc: unknown, permission: string, cb: (granted: boolean) => void, details: unknown) => void) | null;
    check: ((wc: unknown, permission: string, origin: string, details: unknown) => boolean) | null;
  } = { headers: null, request: null, check: null };
  const session = {
    webRequest: { onHeadersReceived: (listener: HeadersListener) => (state.headers = listener) },
    setPermissionRequestHandler: (h: typeof state.request) => (state.request = h),
    setPermissionCheckHandler: (h: typeof state.check) => (state.check = h),
  };
  return { session: session as unknown as Session, state };
}

describe('app URL rules', () => {
  it('accepts only klive://app/ as our origin', () => {
    expect(isAppUrl('klive://app/index.html')).toBe(true);
    expect(isAppUrl('klive://app/assets/x.js')).toBe(true);
    for (const url of [
      'klive://evil/index.html',
      'klive://app.evil/x',
      'klive://u:p@app/x',
      'http://127.0.0.1:8080/',
      'file:///app/index.html',
      'not a url',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('sends only plain http(s) links to the browser', () => {
    expect(isExternalWebUrl('https://example.com/a?b=c')).toBe(true);
    expect(isExternalWebUrl('http://example.com/')).toBe(true);
    for (const url of [
      'javascript:alert(1)',
      'file:///x',
      'klive://app/x',
      'ftp://x/',
      'https://a:b@example.com/',
      '',
    ]) {
      expect(isExternalWebUrl(url), url).toBe(false);
    }
  });
});

describe('CSP header', () => {
  it('puts the strict renderer CSP on our pages and replaces any other CSP', () => {
    const out = withAppCsp('klive://app/index.html', {
      'content-security-policy': ['default-src *'],
      'Content-Type': ['text/html'],
    });
    expect(out).toEqual({ 'Content-Security-Policy': [RENDERER_CSP], 'Content-Type': ['text/html'] });
    expect(RENDERER_CSP).toContain("default-src 'self'");
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).toContain("object-src 'none'");
    expect(RENDERER_CSP).not.toContain('unsafe-eval');
  });

  it('lets the preview read the station on its own LAN origin (regression: a --host LAN address was refused by connect-src)', () => {
    const out = withAppCsp(
      'klive://app/index.html',
      {},
      new Set(['http://127.0.0.1:8080', 'http://192.168.1.20:8080']),
    );
    const csp = out?.['Content-Security-Policy']?.[0] ?? '';
    expect(csp).toMatch(/connect-src [^;]*http:\/\/192\.168\.1\.20:8080/);
    expect(csp).not.toContain('http://127.0.0.1:8080 ');
    expect(
      withAppCsp('klive://app/index.html', {}, new Set(["http://evil'; script-src *"]))?.[
        'Content-Security-Policy'
      ]?.[0],
    ).toBe(RENDERER_CSP);
  });

  it('leaves responses from elsewhere (HLS from the station) unchanged', () => {
    const headers = { 'Content-Type': ['application/vnd.apple.mpegurl'] };
    expect(withAppCsp('http://127.0.0.1:8080/hls/x/master.m3u8', headers)).toBe(headers);
  });

  it('is installed on the session through onHeadersReceived', () => {
    const { session, state } = fakeSession();
    installSessionSecurity(session, createLogger({ sinks: [] }));
    const cb = vi.fn();
    state.headers?.({ url: 'klive://app/index.html', responseHeaders: {} }, cb);
    expect(cb).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': [RENDERER_CSP] } });
    const cb2 = vi.fn();
    state.headers?.({ url: 'http://127.0.0.1:9/x.ts' }, cb2);
    expect(cb2).toHaveBeenCalledWith({});
  });
});

describe('permissions', () => {
  it('denies every permission request and check, and logs requests', () => {
    const { session, state } = fakeSession();
    const sink = memorySink();
    installSessionSecurity(session, createLogger({ sinks: [sink] }));
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen',
    ]) {
      const cb = vi.fn();
      state.request?.({}, permission, cb, {});
      expect(cb).toHaveBeenCalledWith(false);
      expect(state.check?.({}, permission, 'klive://app', {})).toBe(false);
    }
    expect(sink.lines.filter((l) => l.includes('permission request denied'))).toHaveLength(6);
  });
});

describe('HLS preview from the station', () => {
  it('lets only our origin read responses from allowed preview origins', () => {
    const { session, state } = fakeSession();
    const security = installSessionSecurity(session, createLogger({ sinks: [] }));
    security.allowPreviewOrigin('http://127.0.0.1:8080');
    const cb = vi.fn();
    state.headers?.(
      {
        url: 'http://127.0.0.1:8080/hls/0_abc/master.m3u8',
        responseHeaders: { 'access-control-allow-origin': ['*'], 'Content-Type': ['application/vnd.apple.mpegurl'] },
      },
      cb,
    );
    expect(cb).toHaveBeenCalledWith({
      responseHeaders: {
        'Content-Type': ['application/vnd.apple.mpegurl'],
        'Access-Control-Allow-Origin': ['klive://app'],
      },
    });
    const other = vi.fn();
    state.headers?.({ url: 'http://127.0.0.1:9999/hls/x.m3u8', responseHeaders: {} }, other);
    expect(other).toHaveBeenCalledWith({ responseHeaders: {} });
    expect(() => security.allowPreviewOrigin('file:///x')).toThrow(/must be http/);
  });
});
