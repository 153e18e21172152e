// The entry point's wiring, with the whole 'electron' module and the Station replaced by fakes.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requests } from '../../../shared/bridge/contract.js';
import { requestChannel } from '../../../main/electron/channels.js';
import { tempDir, waitFor } from '../../helpers/net.js';
import { fakeEvent } from './fakes.js';
import type { FakeBrowserWindow } from './fakes.js';
import type * as ElectronModule from 'electron';

const h = vi.hoisted(() => ({
  order: [] as string[],
  state: {} as Record<string, unknown>,
  /** windows created by main.ts (the fakes module is re-imported per test, so its own list is not ours) */
  windows: [] as FakeBrowserWindow[],
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { FakeBrowserWindow: Win } = await import('./fakes.js');
  class MainWindow extends Win {
    minimized = true;
    restore = vi.fn(() => (this.minimized = false));
    focus = vi.fn();
    setTitle = vi.fn();
    isMinimized(): boolean {
      return this.minimized;
    }
    constructor(options: Record<string, unknown>) {
      super(options);
      h.windows.push(this);
    }
  }
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    requestSingleInstanceLock: vi.fn(() => h.state.lock !== false),
    whenReady: vi.fn(async () => {
      h.order.push('ready');
    }),
    getPath: vi.fn(() => h.state.userData as string),
    exit: vi.fn(),
  });
  const handlers = new Map<string, unknown>();
  return {
    app,
    BrowserWindow: MainWindow,
    dialog: { showErrorBox: vi.fn(), showMessageBox: vi.fn(async () => ({ response: 0 })) },
    ipcMain: {
      handle: (c: string, fn: unknown) => handlers.set(c, fn),
      removeHandler: (c: string) => handlers.delete(c),
      handlers,
    },
    Menu: { buildFromTemplate: vi.fn(() => ({})) },
    nativeImage: { createFromDataURL: vi.fn(() => ({ addRepresentation: vi.fn() })) },
    powerMonitor: new Emitter(),
    protocol: {
      registerSchemesAsPrivileged: vi.fn(() => h.order.push('registerScheme')),
      handle: vi.fn(() => h.order.push('protocol.handle')),
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(s),
      decryptString: (b: Buffer) => b.toString(),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: vi.fn() },
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
      },
    },
    shell: { openExternal: vi.fn(async () => undefined) },
    Tray: vi.fn(function (this: Record<string, unknown>) {
      Object.assign(this, { setImage: vi.fn(), setToolTip: vi.fn(), setContextMenu: vi.fn(), destroy: vi.fn() });
    }),
  };
});

vi.mock('../../../main/station/station.js', () => {
  class Station {
    calls: string[] = [];
    live = 0;
    liveListeners: Array<(n: number) => void> = [];
    constructor(readonly deps: Record<string, unknown>) {
      h.state.station = this;
    }
    async start() {
      this.calls.push('start');
      if (h.state.startError) throw h.state.startError;
      return {
        name: 'kLive Station',
        version: '0.1.0',
        startedAtMs: 0,
        hostname: 'h',
        rtmpUrl: 'rtmp://127.0.0.1:1935/kLive',
        httpUrl: 'http://127.0.0.1:18080/',
        viewerUrl: 'http://127.0.0.1:18080/',
        ffmpeg: { status: 'ok', path: '/usr/bin/ffmpeg', source: 'path', version: '5.1', message: null },
      };
    }
    liveStreamCount() {
      return this.live;
    }
    onLiveCountChange(cb: (n: number) => void) {
      this.liveListeners.push(cb);
      return () => undefined;
    }
    async unregisterAll() {
      this.calls.push('unregisterAll');
    }
    async stopTranscoders() {
      this.calls.push('stopTranscoders');
    }
    async flushRecordings() {
      this.calls.push('flushRecordings');
    }
    async close() {
      this.calls.push('close');
    }
    bridgeHost() {
      return { handle: async () => ({}), subscribe: () => () => undefined };
    }
  }
  return { Station, displayHost: (x: string) => x };
});

// the app root is a temp dir, so the test does not depend on a built dist/
vi.mock('../../../main/station/app-paths.js', () => ({
  findAppPaths: () => ({
    root: h.state.appRoot as string,
    rendererDir: `${h.state.appRoot as string}/dist/renderer`,
    version: '0.1.0',
  }),
}));

type FakeStation = {
  calls: string[];
  live: number;
  deps: { options: { dataDir: string }; secrets: { describe(): string }; env: NodeJS.ProcessEnv };
};
type Electron = typeof ElectronModule & { ipcMain: { handlers: Map<string, unknown> } };

let signalHandlers: Array<[string, () => void]> = [];
let userData = '';

beforeEach(() => {
  vi.resetModules();
  h.order.length = 0;
  userData = tempDir('klive-userdata-');
  const appRoot = path.join(userData, 'app');
  fs.mkdirSync(path.join(appRoot, 'dist', 'preload'), { recursive: true });
  fs.writeFileSync(path.join(appRoot, 'dist', 'preload', 'preload.cjs'), '// stand-in');
  h.state = { userData, appRoot };
  h.windows.length = 0;
  signalHandlers = [];
  vi.spyOn(process, 'on').mockImplementation(((event: string, handler: () => void) => {
    signalHandlers.push([event, handler]);
    return process;
  }) as typeof process.on);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  delete process.env.KLIVE_DATA_DIR;
});

afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(userData, { recursive: true, force: true });
});

async function boot(): Promise<Electron> {
  const electron = (await import('electron')) as unknown as Electron;
  // the mocked module may outlive resetModules: drop what earlier boots attached
  vi.mocked(electron.app.exit).mockClear();
  vi.mocked(electron.dialog.showMessageBox).mockClear();
  vi.mocked(electron.dialog.showErrorBox).mockClear();
  electron.app.removeAllListeners();
  electron.powerMonitor.removeAllListeners();
  electron.ipcMain.handlers.clear();
  await import('../../../main/electron/main.js');
  return electron;
}

describe('Electron entry', () => {
  it('a second instance exits at once and leaves focusing to the first', async () => {
    h.state.lock = false;
    const electron = await boot();
    expect(electron.app.exit).toHaveBeenCalledWith(0);
    expect(electron.app.whenReady).not.toHaveBeenCalled();
  });

  it('registers the scheme before ready, starts the station with data in userData, then opens the hardened window', async () => {
    const electron = await boot();
    const win = await waitFor(() => h.windows[0], { what: 'the window' });
    expect(h.order.indexOf('registerScheme')).toBeLessThan(h.order.indexOf('ready'));
    expect(h.order).toContain('protocol.handle');
    const station = h.state.station as FakeStation;
    expect(station.calls).toEqual(['start']);
    expect(station.deps.options.dataDir).toBe(path.resolve(userData));
    expect(station.deps.env).not.toBe(process.env);
    expect(station.deps.secrets.describe()).toBe('encrypted');
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(prefs.preload).toBe(path.join(h.state.appRoot as string, 'dist', 'preload', 'preload.cjs'));
    expect(win.loadURL).toHaveBeenCalledWith('klive://app/index.html');
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(Object.keys(requests).map(requestChannel).sort());
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(electron.Tray).toHaveBeenCalled();
    expect(signalHandlers.map(([s]) => s).sort()).toEqual(['SIGINT', 'SIGTERM']);
    // a second launch focuses this window
    electron.app.emit('second-instance');
    const main = win as unknown as { restore: ReturnType<typeof vi.fn>; focus: ReturnType<typeof vi.fn> };
    expect(main.restore).toHaveBeenCalled();
    expect(main.focus).toHaveBeenCalled();
  });

  it('closing the window on Linux stops the station in order and exits 0', async () => {
    const electron = await boot();
    const win = await waitFor(() => h.windows[0], { what: 'the window' });
    const station = h.state.station as FakeStation;
    const close = fakeEvent();
    win.emit('close', close);
    expect(close.preventDefault).toHaveBeenCalled();
    await waitFor(() => vi.mocked(electron.app.exit).mock.calls.length > 0, { what: 'app.exit' });
    expect(station.calls).toEqual(['start', 'unregisterAll', 'stopTranscoders', 'flushRecordings', 'close']);
    expect(electron.app.exit).toHaveBeenCalledWith(0);
  });

  it('asks before quitting while live, and keeps streaming when told to', async () => {
    const electron = await boot();
    await waitFor(() => h.windows[0], { what: 'the window' });
    const station = h.state.station as FakeStation;
    station.live = 2;
    const quit = fakeEvent();
    electron.app.emit('before-quit', quit);
    expect(quit.preventDefault).toHaveBeenCalled();
    await waitFor(() => vi.mocked(electron.dialog.showMessageBox).mock.calls.length > 0, { what: 'the dialog' });
    await new Promise((r) => setTimeout(r, 20));
    expect(station.calls).toEqual(['start']);
    expect(electron.app.exit).not.toHaveBeenCalled();
  });

  it('a port in use is shown in an error box and exits 2', async () => {
    // the module registry was reset: main.ts will see this copy of the error class
    const { PortInUseError } = await import('../../../main/core/errors.js');
    h.state.startError = new PortInUseError('HTTP', '127.0.0.1', 8080, '--http-port', 'KLIVE_HTTP_PORT');
    const electron = await boot();
    await waitFor(() => vi.mocked(electron.app.exit).mock.calls.length > 0, { what: 'app.exit' });
    expect(electron.app.exit).toHaveBeenCalledWith(2);
    expect(vi.mocked(electron.dialog.showErrorBox).mock.calls[0]?.[1]).toContain(
      'port 8080 on 127.0.0.1 is already in use',
    );
    expect(h.windows).toHaveLength(0);
  });

  it('refuses to open a window without the built preload, naming the command that builds it', async () => {
    fs.rmSync(path.join(h.state.appRoot as string, 'dist', 'preload', 'preload.cjs'));
    const electron = await boot();
    await waitFor(() => vi.mocked(electron.app.exit).mock.calls.length > 0, { what: 'app.exit' });
    expect(electron.app.exit).toHaveBeenCalledWith(1);
    expect(vi.mocked(electron.dialog.showErrorBox).mock.calls[0]?.[1]).toMatch(
      /preload\.cjs is missing: run `npm run build:preload`/,
    );
    expect(h.windows).toHaveLength(0);
    expect((h.state.station as FakeStation).calls).toEqual(['start', 'close']);
  });
});
