// Feeds the stores from the bridge: a snapshot on every (re)connect, then the deltas as events.
// Returns a detach function that removes every subscription (the app calls it on unmount).
import type { BridgeConnection } from '../bridge/client.js';
import { applySnapshot } from './stores.js';
import type { Stores } from './stores.js';

/** The message of an error for the user; the preload's "[code] " prefix (IPC keeps only messages) is dropped. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\[[a-z_]+\]\s*/, '');
}

export function attachBridge(connection: BridgeConnection, stores: Stores): () => void {
  const { bridge } = connection;
  const unsubscribers = [
    bridge.on['state.snapshot']((snapshot) => applySnapshot(stores, snapshot)),
    bridge.on['state.entry']((entry) => stores.entries.getState().upsert(entry)),
    bridge.on['state.entryRemoved'](({ entryId }) => stores.entries.getState().remove(entryId)),
    bridge.on['state.kaltura']((status) => stores.kaltura.getState().set(status)),
    bridge.on['state.system']((system) => stores.system.getState().setSystem(system)),
    bridge.on['state.event']((event) => stores.events.getState().append(event)),
    bridge.on['station.info']((info) => stores.system.getState().setInfo(info)),
  ];

  const resync = (): void => {
    // the station also pushes 'state.snapshot' on connect; asking is harmless and covers the IPC transport
    bridge.request['state.getSnapshot']({})
      .then((snapshot) => applySnapshot(stores, snapshot))
      .catch((error: unknown) => console.warn(`kLive: could not load the station state: ${describeError(error)}`));
    bridge.request['settings.get']({})
      .then((settings) => stores.settings.getState().set(settings))
      .catch((error: unknown) =>
        stores.settings.getState().setLoadError(`Could not load the settings: ${describeError(error)}`),
      );
  };

  stores.ui.getState().setConnection(connection.getStatus());
  unsubscribers.push(
    connection.onStatus((status) => {
      stores.ui.getState().setConnection(status);
      if (status === 'open') resync();
    }),
  );
  if (connection.getStatus() === 'open') resync();

  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

/** Loads the sandbox entries, conversion profiles and partners (features, limits) into the sandbox store. */
export async function loadSandbox(connection: BridgeConnection, stores: Stores): Promise<void> {
  const sandbox = stores.sandbox.getState();
  try {
    const [entries, profiles] = await Promise.all([
      connection.bridge.request['sandbox.listEntries']({}),
      connection.bridge.request['sandbox.listProfiles']({}),
    ]);
    sandbox.setEntries(entries);
    sandbox.setProfiles(profiles);
  } catch (error) {
    sandbox.setError(`Could not load the sandbox entries: ${describeError(error)}`);
  }
  try {
    sandbox.setPartners(await connection.bridge.request['sandbox.listPartners']({}));
  } catch (error) {
    sandbox.setError(`Could not load the sandbox partner features: ${describeError(error)}`);
  }
}

/** The producer's session status, then (when signed in) one page of live entries and the live profiles. */
export async function loadProducer(connection: BridgeConnection, stores: Stores): Promise<void> {
  const producer = stores.producer.getState();
  try {
    const status = await connection.bridge.request['producer.getStatus']({});
    producer.setStatus(status);
    if (!status.signedIn) return;
    const { query } = stores.producer.getState();
    const [page, profiles] = await Promise.all([
      connection.bridge.request['producer.listEntries']({
        pageIndex: query.pageIndex,
        pageSize: query.pageSize,
        ...(query.nameLike.trim() ? { nameLike: query.nameLike.trim() } : {}),
      }),
      connection.bridge.request['producer.listProfiles']({}),
    ]);
    producer.setPage(page);
    producer.setProfiles(profiles);
  } catch (error) {
    producer.setError(describeError(error));
  }
}
