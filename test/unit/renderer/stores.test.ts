// The stores as projections: snapshot application, entry deltas, removal, bounded event log, sync wiring.
import { describe, expect, it } from 'vitest';
import {
  applySnapshot,
  createEntriesStore,
  createEventsStore,
  createStores,
} from '../../../renderer/src/state/stores.js';
import { attachBridge } from '../../../renderer/src/state/sync.js';
import {
  makeConnection,
  makeEntry,
  makeEvent,
  makeFakeBridge,
  makeKaltura,
  makeSnapshot,
  makeSystem,
  T0,
} from './fixtures.js';

describe('entries store', () => {
  it('applies a snapshot, keeping the object of an unchanged entry so its row does not re-render', () => {
    const store = createEntriesStore();
    const a = makeEntry({ entryId: '0_aaaaaaaa' });
    const b = makeEntry({ entryId: '0_bbbbbbbb' });
    store.getState().applySnapshot([a, b]);
    const before = store.getState().byId;
    store.getState().applySnapshot([structuredClone(a), { ...structuredClone(b), health: 'Poor' }]);
    const after = store.getState().byId;
    expect(after['0_aaaaaaaa']).toBe(before['0_aaaaaaaa']);
    expect(after['0_bbbbbbbb']).not.toBe(before['0_bbbbbbbb']);
    expect(after['0_bbbbbbbb']?.health).toBe('Poor');
  });

  it('a snapshot drops entries it no longer contains', () => {
    const store = createEntriesStore();
    store.getState().applySnapshot([makeEntry({ entryId: '0_aaaaaaaa' }), makeEntry({ entryId: '0_bbbbbbbb' })]);
    store.getState().applySnapshot([makeEntry({ entryId: '0_bbbbbbbb' })]);
    expect(Object.keys(store.getState().byId)).toEqual(['0_bbbbbbbb']);
  });

  it('upsert replaces one entry and leaves the others untouched; remove deletes it', () => {
    const store = createEntriesStore();
    const a = makeEntry({ entryId: '0_aaaaaaaa' });
    store.getState().applySnapshot([a, makeEntry({ entryId: '0_bbbbbbbb' })]);
    store.getState().upsert(makeEntry({ entryId: '0_bbbbbbbb', health: 'Fair' }));
    store.getState().upsert(makeEntry({ entryId: '0_cccccccc' }));
    expect(store.getState().byId['0_aaaaaaaa']).toBe(a);
    expect(store.getState().byId['0_bbbbbbbb']?.health).toBe('Fair');
    store.getState().remove('0_aaaaaaaa');
    expect(Object.keys(store.getState().byId).sort()).toEqual(['0_bbbbbbbb', '0_cccccccc']);
    const unchanged = store.getState();
    store.getState().remove('0_zzzzzzzz');
    expect(store.getState()).toBe(unchanged);
  });
});

describe('events store', () => {
  it('keeps events in id order, ignores replays, and stays bounded', () => {
    const store = createEventsStore(3);
    store.getState().replace([makeEvent(2), makeEvent(1)]);
    expect(store.getState().list.map((e) => e.id)).toEqual([1, 2]);
    store.getState().append(makeEvent(2));
    expect(store.getState().list.map((e) => e.id)).toEqual([1, 2]);
    store.getState().append(makeEvent(3));
    store.getState().append(makeEvent(4));
    expect(store.getState().list.map((e) => e.id)).toEqual([2, 3, 4]);
  });
});

describe('applySnapshot across stores', () => {
  it('feeds info, system, kaltura, entries and events and marks the UI synced', () => {
    const stores = createStores({ theme: 'dark', nowMs: T0 });
    expect(stores.ui.getState().synced).toBe(false);
    const snapshot = makeSnapshot({ events: [makeEvent(7)] });
    applySnapshot(stores, snapshot);
    expect(stores.system.getState().info).toEqual(snapshot.info);
    expect(stores.system.getState().system).toEqual(snapshot.system);
    expect(stores.kaltura.getState().status).toEqual(snapshot.kaltura);
    expect(Object.keys(stores.entries.getState().byId)).toEqual(['0_rkij47dr']);
    expect(stores.events.getState().list.map((e) => e.id)).toEqual([7]);
    expect(stores.ui.getState().synced).toBe(true);
  });
});

describe('attachBridge', () => {
  it('loads the snapshot and settings when open, then applies deltas; detaching removes every listener', async () => {
    const snapshot = makeSnapshot();
    const bridge = makeFakeBridge({
      'state.getSnapshot': () => snapshot,
      'settings.get': () => ({
        kaltura: {
          mode: 'sandbox',
          serviceUrl: '',
          partnerId: -5,
          ksExpirySeconds: 86400,
          ksRenewAtFraction: 0.9,
          ksPrivileges: 'x',
          requestTimeoutMs: 30000,
          hostname: '',
          beaconsEnabled: true,
        },
        media: {
          ffmpegPath: '',
          videoEncoder: 'libx264',
          defaultSegmentDurationSeconds: 2,
          recordingSegmentSeconds: 900,
          deleteRecordingsAfterUpload: false,
        },
        adminSecretStored: false,
      }),
    });
    const stores = createStores({ theme: 'dark', nowMs: T0 });
    const detach = attachBridge(makeConnection(bridge, 'open'), stores);
    await Promise.resolve();
    await Promise.resolve();
    expect(stores.ui.getState().synced).toBe(true);
    expect(stores.settings.getState().settings?.kaltura.mode).toBe('sandbox');

    bridge.emit('state.entry', makeEntry({ entryId: '0_newentry', name: 'New' }));
    bridge.emit(
      'state.kaltura',
      makeKaltura({ api: { reachable: false, lastOkAtMs: null, lastError: 'down', lastLatencyMs: null } }),
    );
    bridge.emit('state.system', makeSystem({ cpuPercent: 99 }));
    bridge.emit('state.event', makeEvent(5));
    expect(stores.entries.getState().byId['0_newentry']?.name).toBe('New');
    expect(stores.kaltura.getState().status?.api.reachable).toBe(false);
    expect(stores.system.getState().system?.cpuPercent).toBe(99);
    expect(stores.events.getState().list.map((e) => e.id)).toEqual([1, 5]);
    bridge.emit('state.entryRemoved', { entryId: '0_newentry' });
    expect(stores.entries.getState().byId['0_newentry']).toBeUndefined();

    detach();
    expect(bridge.listenerCount('state.entry')).toBe(0);
    expect(bridge.listenerCount('state.snapshot')).toBe(0);
  });

  it('resyncs on every reconnect (status open) and tracks the connection state', async () => {
    const bridge = makeFakeBridge({
      'state.getSnapshot': () => makeSnapshot(),
      'settings.get': () => Promise.reject(new Error('nope')),
    });
    const stores = createStores({ theme: 'dark', nowMs: T0 });
    const connection = makeConnection(bridge, 'connecting');
    attachBridge(connection, stores);
    expect(bridge.calls).toEqual([]);
    expect(stores.ui.getState().connection).toBe('connecting');
    connection.setStatus('open');
    connection.setStatus('reconnecting');
    expect(stores.ui.getState().connection).toBe('reconnecting');
    connection.setStatus('open');
    expect(bridge.calls.filter((c) => c.name === 'state.getSnapshot')).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(stores.settings.getState().loadError).toBe('Could not load the settings: nope');
  });
});
