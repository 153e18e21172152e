// Owns what one accepted publisher connection carries: its probe (read once a second) and its FLV feed for the
// station's own readers, with the log lines a reader falling behind (and catching up) deserves.
import type { StreamId } from '../core/ids.js';
import type { LiveStreamEntry } from '../core/kaltura-api.js';
import type { Logger } from '../log/logger.js';
import { FlvFeed } from '../media/flv-feed.js';
import { FlvProbe } from '../media/flv-probe.js';
import type { BroadcastParams } from './broadcast-url.js';
import type { IngestOptions } from './events.js';
import type { LiveConnection } from './stream-table.js';

export interface OpenConnection {
  connectionId: string;
  sourceAddress: string;
  streamId: StreamId;
  slot: string;
  params: BroadcastParams;
  entry: LiveStreamEntry;
  pullUrl: string;
  atMs: number;
}

export function openConnection(
  c: OpenConnection,
  deps: { logger: Logger; now: () => number; options: IngestOptions },
): LiveConnection {
  const { params } = c;
  const { logger, options } = deps;
  return {
    streamId: c.streamId,
    connectionId: c.connectionId,
    entryId: params.entryId,
    partnerId: c.entry.partnerId,
    streamName: params.streamName,
    suffix: params.suffix,
    mediaServerIndex: params.mediaServerIndex,
    sourceAddress: c.sourceAddress,
    connectedAtMs: c.atMs,
    pullUrl: c.pullUrl,
    slot: c.slot,
    probe: new FlvProbe({ now: deps.now, stallAfterMs: options.stallAfterMs, windowMs: options.probeWindowMs }),
    feed: new FlvFeed({
      maxBacklogBytes: options.maxFeedBacklogBytes,
      onReaderLagging: ({ lagging, backlogBytes, droppedTags }) => {
        const where = { streamName: params.streamName, index: params.mediaServerIndex };
        if (lagging)
          logger.warn('an FFmpeg reading this stream fell behind: dropping frames until it catches up', {
            ...where,
            backlogBytes,
          });
        else logger.info('an FFmpeg reading this stream caught up', { ...where, droppedTags });
      },
    }),
    endReason: null,
  };
}
