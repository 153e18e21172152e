import { describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, IpcMain } from 'electron';
import { registerBridgeIpc } from '../../../main/electron/ipc.js';
import { eventChannel, requestChannel } from '../../../main/electron/channels.js';
import { BridgeRequestError } from '../../../shared/bridge/errors.js';
import type { BridgeHost } from '../../../main/bridge/host.js';
import { events, requests } from '../../../shared/bridge/contract.js';
import type { EventName, EventPayload } from '../../../shared/bridge/contract.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';
import { FakeBrowserWindow } from './fakes.js';
import type { FakeFrame, FakeWebContents } from './fakes.js';

vi.mock('electron', () => {
  throw new Error('ipc.ts must not need the electron module at runtime');
});

type Handler = (event: { sender: unknown; senderFrame: FakeFrame | null }, payload: unknown) => Promise<unknown>;

/** A host that validates with the shared contract, like the real BridgeHost must. */
function contractHost() {
  const handled: Array<{ name: string; payload: unknown; trusted: boolean }> = [];
  let listener: (<E extends EventName>(name: E, payload: EventPayload<E>) => void) | null = null;
  const host: BridgeHost = {
    async handle(name, payload, caller) {
      const def = (requests as Record<string, (typeof requests)[keyof typeof requests]>)[name];
      if (!def) throw new BridgeRequestError('unknown_request', `no request "${name}"`);
      const parsed = def.request.safeParse(payload);
      if (!parsed.success)
        throw new BridgeRequestError(
          'invalid_payload',
          `"${name}" payload is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
        );
      handled.push({ name, payload: parsed.data, trusted: caller.trusted });
      return { handled: name };
    },
    subscribe(l) {
      listener = l;
      return () => (listener = null);
    },
  };
  return {
    host,
    handled,
    emit: (name: string, payload: unknown) => (listener as ((n: string, p: unknown) => void) | null)?.(name, payload),
    hasListener: () => listener !== null,
  };
}

function setup() {
  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handle: (channel: string, h: Handler) => handlers.set(channel, h),
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  const win = new FakeBrowserWindow({});
  const { host, handled, emit, hasListener } = contractHost();
  const sink = memorySink();
  const dispose = registerBridgeIpc({
    ipcMain,
    host,
    getWindow: () => win as unknown as BrowserWindow,
    logger: createLogger({ sinks: [sink], level: 'debug' }),
  });
  const call = (
    name: string,
    payload: unknown,
    event?: Partial<{ sender: unknown; senderFrame: FakeFrame | null }>,
  ) => {
    const handler = handlers.get(requestChannel(name));
    if (!handler) throw new Error(`no handler for ${name}`);
    return handler({ sender: win.webContents, senderFrame: win.webContents.mainFrame, ...event }, payload);
  };
  return { handlers, win, handled, emit, hasListener, sink, dispose, call };
}

const firstRequest = Object.keys(requests)[0] as string;

describe('bridge IPC', () => {
  it('registers one handler per contract request, on channels derived from the names', () => {
    const { handlers, dispose, hasListener } = setup();
    expect([...handlers.keys()].sort()).toEqual(Object.keys(requests).map(requestChannel).sort());
    dispose();
    expect(handlers.size).toBe(0);
    expect(hasListener()).toBe(false);
  });

  it('passes a valid call from the main frame to the host as trusted IPC', async () => {
    const { call, handled } = setup();
    await expect(call('station.getInfo', {})).resolves.toEqual({ ok: true, payload: { handled: 'station.getInfo' } });
    expect(handled).toEqual([{ name: 'station.getInfo', payload: {}, trusted: true }]);
  });

  it('refuses a bad payload with invalid_payload and logs it, without logging the payload', async () => {
    const { call, handled, sink } = setup();
    const reply = (await call('station.getInfo', { unexpected: 'adminSecret-value-1234' })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe('invalid_payload');
    expect(handled).toHaveLength(0);
    const line = sink.lines.find((l) => l.includes('IPC request refused'));
    expect(line).toContain('station.getInfo');
    expect(line).toContain('invalid_payload');
    expect(sink.lines.join('\n')).not.toContain('adminSecret-value-1234');
  });

  it('refuses calls from another webContents, a subframe, a foreign URL, or a gone frame', async () => {
    const { call, win, handled, sink } = setup();
    const main = win.webContents.mainFrame;
    const cases: Array<Partial<{ sender: unknown; senderFrame: FakeFrame | null }>> = [
      { sender: {} as FakeWebContents },
      { senderFrame: { ...main, routingId: main.routingId + 1 } },
      { senderFrame: { ...main, url: 'https://evil.example/' } },
      { senderFrame: { ...main, url: 'file:///tmp/index.html' } },
      { senderFrame: null },
    ];
    for (const event of cases) {
      const reply = (await call(firstRequest, {}, event)) as { ok: boolean; error: { code: string } };
      expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(handled).toHaveLength(0);
    expect(sink.lines.filter((l) => l.includes('untrusted sender'))).toHaveLength(cases.length);
  });

  it('refuses everything once the window is destroyed', async () => {
    const { call, win, handled } = setup();
    win.destroyed = true;
    await expect(call(firstRequest, {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(handled).toHaveLength(0);
  });

  it('turns host failures into a redacted failed reply', async () => {
    const handlers = new Map<string, Handler>();
    const win = new FakeBrowserWindow({});
    const host: BridgeHost = {
      handle: async () => {
        throw new Error('upstream said no for https://k.example/api?ks=djJ8MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=');
      },
      subscribe: () => () => undefined,
    };
    registerBridgeIpc({
      ipcMain: {
        handle: (c: string, h: Handler) => handlers.set(c, h),
        removeHandler: () => undefined,
      } as unknown as IpcMain,
      host,
      getWindow: () => win as unknown as BrowserWindow,
      logger: createLogger({ sinks: [] }),
    });
    const reply = (await handlers.get(requestChannel(firstRequest))!(
      { sender: win.webContents, senderFrame: win.webContents.mainFrame },
      {},
    )) as { ok: false; error: { code: string; message: string } };
    expect(reply.error.code).toBe('failed');
    expect(reply.error.message).not.toContain('djJ8MTIz');
    expect(reply.error.message).toContain('<redacted>');
  });

  it('forwards contract events to the window on their channels, and drops unknown ones', () => {
    const { emit, win } = setup();
    for (const name of Object.keys(events)) emit(name, { n: name });
    expect(win.webContents.send.mock.calls).toEqual(
      Object.keys(events).map((name) => [eventChannel(name), { n: name }]),
    );
    emit('not.in.contract', {});
    expect(win.webContents.send).toHaveBeenCalledTimes(Object.keys(events).length);
    win.destroyed = true;
    emit(Object.keys(events)[0] as string, {});
    expect(win.webContents.send).toHaveBeenCalledTimes(Object.keys(events).length);
  });
});

describe('bridge IPC with a disposed frame', () => {
  it('refuses a call whose sender frame throws when read', async () => {
    const { call, handled } = setup();
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      processId: 7,
      routingId: 1,
    };
    await expect(call(firstRequest, {}, { senderFrame: disposed as FakeFrame })).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(handled).toHaveLength(0);
  });
});
