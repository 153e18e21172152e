// Picks the bridge transport: the Electron preload's window.klive when present, else a WebSocket to
// ws(s)://<page host>/bridge carrying the access token the station injected into index.html.
import type { BridgeEvents, BridgeRequests, KliveBridge } from '../../../shared/bridge/api.js';
import { events as eventDefs, requests as requestDefs } from '../../../shared/bridge/contract.js';
import type { EventName, RequestName } from '../../../shared/bridge/contract.js';
import { WsBridgeClient } from './ws-client.js';
import { BridgeErrorCode, BridgeRequestError } from '../../../shared/bridge/errors.js';
import type { ConnectionStatus } from './ws-client.js';

export interface BridgeConnection {
  readonly bridge: KliveBridge;
  /** 'ipc' in the Electron window, 'ws' in a browser */
  readonly transport: 'ipc' | 'ws';
  /** false when a browser page has no access token: mutations will be refused */
  readonly canMutate: boolean;
  getStatus(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  close(): void;
}

export interface BrowserEnv {
  klive?: KliveBridge;
  location: { protocol: string; host: string; search?: string };
  document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
}

/**
 * The access token: injected as <meta name="klive-access-token"> for loopback page loads, or carried in the
 * page address (?token=...) that the station prints for LAN use.
 */
export function readAccessToken(doc: BrowserEnv['document'], search = ''): string | null {
  const meta = doc.querySelector('meta[name="klive-access-token"]')?.getAttribute('content')?.trim();
  if (meta) return meta;
  const fromQuery = new URLSearchParams(search).get('token')?.trim();
  return fromQuery ? fromQuery : null;
}

/** ws(s)://<page host>/bridge, with the token so a LAN client is trusted from the handshake on. */
export function bridgeUrl(location: BrowserEnv['location'], accessToken: string | null = null): string {
  const base = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge`;
  return accessToken ? `${base}?token=${encodeURIComponent(accessToken)}` : base;
}

/**
 * Wraps the preload's bridge so IPC answers and events are checked against the contract like WebSocket ones:
 * a mismatch (e.g. a stale preload) becomes a clear error instead of a crash deep in a component.
 */
function validatingBridge(inner: KliveBridge): KliveBridge {
  const request: Record<string, (payload: unknown) => Promise<unknown>> = {};
  for (const name of Object.keys(requestDefs) as RequestName[]) {
    const call = inner.request[name] as unknown as ((payload: unknown) => Promise<unknown>) | undefined;
    request[name] = async (payload) => {
      if (!call)
        throw new BridgeRequestError(
          BridgeErrorCode.unknown_request,
          `The station window does not offer ${name}: restart the app after updating it.`,
        );
      const checked = requestDefs[name].response.safeParse(await call(payload));
      if (!checked.success)
        throw new BridgeRequestError(
          BridgeErrorCode.invalid_response,
          `The station's answer to ${name} did not match the contract: restart the app after updating it.`,
        );
      return checked.data;
    };
  }
  const on: Record<string, (listener: (payload: unknown) => void) => () => void> = {};
  for (const name of Object.keys(eventDefs) as EventName[]) {
    const subscribe = inner.on[name] as unknown as ((listener: (payload: unknown) => void) => () => void) | undefined;
    on[name] = (listener) => {
      if (!subscribe) return () => undefined;
      return subscribe((payload) => {
        const checked = eventDefs[name].payload.safeParse(payload);
        if (checked.success) listener(checked.data);
        else console.warn(`kLive bridge: ignored a malformed '${name}' event`);
      });
    };
  }
  return { request: request as unknown as BridgeRequests, on: on as unknown as BridgeEvents };
}

export function connectBridge(env: BrowserEnv): BridgeConnection {
  const preload = env.klive;
  if (preload) {
    return {
      bridge: validatingBridge(preload),
      transport: 'ipc',
      canMutate: true,
      getStatus: () => 'open',
      onStatus: () => () => undefined,
      close: () => undefined,
    };
  }
  const accessToken = readAccessToken(env.document, env.location.search ?? '');
  const client = new WsBridgeClient({ url: bridgeUrl(env.location, accessToken), accessToken });
  return {
    bridge: client,
    transport: 'ws',
    canMutate: accessToken !== null,
    getStatus: () => client.getStatus(),
    onStatus: (listener) => client.onStatus(listener),
    close: () => client.close(),
  };
}
