// Owns the renderer-facing bridge object the preload exposes as window.klive: one method per request
// and one subscribe function per event, derived from the shared contract. It is built over a narrow
// IPC interface so that nothing Electron-specific (ipcRenderer, the IPC event, process) reaches the page.
import type { KliveBridge } from '../../shared/bridge/api.js';
import { BridgeErrorCode, BridgeErrorCodeSchema, BridgeRequestError } from '../../shared/bridge/errors.js';
import { eventChannel, eventNames, requestChannel, requestNames } from './channels.js';
import type { IpcReply } from './channels.js';

export interface PreloadIpc {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/** Thrown into the page when main refuses or fails a request. */
function refused(code: BridgeRequestError['code'], message: string): BridgeRequestError {
  // contextBridge copies only the message across worlds, so the code leads it
  return new BridgeRequestError(code, `[${code}] ${message}`);
}

function isReply(value: unknown): value is IpcReply {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

export function buildBridge(ipc: PreloadIpc): KliveBridge {
  const request: Record<string, (payload: unknown) => Promise<unknown>> = {};
  for (const name of requestNames()) {
    const channel = requestChannel(name);
    request[name] = async (payload: unknown) => {
      const reply = await ipc.invoke(channel, payload);
      if (!isReply(reply)) throw refused(BridgeErrorCode.failed, `"${name}" got a malformed reply from main`);
      if (!reply.ok) {
        const code = BridgeErrorCodeSchema.safeParse(reply.error.code);
        throw refused(code.success ? code.data : BridgeErrorCode.failed, reply.error.message);
      }
      return reply.payload;
    };
  }
  const on: Record<string, (listener: (payload: unknown) => void) => () => void> = {};
  for (const name of eventNames()) {
    const channel = eventChannel(name);
    on[name] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`klive.on["${name}"] needs a function`);
      // only the payload crosses: the IPC event would hand the page a reference to ipcRenderer
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload);
      ipc.on(channel, wrapped);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(channel, wrapped);
      };
    };
  }
  return Object.freeze({ request: Object.freeze(request), on: Object.freeze(on) }) as unknown as KliveBridge;
}
