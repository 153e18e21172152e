// The "authenticating" state the window shows while the ingest asks Kaltura about a publish (it had no caller before
// the ingest emitted streamAuthenticating): first publish, a reconnect within the grace, a takeover, a refusal.
import { describe, expect, it } from 'vitest';
import { ACCEPTED, liveEntry, makeRegistry, publisherLeft } from './helpers.js';

type Reg = ReturnType<typeof makeRegistry>;

function asking(r: Reg, streamId: string): void {
  r.registry.streamAuthenticating({
    streamId,
    entryId: '0_rkij47dr',
    partnerId: 102,
    streamName: '0_rkij47dr_1',
    mediaServerIndex: 0,
    sourceAddress: '10.0.0.7',
    atMs: r.clock.nowMs(),
  });
}

function accept(r: Reg, streamId: string, resumed = false): void {
  r.registry.streamAccepted({ ...ACCEPTED, streamId, resumed, entry: liveEntry(), connectedAtMs: r.clock.nowMs() });
}

const stream = (r: Reg) => r.registry.entry('0_rkij47dr')?.streams;

describe('authenticating', () => {
  it('shows a first publish as authenticating until Kaltura accepts it', () => {
    const r = makeRegistry();
    asking(r, 's1');
    expect(stream(r)).toMatchObject([{ id: 's1', state: 'authenticating', sourceAddress: '10.0.0.7' }]);
    r.clock.advance(300);
    accept(r, 's1');
    expect(stream(r)).toMatchObject([{ id: 's1', state: 'live' }]);
  });

  it('a publisher returning within the grace is authenticating, then playable again with what it showed', () => {
    const r = makeRegistry();
    accept(r, 's1');
    r.registry.playable('s1', '/hls/0_rkij47dr/master.m3u8');
    publisherLeft(r);
    asking(r, 's1');
    expect(stream(r)).toMatchObject([{ id: 's1', state: 'authenticating' }]);
    accept(r, 's1', true);
    expect(stream(r)).toMatchObject([
      { id: 's1', state: 'playable', masterPlaylistUrl: '/hls/0_rkij47dr/master.m3u8' },
    ]);
  });

  it('a takeover asked about while the stream is on air leaves the stream on air', () => {
    const r = makeRegistry();
    accept(r, 's1');
    asking(r, 's2');
    expect(stream(r)).toMatchObject([{ id: 's1', state: 'live' }]);
  });

  it('a refusal after authenticating lands on the same stream, under the id it was asked with', () => {
    const r = makeRegistry();
    asking(r, 's1');
    r.registry.streamRefused({
      streamId: 's1',
      entryId: '0_rkij47dr',
      partnerId: 102,
      streamName: '0_rkij47dr_1',
      mediaServerIndex: 0,
      sourceAddress: '10.0.0.7',
      reason: 'wrong-token',
      message: 'Kaltura refused the token',
      alertCode: 111,
      kalturaCode: 'LIVE_STREAM_INVALID_TOKEN',
      connectionUrl: 'rtmp://x/kLive/?p=102&e=0_rkij47dr&i=0&t=<redacted>',
      atMs: r.clock.nowMs(),
    });
    expect(stream(r)).toMatchObject([{ id: 's1', state: 'refused', reason: 'Kaltura refused the token' }]);
  });
});
