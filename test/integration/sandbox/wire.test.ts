// The sandbox over raw HTTP the way other clients call it: form-encoded format=2 (Kaltura's Java
// media-server client), path pairs (Wowza's serve GET), CORS, bad inputs in Kaltura's error form, faults.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { startSandbox, type SandboxHandle } from '../../../main/sandbox/index.js';
import { generateKsV1, generateKsV2 } from '../../../main/core/ks.js';
import { SHARED_DIR, tempDir } from '../../helpers/net.js';

let sandbox: SandboxHandle;
let dataDir: string;
let msKs: string;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function call(
  pathAndQuery: string,
  init: { body?: string; contentType?: string; method?: string } = {},
): Promise<Answer> {
  const res = await fetch(sandbox.serviceUrl + pathAndQuery, {
    method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
    ...(init.body !== undefined ? { body: init.body } : {}),
    headers: init.contentType ? { 'Content-Type': init.contentType } : {},
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const form = (fields: Record<string, string | number>): string =>
  new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString();
const FORM = 'application/x-www-form-urlencoded';

beforeAll(async () => {
  dataDir = tempDir('klive-sandbox-wire-');
  sandbox = await startSandbox({ dataDir, rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive', logger: silentLogger() });
  msKs = generateKsV2({
    secret: sandbox.adminSecret(-5) as string,
    partnerId: -5,
    userId: 'MediaServer',
    type: 2,
    privileges: 'disableentitlement',
    expiresAtSeconds: Math.floor(Date.now() / 1000) + 3600,
  });
  sandbox.store.createEntry({ partnerId: 102, name: 'Fixture entry', id: '0_abcd1234' });
  // Kaltura accepts authenticate/registerMediaServer only from a registered media server node
  sandbox.store.addMediaServerNode('wowza1');
});

afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('sandbox api_v3 wire', () => {
  it('form-encoded authenticate with format=2 answers one-line XML, objectType first, bools as 1/0', async () => {
    const a = await call('/api_v3/service/liveStream/action/authenticate', {
      contentType: FORM,
      body: form({
        format: 2,
        ignoreNull: 1,
        ks: msKs,
        partnerId: 102,
        entryId: '0_rkij47dr',
        token: 'dj94kfit',
        hostname: 'wowza1',
        mediaServerIndex: 0,
      }),
    });
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('text/xml');
    expect(a.text).toMatch(
      /^<\?xml version="1\.0" encoding="utf-8"\?><xml><result><objectType>KalturaLiveStreamEntry<\/objectType>/,
    );
    expect(a.text).toContain('<id>0_rkij47dr</id>');
    expect(a.text).toContain('<explicitLive>0</explicitLive>');
    expect(a.text).toMatch(/<\/result><executionTime>[\d.]+<\/executionTime><\/xml>$/);
    expect(a.text).not.toContain('\n');
  });

  it('XML is the default format; errors are HTTP 200 with the error element and X-Kaltura headers', async () => {
    const a = await call('/api_v3/service/livestream/action/get?entryId=0_rkij47dr');
    expect(a.status).toBe(200);
    expect(a.text).toContain(
      '<result><error><code>SERVICE_FORBIDDEN</code><message>The access to service [livestream-&gt;get] is forbidden</message><objectType>KalturaAPIException</objectType><args><item><objectType>KalturaApiExceptionArg</objectType><name>SERVICE</name><value>livestream-&gt;get</value></item></args></error></result>',
    );
    expect(a.headers.get('x-kaltura')).toBe('error-SERVICE_FORBIDDEN');
    expect(a.headers.get('x-kaltura-app')).toBe(
      'exiting on error SERVICE_FORBIDDEN - The access to service [livestream->get] is forbidden',
    );
  });

  it('accepts KS v1, index.php path pairs and query parameters, with URL parameters overriding the body', async () => {
    const v1 = generateKsV1({
      secret: sandbox.adminSecret(102) as string,
      partnerId: 102,
      userId: 'admin',
      type: 2,
      privileges: '',
      expiresAtSeconds: Math.floor(Date.now() / 1000) + 600,
    });
    const a = await call(
      `/api_v3/index.php/service/LIVESTREAM/action/GET/entryId/0_rkij47dr?format=1&ks=${encodeURIComponent(v1)}`,
      {
        contentType: FORM,
        body: form({ entryId: '0_abcd1234', format: 2 }),
      },
    );
    expect(JSON.parse(a.text)).toMatchObject({ id: '0_rkij47dr', objectType: 'KalturaLiveStreamEntry' });
    const b = await call(
      `/api_v3/index.php?service=livestream&action=get&format=1&entryId=0_abcd1234&ks=${encodeURIComponent(v1)}`,
    );
    expect(JSON.parse(b.text)).toMatchObject({ id: '0_abcd1234' });
    expect(b.text).toContain('"primaryBroadcastingUrl":"rtmp:\\/\\/127.0.0.1:1935\\/kLive\\/?p=102&e=0_abcd1234');
  });

  it('flattened form multirequest (1-based) with a reference, answered as XML items', async () => {
    const a = await call('/api_v3/service/multirequest', {
      contentType: FORM,
      body: form({
        ks: msKs,
        partnerId: 102,
        '1:service': 'livestream',
        '1:action': 'get',
        '1:entryId': '0_rkij47dr',
        '2:service': 'entryservernode',
        '2:action': 'list',
        '2:filter:objectType': 'KalturaLiveEntryServerNodeFilter',
        '2:filter:entryIdEqual': '{1:result:id}',
        '3:service': 'conversionprofile',
        '3:action': 'get',
        '3:id': '{1:result:conversionProfileId}',
        '4:service': 'nosuch',
        '4:action': 'x',
      }),
    });
    expect(a.text).toMatch(
      /^<\?xml version="1\.0" encoding="utf-8"\?><xml><result><item><objectType>KalturaLiveStreamEntry<\/objectType>/,
    );
    expect(a.text).toContain(
      '<item><objectType>KalturaEntryServerNodeListResponse</objectType><objects><item><objectType>KalturaLiveEntryServerNode</objectType>',
    );
    expect(a.text).toContain('<name>Cloud transcode</name>');
    expect(a.text).toContain('<item><error><code>SERVICE_DOES_NOT_EXISTS</code>');
  });

  it('serve over GET with path pairs returns the fixture XML; errors are an empty body with X-Kaltura', async () => {
    const extra = encodeURIComponent(JSON.stringify({ videodatarate: '2500.0', width: '1280.0', height: '720.0' }));
    const a = await call(
      `/api_v3/index.php/service/wowza_liveConversionProfile/action/serve/partnerId/102/streamName/0_abcd1234_1/f/transcode.xml/extraParams/${extra}/ks/${msKs}`,
    );
    const fixture = fs.readFileSync(path.join(SHARED_DIR, 'fixtures', 'kaltura', 'serve-default-live.xml'), 'utf8');
    expect(a.headers.get('content-type')).toBe('text/xml');
    expect(a.headers.get('cache-control')).toBe('public, max-age=8640000, max-stale=0');
    expect(a.text.trim()).toBe(fixture.trim());
    const bad = await call(
      '/api_v3/index.php/service/wowza_liveConversionProfile/action/serve/streamName/0_abcd1234_9/f/transcode.xml',
    );
    expect(bad.text).toBe('');
    expect(bad.headers.get('x-kaltura')).toBe('error-INGEST_NOT_FOUND_IN_CONVERSION_PROFILE');
    const badName = await call('/api_v3/index.php/service/wowza_liveConversionProfile/action/serve/streamName/foo');
    expect(badName.text).toBe('');
    expect(badName.headers.get('x-kaltura-app')).toBe(
      'exiting on error INVALID_STREAM_NAME - Invalid stream name [foo]',
    );
  });

  it('OPTIONS answers CORS', async () => {
    const a = await call('/api_v3/service/session/action/start', { method: 'OPTIONS' });
    expect(a.status).toBe(200);
    expect(a.headers.get('access-control-allow-origin')).toBe('*');
    expect(a.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('bad inputs each get Kaltura error form and the server stays up', async () => {
    const json = async (p: string, body: unknown): Promise<Record<string, unknown>> => {
      const a = await call(p, {
        contentType: 'application/json',
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(a.status).toBe(200);
      return JSON.parse(a.text) as Record<string, unknown>;
    };
    expect(await json('/api_v3/service/nosuch/action/get', { format: 1 })).toMatchObject({
      code: 'SERVICE_DOES_NOT_EXISTS',
      message: 'Service "nosuch" does not exists',
      objectType: 'KalturaAPIException',
    });
    expect(await json('/api_v3/service/livestream/action/fly', { format: 1 })).toMatchObject({
      code: 'ACTION_DOES_NOT_EXISTS',
      message: 'Action "fly" does not exists for service "livestream"',
    });
    expect(await json('/api_v3/service/livestream/action/get', { format: 1, ks: msKs, partnerId: 102 })).toMatchObject({
      code: 'MISSING_MANDATORY_PARAMETER',
      args: { PARAM_NAME: 'entryId' },
    });
    expect(
      await json('/api_v3/service/livestream/action/registerMediaServer', {
        format: 1,
        ks: msKs,
        partnerId: 102,
        entryId: '0_rkij47dr',
        hostname: 'h',
        mediaServerIndex: 'seven',
      }),
    ).toMatchObject({ code: 'INVALID_ENUM_VALUE', args: { PARAM_NAME: 'mediaServerIndex' } });
    expect(await json('/api_v3/service/livestream/action/get', '{"format":1,"ks":')).toMatchObject({
      code: 'INVALID_JSON_BODY',
      objectType: 'KalturaAPIException',
    });
    expect(
      await json('/api_v3/service/livestream/action/get', {
        format: 1,
        ks: msKs,
        partnerId: 102,
        entryId: '../../etc',
      }),
    ).toMatchObject({ code: 'ENTRY_ID_NOT_FOUND', message: 'Entry id "../../etc" not found' });
    expect(
      await json('/api_v3/service/uploadtoken/action/get', {
        format: 1,
        ks: msKs,
        partnerId: 102,
        uploadTokenId: '../../../etc/passwd',
      }),
    ).toMatchObject({ code: 'UPLOAD_TOKEN_NOT_FOUND' });
    expect(
      await json('/api_v3/service/livestream/action/get', {
        format: 1,
        ks: msKs,
        partnerId: 4242,
        entryId: '0_rkij47dr',
      }),
    ).toMatchObject({ code: 'SERVICE_FORBIDDEN_CONTENT_BLOCKED' });
    const big = await json(
      '/api_v3/service/livestream/action/get',
      JSON.stringify({ format: 1, pad: 'x'.repeat(1024 * 1024 + 10) }),
    );
    expect(big).toMatchObject({ code: 'REQUEST_BODY_TOO_LARGE' });
    const unknownFormat = await call('/api_v3/service/livestream/action/get?format=42');
    expect(unknownFormat.text).toBe('');
    expect(unknownFormat.headers.get('x-kaltura')).toBe('error-UNKNOWN_RESPONSE_FORMAT');
    // still up
    const ok = await call('/api_v3/service/livestream/action/isLive?format=1&id=0_rkij47dr');
    expect(ok.text).toBe('false');
  });

  it('faults: errorRate, down (no HTTP answer), latency, ksLifetimeSeconds; reset restores', async () => {
    sandbox.faults.set({ errorRate: 1 });
    const failing = await call('/api_v3/service/livestream/action/isLive?format=1&id=0_rkij47dr');
    expect(JSON.parse(failing.text)).toMatchObject({
      code: 'INTERNAL_SERVERL_ERROR',
      message: 'Internal server error occurred',
    });
    sandbox.faults.reset();

    sandbox.faults.set({ down: true });
    const noAnswer = await new Promise<string>((resolve) => {
      const req = http.get(`${sandbox.serviceUrl}/api_v3/service/livestream/action/isLive?id=0_rkij47dr`, () =>
        resolve('answered'),
      );
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(noAnswer).toMatch(/ECONNRESET|EPIPE|socket hang up/);
    sandbox.faults.reset();

    sandbox.faults.set({ latencyMs: 300 });
    const startedMs = Date.now();
    const slow = await call('/api_v3/service/livestream/action/isLive?format=1&id=0_rkij47dr');
    expect(slow.text).toBe('false');
    // a lower bound only: the answer cannot come before the injected delay
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(290);
    sandbox.faults.reset();

    sandbox.faults.set({ ksLifetimeSeconds: 0 });
    const ks = generateKsV2({
      secret: sandbox.adminSecret(102) as string,
      partnerId: 102,
      userId: '',
      type: 2,
      privileges: '',
      expiresAtSeconds: Math.floor(Date.now() / 1000) + 600,
    });
    await call(`/api_v3/service/livestream/action/get?format=1&entryId=0_rkij47dr&ks=${ks}`);
    await new Promise((r) => setTimeout(r, 20));
    const expired = await call(`/api_v3/service/livestream/action/get?format=1&entryId=0_rkij47dr&ks=${ks}`);
    expect(JSON.parse(expired.text)).toMatchObject({
      code: 'INVALID_KS',
      message: 'Invalid KS "EXPIRED", Error "-1,INVALID_STR"',
    });
    sandbox.faults.reset();
    const fine = await call(`/api_v3/service/livestream/action/get?format=1&entryId=0_rkij47dr&ks=${ks}`);
    expect(JSON.parse(fine.text)).toMatchObject({ id: '0_rkij47dr' });
    expect(() => sandbox.faults.set({ errorRate: 2 })).toThrow(/errorRate must be between 0 and 1/);
  });
});
