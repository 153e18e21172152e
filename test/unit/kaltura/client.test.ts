// The api_v3 client over a scripted fetch: wire format, error decoding, retries, INVALID_KS regeneration.
import { describe, expect, it, vi } from 'vitest';
import { KalturaClient } from '../../../main/kaltura/client.js';
import { type CallInfo } from '../../../main/kaltura/client-retry.js';
import { KalturaApiError, KalturaTransportError } from '../../../main/core/kaltura-errors.js';
import { apiException, jsonResponse, stubFetch, type Responder } from './stub-fetch.js';

const KS1 = 'djJ8LTV8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1111';
const KS2 = 'djJ8LTV8BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB2222';

function makeClient(responders: Responder[], extra: Partial<ConstructorParameters<typeof KalturaClient>[0]> = {}) {
  const stub = stubFetch(responders);
  let ks = KS1;
  const sleeps: number[] = [];
  const calls: CallInfo[] = [];
  const regenerate = vi.fn(() => {
    ks = KS2;
  });
  const client = new KalturaClient({
    serviceUrl: 'http://127.0.0.1:9/',
    clientTag: 'klive-station:0.1.0',
    getKs: () => ks,
    regenerateKs: regenerate,
    fetch: stub.fetch,
    sleep: async (ms) => void sleeps.push(ms),
    onCall: (info) => calls.push(info),
    ...extra,
  });
  return { client, requests: stub.requests, sleeps, calls, regenerate };
}

describe('request format', () => {
  it('POSTs JSON to /api_v3/service/S/action/A with format, ks, clientTag, partnerId and no nulls', async () => {
    const { client, requests } = makeClient([
      () => jsonResponse({ id: '0_x', partnerId: 102, objectType: 'KalturaLiveStreamEntry' }),
    ]);
    const result = await client.call(
      'livestream',
      'get',
      { entryId: '0_x', version: null, nested: { a: null, b: 1 } },
      { partnerId: 102, idempotent: true },
    );
    expect(result).toEqual({ id: '0_x', partnerId: 102, objectType: 'KalturaLiveStreamEntry' });
    const req = requests[0];
    expect(req?.url).toBe('http://127.0.0.1:9/api_v3/service/livestream/action/get');
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.json).toEqual({
      entryId: '0_x',
      nested: { b: 1 },
      format: 1,
      ks: KS1,
      clientTag: 'klive-station:0.1.0',
      partnerId: 102,
    });
  });

  it('omits partnerId when not impersonating', async () => {
    const { client, requests } = makeClient([() => jsonResponse(true)]);
    await client.call('livestream', 'isLive', { id: '0_x' }, { idempotent: true });
    expect(requests[0]?.json).not.toHaveProperty('partnerId');
  });

  it('rejects a service URL that is not http(s) with a clear message', () => {
    expect(() => new KalturaClient({ serviceUrl: 'ftp://x', clientTag: 't', getKs: () => null })).toThrow(
      /must start with http/,
    );
    expect(() => new KalturaClient({ serviceUrl: 'kaltura.com', clientTag: 't', getKs: () => null })).toThrow(
      /is not a URL/,
    );
  });

  it('accepts a service URL ending in /api_v3/', async () => {
    const { client, requests } = makeClient([() => jsonResponse(null)], {
      serviceUrl: 'https://k.example.com/api_v3/',
    });
    await client.call('session', 'get', {}, { idempotent: true });
    expect(requests[0]?.url).toBe('https://k.example.com/api_v3/service/session/action/get');
  });
});

describe('errors', () => {
  it('decodes a KalturaAPIException (HTTP 200) into KalturaApiError with code, message and args', async () => {
    const { client, calls } = makeClient([
      () =>
        jsonResponse(
          apiException('LIVE_STREAM_INVALID_TOKEN', 'Invalid token supplied for live entry [0_abcd1234]', {
            ENTRY_ID: '0_abcd1234',
          }),
        ),
    ]);
    const error = await client.call('livestream', 'authenticate', {}, { idempotent: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KalturaApiError);
    expect(error).toMatchObject({
      code: 'LIVE_STREAM_INVALID_TOKEN',
      message: 'Invalid token supplied for live entry [0_abcd1234]',
      args: { ENTRY_ID: '0_abcd1234' },
      call: 'livestream.authenticate',
    });
    expect(calls).toEqual([
      expect.objectContaining({
        call: 'livestream.authenticate',
        outcome: 'api-error',
        code: 'LIVE_STREAM_INVALID_TOKEN',
      }),
    ]);
  });

  it('args [] decode to an empty record', async () => {
    const { client } = makeClient([() => jsonResponse(apiException('ENTRY_ID_NOT_FOUND', 'Entry id "0_x" not found'))]);
    await expect(client.call('livestream', 'get', {}, { idempotent: true })).rejects.toMatchObject({
      code: 'ENTRY_ID_NOT_FOUND',
      args: {},
    });
  });

  it('HTTP 500 is a transport error, retried for idempotent calls with capped backoff', async () => {
    const { client, requests, sleeps } = makeClient([
      () => new Response('oops', { status: 502 }),
      () => new Response('oops', { status: 503 }),
      () => jsonResponse(true),
    ]);
    await expect(client.call('livestream', 'isLive', { id: '0_x' }, { idempotent: true })).resolves.toBe(true);
    expect(requests).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('gives up after maxAttempts and throws the transport error', async () => {
    const failing: Responder = () => new Response('', { status: 500 });
    const { client, requests } = makeClient([failing, failing, failing, failing]);
    const error = await client.call('livestream', 'get', {}, { idempotent: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KalturaTransportError);
    expect(error).toMatchObject({ kind: 'http', httpStatus: 500 });
    expect(requests).toHaveLength(3);
  });

  it('authenticate is never retried blindly on a transport error', async () => {
    const { client, requests } = makeClient([() => new Response('', { status: 503 }), () => jsonResponse({})]);
    await expect(client.call('livestream', 'authenticate', {}, { idempotent: false })).rejects.toBeInstanceOf(
      KalturaTransportError,
    );
    expect(requests).toHaveLength(1);
  });

  it('HTTP 404 is not retried', async () => {
    const { client, requests } = makeClient([() => new Response('', { status: 404 }), () => jsonResponse({})]);
    await expect(client.call('livestream', 'get', {}, { idempotent: true })).rejects.toMatchObject({
      kind: 'http',
      httpStatus: 404,
    });
    expect(requests).toHaveLength(1);
  });

  it('a connection failure is a network transport error naming the host, without the KS', async () => {
    const refuse: Responder = () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
    const { client, calls } = makeClient([refuse, refuse, refuse]);
    const error = (await client
      .call('livestream', 'get', {}, { idempotent: true })
      .catch((e: unknown) => e)) as KalturaTransportError;
    expect(error.kind).toBe('network');
    expect(error.message).toContain('127.0.0.1:9');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain(KS1);
    expect(calls.map((c) => c.outcome)).toEqual(['transport-error', 'transport-error', 'transport-error']);
  });

  it('times out with an AbortController after timeoutMs', async () => {
    const hang: Responder = (_req, signal) =>
      new Promise((_resolve, reject) =>
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    const { client } = makeClient([hang], { timeoutMs: 30 });
    await expect(client.call('livestream', 'authenticate', {}, { idempotent: false })).rejects.toMatchObject({
      kind: 'timeout',
      name: 'KalturaTransportError',
    });
  });

  it('a non-JSON body is an invalid-response transport error, not retried', async () => {
    const { client, requests } = makeClient([
      () => new Response('<html>proxy</html>', { status: 200 }),
      () => jsonResponse(1),
    ]);
    await expect(client.call('livestream', 'get', {}, { idempotent: true })).rejects.toMatchObject({
      kind: 'invalid-response',
    });
    expect(requests).toHaveLength(1);
  });
});

describe('INVALID_KS', () => {
  it('regenerates the KS once and retries with the new one', async () => {
    const { client, requests, regenerate } = makeClient([
      () =>
        jsonResponse(
          apiException('INVALID_KS', `Invalid KS "${KS1}", Error "-1,INVALID_STR"`, {
            KSID: KS1,
            ERR_CODE: '-1',
            ERR_DESC: 'INVALID_STR',
          }),
        ),
      () => jsonResponse({ ok: 1 }),
    ]);
    await expect(client.call('livestream', 'authenticate', {}, { idempotent: false })).resolves.toEqual({ ok: 1 });
    expect(regenerate).toHaveBeenCalledTimes(1);
    expect(requests.map((r) => r.json?.ks)).toEqual([KS1, KS2]);
  });

  it('handles the EXPIRED form and does not loop: a second INVALID_KS is thrown, KS scrubbed', async () => {
    const { client, requests, regenerate } = makeClient([
      () =>
        jsonResponse(apiException('INVALID_KS', 'Invalid KS "EXPIRED", Error "-1,INVALID_STR"', { KSID: 'EXPIRED' })),
      () => jsonResponse(apiException('INVALID_KS', `Invalid KS "${KS2}", Error "-1,INVALID_STR"`, { KSID: KS2 })),
      () => jsonResponse({}),
    ]);
    const error = (await client
      .call('livestream', 'get', {}, { idempotent: true })
      .catch((e: unknown) => e)) as KalturaApiError;
    expect(error.code).toBe('INVALID_KS');
    expect(error.message).not.toContain(KS2);
    expect(JSON.stringify(error.args)).not.toContain(KS2);
    expect(error.message).toContain('<redacted>');
    expect(regenerate).toHaveBeenCalledTimes(1);
    expect(requests).toHaveLength(2);
  });

  it('a call with an explicit KS never regenerates', async () => {
    const { client, regenerate, requests } = makeClient([
      () => jsonResponse(apiException('INVALID_KS', 'Invalid KS "EXPIRED"')),
    ]);
    await expect(client.call('session', 'get', {}, { idempotent: true, ks: 'djJ8explicit' })).rejects.toMatchObject({
      code: 'INVALID_KS',
    });
    expect(regenerate).not.toHaveBeenCalled();
    expect(requests[0]?.json?.ks).toBe('djJ8explicit');
  });
});

describe('multirequest', () => {
  it('sends numbered sub-requests and returns results with inline errors', async () => {
    const { client, requests } = makeClient([
      () =>
        jsonResponse([
          { id: 'tok1', objectType: 'KalturaUploadToken' },
          apiException('UPLOAD_TOKEN_NOT_FOUND', 'Upload token id not found'),
        ]),
    ]);
    const results = await client.multirequest(
      [
        {
          service: 'uploadtoken',
          action: 'add',
          params: { uploadToken: { objectType: 'KalturaUploadToken', fileName: null } },
        },
        { service: 'uploadtoken', action: 'get', params: { uploadTokenId: '{1:result:id}' } },
      ],
      { partnerId: 7, idempotent: false },
    );
    expect(requests[0]?.url).toBe('http://127.0.0.1:9/api_v3/service/multirequest');
    expect(requests[0]?.json).toEqual({
      format: 1,
      ks: KS1,
      clientTag: 'klive-station:0.1.0',
      partnerId: 7,
      '0': { uploadToken: { objectType: 'KalturaUploadToken' }, service: 'uploadtoken', action: 'add' },
      '1': { uploadTokenId: '{1:result:id}', service: 'uploadtoken', action: 'get' },
    });
    expect(results[0]).toEqual({ ok: true, value: { id: 'tok1', objectType: 'KalturaUploadToken' } });
    expect(results[1]?.ok).toBe(false);
    expect(results[1]?.ok === false && results[1].error.code).toBe('UPLOAD_TOKEN_NOT_FOUND');
  });

  it('a non-array answer is an invalid response', async () => {
    const { client } = makeClient([() => jsonResponse({ x: 1 })]);
    await expect(
      client.multirequest([{ service: 'session', action: 'get' }], { idempotent: true }),
    ).rejects.toMatchObject({ kind: 'invalid-response' });
  });
});

describe('upload', () => {
  it('sends multipart with the params in a `json` field and the file in `fileData`', async () => {
    const { client, requests } = makeClient([
      () => jsonResponse({ id: 'tok1', status: 2, objectType: 'KalturaUploadToken' }),
    ]);
    await client.upload(
      'uploadtoken',
      'upload',
      { uploadTokenId: 'tok1', resume: true, resumeAt: 1024, finalChunk: false },
      { data: new Uint8Array([1, 2, 3]), fileName: 'a.mp4' },
      { partnerId: 5, idempotent: true },
    );
    const req = requests[0];
    expect(req?.headers['content-type']).toBeUndefined();
    const json = JSON.parse(String(req?.form?.get('json'))) as Record<string, unknown>;
    expect(json).toEqual({
      uploadTokenId: 'tok1',
      resume: true,
      resumeAt: 1024,
      finalChunk: false,
      format: 1,
      ks: KS1,
      clientTag: 'klive-station:0.1.0',
      partnerId: 5,
    });
    const file = req?.form?.get('fileData') as File;
    expect(file.name).toBe('a.mp4');
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([1, 2, 3]);
  });
});

describe('getFile (serve)', () => {
  it('GETs path pairs with the KS last and returns the text', async () => {
    const { client, requests } = makeClient([
      () => new Response('<?xml version="1.0"?><Root/>', { headers: { 'content-type': 'text/xml' } }),
    ]);
    const xml = await client.getFile(
      'wowza_liveConversionProfile',
      'serve',
      [
        ['streamName', '0_abcd1234_1'],
        ['extraParams', '{"a":"1/2"}'],
      ],
      { idempotent: true },
    );
    expect(xml).toContain('<Root/>');
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.url).toBe(
      `http://127.0.0.1:9/api_v3/index.php/service/wowza_liveConversionProfile/action/serve/streamName/0_abcd1234_1/extraParams/${encodeURIComponent('{"a":"1/2"}')}/ks/${KS1}`,
    );
  });

  it('an empty body with X-Kaltura: error-CODE is a KalturaApiError', async () => {
    const { client } = makeClient([
      () =>
        new Response('', {
          headers: {
            'X-Kaltura': 'error-INGEST_NOT_FOUND_IN_CONVERSION_PROFILE',
            'X-Kaltura-App':
              'exiting on error INGEST_NOT_FOUND_IN_CONVERSION_PROFILE - Ingest "0_abcd1234_9" is not in conversion profile',
          },
        }),
    ]);
    await expect(
      client.getFile('wowza_liveConversionProfile', 'serve', [['streamName', '0_abcd1234_9']], { idempotent: true }),
    ).rejects.toMatchObject({
      name: 'KalturaApiError',
      code: 'INGEST_NOT_FOUND_IN_CONVERSION_PROFILE',
      message: 'Ingest "0_abcd1234_9" is not in conversion profile',
    });
  });

  it('accepts the `error- CODE` spelling and a JSON exception body', async () => {
    const { client } = makeClient([
      () => new Response('', { headers: { 'X-Kaltura': 'error- INVALID_STREAM_NAME' } }),
      () => jsonResponse(apiException('ENTRY_ID_NOT_FOUND', 'Entry id "0_zzzzzzzz" not found')),
    ]);
    await expect(
      client.getFile('wowza_liveConversionProfile', 'serve', [], { idempotent: true }),
    ).rejects.toMatchObject({ code: 'INVALID_STREAM_NAME' });
    await expect(
      client.getFile('wowza_liveConversionProfile', 'serve', [], { idempotent: true }),
    ).rejects.toMatchObject({ code: 'ENTRY_ID_NOT_FOUND' });
  });

  it('an empty body without an error header is an invalid response', async () => {
    const { client } = makeClient([() => new Response('', { status: 200 })]);
    await expect(
      client.getFile('wowza_liveConversionProfile', 'serve', [], { idempotent: true }),
    ).rejects.toMatchObject({ kind: 'invalid-response' });
  });
});

describe('action arguments named like common params', () => {
  // regression: the common partnerId (null when not impersonating) overwrote session.start's partnerId argument
  it("keeps session.start's partnerId argument when not impersonating", async () => {
    const { client, requests } = makeClient([() => jsonResponse('djJ8xyz')]);
    await client.call('session', 'start', { secret: 's', partnerId: 102, type: 2 }, { idempotent: true });
    expect(requests[0]?.json).toMatchObject({ partnerId: 102, secret: 's', type: 2 });
  });
});

describe('upload timeouts', () => {
  it('minTimeoutMs stretches the timeout of one call (a slow chunk) and only that call', async () => {
    const slow: Responder = (_req, signal) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve(jsonResponse({ id: 'tok1' })), 60);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    const { client } = makeClient([slow, slow], { timeoutMs: 20 });
    const file = { data: new Uint8Array(4), fileName: 'a.mp4' };
    await expect(
      client.upload('uploadtoken', 'upload', {}, file, { idempotent: false, minTimeoutMs: 1_000 }),
    ).resolves.toEqual({ id: 'tok1' });
    await expect(client.upload('uploadtoken', 'upload', {}, file, { idempotent: false })).rejects.toMatchObject({
      kind: 'timeout',
      message: expect.stringContaining('within 20 ms'),
    });
  });
});
