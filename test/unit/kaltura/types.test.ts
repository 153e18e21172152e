// The zod schemas of kaltura/types.ts accept and refuse what the hand parsers they replaced did (issue 19),
// and a refusal is an invalid-response transport error naming the call and the field.
import { describe, expect, it } from 'vitest';
import { KalturaTransportError } from '../../../main/core/kaltura-errors.js';
import {
  parseBoolean,
  parseEntryServerNode,
  parseListResponse,
  parseLiveStreamEntry,
  parseSessionInfo,
  parseString,
  parseUploadToken,
} from '../../../main/kaltura/types.js';

function refusal(run: () => unknown): KalturaTransportError {
  try {
    run();
  } catch (e) {
    if (e instanceof KalturaTransportError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('api_v3 result schemas', () => {
  it('refuse a missing or unreadable required field by its name', () => {
    expect(refusal(() => parseLiveStreamEntry({ partnerId: 1 }, 'livestream.get')).message).toMatch(
      /livestream.get returned an unexpected answer: the entry has no id/,
    );
    expect(refusal(() => parseLiveStreamEntry({ id: '0_x', partnerId: 'x' }, 'c')).message).toMatch(
      /the entry has no numeric partnerId/,
    );
    expect(refusal(() => parseEntryServerNode({ id: 1, entryId: '0_x' }, 'c')).message).toMatch(
      /the entry server node has no numeric status/,
    );
    expect(refusal(() => parseUploadToken({ id: '' }, 'uploadtoken.add')).message).toMatch(
      /the upload token has no id/,
    );
    expect(refusal(() => parseSessionInfo({ userId: 'u' }, 'session.get')).message).toMatch(
      /the session info has no numeric partnerId/,
    );
    expect(refusal(() => parseLiveStreamEntry({ partnerId: 1 }, 'c')).kind).toBe('invalid-response');
  });

  it('refuse arrays, scalars and null where an object is due', () => {
    for (const raw of [[], null, 'djJ8', 3]) {
      expect(refusal(() => parseUploadToken(raw, 'c')).message).toMatch(/expected an upload token/);
      expect(refusal(() => parseListResponse(raw, 'c', parseUploadToken)).message).toMatch(/expected a list response/);
    }
    expect(refusal(() => parseListResponse({ objects: null }, 'c', parseUploadToken)).message).toMatch(
      /objects is not a list/,
    );
  });

  it('read ids given as numbers, enums as numeric strings, and wrong optional fields as absent', () => {
    expect(parseUploadToken({ id: 7, status: '2', fileName: 3, fileSize: 'big', uploadedFileSize: '10' }, 'c')).toEqual(
      { id: '7', status: 2, fileName: null, fileSize: null, uploadedFileSize: 10 },
    );
    expect(
      parseEntryServerNode({ id: '5', entryId: '0_x', status: '1', serverType: '1', createdAt: 1, extra: 1 }, 'c'),
    ).toEqual({
      id: 5,
      entryId: '0_x',
      serverNodeId: 0,
      partnerId: 0,
      status: 1,
      serverType: 1,
      createdAt: 1,
      updatedAt: null,
    });
    expect(
      [1, 0, '1', '0', 'true', 'false', true, 'yes', 2].map(
        (v) => parseLiveStreamEntry({ id: '0_x', partnerId: 1, explicitLive: v }, 'c').explicitLive,
      ),
    ).toEqual([true, false, true, false, true, false, true, null, null]);
    expect(parseSessionInfo({ partnerId: '-5', userId: 3, privileges: null }, 'c')).toEqual({
      sessionType: 0,
      partnerId: -5,
      userId: '',
      expiry: null,
      privileges: '',
    });
  });

  it('a list counts its objects when Kaltura gives no totalCount, and parses each with the item parser', () => {
    expect(parseListResponse({ objects: [{ id: 'a' }, { id: 'b' }] }, 'c', parseUploadToken).totalCount).toBe(2);
    expect(refusal(() => parseListResponse({ objects: [{ id: '' }] }, 'c', parseUploadToken)).message).toMatch(
      /the upload token has no id/,
    );
  });

  it('booleans and strings: only their spellings are accepted', () => {
    expect(['1', 1, 'true', true, '0', 0, 'false', false].map((v) => parseBoolean(v, 'c'))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    for (const v of ['yes', 2, null, '']) expect(refusal(() => parseBoolean(v, 'c')).message).toMatch(/a boolean/);
    expect(parseString('ks', 'c')).toBe('ks');
    for (const v of ['', 3, null]) expect(refusal(() => parseString(v, 'c')).message).toMatch(/expected a string/);
  });
});
