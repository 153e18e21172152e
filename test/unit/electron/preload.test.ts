import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { events, requests } from '../../../shared/bridge/contract.js';
import type { KliveBridge } from '../../../shared/bridge/api.js';
import { eventChannel, requestChannel } from '../../../main/electron/channels.js';

const electron = vi.hoisted(() => {
  const exposed: Array<{ key: string; api: unknown }> = [];
  return { exposed, invoke: null as null | ((channel: string, payload: unknown) => Promise<unknown>) };
});

class FakeIpcRenderer extends EventEmitter {
  invoke(channel: string, payload: unknown): Promise<unknown> {
    if (!electron.invoke) throw new Error('no invoke stub');
    return electron.invoke(channel, payload);
  }
}
const ipcRenderer = vi.hoisted(() => ({ current: null as null | EventEmitter }));

vi.mock('electron', () => {
  ipcRenderer.current = new FakeIpcRenderer();
  return {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.push({ key, api }) },
    ipcRenderer: ipcRenderer.current,
  };
});

async function loadPreload(): Promise<KliveBridge> {
  await import('../../../main/electron/preload.js');
  expect(electron.exposed).toHaveLength(1);
  const [{ key, api }] = electron.exposed as [{ key: string; api: unknown }];
  expect(key).toBe('klive');
  return api as KliveBridge;
}

describe('preload surface', () => {
  it('exposes exactly { request, on } with one entry per contract request and event, nothing else', async () => {
    const bridge = await loadPreload();
    expect(Object.keys(bridge).sort()).toEqual(['on', 'request']);
    expect(Object.keys(bridge.request).sort()).toEqual(Object.keys(requests).sort());
    expect(Object.keys(bridge.on).sort()).toEqual(Object.keys(events).sort());
    for (const fn of [...Object.values(bridge.request), ...Object.values(bridge.on)])
      expect(typeof fn).toBe('function');
    expect(Object.isFrozen(bridge) && Object.isFrozen(bridge.request) && Object.isFrozen(bridge.on)).toBe(true);
  });

  it('leaks no ipcRenderer, process or environment through the exposed object', async () => {
    const bridge = await loadPreload();
    const seen = new Set<unknown>();
    const walk = (value: unknown): void => {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
      seen.add(value);
      expect(value).not.toBe(ipcRenderer.current);
      expect(value).not.toBe(process);
      expect(value).not.toBe(process.env);
      for (const key of Object.getOwnPropertyNames(value)) {
        if (typeof value === 'function' && ['caller', 'callee', 'arguments'].includes(key)) continue;
        walk((value as Record<string, unknown>)[key]);
      }
    };
    walk(bridge);
  });

  it('each request invokes its own channel and returns the payload; refusals reject with the code', async () => {
    const bridge = await loadPreload();
    const calls: Array<[string, unknown]> = [];
    electron.invoke = async (channel, payload) => {
      calls.push([channel, payload]);
      return channel.endsWith('refused')
        ? { ok: false, error: { code: 'forbidden', message: 'no' } }
        : { ok: true, payload: { echoed: payload } };
    };
    for (const name of Object.keys(requests) as Array<keyof typeof requests>) {
      await expect((bridge.request[name] as (p: unknown) => Promise<unknown>)({ x: 1 })).resolves.toEqual({
        echoed: { x: 1 },
      });
    }
    expect(calls.map(([c]) => c)).toEqual(Object.keys(requests).map(requestChannel));
    electron.invoke = async () => ({ ok: false, error: { code: 'invalid_payload', message: 'name: expected string' } });
    const first = Object.keys(requests)[0] as keyof typeof requests;
    await expect((bridge.request[first] as (p: unknown) => Promise<unknown>)({})).rejects.toThrow(
      '[invalid_payload] name: expected string',
    );
    // the one BridgeRequestError of shared/bridge, with main's code (contextBridge passes only the message on)
    await expect((bridge.request[first] as (p: unknown) => Promise<unknown>)({})).rejects.toMatchObject({
      name: 'BridgeRequestError',
      code: 'invalid_payload',
    });
    electron.invoke = async () => 'garbage';
    await expect((bridge.request[first] as (p: unknown) => Promise<unknown>)({})).rejects.toThrow('[failed]');
  });

  it('subscriptions deliver only the payload (never the IPC event) and unsubscribe cleanly', async () => {
    const bridge = await loadPreload();
    const ipc = ipcRenderer.current as EventEmitter;
    for (const name of Object.keys(events) as Array<keyof typeof events>) {
      const got: unknown[][] = [];
      const off = (bridge.on[name] as (l: (...args: unknown[]) => void) => () => void)((...args) => got.push(args));
      expect(ipc.listenerCount(eventChannel(name))).toBe(1);
      ipc.emit(eventChannel(name), { sender: ipc, ports: [] }, { hello: name });
      expect(got).toEqual([[{ hello: name }]]);
      off();
      off();
      expect(ipc.listenerCount(eventChannel(name))).toBe(0);
      ipc.emit(eventChannel(name), { sender: ipc }, { late: true });
      expect(got).toHaveLength(1);
    }
  });

  it('rejects a non-function listener with a clear error', async () => {
    const bridge = await loadPreload();
    const first = Object.keys(events)[0] as keyof typeof events;
    expect(() => (bridge.on[first] as (l: unknown) => unknown)('nope')).toThrow(/needs a function/);
  });
});
