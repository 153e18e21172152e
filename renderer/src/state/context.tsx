// React access to the stores and the bridge connection of this app instance; hooks subscribe through selectors.
import { createContext, useContext } from 'react';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import type { BridgeConnection } from '../bridge/client.js';
import type { ProducerState } from './producer-store.js';
import type {
  EntriesState,
  EventsState,
  KalturaState,
  SandboxState,
  SettingsState,
  Stores,
  SystemState,
  UiState,
} from './stores.js';

interface AppContextValue {
  stores: Stores;
  connection: BridgeConnection;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider(props: { stores: Stores; connection: BridgeConnection; children: ReactNode }) {
  return (
    <AppContext.Provider value={{ stores: props.stores, connection: props.connection }}>
      {props.children}
    </AppContext.Provider>
  );
}

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value)
    throw new Error('useApp() needs an <AppProvider> above it: render screens inside <AppProvider stores connection>.');
  return value;
}

export function useEntries<T>(selector: (state: EntriesState) => T): T {
  return useStore(useApp().stores.entries, selector);
}
export function useEvents<T>(selector: (state: EventsState) => T): T {
  return useStore(useApp().stores.events, selector);
}
export function useKaltura<T>(selector: (state: KalturaState) => T): T {
  return useStore(useApp().stores.kaltura, selector);
}
export function useSystem<T>(selector: (state: SystemState) => T): T {
  return useStore(useApp().stores.system, selector);
}
export function useSettings<T>(selector: (state: SettingsState) => T): T {
  return useStore(useApp().stores.settings, selector);
}
export function useSandbox<T>(selector: (state: SandboxState) => T): T {
  return useStore(useApp().stores.sandbox, selector);
}
export function useProducer<T>(selector: (state: ProducerState) => T): T {
  return useStore(useApp().stores.producer, selector);
}
export function useUi<T>(selector: (state: UiState) => T): T {
  return useStore(useApp().stores.ui, selector);
}
