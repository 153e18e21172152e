// Owns the main-process end of the Electron bridge: one ipcMain.handle per request in the shared
// contract (validation is BridgeHost.handle's job), a sender check (only our window's main frame on
// our app URL may call), and forwarding of every BridgeHost event to the window.
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import type { Logger } from '../log/logger.js';
import { BridgeErrorCode, BridgeRequestError } from '../../shared/bridge/errors.js';
import type { BridgeHost } from '../bridge/host.js';
import { isAppUrl } from './app-url.js';
import { eventChannel, eventNames, requestChannel, requestNames } from './channels.js';
import type { IpcReply } from './channels.js';

type WindowLike = Pick<BrowserWindow, 'isDestroyed' | 'webContents'>;

export interface BridgeIpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  host: BridgeHost;
  /** the one main window (null while none is open) */
  getWindow: () => WindowLike | null;
  logger: Logger;
}

/** Why a sender is not our window's main frame on our app URL, or null when it is. */
export function senderProblem(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  win: WindowLike | null,
): string | null {
  if (!win || win.isDestroyed()) return 'no main window';
  if (event.sender !== win.webContents) return 'not the main window';
  const frame = event.senderFrame;
  const main = win.webContents.mainFrame;
  if (!frame) return 'sender frame is gone';
  if (frame !== main && (frame.processId !== main.processId || frame.routingId !== main.routingId))
    return 'not the main frame';
  if (!isAppUrl(frame.url)) return 'frame is not on the app URL';
  return null;
}

function frameUrl(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): string | null {
  try {
    return event.senderFrame?.url ?? null;
  } catch {
    return null;
  }
}

/** Registers every request handler and starts forwarding events; returns a function that undoes both. */
export function registerBridgeIpc(deps: BridgeIpcDeps): () => void {
  const { ipcMain, host, logger } = deps;
  const names = requestNames();
  for (const name of names) {
    ipcMain.handle(requestChannel(name), async (event, payload: unknown): Promise<IpcReply> => {
      let problem: string | null;
      try {
        problem = senderProblem(event, deps.getWindow());
      } catch {
        // reading a disposed frame throws: it cannot be our live main frame
        problem = 'sender frame is gone';
      }
      if (problem) {
        logger.warn('IPC request refused: untrusted sender', { request: name, problem, url: frameUrl(event) });
        return {
          ok: false,
          error: {
            code: BridgeErrorCode.forbidden,
            message: `"${name}" may only be called by the kLive Station window`,
          },
        };
      }
      try {
        return { ok: true, payload: await host.handle(name, payload, { transport: 'ipc', trusted: true }) };
      } catch (e) {
        const code = e instanceof BridgeRequestError ? e.code : BridgeErrorCode.failed;
        const message = logger.redactor.redact(e instanceof Error ? e.message : String(e));
        logger.warn('IPC request refused', { request: name, code, message });
        return { ok: false, error: { code, message } };
      }
    });
  }
  const known = new Set<string>(eventNames());
  const unsubscribe = host.subscribe((name, payload) => {
    const win = deps.getWindow();
    if (!known.has(name) || !win || win.isDestroyed()) return;
    win.webContents.send(eventChannel(name), payload);
  });
  return () => {
    unsubscribe();
    for (const name of names) ipcMain.removeHandler(requestChannel(name));
  };
}
