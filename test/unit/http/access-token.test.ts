import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  createIndexTransform,
  isLoopbackAddress,
  isLoopbackHost,
  loadOrCreateAccessToken,
  tokensEqual,
} from '../../../main/http/access-token.js';
import { opsAccess } from '../../../main/http/ops-access.js';
import { tempDir } from '../../helpers/net.js';

const HTML = '<!doctype html><html><head><title>kLive</title></head><body></body></html>';
const req = (remoteAddress: string | undefined, host = '127.0.0.1:8080'): IncomingMessage =>
  ({ socket: { remoteAddress }, headers: { host } }) as unknown as IncomingMessage;

describe('access token', () => {
  it('creates 32 hex chars in DATA/access-token with mode 0600, and reuses it', () => {
    const dir = tempDir();
    try {
      const token = loadOrCreateAccessToken(dir);
      expect(token).toMatch(/^[0-9a-f]{32}$/);
      const file = path.join(dir, 'access-token');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(loadOrCreateAccessToken(dir)).toBe(token);
      fs.writeFileSync(file, 'garbage');
      const replaced = loadOrCreateAccessToken(dir);
      expect(replaced).toMatch(/^[0-9a-f]{32}$/);
      expect(replaced).not.toBe(token);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('compares tokens exactly', () => {
    expect(tokensEqual('a'.repeat(32), 'a'.repeat(32))).toBe(true);
    expect(tokensEqual('a'.repeat(31), 'a'.repeat(32))).toBe(false);
    expect(tokensEqual(undefined, 'a'.repeat(32))).toBe(false);
    expect(tokensEqual('b'.repeat(32), 'a'.repeat(32))).toBe(false);
  });

  it('knows loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.5.0.9', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ['192.168.1.20', '10.0.0.1', '::ffff:192.168.1.2', 'fe80::1', '', undefined, '1127.0.0.1'])
      expect(isLoopbackAddress(a)).toBe(false);
  });

  it('injects the token into index.html only for loopback requests', () => {
    const token = 'c'.repeat(32);
    const transform = createIndexTransform(token);
    const local = transform(HTML, req('127.0.0.1'));
    expect(local).toContain(`<meta name="klive-access-token" content="${token}"></head>`);
    expect(transform(HTML, req('::1'))).toContain(token);
    const lan = transform(HTML, req('192.168.1.20'));
    expect(lan).toBe(HTML);
    expect(transform(HTML, req(undefined))).toBe(HTML);
  });

  it('does not inject for a loopback peer that addressed another host name (DNS rebinding)', () => {
    const token = 'd'.repeat(32);
    const transform = createIndexTransform(token);
    expect(transform(HTML, req('127.0.0.1', 'localhost:8080'))).toContain(token);
    expect(transform(HTML, req('::1', '[::1]:8080'))).toContain(token);
    expect(transform(HTML, req('127.0.0.1', 'evil.example:8080'))).toBe(HTML);
    expect(transform(HTML, req('127.0.0.1', ''))).toBe(HTML);
  });

  it('knows loopback Host headers', () => {
    for (const h of ['localhost', 'localhost:8080', '127.0.0.1:1', '[::1]:8080', 'app.localhost:3000'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['evil.example', '192.168.1.2:8080', '127.0.0.1.evil.example', undefined, ''])
      expect(isLoopbackHost(h)).toBe(false);
  });

  it('ops endpoints: local requests pass, others need the bearer token', () => {
    const token = 'e'.repeat(32);
    const access = opsAccess(token);
    const url = new URL('http://x/metrics');
    expect(access(req('127.0.0.1'), url)).toBe(true);
    expect(access(req('127.0.0.1', 'evil.example:8080'), url)).toBe(false);
    expect(access(req('192.168.1.9'), url)).toBe(false);
    const withBearer = {
      socket: { remoteAddress: '192.168.1.9' },
      headers: { host: '192.168.1.2:8080', authorization: `Bearer ${token}` },
    } as unknown as IncomingMessage;
    expect(access(withBearer, url)).toBe(true);
    expect(access(req('192.168.1.9'), new URL(`http://x/metrics?token=${token}`))).toBe(true);
  });

  it('refuses to inject something that is not a token', () => {
    expect(() => createIndexTransform('"><script>')).toThrow(/32 hex/);
  });
});
