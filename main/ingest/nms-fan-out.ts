// Owns what node-media-server fans out of a publisher to RTMP readers, and what it must not: nothing before the gate
// accepts (only the codec headers are held, copied), no GOP caches while no RTMP reader is attached (the station's
// own readers use the feed), no reader allowed to grow an unbounded backlog, and no readers or publish kept alive
// after the publisher left.
import type { Logger } from '../log/logger.js';
import { isHeaderPacket, type NmsBroadcast, type NmsPacket, type NmsReader } from './nms-internals.js';

/** codec headers and metadata held per publisher while the gate decides */
export const MAX_HELD_HEADERS = 8;

/** Keeps a copy of `packet` in `held` if it is a header and there is room (NMS reuses its buffers); frames are dropped. */
export function holdHeader(held: NmsPacket[], packet: NmsPacket): void {
  if (isHeaderPacket(packet) && held.length < MAX_HELD_HEADERS)
    held.push({ ...packet, data: Buffer.from(packet.data.subarray(0, packet.size)) });
}

/**
 * Whether NMS should get `packet` for its RTMP readers. NMS copies each packet twice (an RTMP and an FLV message) and
 * keeps a GOP cache of each, all for RTMP readers. With none attached it gets only the headers, and its GOP caches are
 * dropped: an RTMP reader that attaches later gets the headers and starts at the next key frame.
 */
export function fanOutToNms(broadcast: NmsBroadcast, packet: NmsPacket): boolean {
  if (broadcast.subscribers.size > 0 || isHeaderPacket(packet)) return true;
  broadcast.rtmpGopCache = null;
  broadcast.flvGopCache = null;
  return false;
}

/** A reader that stops reading would make Node buffer the stream for it without bound: it is closed past the limit. */
export function closeLaggingReaders(broadcast: NmsBroadcast, maxBacklogBytes: number, logger: Logger): void {
  for (const reader of broadcast.subscribers.values()) {
    const socket = reader.socket;
    if (socket && !socket.destroyed && socket.writableLength > maxBacklogBytes) {
      logger.warn('closing a reader that does not keep up', { backlogBytes: socket.writableLength });
      socket.destroy();
    }
  }
}

/** NMS keeps readers attached and the publish alive for 30 s after the publisher left; we end both at once. */
export function releaseReaders(
  broadcast: NmsBroadcast,
  endSoon: (socket: NonNullable<NmsReader['socket']>) => void,
  logger: Logger,
): void {
  for (const reader of broadcast.subscribers.values()) {
    try {
      reader.close();
    } catch {
      // already closing
    }
    if (reader.socket) endSoon(reader.socket);
  }
  try {
    broadcast._finishPublish?.();
  } catch (error) {
    logger.debug('NMS finishPublish failed', { error: (error as Error).message });
  }
}
