// The WebSocket bridge on a real StationHttpServer (loopback only): snapshot on connect, deltas,
// mutations gated by the access token, non-loopback clients refused (peer address faked via the seam),
// foreign Origins refused, malformed messages answered.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { StationHttpServer } from '../../../main/http/server.js';
import { WsBridgeServer, CLOSE_UNAUTHORIZED } from '../../../main/bridge/ws-transport.js';
import { createBridgeHost } from '../../../main/bridge/server.js';
import { forwardRegistryEvents } from '../../../main/bridge/state-changes.js';
import { StationRegistry } from '../../../main/station/registry.js';
import { EventsLog } from '../../../main/station/events-log.js';
import { systemClock } from '../../../main/core/clock.js';
import { Redactor } from '../../../main/log/redact.js';
import { silentLogger } from '../../../main/log/logger.js';
import { isLocalRequest, loadOrCreateAccessToken, tokensEqual } from '../../../main/http/access-token.js';
import type { ServerMessage } from '../../../shared/bridge/wire.js';
import { freePort, tempDir, waitFor } from '../../helpers/net.js';
import { ACCEPTED, INFO, KALTURA, liveEntry } from '../../unit/station/helpers.js';
import { settingsHandlers, stubHandlers } from '../../unit/bridge/stub-handlers.js';

interface Rig {
  url: string;
  port: number;
  token: string;
  registry: StationRegistry;
  close: () => Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function rig(remoteAddress?: string, heartbeatMs?: number): Promise<Rig> {
  const dir = tempDir();
  const token = loadOrCreateAccessToken(dir);
  const clock = systemClock();
  const redactor = new Redactor();
  const events = new EventsLog({ clock, redactor });
  const registry = new StationRegistry({
    clock,
    info: INFO,
    kaltura: KALTURA,
    events,
    redactor,
    publishIntervalMs: 50,
  });
  const port = await freePort();
  const http = new StationHttpServer({ host: '127.0.0.1', port, renderer: { root: dir }, logger: silentLogger() });
  const host = createBridgeHost(
    stubHandlers({ ...settingsHandlers(), 'state.getSnapshot': async () => registry.snapshot() }),
    { validateOutgoing: true },
  );
  const off = forwardRegistryEvents((l) => registry.subscribe(l), host);
  const ws = new WsBridgeServer({
    host,
    access: { trusts: (presented) => tokensEqual(presented, token), isLocal: isLocalRequest },
    getSnapshot: () => registry.snapshot(),
    logger: silentLogger(),
    ...(remoteAddress ? { remoteAddressOf: () => remoteAddress } : {}),
    ...(heartbeatMs ? { heartbeatMs } : {}),
  });
  ws.attach(http);
  await http.listen();
  const close = async (): Promise<void> => {
    off();
    registry.dispose();
    await ws.close();
    await http.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  cleanups.push(close);
  return { url: `ws://127.0.0.1:${port}/bridge`, port, token, registry, close };
}

class Client {
  readonly messages: ServerMessage[] = [];
  closeCode: number | null = null;
  private nextId = 1;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.messages.push(JSON.parse(String(d)) as ServerMessage));
    ws.on('close', (code) => (this.closeCode = code));
    cleanups.push(async () => ws.terminate());
  }
  static async open(url: string, headers: Record<string, string> = {}): Promise<Client> {
    const ws = new WebSocket(url, { headers });
    const c = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('close', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }
  async request(name: string, payload: unknown, token?: string): Promise<ServerMessage> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ type: 'request', id, name, payload, ...(token ? { token } : {}) }));
    return waitFor(() => this.messages.find((m) => m.type === 'response' && m.id === id), {
      what: `response to ${name}`,
    });
  }
  events(name: string): ServerMessage[] {
    return this.messages.filter((m) => m.type === 'event' && m.name === name);
  }
}

describe('WebSocket bridge', () => {
  it('sends a snapshot on connect, then entry deltas', async () => {
    const r = await rig();
    const c = await Client.open(r.url);
    await waitFor(() => c.events('state.snapshot').length === 1, { what: 'snapshot' });
    r.registry.streamAccepted({ ...ACCEPTED, entry: liveEntry(), connectedAtMs: Date.now() });
    const delta = await waitFor(() => c.events('state.entry')[0], { what: 'entry delta' });
    expect(delta.type === 'event' && (delta.payload as { entryId: string }).entryId).toBe('0_rkij47dr');
  });

  it('a subscribe message narrows the events a client gets', async () => {
    const r = await rig();
    const c = await Client.open(r.url);
    await waitFor(() => c.events('state.snapshot').length === 1, { what: 'snapshot' });
    c.ws.send(JSON.stringify({ type: 'subscribe', events: ['state.event', 'no.such.event'] }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    r.registry.streamAccepted({ ...ACCEPTED, entry: liveEntry(), connectedAtMs: Date.now() });
    await waitFor(() => c.events('state.event').length > 0, { what: 'event line' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(c.events('state.entry')).toEqual([]);
  });

  it('a client without the token cannot change settings; one with the token can', async () => {
    const r = await rig();
    const anon = await Client.open(r.url);
    const refused = await anon.request('settings.update', { kaltura: { beaconsEnabled: false } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const wrong = await anon.request('settings.update', { kaltura: { beaconsEnabled: false } }, 'f'.repeat(32));
    expect(wrong).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const read = await anon.request('settings.get', {});
    expect(read).toMatchObject({ ok: true, payload: { kaltura: { beaconsEnabled: true } } });

    const perMessage = await anon.request('settings.update', { kaltura: { beaconsEnabled: false } }, r.token);
    expect(perMessage).toMatchObject({
      ok: true,
      payload: { ok: true, settings: { kaltura: { beaconsEnabled: false } } },
    });

    const owner = await Client.open(`${r.url}?token=${r.token}`);
    const changed = await owner.request('settings.update', { media: { defaultSegmentDurationSeconds: 4 } });
    expect(changed).toMatchObject({
      ok: true,
      payload: { ok: true, settings: { media: { defaultSegmentDurationSeconds: 4 } } },
    });
  });

  it('closes a non-loopback client without the token with 4401 before sending anything', async () => {
    const r = await rig('192.168.1.50');
    const c = await Client.open(r.url);
    await waitFor(() => c.closeCode !== null, { what: 'close' });
    expect(c.closeCode).toBe(CLOSE_UNAUTHORIZED);
    expect(c.messages).toEqual([]);
    const withToken = await Client.open(`${r.url}?token=${r.token}`);
    await waitFor(() => withToken.events('state.snapshot').length === 1, { what: 'snapshot for the token holder' });
    expect(withToken.closeCode).toBeNull();
  });

  it('treats a loopback peer that addressed another host name (DNS rebinding) like a remote client', async () => {
    const r = await rig();
    const c = await Client.open(r.url, { Host: 'evil.example', Origin: 'http://evil.example' });
    await waitFor(() => c.closeCode !== null, { what: 'close' });
    expect(c.closeCode).toBe(CLOSE_UNAUTHORIZED);
    expect(c.messages).toEqual([]);
  });

  it('refuses pages from another origin, accepts the station own origin', async () => {
    const r = await rig();
    const foreign = new WebSocket(r.url, { headers: { Origin: 'http://evil.example' } });
    cleanups.push(async () => foreign.terminate());
    const status = await new Promise<number>((resolve) => {
      foreign.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      foreign.on('error', () => resolve(-1));
    });
    expect(status).toBe(403);
    const own = await Client.open(r.url, { Origin: `http://127.0.0.1:${r.port}` });
    await waitFor(() => own.events('state.snapshot').length === 1, { what: 'snapshot on own origin' });
  });

  it('answers malformed messages with invalid_message and unknown requests with unknown_request', async () => {
    const r = await rig();
    const c = await Client.open(r.url);
    c.ws.send('{not json');
    await waitFor(() => c.messages.find((m) => m.type === 'response' && !m.ok && m.error.code === 'invalid_message'), {
      what: 'invalid_message',
    });
    c.ws.send(JSON.stringify({ type: 'request', id: 7, name: 'x'.repeat(500), payload: {} }));
    await waitFor(() => c.messages.find((m) => m.type === 'response' && m.id === 7 && !m.ok), { what: 'schema error' });
    const unknown = await c.request('station.selfDestruct', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_request' } });
    const bad = await c.request('events.list', { limit: 'all' });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload', message: expect.stringContaining('limit') },
    });
  });

  it('drops a client that stops answering pings', async () => {
    const r = await rig(undefined, 150);
    const healthy = await Client.open(r.url);
    // autoPong off: the client behaves like a laptop that went to sleep
    const ws = new WebSocket(r.url, { autoPong: false });
    const c = new Client(ws);
    await waitFor(() => c.events('state.snapshot').length === 1, { what: 'snapshot' });
    await waitFor(() => c.closeCode !== null, { what: 'server-side drop', timeoutMs: 5000 });
    expect(c.closeCode).toBe(1006);
    // a client that answers pings stays
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(healthy.closeCode).toBeNull();
  });

  it('closes a connection that sends more than the size limit', async () => {
    const r = await rig();
    const c = await Client.open(r.url);
    c.ws.send(JSON.stringify({ type: 'request', id: 1, name: 'settings.get', payload: { pad: 'x'.repeat(100_000) } }));
    await waitFor(() => c.closeCode !== null, { what: 'close on oversize' });
    expect(c.closeCode).toBe(1009);
  });
});
