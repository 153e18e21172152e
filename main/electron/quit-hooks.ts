// Owns translating Electron's quit signals into QuitController requests: Cmd-Q / app.quit
// ('before-quit'), closing the window (Windows/Linux quit; macOS hides it), the OS shutting down
// (powerMonitor 'shutdown', Windows 'session-end'), and SIGINT/SIGTERM to the main process.
import type { App, BrowserWindow, PowerMonitor } from 'electron';
import type { QuitController } from './lifecycle.js';

interface PreventableEvent {
  preventDefault(): void;
}

export interface QuitHookDeps {
  app: Pick<App, 'on'>;
  powerMonitor: Pick<PowerMonitor, 'on'>;
  controller: Pick<QuitController, 'requestQuit' | 'isQuitting'>;
  platform: NodeJS.Platform;
  /** process.on for signals; omitted in tests that do not need it */
  onSignal?: (signal: 'SIGINT' | 'SIGTERM', handler: () => void) => void;
}

export function installAppQuitHooks(deps: QuitHookDeps): void {
  const { app, controller } = deps;
  app.on('before-quit', (event: PreventableEvent) => {
    if (controller.isQuitting()) return;
    // hold the quit until the station has stopped; the controller exits the app itself
    event.preventDefault();
    void controller.requestQuit('app-quit');
  });
  // Linux and macOS: delay the OS shutdown while the station stops (preventDefault asks the OS to wait)
  // (Electron's typings omit the event argument that its docs describe)
  deps.powerMonitor.on('shutdown', (event?: PreventableEvent) => {
    event?.preventDefault();
    void controller.requestQuit('shutdown');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    deps.onSignal?.(signal, () => void controller.requestQuit('signal'));
  }
}

type WindowEvents = Pick<BrowserWindow, 'on' | 'hide'>;

export function installWindowQuitHooks(win: WindowEvents, deps: Pick<QuitHookDeps, 'controller' | 'platform'>): void {
  const { controller } = deps;
  win.on('close', (event: PreventableEvent) => {
    if (controller.isQuitting()) return;
    event.preventDefault();
    if (deps.platform === 'darwin') {
      // macOS convention: closing the window keeps the app (and the streams) running; Cmd-Q quits
      win.hide();
      return;
    }
    void controller.requestQuit('window-close');
  });
  // Windows: the session is ending (log off, shutdown); there is no time for a dialog
  win.on('session-end', () => void controller.requestQuit('shutdown'));
}
