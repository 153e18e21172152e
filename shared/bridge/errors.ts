// Owns the one error of a bridge request, for both sides: the codes main answers with (a zod enum, so the
// wire schema, main's throws and the renderer's checks all derive from it) and `BridgeRequestError`.
import { z } from 'zod';

/** Why main refused or failed a request: what crosses the wire (WebSocket) or IPC. */
export const BridgeErrorCodeSchema = z.enum([
  'invalid_message',
  'unknown_request',
  'invalid_payload',
  'forbidden',
  'failed',
]);
export type BridgeErrorCode = z.infer<typeof BridgeErrorCodeSchema>;

/** Why a client gave up on a request without main's answer (never sent by main). */
export const ClientErrorCodeSchema = z.enum(['disconnected', 'timeout', 'invalid_response']);
export type ClientErrorCode = z.infer<typeof ClientErrorCodeSchema>;

/** Every code a BridgeRequestError can carry, by name: `BridgeErrorCode.failed`. */
export const BridgeErrorCode = { ...BridgeErrorCodeSchema.enum, ...ClientErrorCodeSchema.enum } as const;

export const BridgeErrorSchema = z.object({ code: BridgeErrorCodeSchema, message: z.string() });
export type BridgeError = z.infer<typeof BridgeErrorSchema>;

/**
 * A request main refused or could not answer (thrown by main's bridge and handlers, carried as `{code, message}`
 * and thrown again on the renderer's side), or one the client gave up on.
 */
export class BridgeRequestError extends Error {
  constructor(
    readonly code: BridgeErrorCode | ClientErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeRequestError';
  }

  /** What crosses the wire: main's code, or 'failed' for anything else (an internal error says no more). */
  static toWire(error: unknown, internalMessage = 'internal error'): BridgeError {
    if (error instanceof BridgeRequestError) {
      const code = BridgeErrorCodeSchema.safeParse(error.code);
      return { code: code.success ? code.data : BridgeErrorCode.failed, message: error.message };
    }
    return { code: BridgeErrorCode.failed, message: internalMessage };
  }
}
