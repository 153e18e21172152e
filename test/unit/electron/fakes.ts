// Small stand-ins for the Electron objects the shell touches: event emitters with just enough surface.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import { APP_URL } from '../../../main/electron/app-url.js';

export interface FakeEvent {
  preventDefault: ReturnType<typeof vi.fn>;
  defaultPrevented: () => boolean;
}

export function fakeEvent(): FakeEvent {
  let prevented = false;
  const preventDefault = vi.fn(() => {
    prevented = true;
  });
  return { preventDefault, defaultPrevented: () => prevented };
}

export interface FakeFrame {
  processId: number;
  routingId: number;
  url: string;
}

export class FakeWebContents extends EventEmitter {
  mainFrame: FakeFrame = { processId: 7, routingId: 1, url: APP_URL };
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  send = vi.fn();
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  webContents = new FakeWebContents();
  destroyed = false;
  loadURL = vi.fn(async (_url: string) => undefined);
  show = vi.fn();
  hide = vi.fn();
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}
