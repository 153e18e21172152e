// Wire helpers and result parsers: enums as number or numeric string, nulls dropped, the forms of
// exception args, the serve error headers, and entries with Kaltura's omissions.
import { describe, expect, it } from 'vitest';
import { dropNulls, enumNumber, serveErrorFromHeaders, toApiError } from '../../../main/kaltura/wire.js';
import {
  parseBoolean,
  parseLiveStreamEntry,
  parseListResponse,
  parseEntryServerNode,
  parseSessionInfo,
} from '../../../main/kaltura/types.js';

const keep = (t: string) => t;

describe('wire', () => {
  it('enumNumber accepts numbers and numeric strings only', () => {
    expect([5, '32', '-1', ' 7 ', '1.5', 'abc', '', null, undefined, true, Number.NaN].map(enumNumber)).toEqual([
      5,
      32,
      -1,
      7,
      1.5,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('dropNulls removes null and undefined at every depth and keeps false, 0 and ""', () => {
    expect(
      dropNulls({ a: null, b: undefined, c: 0, d: false, e: '', f: { g: null, h: [1, null, { i: null, j: 2 }] } }),
    ).toEqual({ c: 0, d: false, e: '', f: { h: [1, { j: 2 }] } });
  });

  it('decodes exception args given as an object, as [] or as a list of name/value items', () => {
    expect(
      toApiError({ code: 'A', message: 'm', objectType: 'KalturaAPIException', args: { X: 1 } }, 'c', keep).args,
    ).toEqual({ X: '1' });
    expect(
      toApiError({ code: 'A', message: 'm', objectType: 'KalturaAPIException', args: [] }, 'c', keep).args,
    ).toEqual({});
    expect(
      toApiError(
        {
          code: 'A',
          message: '',
          objectType: 'KalturaAPIException',
          args: [{ objectType: 'KalturaApiExceptionArg', name: 'ENTRY_ID', value: '0_x' }],
        },
        'c',
        keep,
      ),
    ).toMatchObject({
      args: { ENTRY_ID: '0_x' },
      message: 'A',
      call: 'c',
    });
  });

  it('serve error headers: none is null; the app header gives the message', () => {
    expect(serveErrorFromHeaders(new Headers(), 'serve', keep)).toBeNull();
    expect(serveErrorFromHeaders(new Headers({ 'X-Kaltura': 'cached' }), 'serve', keep)).toBeNull();
    expect(
      serveErrorFromHeaders(new Headers({ 'X-Kaltura': 'error-ENTRY_ID_NOT_FOUND' }), 'serve', keep),
    ).toMatchObject({ code: 'ENTRY_ID_NOT_FOUND', message: 'ENTRY_ID_NOT_FOUND' });
  });
});

describe('result parsers', () => {
  it('a live entry with omitted nulls, NullableBoolean as a number and an empty recordedEntryId', () => {
    expect(
      parseLiveStreamEntry(
        { id: '0_x', partnerId: '102', explicitLive: 1, recordedEntryId: '', objectType: 'KalturaLiveStreamEntry' },
        'livestream.get',
      ),
    ).toEqual({
      id: '0_x',
      partnerId: 102,
      name: '',
      conversionProfileId: null,
      dvrStatus: 0,
      dvrWindow: null,
      recordStatus: 0,
      recordedEntryId: null,
      segmentDuration: null,
      explicitLive: true,
      recordingStatus: null,
    });
  });

  it('reads recordingStatus (as number or numeric string)', () => {
    expect(
      parseLiveStreamEntry({ id: '0_x', partnerId: 102, recordingStatus: '2' }, 'livestream.get').recordingStatus,
    ).toBe(2);
  });

  it('a wrong shape is an invalid-response transport error naming the call', () => {
    expect(() => parseLiveStreamEntry('djJ8', 'livestream.get')).toThrow(
      /livestream.get returned an unexpected answer: expected a live stream entry/,
    );
    expect(() => parseLiveStreamEntry({ id: '0_x' }, 'livestream.get')).toThrow(/has no numeric partnerId/);
    expect(() => parseListResponse({ objects: 'x' }, 'entryservernode.list', parseEntryServerNode)).toThrow(
      /objects is not a list/,
    );
    expect(() => parseBoolean('maybe', 'livestream.islive')).toThrow(/expected a boolean/);
  });

  it('lists, booleans and session info', () => {
    expect(
      parseListResponse({ totalCount: 0, objectType: 'KalturaEntryServerNodeListResponse' }, 'l', parseEntryServerNode),
    ).toEqual({ objects: [], totalCount: 0 });
    expect([true, false, 1, '0', 'true'].map((v) => parseBoolean(v, 'b'))).toEqual([true, false, true, false, true]);
    expect(
      parseSessionInfo(
        { sessionType: '2', partnerId: -5, userId: 'MediaServer', expiry: 1700000000, privileges: 'x' },
        's',
      ),
    ).toEqual({
      sessionType: 2,
      partnerId: -5,
      userId: 'MediaServer',
      expiry: 1700000000,
      privileges: 'x',
    });
  });
});
