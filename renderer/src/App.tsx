// The app shell: header with navigation and theme toggle, the current screen, the status bar.
// Owns the one-second clock and the theme persistence; screens read everything else from the stores.
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { useApp, useUi } from './state/context.js';
import type { Theme, View } from './state/stores.js';
import { LiveEntries } from './screens/LiveEntries.js';
import { EntryDetail } from './screens/EntryDetail.js';
import { ConnectScreen } from './screens/Connect.js';
import { SettingsScreen } from './screens/Settings.js';
import { SandboxScreen } from './screens/Sandbox.js';
import { KalturaEntriesScreen } from './screens/KalturaEntries.js';
import { EventsScreen } from './screens/Events.js';
import { FfmpegWarning, StatusBar } from './components/StatusBar.js';

export const THEME_STORAGE_KEY = 'klive.theme';

const NAV: { view: View; label: string }[] = [
  { view: 'live', label: 'Live entries' },
  { view: 'connect', label: 'Connect an encoder' },
  { view: 'kaltura', label: 'Kaltura entries' },
  { view: 'sandbox', label: 'Sandbox' },
  { view: 'events', label: 'Events' },
  { view: 'settings', label: 'Settings' },
];

export function readStoredTheme(storage: Pick<Storage, 'getItem'> | null): Theme {
  try {
    return storage?.getItem(THEME_STORAGE_KEY) === 'light' ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

function Screen({ view }: { view: View }): ReactNode {
  switch (view) {
    case 'detail':
      return <EntryDetail />;
    case 'connect':
      return <ConnectScreen />;
    case 'kaltura':
      return <KalturaEntriesScreen />;
    case 'sandbox':
      return <SandboxScreen />;
    case 'events':
      return <EventsScreen />;
    case 'settings':
      return <SettingsScreen />;
    default:
      return <LiveEntries />;
  }
}

export function App() {
  const { stores } = useApp();
  const view = useUi((s) => s.view);
  const theme = useUi((s) => s.theme);
  const mode = useUi((s) => s.connection);

  useEffect(() => {
    const timer = setInterval(() => stores.ui.getState().tick(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [stores]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    try {
      localStorage.setItem(THEME_STORAGE_KEY, theme);
    } catch {
      // storage may be disabled; the theme still applies for this session
    }
  }, [theme]);

  // keyboard users land on the new screen's heading instead of the top of the page
  const firstView = useRef(true);
  useEffect(() => {
    if (firstView.current) {
      firstView.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>('.app-main h2');
    if (!heading) return;
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }, [view]);

  const active: View = view === 'detail' ? 'live' : view;
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="brand">
          <span className="brand-mark" aria-hidden="true">
            ●
          </span>{' '}
          kLive Station
        </h1>
        <nav aria-label="Main" className="nav">
          {NAV.map((item) => (
            <button
              key={item.view}
              type="button"
              className={`nav-item${active === item.view ? ' nav-item--active' : ''}`}
              aria-current={active === item.view ? 'page' : undefined}
              data-testid={`nav-${item.view}`}
              onClick={() => stores.ui.getState().navigate(item.view)}
            >
              {item.label}
            </button>
          ))}
        </nav>
        <span className="spacer" />
        {mode === 'reconnecting' && (
          <span className="text-fair" role="status">
            ! Reconnecting…
          </span>
        )}
        {mode === 'unauthorized' && (
          <span className="text-poor" role="alert">
            ✕ This page needs the station's access token: open the address the station printed.
          </span>
        )}
        <button
          type="button"
          className="theme-toggle"
          data-testid="theme-toggle"
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          onClick={() => stores.ui.getState().setTheme(theme === 'dark' ? 'light' : 'dark')}
        >
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </header>
      <main className="app-main" data-testid="app-shell">
        <FfmpegWarning />
        <Screen view={view} />
      </main>
      <StatusBar />
    </div>
  );
}
