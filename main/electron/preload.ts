// The sandboxed preload: exposes window.klive (the typed bridge from the shared contract) and nothing
// else. Runs as CommonJS in a sandbox, so it is bundled (with zod and the contract) into
// dist/preload/preload.cjs by build/preload.vite.config.ts; 'electron' stays external.
import { contextBridge, ipcRenderer } from 'electron';
import { buildBridge } from './preload-bridge.js';

contextBridge.exposeInMainWorld(
  'klive',
  buildBridge({
    invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
    on: (channel, listener) => ipcRenderer.on(channel, listener),
    removeListener: (channel, listener) => ipcRenderer.removeListener(channel, listener),
  }),
);
