// The live state the station publishes (main owns it; renderer stores are projections of it).
// Units are in names; every health metric has the {value, unit, status, text} shape.
import { z } from 'zod';
import { StationInfoSchema } from './station-info.js';

export const MetricStatusSchema = z.enum(['normal', 'warning', 'critical']);
export type MetricStatus = z.infer<typeof MetricStatusSchema>;

export const MetricSchema = z.object({
  value: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  unit: z.string(),
  status: MetricStatusSchema,
  /** human text, e.g. "2.9 Mbps (declared 3.0 Mbps)" */
  text: z.string(),
});
export type Metric = z.infer<typeof MetricSchema>;

export const HealthSchema = z.enum(['Good', 'Fair', 'Poor']);
export type Health = z.infer<typeof HealthSchema>;

export const AlertSeveritySchema = z.enum(['debug', 'info', 'warning', 'error', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeveritySchema>;

export const AlertSchema = z.object({
  /** Kaltura's alert code (kaltura.md section 7), e.g. 102 NoAudioSignal */
  code: z.number().int(),
  name: z.string(),
  severity: AlertSeveritySchema,
  entryId: z.string(),
  streamName: z.string().nullable(),
  mediaServerIndex: z.number().int().nullable(),
  raisedAtMs: z.number(),
  /** what happened and what to do */
  text: z.string(),
  arguments: z.record(z.string(), z.string()),
});
export type Alert = z.infer<typeof AlertSchema>;

export const StreamLifecycleSchema = z.enum([
  'authenticating',
  'live',
  'playable',
  'reconnecting',
  'ended',
  'refused',
  'failed',
]);
export type StreamLifecycle = z.infer<typeof StreamLifecycleSchema>;

export const InputProbeSchema = z.object({
  videoCodec: z.string().nullable(),
  audioCodec: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  frameRateFps: z.number().nullable(),
  videoBitrateBps: z.number().nullable(),
  audioBitrateBps: z.number().nullable(),
  keyframeIntervalSeconds: z.object({
    last: z.number().nullable(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    /** media seconds from the last key frame to the last video frame: a long GOP shows before it ends */
    sinceLast: z.number().nullable().optional(),
    /** key frames seen since the stream started */
    count: z.number().int().optional(),
  }),
  audioSampleRateHz: z.number().nullable(),
  audioChannels: z.number().nullable(),
  /** onMetaData as the encoder declared it (scalars only) */
  declared: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  lastVideoAtMs: z.number().nullable(),
  lastAudioAtMs: z.number().nullable(),
  /** media timestamp minus wall clock since the first frame; positive = stream runs ahead */
  timestampDriftMs: z.number().nullable(),
  bytesIn: z.number(),
});
export type InputProbe = z.infer<typeof InputProbeSchema>;

/** How the ladder's key frames are placed, and why (main/transcode/gop-policy.ts). */
export const KeyFramePolicySchema = z.object({
  /** 'source': rungs cut where the encoder put its key frames (aligned with a passthrough rung); 'interval': one every segment */
  mode: z.enum(['source', 'interval']),
  /**
   * the ladder's passthrough rung: 'passthrough' (aligned), 'reencoded' (long source GOP: encoded at the source's
   * bitrate), 'passthrough-cpu' (long GOP, but this computer cannot re-encode it in real time), 'passthrough-only'
   * (no encoded rung: segments follow the encoder), 'none' (the ladder has none)
   */
  sourceRung: z.enum(['none', 'passthrough', 'reencoded', 'passthrough-cpu', 'passthrough-only']),
  /** the encoder's key frame interval as measured (null until known) */
  sourceGopSeconds: z.number().nullable(),
  segmentSeconds: z.number(),
  /** why, in words */
  text: z.string(),
});
export type KeyFramePolicy = z.infer<typeof KeyFramePolicySchema>;

export const TranscoderStateSchema = z.object({
  wanted: z.enum(['run', 'stop']),
  observed: z.enum(['idle', 'starting', 'running', 'stalled', 'exited', 'failed']),
  pid: z.number().nullable(),
  restarts: z.number().int(),
  speed: z.number().nullable(),
  frameRateFps: z.number().nullable(),
  droppedFrames: z.number().nullable(),
  duplicatedFrames: z.number().nullable(),
  cpuPercent: z.number().nullable(),
  rssBytes: z.number().nullable(),
  encoder: z.string().nullable(),
  lastError: z.string().nullable(),
  stderrTail: z.array(z.string()),
  keyFrames: KeyFramePolicySchema.nullable().optional(),
});
export type TranscoderState = z.infer<typeof TranscoderStateSchema>;

export const RenditionStateSchema = z.object({
  /** ENTRY_<liveParamsId>, Kaltura's StreamName */
  streamName: z.string(),
  name: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  videoCodec: z.string().nullable(),
  audioCodec: z.string().nullable(),
  passthrough: z.boolean(),
  targetVideoBitrateBps: z.number().nullable(),
  /** video + audio targets: what measuredBitrateBps (segment bytes, audio included) is judged against */
  targetTotalBitrateBps: z.number().nullable().optional(),
  measuredBitrateBps: z.number().nullable(),
  /** measured bitrate per second-ish sample, oldest first, bounded */
  bitrateHistoryBps: z.array(z.number()),
  segmentDurationSeconds: z.number().nullable(),
  metrics: z.record(z.string(), MetricSchema),
  playlistUrl: z.string(),
  /** why this rung is not what the ladder asked for (a re-encoded or unaligned source), for the ladder table */
  note: z.string().nullable().optional(),
});
export type RenditionState = z.infer<typeof RenditionStateSchema>;

export const RegistrationStateSchema = z.object({
  status: z.enum(['none', 'authenticated', 'broadcasting', 'playable', 'unregistered', 'error']),
  lastKeepAliveAtMs: z.number().nullable(),
  lastError: z.string().nullable(),
});
export type RegistrationState = z.infer<typeof RegistrationStateSchema>;

export const IngestStreamSchema = z.object({
  id: z.string(),
  entryId: z.string(),
  partnerId: z.number(),
  /** ENTRY_N as published */
  streamName: z.string(),
  /** 0 primary, 1 backup */
  mediaServerIndex: z.number().int(),
  sourceAddress: z.string(),
  state: StreamLifecycleSchema,
  stateSinceMs: z.number(),
  connectedAtMs: z.number(),
  endedAtMs: z.number().nullable(),
  /** why it was refused, failed or ended */
  reason: z.string().nullable(),
  probe: InputProbeSchema.nullable(),
  metrics: z.record(z.string(), MetricSchema),
  transcoder: TranscoderStateSchema.nullable(),
  renditions: z.array(RenditionStateSchema),
  registration: RegistrationStateSchema,
  masterPlaylistUrl: z.string().nullable(),
});
export type IngestStream = z.infer<typeof IngestStreamSchema>;

export const UploadItemSchema = z.object({
  id: z.string(),
  entryId: z.string(),
  fileName: z.string(),
  sequence: z.number().int(),
  durationSeconds: z.number(),
  sizeBytes: z.number(),
  state: z.enum(['recording', 'pending', 'uploading', 'done', 'failed']),
  percent: z.number(),
  reason: z.string().nullable(),
  isLastChunk: z.boolean(),
});
export type UploadItem = z.infer<typeof UploadItemSchema>;

export const RecordingStateSchema = z.object({
  enabled: z.boolean(),
  active: z.boolean(),
  reason: z.string().nullable(),
  items: z.array(UploadItemSchema),
});
export type RecordingState = z.infer<typeof RecordingStateSchema>;

export const EntryStateSchema = z.object({
  entryId: z.string(),
  partnerId: z.number(),
  name: z.string(),
  health: HealthSchema,
  healthReason: z.string(),
  streams: z.array(IngestStreamSchema),
  alerts: z.array(AlertSchema),
  recording: RecordingStateSchema,
  dvrEnabled: z.boolean(),
  firstSeenAtMs: z.number(),
  lastEventAtMs: z.number(),
});
export type EntryState = z.infer<typeof EntryStateSchema>;

/** This station as a Kaltura server node (main/kaltura/server-node.ts). */
export const ServerNodeStateSchema = z.object({
  /** the host name Kaltura knows this station by (also sent to authenticate / registerMediaServer) */
  hostname: z.string(),
  /** none: not tried; registering; registered; retrying: a transient failure; refused: Kaltura said no (reason says what to do); offline: taken out of service */
  status: z.enum(['none', 'registering', 'registered', 'retrying', 'refused', 'offline']),
  nodeId: z.number().nullable(),
  /** reportStatus: heartbeats every 60 s; addEnable: added and enabled once (no heartbeat) */
  method: z.enum(['reportStatus', 'addEnable']).nullable(),
  lastHeartbeatAtMs: z.number().nullable(),
  /** Kaltura's code of a refusal, e.g. SERVICE_FORBIDDEN */
  code: z.string().nullable(),
  /** why it is refused or retrying, and what to do */
  reason: z.string().nullable(),
});
export type ServerNodeState = z.infer<typeof ServerNodeStateSchema>;

export const KalturaStatusSchema = z.object({
  mode: z.enum(['sandbox', 'saas', 'onprem', 'ecdn']),
  serviceUrl: z.string(),
  partnerId: z.number(),
  ks: z.object({
    state: z.enum(['none', 'valid', 'renewing', 'expired', 'error']),
    validUntilMs: z.number().nullable(),
    lastRenewalAtMs: z.number().nullable(),
    lastError: z.string().nullable(),
  }),
  api: z.object({
    reachable: z.boolean().nullable(),
    lastOkAtMs: z.number().nullable(),
    lastError: z.string().nullable(),
    lastLatencyMs: z.number().nullable(),
    /** answering, but a share of recent calls failed (server errors or lost connections): a flapping uplink, not an outage */
    degraded: z.boolean().optional(),
    /** failed share of the calls of the last minute, 0-100 (null before enough calls to judge) */
    recentFailurePercent: z.number().nullable().optional(),
  }),
  /** this station's server node; absent before Kaltura is configured */
  serverNode: ServerNodeStateSchema.optional(),
});
export type KalturaStatus = z.infer<typeof KalturaStatusSchema>;

export const SystemStatusSchema = z.object({
  cpuPercent: z.number().nullable(),
  rssBytes: z.number(),
  loadAverage1m: z.number(),
  cores: z.number(),
  memoryTotalBytes: z.number(),
  memoryFreeBytes: z.number(),
  ffmpegCount: z.number(),
  ffmpegCpuPercent: z.number().nullable(),
  ffmpegRssBytes: z.number().nullable(),
});
export type SystemStatus = z.infer<typeof SystemStatusSchema>;

export const StationEventSchema = z.object({
  id: z.number().int(),
  timeMs: z.number(),
  severity: z.enum(['info', 'warning', 'error']),
  /** connection, refusal, ffmpeg, ks, registration, server-node, api, upload, alert, settings, station */
  kind: z.string(),
  entryId: z.string().nullable(),
  message: z.string(),
});
export type StationEvent = z.infer<typeof StationEventSchema>;

export const SnapshotSchema = z.object({
  info: StationInfoSchema,
  entries: z.array(EntryStateSchema),
  kaltura: KalturaStatusSchema,
  system: SystemStatusSchema,
  events: z.array(StationEventSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;
