// Secrets stay in: the admin secret and the KS never appear in error messages, log lines or call reports,
// even when Kaltura echoes the KS back (INVALID_KS "<ks>") and calls fail at the transport level.
import { describe, expect, it } from 'vitest';
import { createKalturaStack } from '../../../main/kaltura/stack.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { DEFAULT_SETTINGS } from '../../../shared/settings.js';
import { apiException, flush, jsonResponse, stubFetch, type RecordedRequest } from './stub-fetch.js';
import type { CallInfo } from '../../../main/kaltura/client-retry.js';
import { KalturaStatusSchema } from '../../../shared/state.js';
import { ConnectionTestResultSchema } from '../../../shared/bridge/contract.js';

const SECRET = 'f3e2d1c0b9a8f3e2d1c0b9a8f3e2d1c0';

describe('secret redaction', () => {
  it('a failing call: error, logs and observers contain neither the admin secret nor the KS', async () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink], level: 'debug' });
    // Kaltura echoes whatever KS it got into the INVALID_KS message and args
    const echo = (req: RecordedRequest) =>
      jsonResponse(
        apiException('INVALID_KS', `Invalid KS "${String(req.json?.ks)}", Error "-1,INVALID_STR"`, {
          KSID: String(req.json?.ks),
          ERR_CODE: '-1',
        }),
      );
    const stub = stubFetch([], echo);
    const calls: CallInfo[] = [];
    const stack = createKalturaStack({
      settings: {
        ...DEFAULT_SETTINGS.kaltura,
        mode: 'saas',
        serviceUrl: 'http://127.0.0.1:9',
        hostname: 'station-1',
        ksExpirySeconds: 60,
      },
      adminSecret: SECRET,
      version: '0.1.0',
      clock: new ManualClock(),
      logger,
      fetch: stub.fetch,
      sleep: async () => undefined,
      onCall: (c) => calls.push(c),
    });
    stack.start();
    await flush();
    const error = (await stack.service
      .authenticate({ partnerId: 102, entryId: '0_abcd1234', token: 'dj94kfit', mediaServerIndex: 0 })
      .catch((e: unknown) => e)) as Error & { args?: unknown };
    expect(error.name).toBe('KalturaApiError');
    const sentKs = stub.requests.map((r) => String(r.json?.ks)).filter((k) => k.startsWith('djJ8'));
    expect(sentKs.length).toBeGreaterThan(0);
    expect(sink.lines.some((l) => l.includes('regenerating it and retrying once'))).toBe(true);
    expect(stack.status().ks.state).toBe('error');
    // the station's own outputs
    const outputs = [
      error.message,
      JSON.stringify(error.args),
      String(error.stack),
      ...sink.lines,
      JSON.stringify(calls),
      JSON.stringify(stack.status()),
    ];
    for (const text of outputs) {
      expect(text).not.toContain(SECRET);
      for (const ks of sentKs) expect(text).not.toContain(ks);
      expect(text).not.toContain('dj94kfit');
    }
    // the KS did travel, as the ks param only; the secret never went over the wire
    for (const req of stub.requests) expect(JSON.stringify(req.json)).not.toContain(SECRET);
    stack.stop();
  });

  it('a transport failure on the serve GET (KS in the URL path) does not leak the KS', async () => {
    const stub = stubFetch([], () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })));
    const stack = createKalturaStack({
      settings: { ...DEFAULT_SETTINGS.kaltura, mode: 'saas', serviceUrl: 'http://127.0.0.1:9', hostname: 'station-1' },
      adminSecret: SECRET,
      version: '0.1.0',
      clock: new ManualClock(),
      fetch: stub.fetch,
      sleep: async () => undefined,
      verifyKs: false,
    });
    stack.start();
    const ks = stack.ks.currentKs() ?? 'missing';
    const error = (await stack.service
      .serveConversionProfile({ partnerId: 102, streamName: '0_abcd1234_1', extraParams: {} })
      .catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('KalturaTransportError');
    expect(stub.requests[0]?.url).toContain(`/ks/${ks}`);
    expect(error.message).not.toContain(ks);
    expect(stack.status().api).toMatchObject({ reachable: false });
    expect(stack.status().api.lastError).not.toContain(ks);
    stack.stop();
  });

  it('the stack refuses to start without a secret or service URL, saying what to set', () => {
    const base = {
      settings: { ...DEFAULT_SETTINGS.kaltura, mode: 'saas' as const, serviceUrl: 'http://127.0.0.1:9', hostname: 'h' },
      adminSecret: SECRET,
      version: '0',
    };
    expect(() => createKalturaStack({ ...base, adminSecret: '' })).toThrow(/enter the admin secret of partner -5/);
    expect(() => createKalturaStack({ ...base, settings: { ...base.settings, serviceUrl: '' } })).toThrow(
      /kaltura.serviceUrl is empty/,
    );
  });
});

describe('beacons and status', () => {
  it('beacon privateData is redacted before it leaves (KS, token fields, the admin secret)', async () => {
    const stub = stubFetch([], () => jsonResponse(true));
    const stack = createKalturaStack({
      settings: { ...DEFAULT_SETTINGS.kaltura, mode: 'saas', serviceUrl: 'http://127.0.0.1:9', hostname: 'station-1' },
      adminSecret: SECRET,
      version: '0',
      clock: new ManualClock(),
      fetch: stub.fetch,
      verifyKs: false,
    });
    stack.start();
    const ks = stack.ks.currentKs() ?? 'missing';
    const privateData = JSON.stringify({
      alerts: [
        {
          Arguments: {
            entryId: '0_abcd1234',
            t: 'dj94kfit',
            parameter: `rtmp://h/kLive/?p=1&t=dj94kfit ${ks} ${SECRET}`,
          },
          Code: 111,
        },
      ],
    });
    await stack.service.addBeacon({ partnerId: 102, entryId: '0_abcd1234', eventType: '0_healthData', privateData });
    const sent = String((stub.requests[0]?.json?.beacon as { privateData?: string }).privateData);
    expect(sent).toContain('"Code":111');
    expect(sent).not.toContain('dj94kfit');
    expect(sent).not.toContain(ks);
    expect(sent).not.toContain(SECRET);
    stack.stop();
  });

  it('onChange reports KS validity and API reachability changes', async () => {
    let down = false;
    const stub = stubFetch([], () =>
      down
        ? Promise.reject(new TypeError('fetch failed'))
        : jsonResponse({ partnerId: -5, objectType: 'KalturaSessionInfo' }),
    );
    const stack = createKalturaStack({
      settings: { ...DEFAULT_SETTINGS.kaltura, mode: 'saas', serviceUrl: 'http://127.0.0.1:9', hostname: 'station-1' },
      adminSecret: SECRET,
      version: '0',
      clock: new ManualClock(),
      fetch: stub.fetch,
      sleep: async () => undefined,
    });
    const seen: Array<{ ks: string; reachable: boolean | null }> = [];
    stack.onChange((s) => seen.push({ ks: s.ks.state, reachable: s.api.reachable }));
    stack.start();
    await flush();
    expect(seen.at(-1)).toEqual({ ks: 'valid', reachable: true });
    down = true;
    await stack.service.testConnection();
    expect(seen.at(-1)).toEqual({ ks: 'valid', reachable: false });
    expect(stack.status().api.lastError).toMatch(/could not reach http:\/\/127.0.0.1:9/);
    // the shapes the bridge publishes
    expect(() => KalturaStatusSchema.parse(stack.status())).not.toThrow();
    expect(ConnectionTestResultSchema.parse(await stack.service.testConnection())).toMatchObject({
      ok: false,
      latencyMs: null,
    });
    expect(KalturaStatusSchema.shape.ks.parse(await stack.ks.renewNow())).toMatchObject({ state: 'valid' });
    stack.stop();
  });
});
