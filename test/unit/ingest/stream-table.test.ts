// The streams the ingest holds between a publisher's leave and its owner's release: a return joins the same id,
// feed and probe; after the release (or a station stop) the name starts a new stream with a new id.
import { describe, expect, it } from 'vitest';
import { FlvFeed } from '../../../main/media/flv-feed.js';
import { FlvProbe } from '../../../main/media/flv-probe.js';
import { StreamTable, type LiveConnection } from '../../../main/ingest/stream-table.js';
import type { StreamEndReason } from '../../../main/ingest/events.js';

const parts = { streamName: '0_rkij47dr_1', mediaServerIndex: 0 as const };
const slot = '0_rkij47dr_1';

function conn(table: StreamTable, connectionId: string, endReason: StreamEndReason | null = null): LiveConnection {
  const streamId = table.heldId(slot) ?? table.mint(parts);
  return {
    streamId,
    connectionId,
    entryId: '0_rkij47dr',
    partnerId: 102,
    streamName: parts.streamName,
    suffix: 1,
    mediaServerIndex: 0,
    sourceAddress: '127.0.0.1',
    connectedAtMs: 0,
    pullUrl: 'rtmp://127.0.0.1/kLive-x/0_rkij47dr_1',
    slot,
    probe: new FlvProbe({ now: () => 0 }),
    feed: new FlvFeed({}),
    endReason,
  };
}

function onAir(table: StreamTable, c: LiveConnection): ReturnType<StreamTable['attach']> {
  table.expect(c);
  return table.attach(c);
}

describe('StreamTable', () => {
  it('holds a stream after its publisher leaves: the return resumes the same id, feed and probe', () => {
    const table = new StreamTable();
    const first = onAir(table, conn(table, 'c1'));
    expect(first.resumed).toBe(false);
    expect(first.stream.id).toBe('0_rkij47dr_1~1');
    table.detach('c1');
    expect(table.live(slot)).toBeNull();
    expect(table.heldId(slot)).toBe(first.stream.id);
    const again = onAir(table, conn(table, 'c2'));
    expect(again).toMatchObject({ resumed: true });
    expect(again.stream).toBe(first.stream);
    expect(table.live(slot)?.connectionId).toBe('c2');
  });

  it('after the owner releases it, the name is a new stream; a release while on air waits for the leave', () => {
    const table = new StreamTable();
    const first = onAir(table, conn(table, 'c1'));
    table.release(first.stream.id);
    // still on air: the release takes effect, but the connection keeps its stream until it leaves
    expect(table.heldId(slot)).toBeNull();
    expect(table.live(slot)?.connectionId).toBe('c1');
    table.detach('c1');
    const next = onAir(table, conn(table, 'c2'));
    expect(next.resumed).toBe(false);
    expect(next.stream.id).not.toBe(first.stream.id);
  });

  it('a station stop holds nothing, and a held feed with no publisher ends a reader at once', () => {
    const table = new StreamTable();
    const first = onAir(table, conn(table, 'c1', 'station-stopping'));
    table.detach('c1');
    expect(table.heldId(slot)).toBeNull();
    let ended = false;
    first.stream.feed.attach({ destroyed: false, writableLength: 0, write: () => true, end: () => (ended = true) });
    expect(ended).toBe(true);
    expect(first.stream.probe.latest()).toBeNull();
  });
});
