// The Kaltura gate with a stub authenticate and a fake clock: 10 s success cache keyed by
// (entry, index, token), 30 s failure block per (entry, index, source) that retries do not extend,
// and the mapping of Kaltura errors to reasons and alert codes.
import { describe, expect, it } from 'vitest';
import type { AuthenticateArgs, LiveStreamEntry } from '../../../main/kaltura/api.js';
import { KalturaApiError, KalturaModeError, KalturaTransportError } from '../../../main/kaltura/errors.js';
import { IngestGate } from '../../../main/ingest/gate.js';
import type { BroadcastParams } from '../../../main/ingest/broadcast-url.js';

const ENTRY: LiveStreamEntry = { id: '0_rkij47dr', partnerId: 102, name: 'e', conversionProfileId: 1, dvrStatus: 0, dvrWindow: null, recordStatus: 0, recordedEntryId: null, segmentDuration: 6000, explicitLive: null };

function params(over: Partial<BroadcastParams> = {}): BroadcastParams {
  return { partnerId: 102, entryId: '0_rkij47dr', token: 'dj94kfit', mediaServerIndex: 0, streamName: '0_rkij47dr_1', suffix: 1, form: 'obs', ...over };
}

function setup(fail?: (a: AuthenticateArgs) => Error | null) {
  let nowMs = 1_000_000;
  const calls: AuthenticateArgs[] = [];
  const gate = new IngestGate({
    now: () => nowMs,
    authenticate: async (a) => {
      calls.push(a);
      const error = fail?.(a) ?? (a.token === 'dj94kfit' ? null : new KalturaApiError('LIVE_STREAM_INVALID_TOKEN', 'bad token'));
      if (error) throw error;
      return ENTRY;
    },
  });
  return { gate, calls, advance: (ms: number) => (nowMs += ms) };
}

describe('IngestGate', () => {
  it('caches a success for 10 s per (entry, index)', async () => {
    const { gate, calls, advance } = setup();
    expect(await gate.check(params(), '10.0.0.1')).toEqual({ ok: true, entry: ENTRY, cached: false });
    advance(9_000);
    expect(await gate.check(params(), '10.0.0.2')).toMatchObject({ ok: true, cached: true });
    expect(calls).toHaveLength(1);
    advance(1_000);
    expect(await gate.check(params(), '10.0.0.1')).toMatchObject({ ok: true, cached: false });
    expect(calls).toHaveLength(2);
  });

  it('does not let the cache of the primary answer for the backup index', async () => {
    const { gate, calls } = setup();
    await gate.check(params(), 'a');
    await gate.check(params({ mediaServerIndex: 1 }), 'a');
    expect(calls.map((c) => c.mediaServerIndex)).toEqual([0, 1]);
  });

  it('does not let a cached success accept a different token', async () => {
    const { gate, calls } = setup();
    await gate.check(params(), 'a');
    const r = await gate.check(params({ token: 'wrong' }), 'a');
    expect(r).toMatchObject({ ok: false, refusal: { reason: 'wrong-token', alertCode: 111, kalturaCode: 'LIVE_STREAM_INVALID_TOKEN' } });
    expect(calls).toHaveLength(2);
  });

  it('blocks a failed (entry, index, source) for 30 s from the real failure; retries do not extend it', async () => {
    const { gate, calls, advance } = setup();
    const first = await gate.check(params({ token: 'wrong' }), '10.0.0.1');
    expect(first).toMatchObject({ ok: false, blocked: false });
    // an OBS reconnect loop: every 2 s for 28 s
    for (let i = 0; i < 14; i++) {
      advance(2_000);
      const r = await gate.check(params({ token: 'wrong' }), '10.0.0.1');
      expect(r).toMatchObject({ ok: false, blocked: true, refusal: { reason: 'wrong-token', alertCode: 111 } });
      if (!r.ok) expect(r.refusal.message).not.toContain('wrong');
    }
    expect(calls).toHaveLength(1);
    advance(2_000); // 30 s after the failure
    await gate.check(params({ token: 'wrong' }), '10.0.0.1');
    expect(calls).toHaveLength(2);
  });

  it('blocks only that source: another address is asked', async () => {
    const { gate, calls } = setup();
    await gate.check(params({ token: 'wrong' }), '10.0.0.1');
    expect(await gate.check(params(), '10.0.0.2')).toMatchObject({ ok: true });
    expect(calls).toHaveLength(2);
  });

  it('shares one Kaltura call among concurrent identical publishes', async () => {
    const { gate, calls } = setup();
    const [a, b] = await Promise.all([gate.check(params(), 'a'), gate.check(params(), 'a')]);
    expect(a.ok && b.ok).toBe(true);
    expect(calls).toHaveLength(1);
  });

  const mappings: Array<[string, Error, string, number]> = [
    ['unknown entry', new KalturaApiError('ENTRY_ID_NOT_FOUND', 'x'), 'unknown-entry', 113],
    ['already broadcasting', new KalturaApiError('LIVE_STREAM_ALREADY_BROADCASTING', 'x'), 'already-broadcasting', 126],
    ['passthrough quota', new KalturaApiError('LIVE_STREAM_EXCEEDED_MAX_PASSTHRU', 'x'), 'quota-exceeded', 115],
    ['transcoded quota', new KalturaApiError('LIVE_STREAM_EXCEEDED_MAX_TRANSCODED', 'x'), 'quota-exceeded', 118],
    ['blocked partner', new KalturaApiError('SERVICE_FORBIDDEN_CONTENT_BLOCKED', 'x'), 'partner-blocked', -1],
    ['no media-server permission (issue 16)', new KalturaApiError('SERVICE_FORBIDDEN', 'x'), 'not-permitted', -1],
    ['unregistered media server (issue 16)', new KalturaApiError('MEDIA_SERVER_NOT_FOUND', 'Kaltura does not know this station as a media server (h1): this partner lacks the Server Node / Hybrid eCDN feature'), 'media-server-not-found', -1],
    ['eCDN foreign partner', new KalturaModeError('partner 5 not served'), 'partner-not-allowed', -1],
    ['Kaltura unreachable', new KalturaTransportError('network', 'ECONNREFUSED token=dj94kfit'), 'kaltura-unreachable', -1],
    ['anything else', new Error('boom dj94kfit'), 'kaltura-error', -1],
  ];
  for (const [what, error, reason, alertCode] of mappings) {
    it(`maps ${what} to ${reason} (${alertCode})`, async () => {
      const { gate } = setup(() => error);
      const r = await gate.check(params(), 'a');
      expect(r).toMatchObject({ ok: false, refusal: { reason, alertCode } });
      if (!r.ok) expect(r.refusal.message).not.toContain('dj94kfit');
    });
  }

  it('says what to do about a limit, with Kaltura alert codes 115 / 118 (issue 16)', async () => {
    for (const [code, alert] of [['LIVE_STREAM_EXCEEDED_MAX_PASSTHRU', 115], ['LIVE_STREAM_EXCEEDED_MAX_TRANSCODED', 118]] as const) {
      const { gate } = setup(() => new KalturaApiError(code, 'x'));
      const r = await gate.check(params(), 'a');
      if (r.ok) throw new Error('expected a refusal');
      expect(r.refusal).toMatchObject({ kalturaCode: code, alertCode: alert });
      expect(r.refusal.message).toMatch(new RegExp(`Kaltura alert ${alert}.*ask your Kaltura account manager to raise the limit`));
    }
  });

  it('passes on why the station is not a registered media server (issue 16)', async () => {
    const { gate } = setup(() => new KalturaApiError('MEDIA_SERVER_NOT_FOUND', 'Kaltura does not know this station as a media server (h1): this partner lacks the Server Node / Hybrid eCDN feature; ask your Kaltura account manager to enable it'));
    const r = await gate.check(params(), 'a');
    if (r.ok) throw new Error('expected a refusal');
    expect(r.refusal.message).toMatch(/this partner lacks the Server Node \/ Hybrid eCDN feature; ask your Kaltura account manager to enable it/);
  });
});

describe('IngestGate timeout', () => {
  it('treats an unanswered authenticate as Kaltura unreachable, and blocks', async () => {
    const calls: number[] = [];
    const gate = new IngestGate({ authTimeoutMs: 50, authenticate: () => new Promise<LiveStreamEntry>(() => calls.push(1)) });
    const r = await gate.check(params(), 'a');
    expect(r).toMatchObject({ ok: false, blocked: false, refusal: { reason: 'kaltura-unreachable', alertCode: -1 } });
    expect(await gate.check(params(), 'a')).toMatchObject({ ok: false, blocked: true });
    expect(calls).toHaveLength(1);
  });
});
