// Owns which live-state changes become which bridge events: the `StateChange` union the station's
// registry publishes (it satisfies it structurally), and the forwarding that runs only while a window listens.
import type { EntryState, KalturaStatus, StationEvent, SystemStatus } from '../../shared/state.js';
import type { StationInfo } from '../../shared/station-info.js';
import type { StationBridgeHost } from './server.js';

/** One change of the live state, as the station publishes it to its subscribers. */
export type StateChange =
  | { type: 'entry'; entry: EntryState }
  | { type: 'entryRemoved'; entryId: string }
  | { type: 'kaltura'; kaltura: KalturaStatus }
  | { type: 'system'; system: SystemStatus }
  | { type: 'event'; event: StationEvent }
  | { type: 'info'; info: StationInfo };

/** Forwards the registry's changes as bridge events while anything listens to the host; returns the unsubscribe. */
export function forwardRegistryEvents(
  subscribe: (l: (c: StateChange) => void) => () => void,
  host: StationBridgeHost,
): () => void {
  return host.whileListened(() =>
    subscribe((c) => {
      switch (c.type) {
        case 'entry':
          return host.emit('state.entry', c.entry);
        case 'entryRemoved':
          return host.emit('state.entryRemoved', { entryId: c.entryId });
        case 'kaltura':
          return host.emit('state.kaltura', c.kaltura);
        case 'system':
          return host.emit('state.system', c.system);
        case 'event':
          return host.emit('state.event', c.event);
        case 'info':
          return host.emit('station.info', c.info);
      }
    }),
  );
}
