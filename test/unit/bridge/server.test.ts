import { describe, expect, it } from 'vitest';
import { createBridgeHost } from '../../../main/bridge/server.js';
import { forwardRegistryEvents } from '../../../main/bridge/state-changes.js';
import { BridgeRequestError } from '../../../shared/bridge/errors.js';
import { Redactor } from '../../../main/log/redact.js';
import { settingsHandlers, stubHandlers } from './stub-handlers.js';
import { makeRegistry } from '../station/helpers.js';

const trusted = { transport: 'ws' as const, trusted: true };
const untrusted = { transport: 'ws' as const, trusted: false };

async function callError(p: Promise<unknown>): Promise<BridgeRequestError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BridgeRequestError) return e;
    throw e;
  }
  throw new Error('expected a BridgeRequestError');
}

describe('createBridgeHost', () => {
  it('refuses unknown requests, naming the known ones', async () => {
    const host = createBridgeHost(stubHandlers({}));
    const e = await callError(host.handle('settings.delete', {}, trusted));
    expect(e.code).toBe('unknown_request');
    expect(e.message).toContain('settings.get');
  });

  it('refuses a mutating request from an untrusted caller before calling the handler', async () => {
    const s = settingsHandlers();
    const host = createBridgeHost(stubHandlers(s));
    const e = await callError(host.handle('settings.update', { adminSecret: 'abcdef0123' }, untrusted));
    expect(e.code).toBe('forbidden');
    expect(e.message).toMatch(/access token/);
    expect(s.secret()).toBeNull();
    await expect(host.handle('settings.get', {}, untrusted)).resolves.toMatchObject({ adminSecretStored: false });
  });

  it('validates payloads and names the bad field', async () => {
    const host = createBridgeHost(stubHandlers(settingsHandlers()));
    const e = await callError(host.handle('settings.update', { kaltura: { ksExpirySeconds: 5 } }, trusted));
    expect(e.code).toBe('invalid_payload');
    expect(e.message).toMatch(/kaltura\.ksExpirySeconds: /);
    const extra = await callError(host.handle('settings.update', { kaltura: { nope: 1 } }, trusted));
    expect(extra.message).toMatch(/nope/);
  });

  it('returns handler results, including field errors as data, and never echoes the secret', async () => {
    const host = createBridgeHost(stubHandlers(settingsHandlers()));
    const bad = await host.handle('settings.update', { kaltura: { mode: 'saas' } }, trusted);
    expect(bad).toEqual({
      ok: false,
      errors: [{ path: 'kaltura.serviceUrl', message: expect.stringContaining('service URL') }],
    });
    const good = await host.handle(
      'settings.update',
      { kaltura: { mode: 'saas', serviceUrl: 'https://www.kaltura.com' }, adminSecret: 's3cr3t-admin' },
      trusted,
    );
    expect(good).toMatchObject({ ok: true, settings: { adminSecretStored: true, kaltura: { mode: 'saas' } } });
    expect(JSON.stringify(good)).not.toContain('s3cr3t-admin');
  });

  it('wraps handler failures as "failed" with secrets redacted', async () => {
    const redactor = new Redactor();
    redactor.addSecret('supersecretvalue');
    const host = createBridgeHost(
      stubHandlers({
        'kaltura.renewKs': async () => {
          throw new Error('bad secret supersecretvalue at https://x/api_v3?ks=djJ8abcdefghijklmnop');
        },
      }),
      { redactor },
    );
    const e = await callError(host.handle('kaltura.renewKs', {}, trusted));
    expect(e.code).toBe('failed');
    expect(e.message).not.toContain('supersecretvalue');
    expect(e.message).not.toContain('djJ8abcdefghijklmnop');
  });

  it('rejects a handler response outside the contract when validating', async () => {
    const host = createBridgeHost(
      stubHandlers({ 'kaltura.testConnection': async () => ({ ok: true, message: 'fine' }) as never }),
      { validateOutgoing: true },
    );
    const e = await callError(host.handle('kaltura.testConnection', {}, trusted));
    expect(e.code).toBe('failed');
    expect(e.message).toMatch(/latencyMs/);
  });

  it('applies defaults from the schema (events.list limit)', async () => {
    let seen: unknown;
    const host = createBridgeHost(
      stubHandlers({
        'events.list': async (p) => {
          seen = p;
          return [];
        },
      }),
    );
    await host.handle('events.list', { severity: 'warning' }, untrusted);
    expect(seen).toEqual({ severity: 'warning', limit: 100 });
  });

  it('forwards registry changes as validated bridge events and drops invalid ones', () => {
    const host = createBridgeHost(stubHandlers({}), { validateOutgoing: true });
    const got: string[] = [];
    host.subscribe((name) => got.push(name));
    const r = makeRegistry();
    const off = forwardRegistryEvents((l) => r.registry.subscribe(l), host);
    r.registry.streamAccepted({
      streamId: 's1',
      entryId: '0_abcdefgh',
      partnerId: 1,
      streamName: '0_abcdefgh_1',
      suffix: 1,
      mediaServerIndex: 0,
      sourceAddress: '127.0.0.1',
      entry: {
        id: '0_abcdefgh',
        partnerId: 1,
        name: 'n',
        conversionProfileId: null,
        dvrStatus: 0,
        dvrWindow: null,
        recordStatus: 0,
        recordedEntryId: null,
        segmentDuration: null,
        explicitLive: null,
      },
      connectedAtMs: r.clock.nowMs(),
      resumed: false,
    });
    r.clock.advance(300);
    expect(got).toEqual(expect.arrayContaining(['state.event', 'state.entry']));
    host.emit('state.entryRemoved', { entryId: 5 } as unknown as { entryId: string });
    expect(got).not.toContain('state.entryRemoved');
    off();
    r.registry.system({ ...r.registry.snapshot().system, rssBytes: 1 });
    r.clock.advance(300);
    expect(got).not.toContain('state.system');
  });

  it('follows the registry only while a transport listens: no entry state is built for nobody', () => {
    const host = createBridgeHost(stubHandlers({}), { validateOutgoing: true });
    const r = makeRegistry();
    let registryListeners = 0;
    const off = forwardRegistryEvents((l) => {
      registryListeners++;
      const unsubscribe = r.registry.subscribe(l);
      return () => {
        registryListeners--;
        unsubscribe();
      };
    }, host);
    expect(registryListeners).toBe(0);
    const got: string[] = [];
    const stopA = host.subscribe((name) => got.push(`a:${name}`));
    const stopB = host.subscribe((name) => got.push(`b:${name}`));
    expect(registryListeners).toBe(1);
    r.registry.system({ ...r.registry.snapshot().system, rssBytes: 1 });
    r.clock.advance(300);
    expect(got).toEqual(['a:state.system', 'b:state.system']);
    stopA();
    expect(registryListeners).toBe(1);
    stopB();
    expect(registryListeners).toBe(0);
    r.registry.system({ ...r.registry.snapshot().system, rssBytes: 2 });
    r.clock.advance(300);
    expect(got).toHaveLength(2);
    // the next client starts from a snapshot and follows again
    host.subscribe((name) => got.push(`c:${name}`));
    r.registry.system({ ...r.registry.snapshot().system, rssBytes: 3 });
    r.clock.advance(300);
    expect(got.slice(2)).toEqual(['c:state.system']);
    off();
    expect(registryListeners).toBe(0);
  });
});
