// The ladder a stream is handed: Kaltura's serve answer read into a Ladder, and Kaltura's refusals in words (moved
// here from the transcode session, which no longer asks Kaltura).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchLadder } from '../../../main/station/ladder-source.js';
import { KalturaApiError, KalturaTransportError } from '../../../main/core/kaltura-errors.js';
import { SHARED_DIR } from '../../helpers/net.js';
import { probe } from './helpers.js';

const xml = fs.readFileSync(path.join(SHARED_DIR, 'fixtures', 'kaltura', 'serve-default-live.xml'), 'utf8');
const req = { partnerId: 102, streamName: '0_abcd1234_1', probe: null };

describe('fetchLadder', () => {
  it('reads the serve XML into a ladder, asking with the probe as extraParams', async () => {
    const asked: Array<Record<string, string>> = [];
    const got = await fetchLadder(
      {
        serveConversionProfile: (args) => {
          asked.push(args.extraParams);
          return Promise.resolve(xml);
        },
      },
      {
        ...req,
        probe: probe({
          videoCodec: 'H.264',
          width: 640,
          height: 360,
          frameRateFps: 15,
          declared: { width: 640, height: 360, framerate: 15, videodatarate: 500, audiodatarate: 64 },
        }),
      },
    );
    expect(got.ok && got.ladder.renditions).toHaveLength(4);
    expect(asked).toEqual([
      {
        audiodatarate: '64.0',
        videodatarate: '500.0',
        width: '640.0',
        height: '360.0',
        framerate: '15.0',
        videocodecidstring: 'H264',
        audiocodecidstring: 'AAC',
      },
    ]);
  });

  it('reports a Kaltura refusal with its code, and a transport failure without one', async () => {
    const refused = await fetchLadder(
      {
        serveConversionProfile: () =>
          Promise.reject(
            new KalturaApiError(
              'INGEST_NOT_FOUND_IN_CONVERSION_PROFILE',
              'Ingest "0_abcd1234_9" is not in conversion profile',
            ),
          ),
      },
      req,
    );
    expect(refused).toEqual({
      ok: false,
      kalturaCode: 'INGEST_NOT_FOUND_IN_CONVERSION_PROFILE',
      reason: expect.stringMatching(
        /\(INGEST_NOT_FOUND_IN_CONVERSION_PROFILE\): Ingest "0_abcd1234_9" is not in conversion profile/,
      ),
    });
    const down = await fetchLadder(
      {
        serveConversionProfile: () =>
          Promise.reject(new KalturaTransportError('timeout', 'serve timed out after 10 s')),
      },
      req,
    );
    expect(down).toEqual({ ok: false, kalturaCode: null, reason: expect.stringMatching(/serve timed out/) });
  });

  it('refuses an empty serve answer (Kaltura errors inside serve give an empty body)', async () => {
    const got = await fetchLadder({ serveConversionProfile: () => Promise.resolve('') }, req);
    expect(got.ok).toBe(false);
    expect(!got.ok && got.reason).toMatch(
      /ladder refused for 0_abcd1234_1: Kaltura returned an empty conversion profile/,
    );
  });
});
