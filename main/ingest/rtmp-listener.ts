// Owns the RTMP TCP listener: binding (a taken port is a PortInUseError naming the flag to change), the connection
// cap with a rate-limited log line for refused connections, and closing. Each accepted socket goes to `onSocket`.
import net from 'node:net';
import { PortInUseError } from '../core/errors.js';
import type { Logger } from '../log/logger.js';

/**
 * Every live stream holds several RTMP connections: the publisher's, the transcoder's pull and the recorder's
 * pull (a backup stream as many again). 64 capped the station at 32 unrecorded streams (the 33rd stream's
 * transcoder was dropped at the door); 50+ streams need 150+. Idle floods are bounded by the handshake timeout.
 */
export const DEFAULT_MAX_CONNECTIONS = 256;

export interface RtmpListenerOptions {
  host: string;
  port: number;
  logger: Logger;
  maxConnections?: number;
  now: () => number;
  onSocket(socket: net.Socket): void;
}

export class RtmpListener {
  private server: net.Server | null = null;
  /** the port bound, read once (server.address() is a getsockname(2) per call, and every publish asks) */
  private boundPort: number | null = null;
  private dropCount = 0;
  private dropLoggedAtMs = 0;

  constructor(private readonly options: RtmpListenerOptions) {}

  get listening(): boolean {
    return this.server !== null;
  }

  /** the bound port (the configured one before start) */
  get port(): number {
    return this.boundPort ?? this.options.port;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const { host, port, logger } = this.options;
    // highWaterMark 0: a paused socket holds nothing in Node and asks its handle for nothing more, so a publisher
    // read in batches (paced-reader.ts) does not wake the station for every TCP segment. noDelay: every answer of
    // the handshake and the commands goes out at once (set by Node as it accepts, not by a call per socket).
    const server = net.createServer({ highWaterMark: 0, noDelay: true }, (socket) => {
      if (!this.server) socket.destroy();
      else this.options.onSocket(socket);
    });
    server.maxConnections = this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    server.on('drop', () => this.onDrop());
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        server.close();
        if (error.code === 'EADDRINUSE')
          reject(new PortInUseError('RTMP', host, port, '--rtmp-port', 'KLIVE_RTMP_PORT'));
        else
          reject(
            new Error(`RTMP listener on ${host}:${port} failed: ${error.message}; check --rtmp-host and --rtmp-port`),
          );
      };
      server.once('error', onError);
      server.listen({ host, port }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (error) => logger.error('RTMP listener error', { error: error.message }));
    this.server = server;
    const address = server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : this.options.port;
  }

  /** Stops accepting; resolves once the server closed (after its connections did). */
  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = null;
    this.boundPort = null;
    return new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private onDrop(): void {
    this.dropCount += 1;
    const nowMs = this.options.now();
    if (nowMs - this.dropLoggedAtMs >= 1000) {
      this.options.logger.warn('RTMP connection refused: too many connections', {
        dropped: this.dropCount,
        max: this.server?.maxConnections,
      });
      this.dropLoggedAtMs = nowMs;
      this.dropCount = 0;
    }
  }
}
