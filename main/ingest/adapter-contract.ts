// Owns what the ingest server and the NMS adapter say to each other: the publish request the gate decides on, the
// hooks media and closes arrive through, and the adapter's options (limits, read pacing).
import type { Logger } from '../log/logger.js';

export interface PublishRequest {
  connectionId: string;
  /** remote IP without port (a getpeername(2) on first read: read it after answering, where the encoder waits) */
  readonly sourceAddress: string;
  /** RTMP connect app as sent (may carry the OBS-form query) */
  app: string;
  tcUrl: string | null;
  /** publish name as sent (may carry the stream-key query) */
  publishName: string;
}

export interface NmsAdapterHooks {
  /** A publish command arrived; answer with accept() or refuse(). Media is held back until then. */
  onPublish(request: PublishRequest): void;
  /** An FLV tag of an accepted publisher, before it is fanned out. `data` is NMS's buffer: read, never keep. */
  onMedia(connectionId: string, type: number, dts: number, size: number, data: Buffer): void;
  /** A read of an accepted publisher's socket was parsed: the tags of that batch are all out (onMedia). */
  onMediaBatch(connectionId: string): void;
  /** An accepted publisher's connection closed; its readers were already told to close. */
  onPublisherClosed(connectionId: string): void;
}

export interface NmsAdapterOptions {
  host: string;
  port: number;
  logger: Logger;
  hooks: NmsAdapterHooks;
  appName?: string;
  now?: () => number;
  maxConnections?: number;
  /** a connection that has not published or played after this long is closed (default 10 s) */
  handshakeTimeoutMs?: number;
  /** largest RTMP message accepted (default 8 MiB) */
  maxMessageBytes?: number;
  /** most chunk streams one connection may open (default 32) */
  maxChunkStreams?: number;
  /** allow readers from other hosts (default false: only this machine may pull) */
  allowRemotePlay?: boolean;
  /** a reader whose unsent backlog passes this is closed (default 32 MiB) */
  maxReaderBacklogBytes?: number;
  /**
   * longest pause between two reads of an accepted publisher, in ms (default 200; 0 = read every arrival).
   * The pause follows the stream's rate (see read-pacer.ts): HLS segments are seconds long, so a batch adds
   * nothing a viewer notices, and it saves the station most of its wakeups.
   */
  readBatchMs?: number;
  /** for this long after it was accepted a publisher is read on every arrival, so the first segments are not delayed (default 10 s) */
  readBatchAfterMs?: number;
}

/** see NmsAdapterOptions.readBatchMs */
export const DEFAULT_READ_BATCH_MS = 200;
export const DEFAULT_READ_BATCH_AFTER_MS = 10_000;
