// Recording through the whole station: an entry with recording on, a real publisher, 4 s segments, and the
// sandbox receiving every segment through uploadToken + appendRecording, in order, once, the last one
// flagged isLastChunk, bytes identical to the local files.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessStation, type InProcessStation } from '../../helpers/in-process-station.js';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';

const ENTRY = '0_rkij47dr';
let s: InProcessStation;
let publisher: Publisher | null = null;

beforeAll(async () => {
  s = await startInProcessStation({ resumeGraceMs: 1500 }, { settings: { media: { recordingSegmentSeconds: 4 } } });
  await s.station
    .bridgeHost()
    .handle('sandbox.updateEntry', { entryId: ENTRY, recordingEnabled: true }, { transport: 'ipc', trusted: true });
});

afterAll(async () => {
  await publisher?.stop();
  await s?.stop();
});

describe('recording through the station', () => {
  it('delivers every recorded segment of a session to Kaltura, in order, once, the last with isLastChunk', async () => {
    const token = s.sandboxState().entries.find((e) => e.id === ENTRY)?.streamPassword as string;
    publisher = startPublisher(
      { rtmpPort: s.rtmpPort, partnerId: 102, entryId: ENTRY, token },
      { durationSeconds: 14 },
    );
    await publisher.exited;

    const recordings = await waitFor(
      () => {
        const r = s.sandboxState().recordings.filter((x) => x.entryId === ENTRY);
        return r.length > 0 && r[r.length - 1]?.isLastChunk === true ? r : null;
      },
      { timeoutMs: 60_000, what: 'the last recorded chunk at the sandbox' },
    );

    expect(recordings.length).toBeGreaterThanOrEqual(3);
    expect(recordings.map((r) => r.action)).toEqual(recordings.map(() => 'appendRecording'));
    expect(recordings.filter((r) => r.isLastChunk)).toHaveLength(1);
    expect(new Set(recordings.map((r) => r.uploadTokenId)).size).toBe(recordings.length);
    // under the entry's live asset of the source liveParams (32), as flavorAsset.list names it (issue 16)
    const sourceAsset = (
      s.sandboxState() as unknown as { liveAssets: Array<{ id: string; entryId: string; flavorParamsId: number }> }
    ).liveAssets.find((a) => a.entryId === ENTRY && a.flavorParamsId === 32);
    expect(sourceAsset).toBeDefined();
    expect(recordings.every((r) => r.assetId === sourceAsset?.id)).toBe(true);
    const total = recordings.reduce((sum, r) => sum + Number(r.durationSeconds), 0);
    expect(total).toBeGreaterThan(14 - 4 - 2);
    expect(total).toBeLessThan(14 + 4);

    // bytes identical: each stored upload equals a local segment, in order
    const sessionRoot = path.join(s.dataDir, 'recordings', ENTRY);
    const [session] = fs.readdirSync(sessionRoot).filter((d) => fs.statSync(path.join(sessionRoot, d)).isDirectory());
    const local = fs
      .readdirSync(path.join(sessionRoot, session as string))
      .filter((f) => f.endsWith('.ts'))
      .sort();
    expect(local).toHaveLength(recordings.length);
    recordings.forEach((r, i) => {
      const stored = fs.readFileSync(r.storedFilePath as string);
      const mine = fs.readFileSync(path.join(sessionRoot, session as string, local[i] as string));
      expect(stored.equals(mine)).toBe(true);
    });

    // the UI sees the queue drained. The sandbox stores the last chunk before the station has read Kaltura's answer
    // and published the item as done (changes are coalesced for up to 250 ms), so wait for the snapshot to catch up.
    const done = await waitFor(
      async () => {
        const snap = await s.snapshot();
        const items = snap.entries.find((e) => e.entryId === ENTRY)?.recording.items ?? [];
        const doneItems = items.filter((i) => i.state === 'done');
        return doneItems.length >= recordings.length ? doneItems : null;
      },
      { timeoutMs: 10_000, what: 'every recorded segment shown as uploaded in the window' },
    );
    expect(done).toHaveLength(recordings.length);
  });
});
