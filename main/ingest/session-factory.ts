// Owns making node-media-server's RtmpSession for a new connection off the connection's critical path. Building one
// costs ~0.1-0.2 ms (a random id, a protocol object whose unused FLV parser zero-fills 1 MiB, a placeholder broadcast),
// paid while the encoder waits for the handshake. So one spare session is built ahead, after the work an encoder
// waits for (the adapter refills once a publish was answered or a connection closed), and a connection takes it
// and gets its socket; a burst of connections builds the rest on demand.
// The unused FLV parser (NMS's RTMP protocol never parses FLV) is released, so a connection does not hold 1 MiB.
import type net from 'node:net';
import type { Nms, NmsRtmpSession } from './nms-internals.js';

/** what NMS's session constructor reads of its socket before any socket exists */
const NO_SOCKET = { remoteAddress: '', remotePort: 0 } as unknown as net.Socket;

export class SessionFactory {
  private spare: NmsRtmpSession | null = null;
  private stopped = true;

  constructor(private readonly nms: Nms) {}

  /** The listener started: builds the spare, so the first connection does not pay for it either. */
  prepare(): void {
    this.stopped = false;
    this.refill();
  }

  /** Builds the spare if it was taken; call where nobody waits for the station (after an answer, on a close). */
  refill(): void {
    if (!this.stopped) this.spare ??= this.build(NO_SOCKET);
  }

  /** An RtmpSession of `socket`: the spare one when there is one, else a new one. */
  take(socket: net.Socket): NmsRtmpSession {
    const spare = this.spare;
    this.spare = null;
    if (!spare) return this.build(socket);
    // the constructor's only uses of its socket (its handlers read `this.socket` when called)
    spare.socket = socket;
    spare.ip = `${socket.remoteAddress}:${socket.remotePort}`;
    spare.createTime = Date.now();
    return spare;
  }

  stop(): void {
    this.stopped = true;
    this.spare = null;
  }

  private build(socket: net.Socket): NmsRtmpSession {
    const session = new this.nms.RtmpSession(socket);
    (session.rtmp as { flv?: unknown }).flv = null;
    return session;
  }
}
