// api_v3 wire pieces: flattened keys, path pairs, body parsing (JSON, form, multipart), typed reads,
// the JSON/XML serializers and multirequest references (kaltura.md 2).
import { describe, expect, it } from 'vitest';
import { SandboxApiError } from '../../../main/sandbox/errors.js';
import { parseBody } from '../../../main/sandbox/wire/body.js';
import { parseMultipart } from '../../../main/sandbox/wire/multipart.js';
import {
  mergeBags,
  optBool,
  optEnum,
  parseApiPath,
  reqString,
  unflatten,
  UploadedFile,
} from '../../../main/sandbox/wire/params.js';
import { renderJson, renderJsonMulti, renderXml, renderXmlMulti } from '../../../main/sandbox/wire/serialize.js';
import { substituteReferences } from '../../../main/sandbox/dispatch/dispatch.js';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof SandboxApiError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('parameters', () => {
  it('unflattens a:b:c, empty arrays (name:-), __null and multirequest keys', () => {
    expect(
      unflatten([
        ['filter:objectType', 'KalturaLiveEntryServerNodeFilter'],
        ['filter:entryIdEqual', '0_x'],
        ['tags:-', ''],
        ['description__null', ''],
        ['1:service', 'livestream'],
        ['__proto__:polluted', 'yes'],
      ]),
    ).toEqual({
      filter: { objectType: 'KalturaLiveEntryServerNodeFilter', entryIdEqual: '0_x' },
      tags: [],
      description: null,
      1: { service: 'livestream' },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('parses canonical, index.php and multirequest paths with pairs', () => {
    expect(parseApiPath('/api_v3/service/liveStream/action/get')).toEqual({
      service: 'liveStream',
      action: 'get',
      pairs: [],
    });
    expect(
      parseApiPath(
        '/api_v3/index.php/service/wowza_liveConversionProfile/action/serve/streamName/0_a_1/extraParams/%7B%22a%22%3A1%7D',
      ),
    ).toEqual({
      service: 'wowza_liveConversionProfile',
      action: 'serve',
      pairs: [
        ['streamName', '0_a_1'],
        ['extraParams', '{"a":1}'],
      ],
    });
    expect(parseApiPath('/api_v3/service/multirequest')).toEqual({ service: 'multirequest', action: null, pairs: [] });
    expect(parseApiPath('/api_v3/index.php')).toEqual({ service: null, action: null, pairs: [] });
    expect(parseApiPath('/other')).toBeNull();
  });

  it('lets URL parameters win over body parameters, deeply', () => {
    expect(mergeBags({ a: '1', f: { x: '1', y: '2' } }, { a: '2', f: { y: '3' } })).toEqual({
      a: '2',
      f: { x: '1', y: '3' },
    });
  });

  it('casts booleans and enums like Kaltura and names the parameter on failure', () => {
    expect(optBool({ b: 'FALSE' }, 'b')).toBe(false);
    expect(optBool({ b: '1' }, 'b')).toBe(true);
    expect(optEnum({ i: 'true' }, 'i', [0, 1], 'T')).toBe(1);
    expect(optEnum({ i: '1' }, 'i', [0, 1], 'T')).toBe(1);
    expect(codeOf(() => optEnum({ i: '3' }, 'i', [0, 1], 'T'))).toBe('INVALID_ENUM_VALUE');
    expect(codeOf(() => reqString({}, 'entryId'))).toBe('MISSING_MANDATORY_PARAMETER');
    expect(() => reqString({}, 'entryId')).toThrow('Missing parameter "entryId"');
  });
});

describe('bodies', () => {
  it('JSON (lenient about charset), form with flattened keys, and rejects non-object JSON', () => {
    expect(parseBody(Buffer.from('{"entryId":"0_a","format":1}'), 'application/json; charset=utf-8')).toEqual({
      entryId: '0_a',
      format: 1,
    });
    expect(parseBody(Buffer.from('a=1&b%3Ac=2'), 'application/x-www-form-urlencoded')).toEqual({
      a: '1',
      b: { c: '2' },
    });
    // Kaltura splits "N:param" keys whatever the body format: flat keys in JSON join the numbered objects
    expect(
      parseBody(
        Buffer.from(
          '{"ks":"k","1:service":"session","1:filter:idEqual":"0_a","2":{"service":"baseEntry"},"2:action":"list"}',
        ),
        'application/json',
      ),
    ).toEqual({
      ks: 'k',
      1: { service: 'session', filter: { idEqual: '0_a' } },
      2: { service: 'baseEntry', action: 'list' },
    });
    expect(codeOf(() => parseBody(Buffer.from('[1]'), 'application/json'))).toBe('INVALID_JSON_BODY');
    expect(codeOf(() => parseBody(Buffer.from('{"a":'), 'application/json'))).toBe('INVALID_JSON_BODY');
  });

  it('multipart: the json field is the bag, file parts become files, "0:fileData" nests into a sub-request', () => {
    const b = 'XyZ';
    const body = Buffer.concat([
      Buffer.from(
        `\r\n--${b}\r\nContent-Disposition: form-data; name="json"\r\n\r\n{"0":{"service":"uploadtoken","uploadTokenId":"t"},"format":1}`,
      ),
      Buffer.from(
        `\r\n--${b}\r\nContent-Disposition: form-data; name="0:fileData"; filename="chunk"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.from([0, 1, 2, 13, 10, 3]),
      Buffer.from(`\r\n--${b}--`),
    ]);
    const bag = parseBody(body, `multipart/form-data; boundary=${b}`);
    const sub = bag['0'] as Record<string, unknown>;
    expect(sub.service).toBe('uploadtoken');
    expect(sub.fileData).toBeInstanceOf(UploadedFile);
    expect([...(sub.fileData as UploadedFile).data]).toEqual([0, 1, 2, 13, 10, 3]);
    expect(
      codeOf(() => parseMultipart(Buffer.from('--q\r\nContent-Disposition: form-data; name="a"\r\n\r\nx'), 'q')),
    ).toBe('INVALID_MULTIPART_BODY');
  });
});

describe('serializers', () => {
  const entry = {
    objectType: 'KalturaLiveStreamEntry',
    id: '0_a',
    name: 'Café/1 <x>',
    nothing: null,
    ok: true,
    list: [{ objectType: 'KalturaX', v: 1 }],
  };

  it('JSON: bare result, nulls dropped, objectType last, \\/ and \\u escapes', () => {
    expect(renderJson(entry)).toBe(
      '{"id":"0_a","name":"Caf\\u00e9\\/1 <x>","ok":true,"list":[{"v":1,"objectType":"KalturaX"}],"objectType":"KalturaLiveStreamEntry"}',
    );
    expect(renderJson('djJ8abc')).toBe('"djJ8abc"');
    expect(renderJson(null)).toBe('null');
  });

  it('JSON errors: code, message, objectType, args ([] when none)', () => {
    expect(renderJson(new SandboxApiError('LIVE_STREAM_INVALID_TOKEN', ['0_abcd1234']))).toBe(
      '{"code":"LIVE_STREAM_INVALID_TOKEN","message":"Invalid token supplied for live entry [0_abcd1234]","objectType":"KalturaAPIException","args":{"ENTRY_ID":"0_abcd1234"}}',
    );
    expect(renderJson(new SandboxApiError('INTERNAL_SERVERL_ERROR'))).toContain('"args":[]');
    expect(renderJsonMulti([true, new SandboxApiError('MISSING_KS')])).toBe(
      '[true,{"code":"MISSING_KS","message":"Missing KS, session not established","objectType":"KalturaAPIException","args":[]}]',
    );
  });

  it('XML: envelope, objectType first, escaping, bools 1/0, items; ignoreNull drops nulls', () => {
    const xml = renderXml(entry, 0.01, false);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="utf-8"?><xml><result><objectType>KalturaLiveStreamEntry</objectType><id>0_a</id><name>Café/1 &lt;x&gt;</name><nothing></nothing><ok>1</ok><list><item><objectType>KalturaX</objectType><v>1</v></item></list></result><executionTime>0.010</executionTime></xml>',
    );
    expect(renderXml(entry, 0, true)).not.toContain('<nothing>');
    expect(renderXml(false, 0, true)).toContain('<result>0</result>');
    expect(renderXmlMulti(['a', new SandboxApiError('MISSING_KS')], 0, true)).toContain(
      '<result><item>a</item><item><error><code>MISSING_KS</code>',
    );
  });
});

describe('multirequest references', () => {
  it('replaces {N:result[:path]} from the N-th executed result, keeping types for whole values', () => {
    const results = [
      { objectType: 'X', id: '0_a', conversionProfileId: 1001, objects: [{ status: 1 }] },
      new SandboxApiError('MISSING_KS'),
    ];
    expect(
      substituteReferences(
        {
          id: '{1:result:conversionProfileId}',
          f: { e: '{1:result:id}' },
          s: '{1:result:objects:0:status}',
          t: 'x-{1:result:id}',
        },
        results,
      ),
    ).toEqual({
      id: 1001,
      f: { e: '0_a' },
      s: 1,
      t: 'x-0_a',
    });
    // Kaltura's str_replace with a null value: a request that ran but failed, or lacks the path, gives ""
    // (regression: the token used to stay, so getPlaybackContext got "{2:result:objects:0:id}" as an entry id)
    expect(substituteReferences('{2:result:id}', results)).toBe('');
    expect(substituteReferences({ filter: { objectIdEqual: '{1:result:objects:3:id}' } }, results)).toEqual({
      filter: { objectIdEqual: '' },
    });
    expect(substituteReferences('a{1:result:nothing}b', results)).toBe('ab');
    // a request that has not run yet is not substituted
    expect(substituteReferences('{5:result}', results)).toBe('{5:result}');
  });
});
