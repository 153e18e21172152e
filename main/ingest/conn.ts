// Owns one RTMP connection's record as the adapter tracks it (`Conn`): making it on a session built ahead, giving it
// its socket, its peer's address read once where first needed, its phase moves (by conn-phase.ts), and the publish
// request the ingest decides on.
import type net from 'node:net';
import type { PublishRequest } from './adapter-contract.js';
import { movePhase, type ConnPhase } from './conn-phase.js';
import type { NmsConnectReq, NmsPacket, NmsRtmpSession } from './nms-internals.js';
import type { PacedReader } from './paced-reader.js';
import type { ReadPacer } from './read-pacer.js';

/** One RTMP connection as the adapter tracks it. */
export interface Conn {
  id: string;
  session: NmsRtmpSession;
  socket: net.Socket;
  /** the peer's address once learnPeer() ran, '' before */
  sourceAddress: string;
  peerKnown: boolean;
  phase: ConnPhase;
  /** RTMP connect app, tcUrl and publish name as sent (our parser reads them, NMS sees reduced ones) */
  app: string | null;
  tcUrl: string | null;
  publishName: string | null;
  connectReq: NmsConnectReq | null;
  /** NetStream.Publish.Start was sent */
  publishAnswered: boolean;
  lastDataAtMs: number;
  /** codec headers that arrived while the gate decides */
  held: NmsPacket[];
  timer: NodeJS.Timeout | null;
  /** set once accepted: how often its socket is read (pacer), and the batches themselves (reader) */
  pacer: ReadPacer | null;
  reader: PacedReader | null;
  closeWaiters: Array<() => void>;
  /** NMS's own handlers, called where ours let the protocol go on */
  original: {
    onConnect: (req: NmsConnectReq) => void;
    onPush: () => void;
    onPlay: () => void;
    onPacket: (p: NmsPacket) => void;
  };
}

export function newConn(session: NmsRtmpSession, socket: net.Socket, nowMs: number): Conn {
  return {
    id: session.id,
    session,
    socket,
    sourceAddress: '',
    peerKnown: false,
    phase: 'handshake',
    app: null,
    tcUrl: null,
    publishName: null,
    connectReq: null,
    publishAnswered: false,
    lastDataAtMs: nowMs,
    held: [],
    timer: null,
    pacer: null,
    reader: null,
    closeWaiters: [],
    original: {
      onConnect: session.onConnect,
      onPush: session.onPush,
      onPlay: session.onPlay,
      onPacket: session.onPacket,
    },
  };
}

/** Gives a connection prepared ahead (newConn on the session's placeholder socket, hooks installed) its socket. */
export function attachSocket(conn: Conn, socket: net.Socket, nowMs: number): void {
  conn.socket = socket;
  conn.lastDataAtMs = nowMs;
}

/**
 * The peer's address (also NMS's `ip`, for its log lines), asked of the socket once, where it is first needed: for a
 * cached publish after NetStream.Publish.Start went out. It is a getpeername(2), ~30 us cold, and any earlier it
 * delays an answer: on accepting, the encoder's C0C1 is usually waiting already, and after an answer the encoder's
 * next command usually arrives before the station's write(2) returned (it wakes the encoder).
 */
export function learnPeer(conn: Conn): string {
  if (!conn.peerKnown) {
    const address = conn.socket.remoteAddress;
    conn.sourceAddress = (address ?? '').replace(/^::ffff:/, '');
    conn.session.ip = `${address}:${conn.socket.remotePort}`;
    conn.peerKnown = true;
  }
  return conn.sourceAddress;
}

/** Moves `conn` to `to`; throws IllegalPhaseMoveError when the phase table does not allow it. */
export function moveConn(conn: Conn, to: ConnPhase): void {
  conn.phase = movePhase(conn.phase, to);
}

/**
 * The publish request of a connection that sent publish. A class, so its `sourceAddress` is a getter on the prototype
 * (learnPeer, read by the ingest after answering a cached publish) and making one costs no more than a plain object.
 */
export class ConnPublishRequest implements PublishRequest {
  readonly connectionId: string;
  readonly app: string;
  readonly tcUrl: string | null;
  readonly publishName: string;

  constructor(private readonly conn: Conn) {
    this.connectionId = conn.id;
    this.app = conn.app ?? '';
    this.tcUrl = conn.tcUrl;
    this.publishName = conn.publishName ?? '';
  }

  get sourceAddress(): string {
    return learnPeer(this.conn);
  }
}
