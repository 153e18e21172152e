// The producer's Kaltura session and live entries as the renderer sees them (a projection of main's answers:
// never a KS, password or token), plus the last OBS status.
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { ProducerEntry, ProducerEntryPage, ProducerStatus } from '../../../shared/producer.js';
import type { ConversionProfile } from '../../../shared/sandbox.js';
import type { ObsStatus } from '../../../shared/obs.js';

export interface ProducerState {
  status: ProducerStatus | null;
  page: ProducerEntryPage | null;
  query: { nameLike: string; pageIndex: number; pageSize: number };
  profiles: readonly ConversionProfile[];
  obs: ObsStatus | null;
  error: string | null;
  setStatus(status: ProducerStatus): void;
  setPage(page: ProducerEntryPage | null): void;
  setQuery(query: Partial<ProducerState['query']>): void;
  upsertEntry(entry: ProducerEntry): void;
  removeEntry(entryId: string): void;
  setProfiles(profiles: readonly ConversionProfile[]): void;
  setObs(obs: ObsStatus): void;
  setError(message: string | null): void;
}

export function createProducerStore(): StoreApi<ProducerState> {
  return createStore<ProducerState>()((set) => ({
    status: null,
    page: null,
    query: { nameLike: '', pageIndex: 1, pageSize: 20 },
    profiles: [],
    obs: null,
    error: null,
    setStatus: (status) => set(status.signedIn ? { status } : { status, page: null, profiles: [] }),
    setPage: (page) => set({ page, error: null }),
    setQuery: (query) => set((s) => ({ query: { ...s.query, ...query } })),
    upsertEntry: (entry) =>
      set((s) => {
        if (!s.page) return {};
        const index = s.page.entries.findIndex((e) => e.entryId === entry.entryId);
        const entries =
          index < 0 ? [entry, ...s.page.entries] : s.page.entries.map((e, i) => (i === index ? entry : e));
        return { page: { ...s.page, entries, totalCount: s.page.totalCount + (index < 0 ? 1 : 0) } };
      }),
    removeEntry: (entryId) =>
      set((s) => {
        if (!s.page || !s.page.entries.some((e) => e.entryId === entryId)) return {};
        return {
          page: {
            ...s.page,
            entries: s.page.entries.filter((e) => e.entryId !== entryId),
            totalCount: Math.max(0, s.page.totalCount - 1),
          },
        };
      }),
    setProfiles: (profiles) => set({ profiles }),
    setObs: (obs) => set({ obs }),
    setError: (error) => set({ error }),
  }));
}
