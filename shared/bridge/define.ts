// The building blocks of the bridge contract: a request has a payload schema, a response schema and
// whether it changes state (which needs the access token over WebSocket); an event has a payload schema.
import type { z } from 'zod';

export interface RequestDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly request: Req;
  readonly response: Res;
  /** true when the call changes station state or settings: refused over WebSocket without the access token */
  readonly mutates: boolean;
  readonly description: string;
}

export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly payload: P;
  readonly description: string;
}

export function defineRequest<Req extends z.ZodType, Res extends z.ZodType>(
  def: RequestDef<Req, Res>,
): RequestDef<Req, Res> {
  return def;
}

export function defineEvent<P extends z.ZodType>(def: EventDef<P>): EventDef<P> {
  return def;
}
