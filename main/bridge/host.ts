// The transport-independent side of the bridge: both the Electron IPC handlers and the WebSocket
// server call into a BridgeHost. It validates payloads against the shared contract and dispatches.
import type { EventName, EventPayload } from '../../shared/bridge/contract.js';
import { BridgeErrorCode, BridgeRequestError } from '../../shared/bridge/errors.js';

export interface CallerContext {
  /** 'ipc' (Electron window), 'ws' (browser) */
  transport: 'ipc' | 'ws';
  /** may this caller change state? (IPC from our own frame, or WS with the access token) */
  trusted: boolean;
}

export interface BridgeHost {
  /** Validates `payload` against the contract; throws BridgeRequestError on unknown name, bad payload, forbidden or failure. */
  handle(name: string, payload: unknown, caller: CallerContext): Promise<unknown>;
  /** All events, already validated; returns an unsubscribe function. */
  subscribe(listener: <E extends EventName>(name: E, payload: EventPayload<E>) => void): () => void;
}

/** A request that failed for a reason the user can act on; the message says what to do. */
export function bridgeFailure(message: string): BridgeRequestError {
  return new BridgeRequestError(BridgeErrorCode.failed, message);
}
