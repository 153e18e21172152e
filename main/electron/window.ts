// Owns the one BrowserWindow: its hardened webPreferences, its security hooks, loading the app URL,
// and reloading the renderer after a crash without touching the streams (they live in main).
import type { BrowserWindow, BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import type { Logger } from '../log/logger.js';
import { APP_URL } from './app-url.js';
import { installContentsSecurity } from './security.js';

/** The exact webPreferences of the window; a unit test pins every flag. */
export function windowWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
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
  };
}

export function windowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    title: 'kLive Station',
    backgroundColor: '#101418',
    show: false,
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: windowWebPreferences(preloadPath),
  };
}

export interface MainWindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  preloadPath: string;
  iconPath?: string;
  openExternal: (url: string) => Promise<void>;
  logger: Logger;
  /** after this many renderer crashes within crashWindowMs, stop reloading (a crash loop helps no one) */
  maxReloads?: number;
  crashWindowMs?: number;
  now?: () => number;
}

export function createMainWindow(deps: MainWindowDeps): BrowserWindow {
  const { logger } = deps;
  const win = new deps.BrowserWindow(windowOptions(deps.preloadPath, deps.iconPath));
  installContentsSecurity(win.webContents, { openExternal: deps.openExternal, logger });
  win.once('ready-to-show', () => win.show());
  // the title carries the live status (tray.ts); the page's <title> must not overwrite it
  win.on('page-title-updated', (event) => event.preventDefault());
  const now = deps.now ?? Date.now;
  const crashes: number[] = [];
  win.webContents.on('render-process-gone', (_event, details) => {
    const at = now();
    crashes.push(at);
    while (crashes.length > 0 && (crashes[0] as number) < at - (deps.crashWindowMs ?? 60_000)) crashes.shift();
    if (details.reason === 'clean-exit') return;
    if (crashes.length > (deps.maxReloads ?? 3)) {
      logger.error('renderer keeps crashing; not reloading it again (streams keep running)', {
        reason: details.reason,
        exitCode: details.exitCode,
      });
      return;
    }
    logger.error('renderer gone; reloading it (streams keep running)', {
      reason: details.reason,
      exitCode: details.exitCode,
    });
    if (!win.isDestroyed())
      void win
        .loadURL(APP_URL)
        .catch((e: unknown) => logger.error('renderer reload failed', { error: (e as Error).message }));
  });
  win.webContents.on('preload-error', (_event, preloadPath, error) => {
    logger.error('preload failed', { preloadPath, error: error.message });
  });
  void win
    .loadURL(APP_URL)
    .catch((e: unknown) => logger.error('could not load the app page', { error: (e as Error).message }));
  return win;
}
