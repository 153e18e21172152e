// Every message between main and renderer, defined once. The Electron preload, the WebSocket server
// and the renderer client are all derived from these two maps; main validates every incoming payload.
// The requests are defined by area (contract-station.ts, contract-sandbox.ts, contract-producer.ts) and
// assembled here, the one place that says what the bridge carries.
import { z } from 'zod';
import { defineEvent } from './define.js';
import { StationInfoSchema } from '../station-info.js';
import {
  EntryStateSchema,
  KalturaStatusSchema,
  SnapshotSchema,
  StationEventSchema,
  SystemStatusSchema,
} from '../state.js';
import { stationRequests } from './contract-station.js';
import { sandboxRequests } from './contract-sandbox.js';
import { producerRequests } from './contract-producer.js';

export {
  ConnectionTestResultSchema,
  EventsListRequestSchema,
  FieldErrorSchema,
  SettingsUpdateResultSchema,
  SettingsUpdateSchema,
  type ConnectionTestResult,
  type FieldError,
  type SettingsUpdate,
  type SettingsUpdateResult,
} from './contract-station.js';

export const requests = { ...stationRequests, ...sandboxRequests, ...producerRequests } as const;

export const events = {
  'station.info': defineEvent({
    payload: StationInfoSchema,
    description: 'sent when the station info changes (e.g. FFmpeg re-detected)',
  }),
  'state.snapshot': defineEvent({
    payload: SnapshotSchema,
    description: 'the whole state: on connect and whenever a client must resync',
  }),
  'state.entry': defineEvent({
    payload: EntryStateSchema,
    description: 'one entry changed (whole EntryState, throttled per entry)',
  }),
  'state.entryRemoved': defineEvent({
    payload: z.object({ entryId: z.string() }),
    description: 'an entry left the live state (ended long enough ago)',
  }),
  'state.kaltura': defineEvent({
    payload: KalturaStatusSchema,
    description: 'KS or API reachability changed',
  }),
  'state.system': defineEvent({
    payload: SystemStatusSchema,
    description: 'CPU and memory of the station and its FFmpeg processes, about once a second',
  }),
  'state.event': defineEvent({
    payload: StationEventSchema,
    description: 'one new line of the station events log',
  }),
} as const;

export type Requests = typeof requests;
export type Events = typeof events;
export type RequestName = keyof Requests;
export type EventName = keyof Events;
export type RequestPayload<N extends RequestName> = z.infer<Requests[N]['request']>;
export type ResponsePayload<N extends RequestName> = z.infer<Requests[N]['response']>;
export type EventPayload<N extends EventName> = z.infer<Events[N]['payload']>;
