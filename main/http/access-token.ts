// Owns the station's access token: the secret that lets a WebSocket client change state. Generated
// once (32 random hex chars) into DATA/access-token (mode 0600), injected only into pages served to
// loopback, and compared in constant time.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';

export const ACCESS_TOKEN_FILE = 'access-token';
const TOKEN_PATTERN = /^[0-9a-f]{32}$/;

/** Reads DATA/access-token, or creates it; a damaged file is replaced (and its mode fixed). */
export function loadOrCreateAccessToken(dataDir: string): string {
  const file = path.join(dataDir, ACCESS_TOKEN_FILE);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (TOKEN_PATTERN.test(existing)) {
      fs.chmodSync(file, 0o600);
      return existing;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `cannot read the access token file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}): fix its permissions or delete it so the station makes a new one`,
      );
    }
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const token = crypto.randomBytes(16).toString('hex');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, token + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
  return token;
}

export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined | null): boolean {
  if (!address) return false;
  const a = address.toLowerCase();
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * Whether a Host header names this machine's loopback (localhost, 127.x, [::1]). A loopback peer with
 * another Host is a browser tricked by DNS rebinding (evil.example resolving to 127.0.0.1): it gets no
 * loopback privileges.
 */
export function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  return isLoopbackAddress(hostname.replace(/^\[|\]$/g, ''));
}

/** A request from this machine, addressed to this machine by a loopback name. */
export function isLocalRequest(remoteAddress: string | undefined, hostHeader: string | undefined): boolean {
  return isLoopbackAddress(remoteAddress) && isLoopbackHost(hostHeader);
}

export const ACCESS_TOKEN_META = 'klive-access-token';

/**
 * The transformIndex for StaticServeOptions: pages served to loopback (by a loopback Host name) get
 * <meta name="klive-access-token" content="..."> so the local UI can change settings; LAN viewers get the page untouched.
 */
export function createIndexTransform(
  token: string,
  remoteAddressOf: (req: IncomingMessage) => string | undefined = (req) => req.socket.remoteAddress,
): (html: string, req: IncomingMessage) => string {
  if (!TOKEN_PATTERN.test(token))
    throw new Error('the access token must be 32 hex characters (see loadOrCreateAccessToken)');
  return (html, req) => {
    if (!isLocalRequest(remoteAddressOf(req), req.headers.host)) return html;
    const meta = `<meta name="${ACCESS_TOKEN_META}" content="${token}">`;
    const headClose = html.search(/<\/head>/i);
    return headClose >= 0 ? html.slice(0, headClose) + meta + html.slice(headClose) : meta + html;
  };
}
