// The Kaltura gate with a stub authenticate and a fake clock: 10 s success cache keyed by
// (entry, index, token), 30 s failure block per (entry, index, token) that retries do not extend, the cap on
// different tokens per entry, and the mapping of Kaltura errors to reasons and alert codes.
import { describe, expect, it } from 'vitest';
import type { AuthenticateArgs, LiveStreamEntry } from '../../../main/core/kaltura-api.js';
import { KalturaApiError, KalturaModeError, KalturaTransportError } from '../../../main/core/kaltura-errors.js';
import { IngestGate } from '../../../main/ingest/gate.js';
import type { BroadcastParams } from '../../../main/ingest/broadcast-url.js';

const ENTRY: LiveStreamEntry = {
  id: '0_rkij47dr',
  partnerId: 102,
  name: 'e',
  conversionProfileId: 1,
  dvrStatus: 0,
  dvrWindow: null,
  recordStatus: 0,
  recordedEntryId: null,
  segmentDuration: 6000,
  explicitLive: null,
};

function params(over: Partial<BroadcastParams> = {}): BroadcastParams {
  return {
    partnerId: 102,
    entryId: '0_rkij47dr',
    token: 'dj94kfit',
    mediaServerIndex: 0,
    streamName: '0_rkij47dr_1',
    suffix: 1,
    form: 'obs',
    ...over,
  };
}

function setup(fail?: (a: AuthenticateArgs) => Error | null) {
  let nowMs = 1_000_000;
  const calls: AuthenticateArgs[] = [];
  const gate = new IngestGate({
    now: () => nowMs,
    authenticate: async (a) => {
      calls.push(a);
      const error =
        fail?.(a) ?? (a.token === 'dj94kfit' ? null : new KalturaApiError('LIVE_STREAM_INVALID_TOKEN', 'bad token'));
      if (error) throw error;
      return ENTRY;
    },
  });
  return { gate, calls, advance: (ms: number) => (nowMs += ms) };
}

describe('IngestGate', () => {
  it('decides from memory at once (no promise: the answer is not queued) and asks Kaltura through a promise', async () => {
    const { gate } = setup();
    const asked = gate.check(params());
    expect(asked).toBeInstanceOf(Promise);
    await asked;
    expect(gate.check(params())).toMatchObject({ ok: true, cached: true });
    const wrong = gate.check(params({ token: 'wrongtok' }));
    expect(wrong).toBeInstanceOf(Promise);
    await wrong;
    expect(gate.check(params({ token: 'wrongtok' }))).toMatchObject({ ok: false, blocked: true });
  });

  it('caches a success for 10 s per (entry, index)', async () => {
    const { gate, calls, advance } = setup();
    expect(await gate.check(params())).toEqual({ ok: true, entry: ENTRY, cached: false });
    advance(9_000);
    expect(await gate.check(params())).toMatchObject({ ok: true, cached: true });
    expect(calls).toHaveLength(1);
    advance(1_000);
    expect(await gate.check(params())).toMatchObject({ ok: true, cached: false });
    expect(calls).toHaveLength(2);
  });

  it('does not let the cache of the primary answer for the backup index', async () => {
    const { gate, calls } = setup();
    await gate.check(params());
    await gate.check(params({ mediaServerIndex: 1 }));
    expect(calls.map((c) => c.mediaServerIndex)).toEqual([0, 1]);
  });

  it('does not let a cached success accept a different token', async () => {
    const { gate, calls } = setup();
    await gate.check(params());
    const r = await gate.check(params({ token: 'wrong' }));
    expect(r).toMatchObject({
      ok: false,
      refusal: { reason: 'wrong-token', alertCode: 111, kalturaCode: 'LIVE_STREAM_INVALID_TOKEN' },
    });
    expect(calls).toHaveLength(2);
  });

  it('blocks a failed (entry, index, token) for 30 s from the real failure; retries do not extend it', async () => {
    const { gate, calls, advance } = setup();
    const first = await gate.check(params({ token: 'wrong' }));
    expect(first).toMatchObject({ ok: false, blocked: false });
    // an OBS reconnect loop: every 2 s for 28 s
    for (let i = 0; i < 14; i++) {
      advance(2_000);
      const r = await gate.check(params({ token: 'wrong' }));
      expect(r).toMatchObject({ ok: false, blocked: true, refusal: { reason: 'wrong-token', alertCode: 111 } });
      if (!r.ok) expect(r.refusal.message).not.toContain('wrong');
    }
    expect(calls).toHaveLength(1);
    advance(2_000); // 30 s after the failure
    await gate.check(params({ token: 'wrong' }));
    expect(calls).toHaveLength(2);
  });

  // Regression (issue 21): the block was keyed on the source address, so a producer who fixed a typo in the token
  // was refused for 30 s with a message that blamed the corrected token, which Kaltura had never seen.
  it('asks Kaltura about a corrected token at once: wrong then right within 1 s is accepted', async () => {
    const { gate, calls, advance } = setup();
    expect(await gate.check(params({ token: 'wrong' }))).toMatchObject({ ok: false, blocked: false });
    advance(800);
    expect(await gate.check(params())).toEqual({ ok: true, entry: ENTRY, cached: false });
    expect(calls.map((c) => c.token)).toEqual(['wrong', 'dj94kfit']);
  });

  it('says that the same token was refused before and when Kaltura is asked again', async () => {
    const { gate, advance } = setup();
    await gate.check(params({ token: 'wrong' }));
    advance(4_200);
    const r = await gate.check(params({ token: 'wrong' }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.refusal.message).toContain('Kaltura refused the token (t) for entry 0_rkij47dr');
      expect(r.refusal.message).toContain('this same token was refused 4 s ago');
      expect(r.refusal.message).toContain('not asked about it again for 26 s');
      expect(r.refusal.message).toContain('a corrected token is asked at once');
    }
  });

  it('blocks the token whatever address it comes from, and only for that entry and index', async () => {
    const { gate, calls } = setup();
    await gate.check(params({ token: 'wrong' }));
    expect(await gate.check(params({ token: 'wrong' }))).toMatchObject({ ok: false, blocked: true });
    expect(await gate.check(params({ token: 'wrong', mediaServerIndex: 1 }))).toMatchObject({
      ok: false,
      blocked: false,
    });
    expect(
      await gate.check(params({ token: 'wrong', entryId: '0_other000', streamName: '0_other000_1' })),
    ).toMatchObject({ ok: false, blocked: false });
    expect(calls).toHaveLength(3);
  });

  it("clears the entry's blocks on a success, so a refused token is asked again after the right one went through", async () => {
    const { gate, calls, advance } = setup();
    await gate.check(params({ token: 'wrong' }));
    advance(1_000);
    await gate.check(params());
    advance(1_000);
    expect(await gate.check(params({ token: 'wrong' }))).toMatchObject({ ok: false, blocked: false });
    expect(calls.map((c) => c.token)).toEqual(['wrong', 'dj94kfit', 'wrong']);
    // the wrong token's failure does not evict the right token's cached success
    expect(await gate.check(params())).toMatchObject({ ok: true, cached: true });
    expect(calls).toHaveLength(3);
  });

  it('caps the different tokens one entry may have refused within the window: more are refused without Kaltura', async () => {
    const { gate, calls, advance } = setup();
    for (let i = 0; i < 5; i++) {
      expect(await gate.check(params({ token: `guess${i}` }))).toMatchObject({ ok: false, blocked: false });
      advance(1_000);
    }
    // a flood of made-up tokens: none reaches Kaltura, nothing new is remembered
    for (let i = 5; i < 500; i++) {
      const r = await gate.check(params({ token: `guess${i}` }));
      expect(r).toMatchObject({
        ok: false,
        blocked: true,
        refusal: { reason: 'too-many-tokens', alertCode: 111, kalturaCode: null },
      });
    }
    expect(calls).toHaveLength(5);
    const capped = await gate.check(params());
    expect(capped.ok).toBe(false);
    if (!capped.ok)
      expect(capped.refusal.message).toBe(
        "5 different tokens for entry 0_rkij47dr were refused or are being checked in the last 30 s, so a new one is not sent to Kaltura for 25 s: copy the broadcast URL again from the entry's live settings and retry then",
      );
    // once the oldest refusal is 30 s old, a new token is asked again
    advance(25_000);
    expect(await gate.check(params())).toMatchObject({ ok: true, cached: false });
    expect(calls).toHaveLength(6);
  });

  it('counts pending asks against the cap, so concurrent made-up tokens cannot all reach Kaltura', async () => {
    const calls: string[] = [];
    const gate = new IngestGate({
      authenticate: (a) => new Promise<LiveStreamEntry>(() => calls.push(a.token)),
      maxTokensPerEntry: 3,
      authTimeoutMs: 60_000,
    });
    const decisions = Array.from({ length: 50 }, (_, i) => gate.check(params({ token: `t${i}` })));
    const early = await Promise.race([
      Promise.all(decisions.slice(3)),
      new Promise((r) => setTimeout(() => r('pending'), 50)),
    ]);
    expect(early).not.toBe('pending');
    expect(calls).toEqual(['t0', 't1', 't2']);
  });

  it('never keeps the token itself', async () => {
    const { gate } = setup();
    await gate.check(params({ token: 'wrong' }));
    await gate.check(params());
    const seen = new WeakSet<object>();
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (v instanceof Map) {
        for (const [k, x] of v) {
          walk(k);
          walk(x);
        }
      } else if (v instanceof Set) for (const x of v) walk(x);
      else if (v && typeof v === 'object' && !seen.has(v)) {
        seen.add(v);
        for (const x of Object.values(v)) walk(x);
      }
    };
    walk(gate);
    expect(strings.length).toBeGreaterThan(0);
    expect(strings.join('\n')).not.toMatch(/dj94kfit|wrong/);
  });

  it('shares one Kaltura call among concurrent identical publishes', async () => {
    const { gate, calls } = setup();
    const [a, b] = await Promise.all([gate.check(params()), gate.check(params())]);
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
    [
      'unregistered media server (issue 16)',
      new KalturaApiError(
        'MEDIA_SERVER_NOT_FOUND',
        'Kaltura does not know this station as a media server (h1): this partner lacks the Server Node / Hybrid eCDN feature',
      ),
      'media-server-not-found',
      -1,
    ],
    ['eCDN foreign partner', new KalturaModeError('partner 5 not served'), 'partner-not-allowed', -1],
    [
      'Kaltura unreachable',
      new KalturaTransportError('network', 'ECONNREFUSED token=dj94kfit'),
      'kaltura-unreachable',
      -1,
    ],
    ['anything else', new Error('boom dj94kfit'), 'kaltura-error', -1],
  ];
  for (const [what, error, reason, alertCode] of mappings) {
    it(`maps ${what} to ${reason} (${alertCode})`, async () => {
      const { gate } = setup(() => error);
      const r = await gate.check(params());
      expect(r).toMatchObject({ ok: false, refusal: { reason, alertCode } });
      if (!r.ok) expect(r.refusal.message).not.toContain('dj94kfit');
    });
  }

  it('says what to do about a limit, with Kaltura alert codes 115 / 118 (issue 16)', async () => {
    for (const [code, alert] of [
      ['LIVE_STREAM_EXCEEDED_MAX_PASSTHRU', 115],
      ['LIVE_STREAM_EXCEEDED_MAX_TRANSCODED', 118],
    ] as const) {
      const { gate } = setup(() => new KalturaApiError(code, 'x'));
      const r = await gate.check(params());
      if (r.ok) throw new Error('expected a refusal');
      expect(r.refusal).toMatchObject({ kalturaCode: code, alertCode: alert });
      expect(r.refusal.message).toMatch(
        new RegExp(`Kaltura alert ${alert}.*ask your Kaltura account manager to raise the limit`),
      );
    }
  });

  it('passes on why the station is not a registered media server (issue 16)', async () => {
    const { gate } = setup(
      () =>
        new KalturaApiError(
          'MEDIA_SERVER_NOT_FOUND',
          'Kaltura does not know this station as a media server (h1): this partner lacks the Server Node / Hybrid eCDN feature; ask your Kaltura account manager to enable it',
        ),
    );
    const r = await gate.check(params());
    if (r.ok) throw new Error('expected a refusal');
    expect(r.refusal.message).toMatch(
      /this partner lacks the Server Node \/ Hybrid eCDN feature; ask your Kaltura account manager to enable it/,
    );
  });
});

describe('IngestGate timeout', () => {
  it('treats an unanswered authenticate as Kaltura unreachable, and blocks', async () => {
    const calls: number[] = [];
    const gate = new IngestGate({
      authTimeoutMs: 50,
      authenticate: () => new Promise<LiveStreamEntry>(() => calls.push(1)),
    });
    const r = await gate.check(params());
    expect(r).toMatchObject({ ok: false, blocked: false, refusal: { reason: 'kaltura-unreachable', alertCode: -1 } });
    expect(await gate.check(params())).toMatchObject({ ok: false, blocked: true });
    expect(calls).toHaveLength(1);
  });
});
