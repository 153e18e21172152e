// A producer's entry row (pure): live here when this station has a stream for it; live on another server when
// Kaltura lists a PLAYABLE/BROADCASTING server node and this station has none; primary/backup per node.
import { describe, expect, it } from 'vitest';
import { entryLiveState } from '../../../main/bridge/entry-live-state.js';
import type { ProducerLiveEntry } from '../../../main/kaltura/producer-actions.js';
import type { EntryServerNode } from '../../../main/kaltura/types.js';

const entry: ProducerLiveEntry = {
  id: '0_abcd1234',
  partnerId: 102,
  name: 'Stage',
  conversionProfileId: 1001,
  dvrStatus: 1,
  recordStatus: 0,
  streamPassword: 'secret12',
  liveStatus: null,
};
const node = (serverType: number, status: number): EntryServerNode => ({
  id: serverType + 1,
  entryId: entry.id,
  serverNodeId: 7,
  partnerId: 102,
  status,
  serverType,
  createdAt: null,
  updatedAt: null,
});
const names = new Map([[1001, 'Cloud transcode']]);

describe('entryLiveState', () => {
  it('offline without nodes or streams; profile name, DVR and recording come through; no token in the row', () => {
    const row = entryLiveState(entry, [], new Set(), names, 'https://kmc.kaltura.com/index.php/kmcng');
    expect(row).toMatchObject({
      liveState: 'offline',
      primary: null,
      backup: null,
      conversionProfileName: 'Cloud transcode',
      dvrEnabled: true,
      recordingEnabled: false,
    });
    expect(row.kmcUrl).toBe('https://kmc.kaltura.com/index.php/kmcng/content/entries/entry/0_abcd1234/metadata');
    expect(JSON.stringify(row)).not.toContain('secret12');
  });

  it('live here when this station streams the primary; the node says which index is here', () => {
    const row = entryLiveState(entry, [node(0, 1)], new Set([0]), names, null);
    expect(row).toMatchObject({ liveState: 'live-here', primary: { status: 'playable', here: true }, backup: null });
  });

  it('live on another server when Kaltura has a playable node and this station has no stream', () => {
    const row = entryLiveState(entry, [node(0, 1), node(1, 2)], new Set(), names, null);
    expect(row).toMatchObject({
      liveState: 'live-elsewhere',
      primary: { status: 'playable', here: false },
      backup: { status: 'broadcasting', here: false },
    });
  });

  it('starting while the only node is authenticated', () => {
    expect(entryLiveState(entry, [node(1, 3)], new Set(), names, null).liveState).toBe('starting');
  });
});
