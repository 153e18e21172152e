// The renderer's zustand stores, one per domain, as projections of the station's snapshot + deltas.
// Created per app instance (no module singletons); components subscribe through selectors.
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { EntryState, KalturaStatus, Snapshot, StationEvent, SystemStatus } from '../../../shared/state.js';
import type { StationInfo } from '../../../shared/station-info.js';
import type { PublicSettings } from '../../../shared/settings.js';
import type { ConversionProfile, SandboxEntry, SandboxPartner } from '../../../shared/sandbox.js';
import type { ConnectionStatus } from '../bridge/ws-client.js';
import { createProducerStore, type ProducerState } from './producer-store.js';

export interface EntriesState {
  byId: Readonly<Record<string, EntryState>>;
  applySnapshot(entries: readonly EntryState[]): void;
  upsert(entry: EntryState): void;
  remove(entryId: string): void;
}

export interface EventsState {
  /** oldest first, bounded */
  list: readonly StationEvent[];
  replace(events: readonly StationEvent[]): void;
  append(event: StationEvent): void;
}

export interface KalturaState {
  status: KalturaStatus | null;
  set(status: KalturaStatus): void;
  setKs(ks: KalturaStatus['ks']): void;
}

export interface SystemState {
  info: StationInfo | null;
  system: SystemStatus | null;
  setInfo(info: StationInfo): void;
  setSystem(system: SystemStatus): void;
}

export interface SettingsState {
  settings: PublicSettings | null;
  loadError: string | null;
  /** the last change came from a save in this window (the form says "Saved" until edited) */
  justSaved: boolean;
  set(settings: PublicSettings, justSaved?: boolean): void;
  setLoadError(message: string | null): void;
}

export interface SandboxState {
  entries: readonly SandboxEntry[] | null;
  profiles: readonly ConversionProfile[];
  /** the sandbox partners with their Kaltura features and limits */
  partners: readonly SandboxPartner[];
  error: string | null;
  setEntries(entries: readonly SandboxEntry[]): void;
  setPartners(partners: readonly SandboxPartner[]): void;
  upsertPartner(partner: SandboxPartner): void;
  upsertEntry(entry: SandboxEntry): void;
  removeEntry(entryId: string): void;
  setProfiles(profiles: readonly ConversionProfile[]): void;
  setError(message: string | null): void;
}

export type View = 'live' | 'detail' | 'connect' | 'kaltura' | 'sandbox' | 'events' | 'settings';
export type Theme = 'dark' | 'light';

export interface UiState {
  view: View;
  selectedEntryId: string | null;
  /** the entry the connect screen shows (a sandbox entry id, or null for manual input) */
  connectEntryId: string | null;
  theme: Theme;
  connection: ConnectionStatus;
  /** wall clock for uptime texts, ticked once a second by the app (one timer, not one per component) */
  nowMs: number;
  /** the last snapshot arrived: before that the screens say "connecting" rather than "empty" */
  synced: boolean;
  navigate(view: View): void;
  openEntry(entryId: string): void;
  openConnect(entryId: string | null): void;
  setTheme(theme: Theme): void;
  setConnection(status: ConnectionStatus): void;
  tick(nowMs: number): void;
  setSynced(synced: boolean): void;
}

export const MAX_EVENTS = 1000;

export function createEntriesStore(): StoreApi<EntriesState> {
  return createStore<EntriesState>()((set) => ({
    byId: {},
    applySnapshot: (entries) =>
      set((state) => {
        // keep the old object for entries that did not change, so their rows do not re-render
        const byId: Record<string, EntryState> = {};
        for (const entry of entries) {
          const old = state.byId[entry.entryId];
          byId[entry.entryId] = old && JSON.stringify(old) === JSON.stringify(entry) ? old : entry;
        }
        return { byId };
      }),
    upsert: (entry) => set((state) => ({ byId: { ...state.byId, [entry.entryId]: entry } })),
    remove: (entryId) =>
      set((state) => {
        if (!(entryId in state.byId)) return state;
        const byId = { ...state.byId };
        delete byId[entryId];
        return { byId };
      }),
  }));
}

export function createEventsStore(maxEvents = MAX_EVENTS): StoreApi<EventsState> {
  return createStore<EventsState>()((set) => ({
    list: [],
    replace: (events) => set({ list: [...events].sort((a, b) => a.id - b.id).slice(-maxEvents) }),
    append: (event) =>
      set((state) => {
        const last = state.list[state.list.length - 1];
        // a resync may replay an event we already have
        if (last && event.id <= last.id) return state;
        const list =
          state.list.length >= maxEvents ? state.list.slice(state.list.length - maxEvents + 1) : state.list.slice();
        list.push(event);
        return { list };
      }),
  }));
}

export function createKalturaStore(): StoreApi<KalturaState> {
  return createStore<KalturaState>()((set) => ({
    status: null,
    set: (status) => set({ status }),
    setKs: (ks) => set((state) => (state.status ? { status: { ...state.status, ks } } : state)),
  }));
}

export function createSystemStore(): StoreApi<SystemState> {
  return createStore<SystemState>()((set) => ({
    info: null,
    system: null,
    setInfo: (info) => set({ info }),
    setSystem: (system) => set({ system }),
  }));
}

export function createSettingsStore(): StoreApi<SettingsState> {
  return createStore<SettingsState>()((set) => ({
    settings: null,
    loadError: null,
    justSaved: false,
    set: (settings, justSaved = false) => set({ settings, loadError: null, justSaved }),
    setLoadError: (loadError) => set({ loadError }),
  }));
}

export function createSandboxStore(): StoreApi<SandboxState> {
  return createStore<SandboxState>()((set) => ({
    entries: null,
    profiles: [],
    partners: [],
    error: null,
    setEntries: (entries) => set({ entries, error: null }),
    setPartners: (partners) => set({ partners }),
    upsertPartner: (partner) =>
      set((state) => ({
        partners: state.partners.some((p) => p.partnerId === partner.partnerId)
          ? state.partners.map((p) => (p.partnerId === partner.partnerId ? partner : p))
          : [...state.partners, partner],
      })),
    upsertEntry: (entry) =>
      set((state) => {
        const list = state.entries ?? [];
        const index = list.findIndex((e) => e.entryId === entry.entryId);
        return { entries: index < 0 ? [...list, entry] : list.map((e, i) => (i === index ? entry : e)) };
      }),
    removeEntry: (entryId) => set((state) => ({ entries: (state.entries ?? []).filter((e) => e.entryId !== entryId) })),
    setProfiles: (profiles) => set({ profiles }),
    setError: (error) => set({ error }),
  }));
}

export function createUiStore(initial: { theme: Theme; nowMs: number }): StoreApi<UiState> {
  return createStore<UiState>()((set) => ({
    view: 'live',
    selectedEntryId: null,
    connectEntryId: null,
    theme: initial.theme,
    connection: 'connecting',
    nowMs: initial.nowMs,
    synced: false,
    navigate: (view) => set({ view }),
    openEntry: (entryId) => set({ view: 'detail', selectedEntryId: entryId }),
    openConnect: (entryId) => set({ view: 'connect', connectEntryId: entryId }),
    setTheme: (theme) => set({ theme }),
    setConnection: (connection) => set({ connection }),
    tick: (nowMs) => set({ nowMs }),
    setSynced: (synced) => set({ synced }),
  }));
}

export interface Stores {
  entries: StoreApi<EntriesState>;
  events: StoreApi<EventsState>;
  kaltura: StoreApi<KalturaState>;
  system: StoreApi<SystemState>;
  settings: StoreApi<SettingsState>;
  sandbox: StoreApi<SandboxState>;
  producer: StoreApi<ProducerState>;
  ui: StoreApi<UiState>;
}

export function createStores(initial: { theme: Theme; nowMs: number }): Stores {
  return {
    entries: createEntriesStore(),
    events: createEventsStore(),
    kaltura: createKalturaStore(),
    system: createSystemStore(),
    settings: createSettingsStore(),
    sandbox: createSandboxStore(),
    producer: createProducerStore(),
    ui: createUiStore(initial),
  };
}

/** Applies a whole snapshot to every store it feeds (on connect and on every resync). */
export function applySnapshot(stores: Stores, snapshot: Snapshot): void {
  stores.system.getState().setInfo(snapshot.info);
  stores.system.getState().setSystem(snapshot.system);
  stores.kaltura.getState().set(snapshot.kaltura);
  stores.entries.getState().applySnapshot(snapshot.entries);
  stores.events.getState().replace(snapshot.events);
  stores.ui.getState().setSynced(true);
}
