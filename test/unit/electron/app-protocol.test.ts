import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Protocol } from 'electron';
import { handleAppProtocol, registerAppScheme, resolveAppRequest } from '../../../main/electron/app-protocol.js';
import { RENDERER_CSP } from '../../../main/http/static-files.js';
import { tempDir } from '../../helpers/net.js';

const root = tempDir('klive-app-protocol-');
fs.mkdirSync(path.join(root, 'assets'));
fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>kLive</title>');
fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
fs.writeFileSync(path.join(path.dirname(root), 'outside-secret.txt'), 'no');

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(path.join(path.dirname(root), 'outside-secret.txt'), { force: true });
});

describe('klive://app protocol', () => {
  it('registers klive as a standard, secure scheme', () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged } as unknown as Protocol);
    expect(registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'klive', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
    ]);
  });

  it('maps files under the renderer root, with the CSP and a MIME type', () => {
    const js = resolveAppRequest(root, 'klive://app/assets/app.js');
    expect(js).toEqual({
      status: 200,
      file: path.join(root, 'assets', 'app.js'),
      headers: {
        'Content-Security-Policy': RENDERER_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Content-Type': 'text/javascript; charset=utf-8',
      },
    });
    expect(resolveAppRequest(root, 'klive://app/').file).toBe(path.join(root, 'index.html'));
    expect(resolveAppRequest(root, 'klive://app/settings/kaltura').file).toBe(path.join(root, 'index.html'));
  });

  it('refuses traversal, other hosts and missing files', () => {
    expect(resolveAppRequest(root, 'klive://app/..%2f..%2foutside-secret.txt').status).not.toBe(200);
    expect(resolveAppRequest(root, 'klive://app/%2e%2e/outside-secret.txt').status).not.toBe(200);
    expect(resolveAppRequest(root, 'klive://other/index.html').status).toBe(404);
    expect(resolveAppRequest(root, 'klive://app/assets/missing.js').status).toBe(404);
  });

  it('serves responses carrying the CSP header', async () => {
    let handler: ((req: { url: string }) => Promise<Response>) | null = null;
    handleAppProtocol({ handle: (_scheme: string, h: typeof handler) => (handler = h) } as unknown as Protocol, root);
    const ok = await handler!({ url: 'klive://app/index.html' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(await ok.text()).toContain('<title>kLive</title>');
    const missing = await handler!({ url: 'klive://app/nope.png' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(RENDERER_CSP);
  });
});
