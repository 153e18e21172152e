// Main checks its own answers and events against the contract in development and under test, not in production:
// an invalid outgoing payload is caught at its source (a failed request, a dropped event), never sent.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBridgeHost, validatesOutgoing } from '../../../main/bridge/server.js';
import { BridgeErrorCode, BridgeRequestError } from '../../../shared/bridge/errors.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';
import { stubHandlers } from './stub-handlers.js';

const trusted = { transport: 'ipc' as const, trusted: true };
const badAnswer = stubHandlers({ 'kaltura.testConnection': async () => ({ ok: true, message: 'fine' }) as never });

afterEach(() => vi.unstubAllEnvs());

describe('validation of outgoing messages', () => {
  it('is on in development and under test, off in production and when NODE_ENV is unset', () => {
    expect(validatesOutgoing({ NODE_ENV: 'development' })).toBe(true);
    expect(validatesOutgoing({ NODE_ENV: 'test' })).toBe(true);
    expect(validatesOutgoing({ NODE_ENV: 'production' })).toBe(false);
    expect(validatesOutgoing({})).toBe(false);
  });

  it('in development (no option), an answer outside the contract fails the request and is logged', async () => {
    vi.stubEnv('NODE_ENV', 'development');
    const sink = memorySink();
    const host = createBridgeHost(badAnswer, { logger: createLogger({ sinks: [sink] }) });
    const error = await host.handle('kaltura.testConnection', {}, trusted).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeRequestError);
    expect(error).toMatchObject({ code: BridgeErrorCode.failed, message: expect.stringMatching(/latencyMs/) });
    expect(sink.lines.some((l) => l.includes('outside the contract'))).toBe(true);
  });

  it('in development (no option), an event outside the contract is dropped, a valid one goes out', () => {
    vi.stubEnv('NODE_ENV', 'development');
    const host = createBridgeHost(stubHandlers({}));
    const got: unknown[] = [];
    host.subscribe((name, payload) => got.push([name, payload]));
    host.emit('state.entryRemoved', { entryId: 5 } as unknown as { entryId: string });
    host.emit('state.entryRemoved', { entryId: '0_abcdefgh' });
    expect(got).toEqual([['state.entryRemoved', { entryId: '0_abcdefgh' }]]);
  });

  it('in production (no option), the station does not spend the check: the renderer checks what it receives', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const host = createBridgeHost(badAnswer);
    await expect(host.handle('kaltura.testConnection', {}, trusted)).resolves.toEqual({ ok: true, message: 'fine' });
  });

  it('the option wins over NODE_ENV', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const host = createBridgeHost(badAnswer, { validateOutgoing: true });
    await expect(host.handle('kaltura.testConnection', {}, trusted)).rejects.toMatchObject({ code: 'failed' });
  });
});
