import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { createMainWindow, windowWebPreferences } from '../../../main/electron/window.js';
import { APP_URL } from '../../../main/electron/app-url.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';
import { FakeBrowserWindow, fakeEvent } from './fakes.js';

vi.mock('electron', () => {
  throw new Error('window.ts must not need the electron module at runtime');
});

function makeWindow(openExternal = vi.fn(async (_url: string) => undefined), now = () => 0) {
  FakeBrowserWindow.instances = [];
  const sink = memorySink();
  const win = createMainWindow({
    BrowserWindow: FakeBrowserWindow as unknown as new (o: BrowserWindowConstructorOptions) => BrowserWindow,
    preloadPath: '/app/dist/preload/preload.cjs',
    openExternal,
    logger: createLogger({ sinks: [sink], level: 'debug' }),
    now,
  }) as unknown as FakeBrowserWindow;
  return { win, sink, openExternal };
}

describe('main window', () => {
  beforeEach(() => {
    FakeBrowserWindow.instances = [];
  });

  it('uses exactly the hardened webPreferences', () => {
    expect(windowWebPreferences('/p/preload.cjs')).toEqual({
      preload: '/p/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: true,
    });
  });

  it('creates the window with those preferences, hidden until ready, and loads the app URL', () => {
    const { win } = makeWindow();
    expect(win.options.webPreferences).toEqual(windowWebPreferences('/app/dist/preload/preload.cjs'));
    expect(win.options.show).toBe(false);
    expect(win.loadURL).toHaveBeenCalledWith(APP_URL);
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
  });

  it('blocks navigation; http(s) targets open in the browser, others are refused and logged', () => {
    const { win, openExternal, sink } = makeWindow();
    const web = fakeEvent();
    win.webContents.emit('will-navigate', web, 'https://example.com/help');
    expect(web.preventDefault).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledWith('https://example.com/help');

    const local = fakeEvent();
    win.webContents.emit('will-navigate', local, 'file:///etc/passwd');
    expect(local.preventDefault).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledTimes(1);
    expect(sink.lines.some((l) => l.includes('navigation refused') && l.includes('file:///etc/passwd'))).toBe(true);

    const inApp = fakeEvent();
    win.webContents.emit('will-navigate', inApp, 'klive://app/other');
    expect(inApp.preventDefault).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('denies every new window; only http(s) links go to the browser', () => {
    const { win, openExternal } = makeWindow();
    const handler = win.webContents.windowOpenHandler;
    expect(handler).not.toBeNull();
    expect(handler?.({ url: 'https://kaltura.com/' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://kaltura.com/');
    for (const url of [
      'javascript:alert(1)',
      'file:///tmp/x',
      'klive://app/index.html',
      'smb://host/share',
      'https://user:pw@evil.example/',
    ]) {
      expect(handler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('refuses redirects and webviews', () => {
    const { win } = makeWindow();
    const redirect = fakeEvent();
    win.webContents.emit('will-redirect', redirect, 'https://elsewhere.example/');
    expect(redirect.preventDefault).toHaveBeenCalled();
    const webview = fakeEvent();
    win.webContents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('keeps the live-status title: the page title may not replace it', () => {
    const { win } = makeWindow();
    const event = fakeEvent();
    win.emit('page-title-updated', event, 'kLive Station');
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('reloads the renderer after a crash, but stops after a crash loop', () => {
    let t = 0;
    const { win, sink } = makeWindow(undefined, () => t);
    win.loadURL.mockClear();
    for (let i = 0; i < 3; i++) {
      t += 1000;
      win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    }
    expect(win.loadURL).toHaveBeenCalledTimes(3);
    expect(win.loadURL).toHaveBeenLastCalledWith(APP_URL);
    t += 1000;
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(win.loadURL).toHaveBeenCalledTimes(3);
    expect(sink.lines.some((l) => l.includes('keeps crashing'))).toBe(true);
    // after a quiet minute, a new crash is reloaded again
    t += 120_000;
    win.webContents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 1 });
    expect(win.loadURL).toHaveBeenCalledTimes(4);
  });
});
