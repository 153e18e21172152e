// Every message between main and renderer, defined once. The Electron preload, the WebSocket server
// and the renderer client are all derived from these two maps; main validates every incoming payload.
import { z } from 'zod';
import { defineEvent, defineRequest } from './define.js';
import { StationInfoSchema } from '../station-info.js';

export const requests = {
  'station.getInfo': defineRequest({
    request: z.object({}).strict(),
    response: StationInfoSchema,
    mutates: false,
    description: 'who the station is, where it listens, which FFmpeg it runs',
  }),
} as const;

export const events = {
  'station.info': defineEvent({
    payload: StationInfoSchema,
    description: 'sent when the station info changes (e.g. FFmpeg re-detected)',
  }),
} as const;

export type Requests = typeof requests;
export type Events = typeof events;
export type RequestName = keyof Requests;
export type EventName = keyof Events;
export type RequestPayload<N extends RequestName> = z.infer<Requests[N]['request']>;
export type ResponsePayload<N extends RequestName> = z.infer<Requests[N]['response']>;
export type EventPayload<N extends EventName> = z.infer<Events[N]['payload']>;
