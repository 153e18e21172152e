// Owns who may read the ops endpoints (/metrics, /diagnostics): loopback (by a loopback Host name) always; others only with
// the access token (Authorization: Bearer <token> or ?token=), since they show IPs and stream details.
import type http from 'node:http';
import { isLocalRequest, tokensEqual } from './access-token.js';

export type OpsAccess = (req: http.IncomingMessage, url: URL) => boolean;

export function opsAccess(
  accessToken: string,
  remoteAddressOf: (req: http.IncomingMessage) => string | undefined = (req) => req.socket.remoteAddress,
): OpsAccess {
  return (req, url) => {
    if (isLocalRequest(remoteAddressOf(req), req.headers.host)) return true;
    const header = req.headers.authorization;
    const bearer = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    return tokensEqual(bearer ?? url.searchParams.get('token'), accessToken);
  };
}

export function refuseOps(res: http.ServerResponse): void {
  res.writeHead(401, {
    'Content-Type': 'text/plain; charset=utf-8',
    'WWW-Authenticate': 'Bearer realm="klive-station"',
    'Cache-Control': 'no-store',
  });
  res.end(
    'this endpoint needs the station access token: send Authorization: Bearer <token> (the token is in the data dir, file access-token)\n',
  );
}

export function onlyGet(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  res.writeHead(405, { Allow: 'GET, HEAD' }).end();
  return false;
}
