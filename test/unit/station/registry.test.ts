import { describe, expect, it } from 'vitest';
import { SnapshotSchema } from '../../../shared/state.js';
import type { RegistryChange, AlertTransition } from '../../../main/station/registry-types.js';
import { ACCEPTED, liveEntry, makeRegistry, probe, transcoder, publisherLeft } from './helpers.js';

function accept(reg: ReturnType<typeof makeRegistry>, over: Partial<typeof ACCEPTED> = {}): void {
  reg.registry.streamAccepted({ ...ACCEPTED, ...over, entry: liveEntry(), connectedAtMs: reg.clock.nowMs() });
}

describe('StationRegistry', () => {
  it('follows a stream from accepted to playable to reconnecting to ended, then forgets it after the retention', () => {
    const r = makeRegistry({ retentionMs: 60_000 });
    accept(r);
    expect(r.registry.entry('0_rkij47dr')?.streams[0]?.state).toBe('live');
    expect(r.registry.entry('0_rkij47dr')?.name).toBe('Town hall');
    r.registry.playable('s1', '/hls/0_rkij47dr/master.m3u8');
    expect(r.registry.entry('0_rkij47dr')?.streams[0]).toMatchObject({
      state: 'playable',
      masterPlaylistUrl: '/hls/0_rkij47dr/master.m3u8',
    });
    r.clock.advance(5000);
    r.registry.streamEnded({
      streamId: 's1',
      entryId: '0_rkij47dr',
      streamName: '0_rkij47dr_1',
      reason: 'publisher closed the connection',
      atMs: r.clock.nowMs(),
    });
    const reconnecting = r.registry.entry('0_rkij47dr');
    expect(reconnecting?.streams[0]?.state).toBe('reconnecting');
    expect(reconnecting?.health).toBe('Fair');
    // the registry keeps no grace timer of its own: a tick much later still shows the stream reconnecting
    r.clock.advance(30_000);
    r.registry.tick();
    expect(r.registry.entry('0_rkij47dr')?.streams[0]?.state).toBe('reconnecting');
    // the pipeline's grace ran out: it finishes the stream
    r.registry.streamFinished('s1');
    expect(r.registry.entry('0_rkij47dr')?.streams[0]).toMatchObject({
      state: 'ended',
      reason: 'publisher closed the connection',
    });
    expect(r.events.list({ limit: 50 }).at(-1)?.message).toBe('0_rkij47dr_1 ended: publisher closed the connection');
    expect(r.registry.entry('0_rkij47dr')?.healthReason).toMatch(/^Offline: the stream ended/);
    r.clock.advance(60_000);
    r.registry.tick();
    expect(r.registry.entry('0_rkij47dr')).toBeNull();
    expect(SnapshotSchema.parse(r.registry.snapshot()).entries).toEqual([]);
  });

  it('a resumed publish within the grace continues the same stream record', () => {
    const r = makeRegistry();
    accept(r);
    r.registry.streamEnded({
      streamId: 's1',
      entryId: '0_rkij47dr',
      streamName: '0_rkij47dr_1',
      reason: 'network drop',
      atMs: r.clock.nowMs(),
    });
    r.clock.advance(3000);
    accept(r, { streamId: 's2', resumed: true });
    const e = r.registry.entry('0_rkij47dr');
    expect(e?.streams).toHaveLength(1);
    expect(e?.streams[0]).toMatchObject({ id: 's2', state: 'live', reason: null });
    // events of the replaced connection no longer change state
    r.registry.transcodeFailed('s1', 'old run');
    expect(r.registry.entry('0_rkij47dr')?.streams[0]?.state).toBe('live');
  });

  it('a resumed publish of a stream that was playable is playable again (same transcode run)', () => {
    const r = makeRegistry();
    accept(r);
    r.registry.playable('s1');
    publisherLeft(r);
    r.clock.advance(2000);
    accept(r, { resumed: true });
    expect(r.registry.entry('0_rkij47dr')?.streams[0]?.state).toBe('playable');
    // a fresh (not resumed) publish starts over at live
    publisherLeft(r);
    accept(r, { streamId: 's3', resumed: false });
    expect(r.registry.entry('0_rkij47dr')?.streams[0]).toMatchObject({ id: 's3', state: 'live' });
  });

  it('keeps a refused publish visible with its reason, raises the auth alert, and redacts the token', () => {
    const r = makeRegistry();
    const transitions: AlertTransition[] = [];
    r.registry.onAlert((t) => transitions.push(t));
    r.registry.streamRefused({
      streamId: 'r1',
      entryId: '0_rkij47dr',
      partnerId: 102,
      streamName: '0_rkij47dr_1',
      mediaServerIndex: 0,
      sourceAddress: '10.0.0.7',
      reason: 'Kaltura refused the stream token: copy the broadcast URL again from the entry page',
      alertCode: 111,
      kalturaCode: 'LIVE_STREAM_INVALID_TOKEN',
      connectionUrl: 'rtmp://127.0.0.1:1935/kLive/?p=102&e=0_rkij47dr&i=0&t=wrongtok',
      atMs: r.clock.nowMs(),
    });
    const e = r.registry.entry('0_rkij47dr');
    expect(e?.streams[0]).toMatchObject({
      state: 'refused',
      reason: expect.stringContaining('refused the stream token'),
    });
    expect(e?.health).toBe('Poor');
    expect(e?.alerts[0]).toMatchObject({
      code: 111,
      name: 'AuthenticationInvalidToken',
      severity: 'critical',
      arguments: { alertType: 'LIVE_STREAM_INVALID_TOKEN', parameter: '0_rkij47dr_1' },
    });
    expect(transitions.map((t) => `${t.kind}:${t.alert.code}:${t.partnerId}`)).toEqual(['raised:111:102']);
    const refusal = r.registry.refusals()[0];
    expect(refusal?.connectionUrl).not.toContain('wrongtok');
    expect(refusal?.connectionUrl).toContain('t=<redacted>');
    expect(JSON.stringify(r.registry.snapshot())).not.toContain('wrongtok');
    expect(r.registry.authResults().get('LIVE_STREAM_INVALID_TOKEN')).toBe(1);
    // the right token later clears the auth alert
    accept(r);
    const after = r.registry.entry('0_rkij47dr');
    expect(after?.alerts).toEqual([]);
    expect(after?.health).toBe('Good');
    expect(transitions.map((t) => `${t.kind}:${t.alert.code}`)).toEqual(['raised:111', 'cleared:111']);
  });

  it('a second publisher refused while the first is live does not replace the live stream', () => {
    const r = makeRegistry();
    accept(r);
    r.registry.streamRefused({
      streamId: 'r1',
      entryId: '0_rkij47dr',
      partnerId: 102,
      streamName: '0_rkij47dr_1',
      mediaServerIndex: 0,
      sourceAddress: '10.0.0.9',
      reason: 'already broadcasting',
      alertCode: 126,
      kalturaCode: 'LIVE_STREAM_ALREADY_BROADCASTING',
      connectionUrl: 'rtmp://x/kLive',
      atMs: r.clock.nowMs(),
    });
    const states = r.registry.entry('0_rkij47dr')?.streams.map((s) => s.state);
    expect(states).toEqual(['live', 'refused']);
  });

  it('raises 102 from probes on a live stream and the entry becomes Poor, then Good when audio is back', () => {
    const r = makeRegistry();
    accept(r);
    for (let t = 0; t < 8; t++) {
      r.clock.advance(1000);
      r.registry.probe({ streamId: 's1', probe: probe({ lastVideoAtMs: r.clock.nowMs(), lastAudioAtMs: null }) });
    }
    const e = r.registry.entry('0_rkij47dr');
    expect(e?.alerts.map((a) => a.code)).toEqual([102]);
    expect(e?.health).toBe('Poor');
    expect(e?.healthReason).toMatch(/No audio from the encoder/);
    expect(e?.streams[0]?.metrics.audio?.status).toBe('critical');
    for (let t = 0; t < 5; t++) {
      r.clock.advance(1000);
      r.registry.probe({
        streamId: 's1',
        probe: probe({ lastVideoAtMs: r.clock.nowMs(), lastAudioAtMs: r.clock.nowMs() }),
      });
    }
    expect(r.registry.entry('0_rkij47dr')?.health).toBe('Good');
  });

  it('re-judges a live input whose probes stopped: no video raises 103 on ticks', () => {
    const r = makeRegistry();
    accept(r);
    r.clock.advance(1000);
    r.registry.probe({
      streamId: 's1',
      probe: probe({ lastVideoAtMs: r.clock.nowMs(), lastAudioAtMs: r.clock.nowMs() }),
    });
    for (let t = 0; t < 8; t++) {
      r.clock.advance(1000);
      r.registry.tick();
    }
    expect(
      r.registry
        .entry('0_rkij47dr')
        ?.alerts.map((a) => a.code)
        .sort(),
    ).toEqual([102, 103]);
  });

  it('an FFmpeg restart raises 100 EntryRestarted for a while and logs an event', () => {
    const r = makeRegistry({ restartAlertMs: 30_000 });
    accept(r);
    r.registry.transcoderState('s1', { transcoder: transcoder(), renditions: [] });
    r.registry.transcoderState('s1', {
      transcoder: transcoder({ restarts: 1, lastError: 'exited with code 1' }),
      renditions: [],
    });
    expect(r.registry.entry('0_rkij47dr')?.alerts.map((a) => `${a.code} ${a.name} ${a.severity}`)).toEqual([
      '100 EntryRestarted warning',
    ]);
    expect(r.registry.entry('0_rkij47dr')?.health).toBe('Fair');
    expect(
      r.events
        .list({ limit: 50 })
        .some((e) => e.kind === 'ffmpeg' && /restarted \(restart 1\): exited with code 1/.test(e.message)),
    ).toBe(true);
    r.clock.advance(30_000);
    r.registry.tick();
    expect(r.registry.entry('0_rkij47dr')?.alerts).toEqual([]);
  });

  // issue 21: the producer sees in Events when the ladder re-encodes the source for a long GOP, and when it stops
  it('logs a key-frame switch once, not on every state, and no restart alert for it', () => {
    const r = makeRegistry();
    accept(r);
    const kf = (sourceRung: 'passthrough' | 'reencoded') => ({
      mode: sourceRung === 'passthrough' ? ('source' as const) : ('interval' as const),
      sourceRung,
      sourceGopSeconds: 8.33,
      segmentSeconds: 2,
      text: `now ${sourceRung}`,
    });
    r.registry.transcoderState('s1', { transcoder: transcoder({ keyFrames: kf('passthrough') }), renditions: [] });
    r.registry.transcoderState('s1', { transcoder: transcoder({ keyFrames: kf('reencoded') }), renditions: [] });
    r.registry.transcoderState('s1', { transcoder: transcoder({ keyFrames: kf('reencoded') }), renditions: [] });
    r.registry.transcoderState('s1', { transcoder: transcoder({ keyFrames: kf('passthrough') }), renditions: [] });
    const lines = r.events
      .list({ limit: 50 })
      .filter((e) => e.message.includes('key frames:'))
      .map((e) => `${e.severity} ${e.message}`);
    expect(lines.sort()).toEqual([
      'info 0_rkij47dr_1: key frames: now passthrough',
      'warning 0_rkij47dr_1: key frames: now reencoded',
    ]);
    expect(r.registry.entry('0_rkij47dr')?.alerts.map((a) => a.code)).not.toContain(100);
  });

  it('publishes coalesced entry changes at most once per interval', () => {
    const r = makeRegistry({ publishIntervalMs: 250 });
    const changes: RegistryChange[] = [];
    r.registry.subscribe((c) => changes.push(c));
    accept(r);
    for (let i = 0; i < 20; i++)
      r.registry.probe({
        streamId: 's1',
        probe: probe({ lastVideoAtMs: r.clock.nowMs(), lastAudioAtMs: r.clock.nowMs(), bytesIn: i }),
      });
    const entryChanges = (): RegistryChange[] => changes.filter((c) => c.type === 'entry');
    r.clock.advance(0);
    expect(entryChanges()).toHaveLength(1);
    for (let i = 0; i < 20; i++) {
      r.registry.probe({
        streamId: 's1',
        probe: probe({ lastVideoAtMs: r.clock.nowMs(), lastAudioAtMs: r.clock.nowMs(), bytesIn: 100 + i }),
      });
      r.clock.advance(50);
    }
    // 1000 ms of updates every 50 ms -> about four publishes, and the last one carries the latest probe
    expect(entryChanges().length).toBeGreaterThanOrEqual(4);
    expect(entryChanges().length).toBeLessThanOrEqual(6);
    r.clock.advance(250);
    const last = entryChanges().at(-1);
    expect(last?.type === 'entry' && last.entry.streams[0]?.probe?.bytesIn).toBe(119);
    // events are not throttled
    expect(changes.some((c) => c.type === 'event')).toBe(true);
  });

  it('coalesces nothing while nobody subscribes (no timers, no entry states built), and the state stays current', () => {
    const r = makeRegistry({ publishIntervalMs: 250 });
    accept(r);
    r.registry.probe({
      streamId: 's1',
      probe: probe({ lastVideoAtMs: r.clock.nowMs(), lastAudioAtMs: r.clock.nowMs(), bytesIn: 7 }),
    });
    expect(r.clock.pendingTimers).toBe(0);
    expect(r.registry.entry('0_rkij47dr')?.streams[0]?.probe?.bytesIn).toBe(7);
    const changes: RegistryChange[] = [];
    const off = r.registry.subscribe((c) => changes.push(c));
    r.registry.probe({
      streamId: 's1',
      probe: probe({ lastVideoAtMs: r.clock.nowMs(), lastAudioAtMs: r.clock.nowMs(), bytesIn: 8 }),
    });
    r.clock.advance(250);
    expect(changes.filter((c) => c.type === 'entry')).toHaveLength(1);
    r.registry.probe({
      streamId: 's1',
      probe: probe({ lastVideoAtMs: r.clock.nowMs(), lastAudioAtMs: r.clock.nowMs(), bytesIn: 9 }),
    });
    off();
    // the change pending when the last subscriber left is dropped with it
    expect(r.clock.pendingTimers).toBe(0);
  });

  it('registration, KS and API changes land in the state and the events log', () => {
    const r = makeRegistry();
    accept(r);
    r.registry.registration('s1', { status: 'playable', lastKeepAliveAtMs: r.clock.nowMs(), lastError: null });
    r.registry.ksState({
      state: 'valid',
      validUntilMs: r.clock.nowMs() + 86_400_000,
      lastRenewalAtMs: r.clock.nowMs(),
      lastError: null,
    });
    r.registry.apiState({
      reachable: false,
      lastOkAtMs: null,
      lastError: 'timeout after 30000 ms',
      lastLatencyMs: null,
    });
    const snap = SnapshotSchema.parse(r.registry.snapshot());
    expect(snap.entries[0]?.streams[0]?.registration.status).toBe('playable');
    expect(snap.kaltura.ks.state).toBe('valid');
    expect(snap.kaltura.api.reachable).toBe(false);
    const kinds = snap.events.map((e) => `${e.kind}:${e.severity}`);
    expect(kinds).toEqual(expect.arrayContaining(['registration:info', 'ks:info', 'api:error', 'connection:info']));
  });
});

describe('StationRegistry recording', () => {
  it('keeps an entry with pending uploads visible, and lets it go when they are done', () => {
    const r = makeRegistry();
    const item = {
      id: 'u1',
      entryId: '0_upload01',
      fileName: 'a.mp4',
      sequence: 1,
      durationSeconds: 900,
      sizeBytes: 1e8,
      state: 'pending' as const,
      percent: 0,
      reason: null,
      isLastChunk: true,
    };
    r.registry.recording('0_upload01', { enabled: true, active: false, reason: null, items: [item] });
    expect(r.registry.entry('0_upload01')?.recording.items).toHaveLength(1);
    r.registry.tick();
    expect(r.registry.entry('0_upload01')).not.toBeNull();
    r.registry.recording('0_upload01', {
      enabled: true,
      active: false,
      reason: null,
      items: [{ ...item, state: 'done', percent: 100 }],
    });
    r.registry.tick();
    expect(r.registry.entry('0_upload01')).toBeNull();
    r.registry.recording('0_nothing1', { enabled: true, active: false, reason: null, items: [] });
    expect(r.registry.entry('0_nothing1')).toBeNull();
  });
});

describe('StationRegistry backup-only alerts', () => {
  it('raises 109 when only the backup is on air and clears it when the primary returns', () => {
    const r = makeRegistry();
    accept(r, { streamId: 'b1', streamName: '0_rkij47dr_1', mediaServerIndex: 1 });
    for (let t = 0; t < 7; t++) {
      r.clock.advance(1000);
      r.registry.tick();
    }
    expect(r.registry.entry('0_rkij47dr')?.alerts.map((a) => `${a.code} ${a.name}`)).toEqual([
      '109 BackupOnlyStreamNoRecording',
    ]);
    accept(r, { streamId: 'p1', streamName: '0_rkij47dr_1', mediaServerIndex: 0 });
    for (let t = 0; t < 7; t++) {
      r.clock.advance(1000);
      r.registry.tick();
    }
    expect(r.registry.entry('0_rkij47dr')?.alerts.filter((a) => a.code === 109)).toEqual([]);
  });
});
