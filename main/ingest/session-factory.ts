// Owns making a connection's node-media-server RtmpSession, and what the adapter builds on it, off the connection's
// critical path. Building a session costs ~0.1-0.2 ms (a random id, a protocol object whose unused FLV parser
// zero-fills 1 MiB, a placeholder broadcast) and the adapter's hooks on it ~0.05-0.08 ms more, paid while the encoder
// waits for its handshake answer. So one spare is built and prepared ahead, after the work an encoder waits for (the
// adapter refills once a publish was answered or a connection closed); a connection takes it and gets its socket, and
// a burst of connections builds the rest on demand.
// The unused FLV parser (NMS's RTMP protocol never parses FLV) is released, so a connection does not hold 1 MiB.
import type net from 'node:net';
import type { Nms, NmsRtmpSession } from './nms-internals.js';

/** what NMS's session constructor reads of its socket before any socket exists */
const NO_SOCKET = { remoteAddress: '', remotePort: 0 } as unknown as net.Socket;

/** What the factory hands out: a session and what was prepared on it before its socket was known. */
export interface PreparedSession {
  session: NmsRtmpSession;
}

export class SessionFactory<T extends PreparedSession> {
  private spare: T | null = null;
  private stopped = true;

  /** `prepare` builds on a new session (hooks, bookkeeping); its socket is attached later, by take() */
  constructor(
    private readonly nms: Nms,
    private readonly prepare: (session: NmsRtmpSession) => T,
  ) {}

  /** The listener started: builds the spare, so the first connection does not pay for it either. */
  start(): void {
    this.stopped = false;
    this.refill();
  }

  /** Builds the spare if it was taken; call where nobody waits for the station (after an answer, on a close). */
  refill(): void {
    if (!this.stopped) this.spare ??= this.build();
  }

  /** A prepared session for `socket`: the spare one when there is one, else a new one. */
  take(socket: net.Socket): T {
    const prepared = this.spare ?? this.build();
    this.spare = null;
    const session = prepared.session;
    // the constructor's uses of its socket (its handlers read `this.socket` when called); its `ip` is set by the
    // adapter where the address is first needed (learnPeer in conn.ts), not here, while the encoder waits
    session.socket = socket;
    session.createTime = Date.now();
    return prepared;
  }

  stop(): void {
    this.stopped = true;
    this.spare = null;
  }

  private build(): T {
    const session = new this.nms.RtmpSession(NO_SOCKET);
    (session.rtmp as { flv?: unknown }).flv = null;
    return this.prepare(session);
  }
}
