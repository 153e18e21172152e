// Owns the IPC channel names of the Electron bridge. They are derived from the shared contract's maps,
// so a request or event added to shared/bridge/contract.ts gets its channel without touching this file.
// Pure (no 'electron' import): the preload bundle and the main process share it.
import { events, requests } from '../../shared/bridge/contract.js';
import type { EventName, RequestName } from '../../shared/bridge/contract.js';

const REQUEST_PREFIX = 'klive:request:';
const EVENT_PREFIX = 'klive:event:';

export function requestChannel(name: string): string {
  return REQUEST_PREFIX + name;
}

export function eventChannel(name: string): string {
  return EVENT_PREFIX + name;
}

/** Every request name in the contract, in declaration order. */
export function requestNames(): RequestName[] {
  return Object.keys(requests) as RequestName[];
}

/** Every event name in the contract, in declaration order. */
export function eventNames(): EventName[] {
  return Object.keys(events) as EventName[];
}

/** What crosses IPC for a request's answer: the renderer never sees a main-process stack. */
export type IpcReply = { ok: true; payload: unknown } | { ok: false; error: { code: string; message: string } };
