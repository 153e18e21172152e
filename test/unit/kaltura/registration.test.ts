// RegistrationKeeper with a stub API on a manual clock: BROADCASTING, PLAYABLE keep-alive, retries,
// unregister after in-flight calls, and late answers from a stopped keeper ignored (generation ids).
import { describe, expect, it } from 'vitest';
import { KEEP_ALIVE_RETRY_MAX_MS, RegistrationKeeper } from '../../../main/kaltura/registration.js';
import type { KalturaApi, LiveStreamEntry } from '../../../main/core/kaltura-api.js';
import { KalturaApiError, KalturaTransportError } from '../../../main/core/kaltura-errors.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { flush } from './stub-fetch.js';

type Call = { kind: 'register'; status: string } | { kind: 'unregister' };

const ENTRY: LiveStreamEntry = {
  id: '0_abcd1234',
  partnerId: 102,
  name: 'e',
  conversionProfileId: 1,
  dvrStatus: 0,
  dvrWindow: null,
  recordStatus: 0,
  recordedEntryId: null,
  segmentDuration: null,
  explicitLive: null,
};

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function make(script: Array<() => Promise<unknown>> = []) {
  const calls: Call[] = [];
  const queue = [...script];
  const next = (): Promise<unknown> => (queue.shift() ?? (() => Promise.resolve(ENTRY)))();
  const api: Pick<KalturaApi, 'registerMediaServer' | 'unregisterMediaServer'> = {
    registerMediaServer: async (args) => {
      calls.push({ kind: 'register', status: args.status });
      expect(args).toMatchObject({ partnerId: 102, entryId: '0_abcd1234', mediaServerIndex: 0 });
      await next();
      return ENTRY;
    },
    unregisterMediaServer: async () => {
      calls.push({ kind: 'unregister' });
      await next();
    },
  };
  const clock = new ManualClock(1_000_000);
  const keeper = new RegistrationKeeper({
    api,
    partnerId: 102,
    entryId: '0_abcd1234',
    mediaServerIndex: 0,
    clock,
    keepAliveIntervalMs: 60_000,
    retryBaseDelayMs: 1_000,
    retryMaxDelayMs: 8_000,
  });
  const statuses: string[] = [];
  keeper.onChange((s) => statuses.push(s.status));
  return { keeper, clock, calls, statuses };
}

const fail = (e: Error) => () => Promise.reject(e);
const networkDown = new KalturaTransportError(
  'network',
  'Kaltura livestream.registermediaserver could not reach http://127.0.0.1:9',
  'livestream.registermediaserver',
);

describe('RegistrationKeeper', () => {
  it('start -> BROADCASTING, markPlayable -> PLAYABLE, then PLAYABLE every interval; stop -> unregister', async () => {
    const { keeper, clock, calls, statuses } = make();
    keeper.markAuthenticated();
    keeper.start();
    await flush();
    expect(keeper.state()).toEqual({ status: 'broadcasting', lastKeepAliveAtMs: 1_000_000, lastError: null });
    clock.advance(5_000);
    keeper.markPlayable();
    await flush();
    expect(keeper.state()).toMatchObject({ status: 'playable', lastKeepAliveAtMs: 1_005_000 });
    clock.advance(59_999);
    await flush();
    expect(calls).toHaveLength(2);
    clock.advance(1);
    await flush();
    clock.advance(60_000);
    await flush();
    expect(calls).toEqual([
      { kind: 'register', status: 'BROADCASTING' },
      { kind: 'register', status: 'PLAYABLE' },
      { kind: 'register', status: 'PLAYABLE' },
      { kind: 'register', status: 'PLAYABLE' },
    ]);
    expect(keeper.state().lastKeepAliveAtMs).toBe(1_125_000);
    await keeper.stop();
    expect(calls.at(-1)).toEqual({ kind: 'unregister' });
    expect(keeper.state().status).toBe('unregistered');
    expect(statuses).toEqual(['authenticated', 'broadcasting', 'playable', 'playable', 'playable', 'unregistered']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a failed call is retried with capped backoff and never throws; the error is in the state', async () => {
    const { keeper, clock, calls } = make([
      fail(networkDown),
      fail(networkDown),
      fail(networkDown),
      fail(networkDown),
      fail(networkDown),
    ]);
    expect(() => keeper.start()).not.toThrow();
    await flush();
    expect(keeper.state().status).toBe('error');
    expect(keeper.state().lastError).toMatch(/registerMediaServer BROADCASTING failed: .*could not reach/);
    const delays = [1_000, 2_000, 4_000, 8_000];
    for (const delayMs of delays) {
      clock.advance(delayMs - 1);
      await flush();
      const before = calls.length;
      clock.advance(1);
      await flush();
      expect(calls.length).toBe(before + 1);
    }
    clock.advance(8_000); // capped at 8 s; this sixth attempt succeeds
    await flush();
    expect(calls).toHaveLength(6);
    expect(keeper.state()).toMatchObject({ status: 'broadcasting', lastError: null });
    await keeper.stop();
  });

  it('failed keep-alives retry at most 5 s apart, so a run of failures cannot outlast the 120 s node expiry (issue 20)', async () => {
    const { keeper, clock, calls } = make([
      () => Promise.resolve(),
      ...Array.from({ length: 8 }, () => fail(networkDown)),
    ]);
    keeper.start();
    keeper.markPlayable();
    await flush();
    clock.advance(60_000); // the keep-alive fails, and keeps failing
    await flush();
    for (let i = 0; i < 7; i++) {
      clock.advance(KEEP_ALIVE_RETRY_MAX_MS);
      await flush();
    }
    // 1 + 1 + 7 calls: the backoff (1, 2, 4, 8 s capped at retryMaxDelayMs 8 s) was held to 5 s
    expect(calls).toHaveLength(9);
    clock.advance(KEEP_ALIVE_RETRY_MAX_MS); // the next one succeeds
    await flush();
    expect(keeper.state().status).toBe('playable');
    expect(keeper.state().lastKeepAliveAtMs! - 1_000_000).toBeLessThan(120_000);
    await keeper.stop();
  });

  it('a keep-alive failure retries sooner than the interval, then returns to the 60 s rhythm', async () => {
    // start and markPlayable in one turn: the stale BROADCASTING is skipped, PLAYABLE goes out
    const { keeper, clock, calls } = make([() => Promise.resolve(), fail(networkDown)]);
    keeper.start();
    keeper.markPlayable();
    await flush();
    expect(calls).toEqual([{ kind: 'register', status: 'PLAYABLE' }]);
    clock.advance(60_000); // keep-alive fails
    await flush();
    expect(keeper.state().status).toBe('error');
    clock.advance(1_000); // retry succeeds
    await flush();
    expect(keeper.state().status).toBe('playable');
    expect(calls).toHaveLength(3);
    clock.advance(60_000);
    await flush();
    expect(calls).toHaveLength(4);
    await keeper.stop();
  });

  it('a late answer from a stopped keeper does not change its state, and unregister goes after it', async () => {
    const slow = deferred<unknown>();
    const { keeper, calls } = make([() => slow.promise]);
    keeper.start();
    await flush();
    const stopped = keeper.stop();
    await flush();
    expect(calls).toEqual([{ kind: 'register', status: 'BROADCASTING' }]); // unregister waits for the call in flight
    slow.resolve(undefined);
    await stopped;
    expect(calls).toEqual([{ kind: 'register', status: 'BROADCASTING' }, { kind: 'unregister' }]);
    expect(keeper.state().status).toBe('unregistered');
  });

  it('an old BROADCASTING answer arriving after markPlayable cannot overwrite playable', async () => {
    const slow = deferred<unknown>();
    const { keeper, statuses } = make([() => slow.promise]);
    keeper.start();
    await flush();
    keeper.markPlayable();
    slow.resolve(undefined);
    await flush();
    expect(keeper.state().status).toBe('playable');
    expect(statuses).not.toContain('broadcasting');
    await keeper.stop();
  });

  it('unregister of a node already gone counts as unregistered; other failures give up after the attempts', async () => {
    const gone = new KalturaApiError(
      'ENTRY_SERVER_NODE_NOT_FOUND',
      'Entry server node ... not found',
      {},
      'livestream.unregistermediaserver',
    );
    const a = make([() => Promise.resolve(), fail(gone)]);
    a.keeper.start();
    await flush();
    await a.keeper.stop();
    expect(a.calls).toEqual([{ kind: 'register', status: 'BROADCASTING' }, { kind: 'unregister' }]);
    expect(a.keeper.state()).toMatchObject({ status: 'unregistered', lastError: null });

    const b = make([() => Promise.resolve(), fail(networkDown), fail(networkDown), fail(networkDown)]);
    b.keeper.start();
    await flush();
    const stopping = b.keeper.stop();
    for (let i = 0; i < 4; i++) {
      await flush();
      b.clock.advance(10_000);
    }
    await stopping;
    expect(b.calls.filter((c) => c.kind === 'unregister')).toHaveLength(3);
    expect(b.keeper.state().status).toBe('error');
    expect(b.keeper.state().lastError).toMatch(/unregisterMediaServer failed/);
  });

  it('shows SERVER_NODE_NOT_FOUND on unregister as an error, not a silent success (issue 16)', async () => {
    const unknown = new KalturaApiError(
      'SERVER_NODE_NOT_FOUND',
      'server node with host name [h1] not found',
      {},
      'livestream.unregistermediaserver',
    );
    const a = make([() => Promise.resolve(), fail(unknown)]);
    a.keeper.start();
    await flush();
    await a.keeper.stop();
    expect(a.calls.filter((c) => c.kind === 'unregister')).toHaveLength(1);
    expect(a.keeper.state().status).toBe('error');
    expect(a.keeper.state().lastError).toMatch(
      /SERVER_NODE_NOT_FOUND.*server node with host name \[h1\] not found.*Admin Console/,
    );
  });

  it('stop before anything was registered makes no call', async () => {
    const { keeper, calls } = make();
    await keeper.stop();
    expect(calls).toEqual([]);
    expect(keeper.state().status).toBe('unregistered');
    keeper.start(); // ignored after stop
    await flush();
    expect(calls).toEqual([]);
  });
  it('reaffirm registers PLAYABLE again at once after a resumed publish (authenticate left the node AUTHENTICATED), then keeps the keep-alive rhythm', async () => {
    const { keeper, clock, calls } = make();
    keeper.start();
    await flush();
    keeper.markPlayable();
    await flush();
    expect(calls.map((c) => c.kind === 'register' && c.status)).toEqual(['BROADCASTING', 'PLAYABLE']);
    clock.advance(20_000);
    keeper.reaffirm();
    await flush();
    expect(calls.map((c) => c.kind === 'register' && c.status)).toEqual(['BROADCASTING', 'PLAYABLE', 'PLAYABLE']);
    // the next keep-alive counts from the reaffirmed registration, not from the first
    clock.advance(59_000);
    await flush();
    expect(calls).toHaveLength(3);
    clock.advance(1_000);
    await flush();
    expect(calls).toHaveLength(4);
  });

  it('reaffirm before anything was registered, or after stop, sends nothing', async () => {
    const { keeper, calls } = make();
    keeper.reaffirm();
    await flush();
    expect(calls).toHaveLength(0);
    keeper.start();
    await flush();
    await keeper.stop();
    keeper.reaffirm();
    await flush();
    expect(calls.map((c) => c.kind)).toEqual(['register', 'unregister']);
  });
});
