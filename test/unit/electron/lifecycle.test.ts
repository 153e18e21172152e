import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { liveQuitMessage, QuitController, runShutdown } from '../../../main/electron/lifecycle.js';
import type { StationStopper } from '../../../main/electron/lifecycle.js';
import { installAppQuitHooks, installWindowQuitHooks } from '../../../main/electron/quit-hooks.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';
import { fakeEvent } from './fakes.js';

vi.mock('electron', () => {
  throw new Error('lifecycle must not need the electron module at runtime');
});

function stubStation(opts: { live?: number; hang?: string; fail?: string } = {}) {
  const calls: string[] = [];
  const step = (name: string) => async () => {
    calls.push(name);
    if (opts.fail === name) throw new Error(`${name} broke`);
    if (opts.hang === name) await new Promise(() => undefined);
  };
  const station: StationStopper & { live: number } = {
    live: opts.live ?? 0,
    liveStreamCount() {
      return this.live;
    },
    unregisterAll: step('unregisterAll'),
    stopTranscoders: step('stopTranscoders'),
    flushRecordings: step('flushRecordings'),
    close: step('close'),
  };
  return { station, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('runShutdown', () => {
  it('unregisters, stops transcoders, flushes recordings and closes, in that order', async () => {
    const { station, calls } = stubStation();
    await expect(runShutdown(station, createLogger({ sinks: [] }))).resolves.toEqual({ timedOut: false, failed: [] });
    expect(calls).toEqual(['unregisterAll', 'stopTranscoders', 'flushRecordings', 'close']);
  });

  it('keeps going after a failed step and reports it', async () => {
    const { station, calls } = stubStation({ fail: 'unregisterAll' });
    const sink = memorySink();
    await expect(runShutdown(station, createLogger({ sinks: [sink] }))).resolves.toEqual({
      timedOut: false,
      failed: ['unregisterAll'],
    });
    expect(calls).toEqual(['unregisterAll', 'stopTranscoders', 'flushRecordings', 'close']);
    expect(sink.lines.some((l) => l.includes('unregisterAll failed') && l.includes('unregisterAll broke'))).toBe(true);
  });

  it('gives up after the overall timeout when a step hangs', async () => {
    vi.useFakeTimers();
    const { station, calls } = stubStation({ hang: 'stopTranscoders' });
    const sink = memorySink();
    const done = runShutdown(station, createLogger({ sinks: [sink] }), 10_000);
    await vi.advanceTimersByTimeAsync(9_999);
    let settled = false;
    void done.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toEqual({ timedOut: true, failed: [] });
    expect(calls).toEqual(['unregisterAll', 'stopTranscoders']);
    expect(sink.lines.some((l) => l.includes('did not finish within 10000 ms'))).toBe(true);
  });
});

describe('QuitController', () => {
  function controller(live: number, answer: boolean | (() => Promise<boolean>), opts: { hang?: string } = {}) {
    const { station, calls } = stubStation({ live, ...opts });
    const confirm = vi.fn(typeof answer === 'function' ? answer : async () => answer);
    const exit = vi.fn();
    const c = new QuitController({
      station,
      confirmQuitWhileLive: confirm,
      exit,
      logger: createLogger({ sinks: [] }),
      timeoutMs: 10_000,
    });
    return { c, calls, confirm, exit, station };
  }

  it('quits without asking when nothing is live', async () => {
    const { c, calls, confirm, exit } = controller(0, false);
    await expect(c.requestQuit('window-close')).resolves.toBe('exited');
    expect(confirm).not.toHaveBeenCalled();
    expect(calls).toEqual(['unregisterAll', 'stopTranscoders', 'flushRecordings', 'close']);
    expect(exit).toHaveBeenCalledWith(0);
    expect(c.isQuitting()).toBe(true);
  });

  it('asks when streams are live; "keep streaming" stops nothing and a later quit asks again', async () => {
    const { c, calls, confirm, exit } = controller(2, false);
    await expect(c.requestQuit('app-quit')).resolves.toBe('cancelled');
    expect(confirm).toHaveBeenCalledWith(2);
    expect(calls).toEqual([]);
    expect(exit).not.toHaveBeenCalled();
    expect(c.isQuitting()).toBe(false);
    await expect(c.requestQuit('window-close')).resolves.toBe('cancelled');
    expect(confirm).toHaveBeenCalledTimes(2);
  });

  it('stops in order after the user confirms', async () => {
    const { c, calls, exit } = controller(1, true);
    await expect(c.requestQuit('window-close')).resolves.toBe('exited');
    expect(calls).toEqual(['unregisterAll', 'stopTranscoders', 'flushRecordings', 'close']);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('never asks on OS shutdown, even with live streams', async () => {
    const { c, confirm, calls } = controller(3, false);
    await expect(c.requestQuit('shutdown')).resolves.toBe('exited');
    expect(confirm).not.toHaveBeenCalled();
    expect(calls).toHaveLength(4);
  });

  it('an OS shutdown while the dialog is open stops right away, once', async () => {
    let answer: (v: boolean) => void = () => undefined;
    const { c, calls, exit } = controller(1, () => new Promise<boolean>((r) => (answer = r)));
    const first = c.requestQuit('app-quit');
    await Promise.resolve();
    await expect(c.requestQuit('shutdown')).resolves.toBe('exited');
    answer(false);
    await expect(first).resolves.toBe('exited');
    expect(calls).toEqual(['unregisterAll', 'stopTranscoders', 'flushRecordings', 'close']);
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('repeated quit requests join the one running stop', async () => {
    const { c, calls, exit } = controller(0, true);
    const [a, b] = [c.requestQuit('app-quit'), c.requestQuit('window-close')];
    await expect(Promise.all([a, b])).resolves.toEqual(['exited', 'exited']);
    expect(calls).toHaveLength(4);
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('exits with code 1 after the timeout when a step hangs', async () => {
    vi.useFakeTimers();
    const { c, exit } = controller(0, true, { hang: 'flushRecordings' });
    const done = c.requestQuit('app-quit');
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(done).resolves.toBe('exited');
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('words the confirmation for one and for many streams', () => {
    expect(liveQuitMessage(1).message).toBe('1 stream is live. Quit kLive Station?');
    expect(liveQuitMessage(3).message).toBe('3 streams are live. Quit kLive Station?');
  });
});

describe('quit hooks', () => {
  function hooks(platform: NodeJS.Platform) {
    const app = new EventEmitter();
    const powerMonitor = new EventEmitter();
    const win = Object.assign(new EventEmitter(), { hide: vi.fn() });
    let quitting = false;
    const requestQuit = vi.fn(async () => 'exited' as const);
    const controller = { requestQuit, isQuitting: () => quitting };
    const signals = new Map<string, () => void>();
    installAppQuitHooks({
      app: app as never,
      powerMonitor: powerMonitor as never,
      controller,
      platform,
      onSignal: (s, h) => signals.set(s, h),
    });
    installWindowQuitHooks(win as never, { controller, platform });
    return { app, powerMonitor, win, requestQuit, signals, setQuitting: (v: boolean) => (quitting = v) };
  }

  it('holds before-quit (Cmd-Q, app.quit) until the controller has stopped the station', () => {
    const h = hooks('darwin');
    const e = fakeEvent();
    h.app.emit('before-quit', e);
    expect(e.preventDefault).toHaveBeenCalled();
    expect(h.requestQuit).toHaveBeenCalledWith('app-quit');
    h.setQuitting(true);
    const later = fakeEvent();
    h.app.emit('before-quit', later);
    expect(later.preventDefault).not.toHaveBeenCalled();
    expect(h.requestQuit).toHaveBeenCalledTimes(1);
  });

  it('closing the window quits on Linux and Windows, hides on macOS', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const h = hooks(platform);
      const e = fakeEvent();
      h.win.emit('close', e);
      expect(e.preventDefault).toHaveBeenCalled();
      expect(h.requestQuit).toHaveBeenCalledWith('window-close');
    }
    const mac = hooks('darwin');
    const e = fakeEvent();
    mac.win.emit('close', e);
    expect(e.preventDefault).toHaveBeenCalled();
    expect(mac.win.hide).toHaveBeenCalled();
    expect(mac.requestQuit).not.toHaveBeenCalled();
  });

  it('OS shutdown, Windows session end and signals quit without a dialog', () => {
    const h = hooks('linux');
    const e = fakeEvent();
    h.powerMonitor.emit('shutdown', e);
    expect(e.preventDefault).toHaveBeenCalled();
    h.win.emit('session-end', {});
    h.signals.get('SIGTERM')?.();
    h.signals.get('SIGINT')?.();
    expect(h.requestQuit.mock.calls.map((c) => (c as unknown[])[0])).toEqual([
      'shutdown',
      'shutdown',
      'signal',
      'signal',
    ]);
  });

  it('lets the window close once quitting has begun', () => {
    const h = hooks('linux');
    h.setQuitting(true);
    const e = fakeEvent();
    h.win.emit('close', e);
    expect(e.preventDefault).not.toHaveBeenCalled();
    expect(h.requestQuit).not.toHaveBeenCalled();
  });
});
