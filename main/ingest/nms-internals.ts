// Owns the shapes of node-media-server 4.4.3's internals that the ingest touches, and loading them: the only place
// that names NMS's source files. Everything here describes NMS; nothing here changes it.
import { createRequire } from 'node:module';
import type net from 'node:net';

const require = createRequire(import.meta.url);

/** NMS AVPacket fields we read (flags: 0 audio header, 1 audio, 2 video header, 3 key, 4 inter, 5 metadata). */
export interface NmsPacket {
  codec_type: number;
  codec_id: number;
  flags: number;
  dts: number;
  pts: number;
  size: number;
  data: Buffer;
}

/** packet flags of the codec headers and metadata: what a reader needs before any frame */
export function isHeaderPacket(packet: NmsPacket): boolean {
  return packet.flags === 0 || packet.flags === 2 || packet.flags === 5;
}

export interface NmsConnectReq {
  app: string;
  name: string;
  host: string;
  query: unknown;
}

/** NMS's handshake states (protocol/rtmp.js): nothing read yet, and C0C1 answered (C2 awaited) */
export const NMS_HANDSHAKE_UNINIT = 0;
export const NMS_HANDSHAKE_AWAITING_C2 = 2;

/** NMS's RTMP protocol object of one connection (protocol/rtmp.js) */
export interface NmsRtmp {
  /** decodes the AMF command in parserPacket and calls the handler of its name */
  invokeHandler(): void;
  onConnect(msg: unknown): void;
  onCreateStream(msg: unknown): void;
  onPublish(msg: unknown): void;
  onPlay(msg: unknown): void;
  onDeleteStream(msg: unknown): void;
  packetAlloc(): void;
  respondConnect(transactionId: unknown): void;
  respondCreateStream(transactionId: unknown): void;
  respondPublish(): void;
  sendStatusMessage(streamId: number, level: string, code: string, description: string): void;
  /** the session's writer, set by session.run() */
  onOutputCallback(data: Buffer): void;
  handshakeState: number;
  handshakeBytes: number;
  /** from the connect command: any value an encoder sent */
  objectEncoding: unknown;
  /** what NMS's connect handler records of the command */
  connectCmdObj: Record<string, unknown>;
  streamHost: string;
  connectTime: Date;
  startTimestamp: number;
  /** the chunk size NMS writes at, announced in the connect answer */
  outChunkSize: number;
  /** message streams created so far (createStream's answer is the count) */
  streams: number;
  streamApp: string;
  streamName: string;
  streamId: number;
  /** the message being parsed: its header and its body (payload[0, header.length)) */
  parserPacket: { header: { length: number; type: number }; payload: Buffer };
  inPackets: Map<number, unknown>;
  inChunkSize: number;
}

export interface NmsReader {
  close(): void;
  socket?: net.Socket;
}

/** NMS's fan-out of one stream path to its RTMP readers (server/broadcast_server.js) */
export interface NmsBroadcast {
  publisher: unknown;
  subscribers: Map<string, NmsReader>;
  rtmpGopCache: Set<Buffer> | null;
  flvGopCache: Set<Buffer> | null;
  _finishPublish?: () => void;
}

/** NMS's RTMP session of one connection (session/rtmp_session.js): its handlers are per-instance arrow functions */
export interface NmsRtmpSession {
  id: string;
  ip: string;
  createTime: number;
  socket: net.Socket;
  isPublisher: boolean;
  rtmp: NmsRtmp;
  broadcast: NmsBroadcast;
  run(): void;
  onConnect(req: NmsConnectReq): void;
  onPush(): void;
  onPlay(): void;
  onPacket(packet: NmsPacket): void;
  onData(data: Buffer): void;
  onClose(): void;
}

export type RtmpSessionClass = new (socket: net.Socket) => NmsRtmpSession;

export interface NmsLogger {
  level: string;
  log(message: unknown, level?: string): void;
}

export interface Nms {
  RtmpSession: RtmpSessionClass;
  /** the protocol's own methods, called on an instance whose method we replaced */
  rtmpProto: NmsRtmp;
}

export function loadNms(): Nms {
  return {
    RtmpSession: require('node-media-server/src/session/rtmp_session.js') as RtmpSessionClass,
    rtmpProto: (require('node-media-server/src/protocol/rtmp.js') as { prototype: NmsRtmp }).prototype,
  };
}

export function loadNmsLogger(): NmsLogger {
  return require('node-media-server/src/core/logger.js') as NmsLogger;
}
