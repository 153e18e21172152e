// The WebSocket bridge client against a fake socket and fake timers: envelope, token on mutations only,
// response validation, events, queueing while disconnected, reconnect backoff and close.
import { afterEach, describe, expect, it } from 'vitest';
import { WsBridgeClient } from '../../../renderer/src/bridge/ws-client.js';
import { BridgeRequestError } from '../../../shared/bridge/errors.js';
import type { SocketLike, Timers } from '../../../renderer/src/bridge/ws-client.js';
import { bridgeUrl, connectBridge, readAccessToken } from '../../../renderer/src/bridge/client.js';
import { describeError } from '../../../renderer/src/state/sync.js';
import { makeEntry, makeFakeBridge, makeInfo, makeSnapshot } from './fixtures.js';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code?: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  serverSends(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  requests(): { id: number; name: string; payload: unknown; token?: string }[] {
    return this.sent.filter(
      (m): m is { type: 'request'; id: number; name: string; payload: unknown; token?: string } =>
        (m as { type: string }).type === 'request',
    );
  }
}

class FakeTimers implements Timers {
  private nextHandle = 1;
  readonly pending = new Map<number, { fn: () => void; delayMs: number }>();
  setTimeout(fn: () => void, delayMs: number): unknown {
    const handle = this.nextHandle++;
    this.pending.set(handle, { fn, delayMs });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** delays of the pending timers, sorted */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.delayMs).sort((a, b) => a - b);
  }
  /** runs every pending timer with exactly this delay */
  fire(delayMs: number): void {
    for (const [handle, t] of [...this.pending]) {
      if (t.delayMs === delayMs) {
        this.pending.delete(handle);
        t.fn();
      }
    }
  }
}

const REQUEST_TIMEOUT_MS = 15_000;
let clients: WsBridgeClient[] = [];
afterEach(() => {
  for (const c of clients) c.close();
  clients = [];
});

function setup(accessToken: string | null = 'tok-123') {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  const client = new WsBridgeClient({
    url: 'ws://127.0.0.1:8080/bridge',
    accessToken,
    timers,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    initialReconnectDelayMs: 500,
    maxReconnectDelayMs: 4000,
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
  });
  clients.push(client);
  const current = () => {
    const s = sockets[sockets.length - 1];
    if (!s) throw new Error('no socket');
    return s;
  };
  return { client, sockets, timers, current };
}

describe('WsBridgeClient', () => {
  it('subscribes to every contract event on open and reports the status', () => {
    const { client, current } = setup();
    const statuses: string[] = [];
    client.onStatus((s) => statuses.push(s));
    expect(current().url).toBe('ws://127.0.0.1:8080/bridge');
    current().open();
    const subscribe = current().sent[0] as { type: string; events: string[] };
    expect(subscribe.type).toBe('subscribe');
    expect(subscribe.events).toContain('state.snapshot');
    expect(subscribe.events).toContain('state.entry');
    expect(statuses).toEqual(['open']);
  });

  it('sends the access token with mutating requests only, and resolves validated responses', async () => {
    const { client, current } = setup();
    current().open();
    const info = client.request['station.getInfo']({});
    const renew = client.request['kaltura.renewKs']({});
    const [getInfo, renewKs] = current().requests();
    expect(getInfo).toMatchObject({ name: 'station.getInfo', payload: {} });
    expect(getInfo?.token).toBeUndefined();
    expect(renewKs).toMatchObject({ name: 'kaltura.renewKs', token: 'tok-123' });
    current().serverSends({ type: 'response', id: getInfo?.id, ok: true, payload: makeInfo() });
    current().serverSends({
      type: 'response',
      id: renewKs?.id,
      ok: true,
      payload: { state: 'valid', validUntilMs: 5, lastRenewalAtMs: 1, lastError: null },
    });
    await expect(info).resolves.toEqual(makeInfo());
    await expect(renew).resolves.toMatchObject({ state: 'valid' });
  });

  it('rejects a response that does not match the contract', async () => {
    const { client, current } = setup();
    current().open();
    const info = client.request['station.getInfo']({});
    current().serverSends({
      type: 'response',
      id: current().requests()[0]?.id,
      ok: true,
      payload: { name: 'something else' },
    });
    await expect(info).rejects.toMatchObject({ name: 'BridgeRequestError', code: 'invalid_response' });
  });

  it('turns an error response into a BridgeRequestError with the wire code and message', async () => {
    const { client, current } = setup(null);
    current().open();
    const update = client.request['settings.update']({ kaltura: { hostname: 'x' } });
    const sent = current().requests()[0];
    expect(sent?.token).toBeUndefined();
    current().serverSends({
      type: 'response',
      id: sent?.id,
      ok: false,
      error: { code: 'forbidden', message: 'needs the access token' },
    });
    const error = await update.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeRequestError);
    expect(error).toMatchObject({ code: 'forbidden', message: 'needs the access token' });
  });

  it('delivers validated events to subscribers and drops malformed ones', () => {
    const { client, current } = setup();
    current().open();
    const got: string[] = [];
    const unsubscribe = client.on['state.entry']((entry) => got.push(entry.entryId));
    current().serverSends({ type: 'event', name: 'state.entry', payload: makeEntry({ entryId: '0_aaaaaaaa' }) });
    current().serverSends({ type: 'event', name: 'state.entry', payload: { entryId: 'broken' } });
    current().serverSends({ type: 'event', name: 'no.such.event', payload: {} });
    current().onmessage?.({ data: 'not json' });
    unsubscribe();
    current().serverSends({ type: 'event', name: 'state.entry', payload: makeEntry({ entryId: '0_bbbbbbbb' }) });
    expect(got).toEqual(['0_aaaaaaaa']);
  });

  it('queues requests made before the socket opens and sends them on open', async () => {
    const { client, current } = setup();
    const snapshot = client.request['state.getSnapshot']({});
    expect(current().requests()).toEqual([]);
    current().open();
    const sent = current().requests()[0];
    expect(sent?.name).toBe('state.getSnapshot');
    current().serverSends({ type: 'response', id: sent?.id, ok: true, payload: makeSnapshot() });
    await expect(snapshot).resolves.toMatchObject({ entries: [{ entryId: '0_rkij47dr' }] });
  });

  it('times out a request the station never answers', async () => {
    const { client, current, timers } = setup();
    current().open();
    const info = client.request['station.getInfo']({});
    timers.fire(REQUEST_TIMEOUT_MS);
    await expect(info).rejects.toMatchObject({ code: 'timeout' });
  });

  it('on a dropped connection rejects what is in flight, then reconnects with doubling capped backoff, reset after a successful open', async () => {
    const { client, sockets, timers, current } = setup();
    const statuses: string[] = [];
    client.onStatus((s) => statuses.push(s));
    current().open();
    const inFlight = client.request['station.getInfo']({});
    current().drop();
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected' });
    expect(statuses).toEqual(['open', 'reconnecting']);

    const delays: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const delay = timers.delays()[0];
      if (delay === undefined) throw new Error('no reconnect timer');
      delays.push(delay);
      timers.fire(delay);
      current().drop();
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(sockets).toHaveLength(6);

    timers.fire(timers.delays()[0] ?? -1);
    current().open();
    expect(statuses[statuses.length - 1]).toBe('open');
    current().drop();
    expect(timers.delays()).toEqual([500]);
  });

  it('stops retrying when the station says the access token is missing (4401)', () => {
    const { client, timers, current } = setup(null);
    current().open();
    current().drop(4401);
    expect(client.getStatus()).toBe('unauthorized');
    expect(timers.delays()).toEqual([]);
  });

  it('close() stops reconnecting and rejects new requests', async () => {
    const { client, timers, current } = setup();
    current().open();
    client.close();
    expect(current().closed).toBe(true);
    expect(timers.delays()).toEqual([]);
    expect(client.getStatus()).toBe('closed');
    await expect(client.request['station.getInfo']({})).rejects.toMatchObject({ code: 'disconnected' });
  });
});

describe('connectBridge', () => {
  const doc = (token: string | null) => ({
    querySelector: (selector: string) =>
      selector === 'meta[name="klive-access-token"]' && token !== null
        ? { getAttribute: (n: string) => (n === 'content' ? token : null) }
        : null,
  });

  it('reads the access token from the meta tag, else from the page address', () => {
    expect(readAccessToken(doc('abc'))).toBe('abc');
    expect(readAccessToken(doc('abc'), '?token=other')).toBe('abc');
    expect(readAccessToken(doc('  '), '?token=fromurl')).toBe('fromurl');
    expect(readAccessToken(doc(null))).toBeNull();
  });

  it('derives ws:// or wss:// from the page and carries the token in the handshake', () => {
    expect(bridgeUrl({ protocol: 'http:', host: '192.168.1.5:8080' })).toBe('ws://192.168.1.5:8080/bridge');
    expect(bridgeUrl({ protocol: 'https:', host: 'station.local' }, 'a b')).toBe(
      'wss://station.local/bridge?token=a%20b',
    );
  });

  it('uses the Electron preload when window.klive is present, validating its answers and events', async () => {
    const klive = makeFakeBridge({
      'station.getInfo': () => makeInfo(),
      'state.getSnapshot': () => ({ entries: 'nope' }) as never,
    });
    const connection = connectBridge({ klive, location: { protocol: 'file:', host: '' }, document: doc(null) });
    expect(connection.transport).toBe('ipc');
    expect(connection.canMutate).toBe(true);
    expect(connection.getStatus()).toBe('open');
    await expect(connection.bridge.request['station.getInfo']({})).resolves.toEqual(makeInfo());
    await expect(connection.bridge.request['state.getSnapshot']({})).rejects.toMatchObject({
      code: 'invalid_response',
    });
    const got: string[] = [];
    const off = connection.bridge.on['state.entry']((e) => got.push(e.entryId));
    klive.emit('state.entry', makeEntry({ entryId: '0_aaaaaaaa' }));
    klive.emit('state.entry', { entryId: 'broken' } as never);
    off();
    klive.emit('state.entry', makeEntry({ entryId: '0_bbbbbbbb' }));
    expect(got).toEqual(['0_aaaaaaaa']);
  });

  it("shows IPC errors without the preload's [code] prefix", () => {
    expect(describeError(new Error('[forbidden] needs the access token'))).toBe('needs the access token');
    expect(describeError(new Error('plain'))).toBe('plain');
  });
});
