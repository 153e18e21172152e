// Owns the per-instance overrides on node-media-server's RtmpSession of one connection (no prototype patches): input
// limits, the OBS-form application reduced before NMS's name check, NetStream.Publish.Start held back until the gate
// accepts, the answers to one read corked into one write, malformed input closing the connection, and the close.
// What a hook decides is handed to the adapter through SessionEvents; the connection's record is conn.ts.
import type net from 'node:net';
import { applicationName } from './broadcast-url.js';
import { IllegalPhaseMoveError, type ConnPhase } from './conn-phase.js';
import { moveConn, type Conn } from './conn.js';
import {
  NMS_HANDSHAKE_AWAITING_C2,
  NMS_HANDSHAKE_UNINIT,
  type NmsConnectReq,
  type NmsPacket,
  type NmsRtmp,
} from './nms-internals.js';
import { decodeCommand } from './rtmp-command.js';
import {
  connectPreamble,
  connectResult,
  createStreamResult,
  HANDSHAKE_BYTES,
  publishStart,
  simpleHandshakeAnswer,
} from './rtmp-answers.js';

/**
 * Eager reads after one read of a connection that has not published: the handshake's C2 with connect, createStream
 * (FFmpeg sends releaseStream and FCPublish with it) and publish are three; one more for a command split in two.
 */
export const EAGER_READS = 4;

/** RTMP message type 17: an AMF3 command, whose AMF0 body follows one format byte (NMS's FLEX_MESSAGE) */
const RTMP_TYPE_AMF3_COMMAND = 17;

/** Input that closes its connection, with a reason for the log. */
export class BadInputError extends Error {}

export interface SessionLimits {
  maxMessageBytes: number;
  maxChunkStreams: number;
}

/** What the hooks hand to the adapter. */
export interface SessionEvents {
  now(): number;
  /** a publish command passed NMS's checks: the gate decides */
  onPush(conn: Conn): void;
  /** a play command passed NMS's checks */
  onPlay(conn: Conn): void;
  onPacket(conn: Conn, packet: NmsPacket): void;
  /** one read of an accepted publisher was parsed: its tags are all out */
  onParsedBatch(conn: Conn): void;
  /** the socket closed; `wasPhase` is the phase it had */
  onClosed(conn: Conn, wasPhase: ConnPhase): void;
  kill(conn: Conn, why: string): void;
  /** what the connection's socket has queued now, read without waiting (queued-read.ts); null when nothing is */
  readQueued(conn: Conn): Buffer | null;
  debug(message: string, fields: Record<string, unknown>): void;
}

/** Installs the overrides; call before session.run() wires the protocol callbacks. */
export function installSessionHooks(
  conn: Conn,
  rtmpProto: NmsRtmp,
  limits: SessionLimits,
  events: SessionEvents,
): void {
  const { session } = conn;
  const rtmp = session.rtmp;
  const originalOnData = session.onData;
  const originalOnClose = session.onClose;

  rtmp.packetAlloc = () => {
    const length = rtmp.parserPacket.header.length;
    if (length > limits.maxMessageBytes)
      throw new BadInputError(`RTMP message of ${length} bytes is larger than ${limits.maxMessageBytes}`);
    if (rtmp.inPackets.size > limits.maxChunkStreams)
      throw new BadInputError(`more than ${limits.maxChunkStreams} RTMP chunk streams`);
    rtmpProto.packetAlloc.call(rtmp);
  };
  // the commands before a publish, decoded in place (rtmp-command.ts); any other message is NMS's to decode
  rtmp.invokeHandler = () => {
    const packet = rtmp.parserPacket;
    const command = decodeCommand(
      packet.payload,
      packet.header.type === RTMP_TYPE_AMF3_COMMAND ? 1 : 0,
      packet.header.length,
    );
    if (command === null) return rtmpProto.invokeHandler.call(rtmp);
    switch (command.cmd) {
      case 'connect':
        return rtmp.onConnect(command);
      case 'createStream':
        return rtmp.onCreateStream(command);
      case 'publish':
        return rtmp.onPublish(command);
      case 'play':
        return rtmp.onPlay(command);
      case 'deleteStream':
        return rtmp.onDeleteStream(command);
    }
  };
  // the answers an encoder waits for, from rtmp-answers.ts; a value NMS's answer would carry as it came (a missing
  // or non-number transaction id or object encoding) gets NMS's own answer
  rtmp.respondConnect = (transactionId: unknown) => {
    const encoding = rtmp.objectEncoding;
    if (typeof transactionId === 'number' && typeof encoding === 'number')
      rtmp.onOutputCallback(connectResult(transactionId, encoding));
    else rtmpProto.respondConnect.call(rtmp, transactionId);
  };
  rtmp.respondCreateStream = (transactionId: unknown) => {
    if (typeof transactionId !== 'number') return rtmpProto.respondCreateStream.call(rtmp, transactionId);
    rtmp.streams += 1;
    rtmp.onOutputCallback(createStreamResult(transactionId, rtmp.streams));
  };
  // NMS's connect handler, as it is with one URL parse and the control messages pre-built; the OBS form of the
  // application (`kLive/?p=..`) would fail NMS's name check, so NMS sees only the bare application.
  rtmp.onConnect = (msg: unknown) => {
    if (conn.app !== null) throw new BadInputError('second connect command');
    const command = msg as { cmdObj?: Record<string, unknown>; transId?: unknown } | null;
    const cmdObj = command?.cmdObj;
    if (!cmdObj || typeof cmdObj['app'] !== 'string') throw new BadInputError('connect command without app');
    conn.app = cmdObj['app'];
    conn.tcUrl = typeof cmdObj['tcUrl'] === 'string' ? cmdObj['tcUrl'] : null;
    const bare = applicationName(conn.app);
    cmdObj['app'] = bare;
    const host = tcUrlHost(conn.tcUrl);
    if (host === null) cmdObj['tcUrl'] = `rtmp://localhost/${bare}`;
    rtmp.connectCmdObj = cmdObj;
    rtmp.streamApp = bare;
    rtmp.streamHost = host ?? 'localhost';
    rtmp.objectEncoding = cmdObj['objectEncoding'] ?? 0;
    rtmp.connectTime = new Date();
    rtmp.startTimestamp = Date.now();
    rtmp.onOutputCallback(connectPreamble(rtmp.outChunkSize));
    rtmp.respondConnect(command?.transId);
  };
  rtmp.onPublish = (msg: unknown) => {
    const name = (msg as { streamName?: unknown } | null)?.streamName;
    if (typeof name !== 'string') throw new BadInputError('publish command without a stream name');
    if (conn.phase !== 'handshake') throw new BadInputError('second publish or play on one connection');
    if (conn.app === null) throw new BadInputError('publish before connect');
    conn.publishName = name;
    // NMS answers NetStream.Publish.Start before any hook runs; we hold that answer back until the
    // gate accepts, so an encoder does not start sending (FFmpeg, OBS wait for it) on a refused stream.
    rtmp.respondPublish = () => {};
    try {
      rtmpProto.onPublish.call(rtmp, msg);
    } finally {
      delete (rtmp as Partial<NmsRtmp>).respondPublish;
    }
  };
  session.onConnect = (req: NmsConnectReq) => {
    conn.connectReq = req;
  };
  session.onPush = () => events.onPush(conn);
  session.onPlay = () => events.onPlay(conn);
  session.onPacket = (packet: NmsPacket) => events.onPacket(conn, packet);
  // one read's bytes through NMS's parser, its answers corked into one write; false once the connection is gone
  const parse = (data: Buffer): boolean => {
    if (conn.phase === 'closed' || conn.socket.destroyed) return false;
    conn.lastDataAtMs = events.now();
    conn.pacer?.onRead(data.length, conn.lastDataAtMs);
    // NMS writes every answer separately (connect alone is four messages); corked, the answers to one read
    // leave in one write(2), so the encoder wakes once per command instead of once per message.
    conn.socket.cork();
    try {
      const rest = answerSimpleHandshake(rtmp, data);
      if (rest.length > 0) originalOnData(rest);
    } catch (error) {
      events.kill(conn, killReason(error));
      return false;
    } finally {
      conn.socket.uncork();
    }
    const chunk = rtmp.inChunkSize;
    if (!(chunk >= 1 && chunk <= 0x7fffffff)) {
      events.kill(conn, `absurd RTMP chunk size ${chunk}`);
      return false;
    }
    if (conn.phase === 'accepted') {
      events.onParsedBatch(conn);
      conn.reader?.afterData(conn.lastDataAtMs);
    }
    return true;
  };
  session.onData = (data: Buffer) => {
    if (!parse(data)) return;
    // Before its publish, an encoder answers each answer at once: by the time the write(2) of ours returned (it wakes
    // the encoder) its next command is usually queued. Read it now rather than through another turn of the event
    // loop; nothing queued costs one read(2). Bounded, so a peer that floods cannot hold the loop.
    for (let i = 0; i < EAGER_READS && conn.phase === 'handshake'; i++) {
      const more = events.readQueued(conn);
      if (more === null || !parse(more)) return;
    }
  };
  session.onClose = () => {
    if (conn.phase === 'closed') return;
    const wasPhase = conn.phase;
    moveConn(conn, 'closed');
    if (conn.timer) clearTimeout(conn.timer);
    conn.reader?.stop();
    conn.held = [];
    try {
      originalOnClose();
    } catch (error) {
      events.debug('NMS close handler failed', { error: (error as Error).message });
    }
    events.onClosed(conn, wasPhase);
  };
}

/**
 * Answers the C0C1 of a simple handshake (a zero version in C1) and returns the bytes after it; any other read is
 * returned whole, for NMS. NMS answers it the same way, after two HMACs over C1 that look for a digest; a client
 * that sends zeros there has none (see simpleHandshakeAnswer), and the encoder waits for this answer.
 */
function answerSimpleHandshake(rtmp: NmsRtmp, data: Buffer): Buffer {
  if (rtmp.handshakeState !== NMS_HANDSHAKE_UNINIT) return data;
  const answer = simpleHandshakeAnswer(data);
  if (!answer) return data;
  rtmp.onOutputCallback(answer);
  rtmp.handshakeState = NMS_HANDSHAKE_AWAITING_C2;
  rtmp.handshakeBytes = 0;
  return data.subarray(1 + HANDSHAKE_BYTES);
}

/** The host of an RTMP tcUrl, or null when it is no URL. */
function tcUrlHost(tcUrl: string | null): string | null {
  if (tcUrl === null) return null;
  try {
    return new URL(tcUrl).hostname;
  } catch {
    return null;
  }
}

/**
 * Sends what is corked on `socket` now, keeping the cork: the hooks cork a socket while one of its reads is parsed,
 * and an answer decided inside that read (a cached gate decision) must not wait for the set-up that follows it.
 */
export function flushCorked(socket: net.Socket): void {
  const corked = socket.writableCorked;
  for (let i = 0; i < corked; i++) socket.uncork();
  for (let i = 0; i < corked; i++) socket.cork();
}

/** Sends NetStream.Publish.Start (the gate accepted the publisher that waits for it). */
export function sendPublishStart(rtmp: NmsRtmp, rtmpProto: NmsRtmp): void {
  const answer = publishStart(rtmp.streamId, rtmp.streamApp, rtmp.streamName);
  if (answer) rtmp.onOutputCallback(answer);
  else rtmpProto.respondPublish.call(rtmp);
}

function killReason(error: unknown): string {
  if (error instanceof BadInputError || error instanceof IllegalPhaseMoveError) return error.message;
  return `malformed RTMP (${(error as Error).name})`;
}
