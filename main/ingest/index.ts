// Owns the public surface of RTMP ingest: the server, its events, URL parsing, the gate and the probe.
export { IngestServer } from './ingest-server.js';
export type { IngestServerDeps } from './server-deps.js';
export type {
  ActiveStream,
  IngestEvents,
  IngestOptions,
  ProbeEvent,
  StreamAcceptedEvent,
  StreamEndReason,
  StreamEndedEvent,
  StreamRefusedEvent,
} from './events.js';
export { parseBroadcast, describeUrlRefusal, redactedConnectionUrl, HOST_FORM_PARTNER_ID } from './broadcast-url.js';
export type { BroadcastParams, BroadcastUrlForm, ConnectInput, ParseResult, UrlRefusal } from './broadcast-url.js';
export { IngestGate } from './gate.js';
export type { GateDecision, GateOptions } from './gate.js';
export { FlvProbe } from '../media/flv-probe.js';
export type { FlvProbeOptions, StallState } from '../media/flv-probe.js';
export { refusalFromAuthError, refusalFromUrl } from './refusals.js';
export type { AlertCode, Refusal, RefusalReason } from './refusals.js';
