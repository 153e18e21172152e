// The Electron entry point (package.json "main" after tsc): one instance, the station started in this
// process with the same options code as the headless CLI (data in userData), one hardened window on
// klive://app/, the bridge over IPC, secrets in safeStorage, a live indicator, and a clean quit.
import '../core/baseline-code.js';
import fs from 'node:fs';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
} from 'electron';
import { parseCommandLine } from '../config/options.js';
import { UsageError } from '../config/errors.js';
import { PortInUseError } from '../core/errors.js';
import { consoleSink, createLogger } from '../log/logger.js';
import type { NativeImage } from 'electron';
import type { Logger } from '../log/logger.js';
import { fileSink } from '../log/file-sink.js';
import { findAppPaths } from '../station/app-paths.js';
import { Station } from '../station/station.js';
import type { StationDeps } from '../station/station-parts.js';
import type { SecretStore } from '../config/secret-store.js';
import { PLAIN_SECRETS_FILE } from '../config/file-secret-store.js';
import { handleAppProtocol, registerAppScheme } from './app-protocol.js';
import { registerBridgeIpc } from './ipc.js';
import { liveQuitMessage, QuitController } from './lifecycle.js';
import { packagedFfmpegPath, shellNodeEnv, stationEnv } from './packaged-resources.js';
import { installAppQuitHooks, installWindowQuitHooks } from './quit-hooks.js';
import { askSecretFallback, ElectronSecretStore } from './secret-store.js';
import { installSessionSecurity } from './security.js';
import { assertStationForShell } from './station-shell.js';
import { LiveIndicator, liveStatus } from './tray.js';
import { TRAY_ICONS } from './tray-icons.js';
import { createMainWindow } from './window.js';

// Must happen before 'ready': klive:// becomes a secure, standard origin.
registerAppScheme(protocol);

if (!app.requestSingleInstanceLock()) {
  // a second launch: the first instance focuses its window (see 'second-instance'); this one leaves
  app.exit(0);
} else {
  let win: BrowserWindow | null = null;
  app.on('second-instance', () => {
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
  app.on('activate', () => win?.show());
  // the window's close handler decides about quitting; closing it must not end the app by itself
  app.on('window-all-closed', () => undefined);
  app
    .whenReady()
    .then(() => startShell((w) => (win = w)))
    .catch((e: unknown) => fatal('kLive Station could not start', e));
}

function fatal(title: string, e: unknown, logger?: Logger): void {
  const raw = e instanceof Error ? e.message : String(e);
  const message = logger ? logger.redactor.redact(raw) : raw;
  logger?.error(title, { error: message });
  dialog.showErrorBox(title, message);
  app.exit(e instanceof UsageError || e instanceof PortInUseError ? 2 : 1);
}

async function startShell(setWindow: (w: BrowserWindow) => void): Promise<void> {
  // Same options code as the CLI; no argv (Chromium adds its own switches), KLIVE_* env still applies.
  const env = process.env;
  const nodeEnv = shellNodeEnv(app.isPackaged, env.NODE_ENV);
  if (nodeEnv !== undefined) env.NODE_ENV = nodeEnv;
  const options = parseCommandLine([], {
    ...env,
    KLIVE_DATA_DIR: env.KLIVE_DATA_DIR || app.getPath('userData'),
  }).options;
  const file = fileSink({ dir: path.join(options.dataDir, 'logs') });
  const logger = createLogger({ level: options.logLevel, sinks: [consoleSink(), file] });
  const shellLog = logger.child('electron');
  const paths = findAppPaths();

  const sessionSecurity = installSessionSecurity(session.defaultSession, shellLog);
  handleAppProtocol(protocol, paths.rendererDir);

  const secrets = new ElectronSecretStore({
    safeStorage,
    dataDir: options.dataDir,
    logger: shellLog,
    onSecret: (v) => logger.redactor.addSecret(v),
  });
  // StationDeps gains `secrets: SecretStore` when the integrator wires it; passing it now is harmless
  const deps: StationDeps & { secrets: SecretStore } = {
    options,
    logger,
    paths,
    env: stationEnv(env, app.isPackaged ? packagedFfmpegPath() : null),
    secrets,
  };
  const station = new Station(deps);
  assertStationForShell(station);

  let win: BrowserWindow | null = null;
  const controller = new QuitController({
    station,
    logger: shellLog,
    exit: (code) => {
      file.close();
      app.exit(code);
    },
    confirmQuitWhileLive: async (live) => {
      const text = liveQuitMessage(live);
      const options = {
        type: 'warning' as const,
        buttons: ['Keep streaming', 'Stop and quit'],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
        title: 'Streams are live',
        ...text,
      };
      const result =
        win && !win.isDestroyed() ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
      return result.response === 1;
    },
  });
  installAppQuitHooks({
    app,
    powerMonitor,
    controller,
    platform: process.platform,
    onSignal: (signal, handler) => process.on(signal, handler),
  });

  try {
    const info = await station.start();
    shellLog.info('station ready', { rtmpUrl: info.rtmpUrl, httpUrl: info.httpUrl, dataDir: options.dataDir });
    // the window previews HLS from the station's HTTP server: loopback under both names, and its own LAN address
    const port = new URL(info.httpUrl).port;
    for (const host of ['127.0.0.1', 'localhost']) sessionSecurity.allowPreviewOrigin(`http://${host}:${port}`);
    for (const url of [info.httpUrl, info.viewerUrl]) sessionSecurity.allowPreviewOrigin(new URL(url).origin);
  } catch (e) {
    await station.close().catch(() => undefined);
    file.close();
    fatal('kLive Station could not start', e, shellLog);
    return;
  }

  const preloadPath = path.join(paths.root, 'dist', 'preload', 'preload.cjs');
  if (!fs.existsSync(preloadPath)) {
    await station.close().catch(() => undefined);
    file.close();
    fatal(
      'kLive Station is not fully built',
      new Error(
        `${preloadPath} is missing: run \`npm run build:preload\` (vite build --config build/preload.vite.config.ts)`,
      ),
      shellLog,
    );
    return;
  }
  win = createMainWindow({
    BrowserWindow,
    preloadPath,
    openExternal: (url) => shell.openExternal(url),
    logger: shellLog,
  });
  setWindow(win);
  installWindowQuitHooks(win, { controller, platform: process.platform });
  registerBridgeIpc({ ipcMain, host: station.bridgeHost(), getWindow: () => win, logger: shellLog.child('ipc') });

  const images = {
    idle: trayImage(TRAY_ICONS.idle),
    live: trayImage(TRAY_ICONS.live),
  };
  const setTitle = (title: string): void => {
    if (win && !win.isDestroyed()) win.setTitle(title);
  };
  let showLive: (n: number) => void;
  try {
    const indicator = new LiveIndicator({
      createTray: (image) => new Tray(image),
      buildMenu: (template) => Menu.buildFromTemplate(template),
      images,
      onShowWindow: () => win?.show(),
      onQuit: () => void controller.requestQuit('app-quit'),
      setTitle,
    });
    showLive = (n) => indicator.update(n);
  } catch (e) {
    // some desktops have no tray area: the window title still says what is live
    shellLog.warn('no tray icon; the window title shows the live status', { error: (e as Error).message });
    showLive = (n) => setTitle(liveStatus(n).title);
  }
  showLive(station.liveStreamCount());
  station.onLiveCountChange((n) => showLive(n));

  if (secrets.needsFallbackChoice()) {
    win.once('ready-to-show', () => {
      void secrets.chooseFallback(() => askSecretFallback(dialog, win, path.join(options.dataDir, PLAIN_SECRETS_FILE)));
    });
  }
}

function trayImage(urls: { x1: string; x2: string }): NativeImage {
  const image = nativeImage.createFromDataURL(urls.x1);
  image.addRepresentation({ scaleFactor: 2, dataURL: urls.x2 });
  return image;
}
