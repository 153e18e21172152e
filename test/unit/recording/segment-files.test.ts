// Unit tests of the recorder's pure parts: segment naming and numbering, the CSV list parser,
// the FFmpeg argv, the disk margin, and which upload failures are retried.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KalturaApiError, KalturaModeError, KalturaTransportError } from '../../../main/core/kaltura-errors.js';
import { marginBytes } from '../../../main/recording/disk-space.js';
import { buildRecorderArgs, rtmpPullInput } from '../../../main/recording/recorder-args.js';
import {
  nextSegmentNumber,
  parseSegmentList,
  segmentFileName,
  sessionDirectory,
} from '../../../main/recording/segment-files.js';
import { RecordingConfigError, classifyFailure, describeFailure } from '../../../main/recording/uploader.js';
import { tempDir } from '../../helpers/net.js';

describe('segment files', () => {
  it('parses complete CSV lines and leaves a partial one for later', () => {
    const text = 'seg_000005.ts,0.000000,2.021333\nseg_000006.ts,2.021333,4.021333\nseg_0000';
    const { entries, consumedChars } = parseSegmentList(text);
    expect(entries).toEqual([
      { fileName: 'seg_000005.ts', sequence: 5, startSeconds: 0, endSeconds: 2.021333, durationSeconds: 2.021333 },
      { fileName: 'seg_000006.ts', sequence: 6, startSeconds: 2.021333, endSeconds: 4.021333, durationSeconds: 2 },
    ]);
    expect(text.slice(consumedChars)).toBe('seg_0000');
    expect(parseSegmentList('seg_000001.ts,0.0,2.0').entries).toEqual([]);
  });

  it('ignores lines that are not segments of ours', () => {
    expect(parseSegmentList('other.ts,0,2\nseg_000001.ts,x,2\n\n').entries).toEqual([]);
  });

  it('numbers a new run one past every segment on disk, so nothing is overwritten', () => {
    const dir = tempDir('klive-seg-');
    expect(nextSegmentNumber(path.join(dir, 'missing'))).toBe(0);
    for (const name of [segmentFileName(0), segmentFileName(7), 'list_000000.csv', 'seg_x.ts'])
      fs.writeFileSync(path.join(dir, name), '');
    expect(nextSegmentNumber(dir)).toBe(8);
  });

  it('refuses entry or session ids that would escape the recordings folder', () => {
    expect(sessionDirectory('/data', '0_abc', '20261125T0300Z')).toBe(
      path.join('/data', 'recordings', '0_abc', '20261125T0300Z'),
    );
    expect(() => sessionDirectory('/data', '../etc', 's')).toThrow(/entryId "..\/etc" cannot be used as a folder name/);
    expect(() => sessionDirectory('/data', '0_abc', '..')).toThrow(/sessionId/);
  });
});

describe('recorder argv', () => {
  it('copies the RTMP pull into MPEG-TS segments with a CSV list', () => {
    expect(
      buildRecorderArgs({
        input: rtmpPullInput('rtmp://127.0.0.1:1935/kLive/0_abc_1'),
        segmentSeconds: 900,
        directory: '/d/rec',
        listPath: '/d/rec/list_000003.csv',
        startNumber: 3,
      }),
    ).toEqual([
      '-hide_banner',
      '-loglevel',
      'warning',
      '-rw_timeout',
      '10000000',
      '-i',
      'rtmp://127.0.0.1:1935/kLive/0_abc_1',
      '-map',
      '0:v?',
      '-map',
      '0:a?',
      '-c',
      'copy',
      '-f',
      'segment',
      '-segment_time',
      '900',
      '-reset_timestamps',
      '1',
      '-segment_format',
      'mpegts',
      '-segment_list',
      '/d/rec/list_000003.csv',
      '-segment_list_type',
      'csv',
      '-segment_start_number',
      '3',
      '/d/rec/seg_%06d.ts',
    ]);
  });
});

describe('disk margin', () => {
  it('takes the larger of the absolute and the percentage margin', () => {
    expect(marginBytes({ freeBytes: 0, totalBytes: 1000 }, { minFreeBytes: 100, minFreePercent: 5 })).toBe(100);
    expect(marginBytes({ freeBytes: 0, totalBytes: 1000 }, { minFreeBytes: 10, minFreePercent: 5 })).toBe(50);
  });
});

describe('upload failure classification', () => {
  it('retries transport failures and KS problems, holds refusals (issue 16), skips local problems', () => {
    expect(classifyFailure(new KalturaTransportError('network', 'ECONNREFUSED'))).toBe('retry');
    expect(classifyFailure(new KalturaApiError('INVALID_KS', 'bad ks'))).toBe('retry');
    expect(classifyFailure(new KalturaApiError('ENTRY_ID_NOT_FOUND', 'no entry'))).toBe('held');
    expect(classifyFailure(new KalturaModeError('partner 1 is not this station'))).toBe('held');
    expect(classifyFailure(new RecordingConfigError('no asset id'))).toBe('permanent');
    expect(classifyFailure(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toBe('permanent');
    expect(classifyFailure(new Error('socket hang up'))).toBe('retry');
  });

  it('describes failures with the Kaltura code and call', () => {
    expect(
      describeFailure(
        new KalturaApiError('ENTRY_ID_NOT_FOUND', 'Entry id "0_x" not found', {}, 'livestream.appendrecording'),
      ),
    ).toBe('Kaltura refused livestream.appendrecording: ENTRY_ID_NOT_FOUND: Entry id "0_x" not found');
    expect(describeFailure(new KalturaTransportError('http', 'HTTP 503', 'uploadtoken.upload', 503))).toBe(
      'Kaltura unreachable (http 503): HTTP 503',
    );
  });
});
