// The envelope on the WebSocket transport (Electron IPC carries the same payloads natively).
import { z } from 'zod';
import { BridgeErrorSchema } from './errors.js';

/** The close code for a client that must present the access token (retrying without it cannot help). */
export const CLOSE_UNAUTHORIZED = 4401;

export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('request'),
    id: z.number().int().nonnegative(),
    name: z.string().max(100),
    payload: z.unknown(),
    token: z.string().max(200).optional(),
  }),
  z.object({ type: z.literal('subscribe'), events: z.array(z.string().max(100)).max(100) }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const ServerMessageSchema = z.union([
  z.object({ type: z.literal('response'), id: z.number(), ok: z.literal(true), payload: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number(), ok: z.literal(false), error: BridgeErrorSchema }),
  z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
