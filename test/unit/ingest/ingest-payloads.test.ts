// The registry takes ingest's event payloads as they are (the composition root forwards them without
// translating): this file fails to type-check if the two drift apart.
import { describe, expect, it } from 'vitest';
import type {
  ProbeEvent,
  StreamAcceptedEvent,
  StreamAuthenticatingEvent,
  StreamEndedEvent,
  StreamRefusedEvent,
} from '../../../main/ingest/events.js';
import { acceptedEvent, ACCEPTED, liveEntry, makeRegistry, probe } from '../station/helpers.js';

describe('registry inputs from ingest events', () => {
  it('accepts streamAuthenticating / streamAccepted / probe / streamEnded / streamRefused payloads unchanged', () => {
    const r = makeRegistry();
    const authenticating: StreamAuthenticatingEvent = {
      streamId: 's1',
      entryId: '0_rkij47dr',
      partnerId: 102,
      streamName: '0_rkij47dr_1',
      mediaServerIndex: 0,
      sourceAddress: '127.0.0.1',
      atMs: r.clock.nowMs(),
    };
    r.registry.streamAuthenticating(authenticating);
    expect(r.registry.entry('0_rkij47dr')?.streams[0]).toMatchObject({ id: 's1', state: 'authenticating' });
    const accepted: StreamAcceptedEvent = acceptedEvent(r.clock.nowMs());
    r.registry.streamAccepted(accepted);
    const p: ProbeEvent = {
      streamId: 's1',
      probe: probe({ lastVideoAtMs: r.clock.nowMs(), lastAudioAtMs: r.clock.nowMs() }),
      videoStalled: false,
      audioStalled: false,
    };
    r.registry.probe(p);
    const ended: StreamEndedEvent = {
      streamId: 's1',
      connectionId: 'c1',
      entryId: '0_rkij47dr',
      streamName: '0_rkij47dr_1',
      mediaServerIndex: 0,
      reason: 'idle-timeout',
      atMs: r.clock.nowMs(),
    };
    r.registry.streamEnded(ended);
    expect(r.registry.entry('0_rkij47dr')?.streams[0]).toMatchObject({
      state: 'reconnecting',
      reason: 'no data from the encoder for too long; the station closed the connection',
    });

    const refused: StreamRefusedEvent = {
      streamId: 'r1',
      entryId: '0_rkij47dr',
      partnerId: 102,
      streamName: '0_rkij47dr_2',
      mediaServerIndex: 1,
      sourceAddress: '127.0.0.1',
      reason: 'wrong-token',
      alertCode: 111,
      kalturaCode: 'LIVE_STREAM_INVALID_TOKEN',
      message:
        "Kaltura refused the token (t) for entry 0_rkij47dr: copy the broadcast URL again from the entry's live settings",
      blocked: false,
      connectionUrl: 'rtmp://127.0.0.1/kLive/?p=102&e=0_rkij47dr&i=1&t=<redacted>',
      atMs: r.clock.nowMs(),
    };
    r.registry.streamRefused(refused);
    const backup = r.registry.entry('0_rkij47dr')?.streams.find((s) => s.mediaServerIndex === 1);
    expect(backup).toMatchObject({ state: 'refused', reason: refused.message });
    expect(r.registry.refusals()[0]?.message).toBe(refused.message);
  });

  it('a malformed URL is shown and counted but raises no alert (so no beacon)', () => {
    const r = makeRegistry();
    r.registry.streamRefused({
      streamId: 'r1',
      entryId: '0_rkij47dr',
      partnerId: null,
      streamName: '0_rkij47dr_1',
      mediaServerIndex: null,
      sourceAddress: '127.0.0.1',
      reason: 'bad-url',
      alertCode: -1,
      kalturaCode: null,
      message: 'the broadcast URL lacks t=: copy it again',
      connectionUrl: 'rtmp://x/kLive/?e=0_rkij47dr',
      atMs: r.clock.nowMs(),
    });
    expect(r.registry.entry('0_rkij47dr')).toMatchObject({
      alerts: [],
      health: 'Poor',
      streams: [{ state: 'refused', reason: 'the broadcast URL lacks t=: copy it again' }],
    });
    expect(r.registry.authResults().get('-1')).toBe(1);
  });

  it('a station stop ends the stream at once, without a reconnect grace', () => {
    const r = makeRegistry();
    r.registry.streamAccepted({ ...ACCEPTED, entry: liveEntry(), connectedAtMs: r.clock.nowMs() });
    r.registry.streamEnded({
      streamId: 's1',
      entryId: '0_rkij47dr',
      streamName: '0_rkij47dr_1',
      reason: 'station-stopping',
      atMs: r.clock.nowMs(),
    });
    expect(r.registry.entry('0_rkij47dr')?.streams[0]).toMatchObject({
      state: 'ended',
      reason: 'the station is stopping',
    });
  });
});
