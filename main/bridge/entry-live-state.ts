// Owns a producer's entry row (pure): its live state from Kaltura's entry server nodes and this station's own
// streams (live here, live elsewhere, starting, offline), primary and backup, profile name and KMC link.
import type { EntryState } from '../../shared/state.js';
import { kmcEntryUrl, type LiveState, type ProducerEntry } from '../../shared/producer.js';

/** What the row needs of a Kaltura live entry (kaltura/'s ProducerLiveEntry has it). */
export interface LiveEntryFacts {
  id: string;
  partnerId: number;
  name: string;
  conversionProfileId: number | null;
  dvrStatus: number;
  recordStatus: number;
}

/** What the row needs of an entry server node (kaltura/'s EntryServerNode has it). */
export interface ServerNodeFacts {
  entryId: string;
  /** EntryServerNodeStatus: -1 error, 0 stopped, 1 playable, 2 broadcasting, 3 authenticated, 4 stopping */
  status: number;
  /** EntryServerNodeType: 0 LIVE_PRIMARY, 1 LIVE_BACKUP */
  serverType: number;
}

const NODE_STATUS: Record<number, string> = {
  [-1]: 'error',
  0: 'stopped',
  1: 'playable',
  2: 'broadcasting',
  3: 'authenticated',
  4: 'stopping',
};
/** stream states in which this station holds the entry's input */
const HERE_STATES = new Set(['authenticating', 'live', 'playable', 'reconnecting']);

/** The media-server indexes (0 primary, 1 backup) this station has a stream on air or connecting for. */
export function hereIndexes(state: EntryState | null): Set<number> {
  return new Set((state?.streams ?? []).filter((s) => HERE_STATES.has(s.state)).map((s) => s.mediaServerIndex));
}

/** A live entry's state from Kaltura's server nodes and this station's own streams (pure). */
export function entryLiveState(
  entry: LiveEntryFacts,
  nodes: readonly ServerNodeFacts[],
  hereIndexes: ReadonlySet<number>,
  profileNames: ReadonlyMap<number, string>,
  kmcUrl: string | null,
): ProducerEntry {
  const node = (serverType: number) => {
    const n = nodes.find((x) => x.entryId === entry.id && x.serverType === serverType);
    const here = hereIndexes.has(serverType);
    if (!n && !here) return null;
    return { status: n ? (NODE_STATUS[n.status] ?? String(n.status)) : 'authenticated', here };
  };
  const primary = node(0);
  const backup = node(1);
  const onAir = (s: { status: string } | null) =>
    s !== null && (s.status === 'playable' || s.status === 'broadcasting');
  let liveState: LiveState = 'offline';
  if (hereIndexes.size > 0) liveState = 'live-here';
  else if (onAir(primary) || onAir(backup)) liveState = 'live-elsewhere';
  else if (primary?.status === 'authenticated' || backup?.status === 'authenticated') liveState = 'starting';
  return {
    entryId: entry.id,
    partnerId: entry.partnerId,
    name: entry.name,
    conversionProfileId: entry.conversionProfileId,
    conversionProfileName:
      entry.conversionProfileId === null ? null : (profileNames.get(entry.conversionProfileId) ?? null),
    dvrEnabled: entry.dvrStatus === 1,
    recordingEnabled: entry.recordStatus !== 0,
    liveState,
    primary,
    backup,
    kmcUrl: kmcUrl ? kmcEntryUrl(kmcUrl, entry.id) : null,
  };
}
