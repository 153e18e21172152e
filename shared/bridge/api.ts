// The typed bridge surface the renderer sees (window.klive in Electron, a WebSocket client in a browser):
// one method per request, one subscribe function per event returning an unsubscribe.
import type { EventName, EventPayload, RequestName, RequestPayload, ResponsePayload } from './contract.js';

export type BridgeRequests = { [N in RequestName]: (payload: RequestPayload<N>) => Promise<ResponsePayload<N>> };
export type BridgeEvents = { [E in EventName]: (listener: (payload: EventPayload<E>) => void) => () => void };

export interface KliveBridge {
  readonly request: BridgeRequests;
  readonly on: BridgeEvents;
}
