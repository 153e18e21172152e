// Owns the station's HTTP server: routes registered by other modules (HLS, metrics, diagnostics,
// the WebSocket bridge), /healthz, and the built renderer for everything else.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log/logger.js';
import { PortInUseError } from '../core/errors.js';
import { serveRenderer, type StaticServeOptions } from './static-files.js';

export interface HttpRoute {
  /** path prefix, e.g. '/hls/' or exact path '/metrics' */
  prefix: string;
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void | Promise<void>;
}

export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL) => boolean;

export interface StationHttpServerOptions {
  host: string;
  port: number;
  renderer: StaticServeOptions;
  logger: Logger;
}

export class StationHttpServer {
  private readonly server: http.Server;
  private readonly routes: HttpRoute[] = [];
  private readonly upgrades: UpgradeHandler[] = [];
  private ready = false;
  private boundPort = 0;

  constructor(private readonly options: StationHttpServerOptions) {
    this.server = http.createServer((req, res) => void this.dispatch(req, res));
    this.server.keepAliveTimeout = 5_000;
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://station');
      for (const handler of this.upgrades) if (handler(req, socket, head, url)) return;
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    });
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
  }

  addRoute(route: HttpRoute): void {
    this.routes.push(route);
    this.routes.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  onUpgrade(handler: UpgradeHandler): void {
    this.upgrades.push(handler);
  }

  setReady(ready: boolean): void {
    this.ready = ready;
  }

  get port(): number {
    return this.boundPort;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        this.server.off('listening', onListening);
        if (err.code === 'EADDRINUSE')
          reject(new PortInUseError('HTTP', this.options.host, this.options.port, '--http-port', 'KLIVE_HTTP_PORT'));
        else if (err.code === 'EADDRNOTAVAIL')
          reject(
            new Error(
              `cannot listen on ${this.options.host}: that address is not on this machine; fix --host (KLIVE_HOST)`,
            ),
          );
        else if (err.code === 'EACCES')
          reject(
            new Error(
              `not allowed to listen on HTTP port ${this.options.port}; choose a port above 1023 with --http-port N`,
            ),
          );
        else reject(err);
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        const address = this.server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : this.options.port;
        resolve();
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen(this.options.port, this.options.host);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://station');
    } catch {
      res.writeHead(400).end();
      return;
    }
    try {
      if (url.pathname === '/healthz') {
        res.writeHead(this.ready ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify({ status: this.ready ? 'ok' : 'starting' }));
        return;
      }
      const route = this.routes.find((r) =>
        r.prefix.endsWith('/') ? url.pathname.startsWith(r.prefix) : url.pathname === r.prefix,
      );
      if (route) {
        await route.handle(req, res, url);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      serveRenderer(this.options.renderer, req, res, url.pathname);
    } catch (e) {
      this.options.logger.error('HTTP handler failed', { path: url.pathname, error: (e as Error).message });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal error');
    }
  }
}
