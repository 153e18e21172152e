// Renderer entry: connects the bridge, creates this window's stores, feeds them, and mounts the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, readStoredTheme } from './App.js';
import { connectBridge } from './bridge/client.js';
import type { BrowserEnv } from './bridge/client.js';
import { createStores } from './state/stores.js';
import { attachBridge } from './state/sync.js';
import { AppProvider } from './state/context.js';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  const connection = connectBridge(window as unknown as BrowserEnv);
  let storage: Storage | null = null;
  try {
    storage = window.localStorage;
  } catch {
    storage = null;
  }
  const stores = createStores({ theme: readStoredTheme(storage), nowMs: Date.now() });
  document.documentElement.dataset.theme = stores.ui.getState().theme;
  const detach = attachBridge(connection, stores);
  window.addEventListener('beforeunload', () => {
    detach();
    connection.close();
  });
  createRoot(root).render(
    <StrictMode>
      <AppProvider stores={stores} connection={connection}>
        <App />
      </AppProvider>
    </StrictMode>,
  );
}
