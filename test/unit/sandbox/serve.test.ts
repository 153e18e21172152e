// The serve algorithm (kaltura.md 5.2/5.3) against the shared fixture and its documented variants.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../../helpers/net.js';
import { buildServeXml, parseServeStreamName, type ServeProfileItem } from '../../../main/sandbox/serve/serve.js';
import {
  defaultConversionProfiles,
  defaultLiveParams,
  DEFAULT_PROFILE_ID,
  PASSTHROUGH_PROFILE_ID,
} from '../../../main/sandbox/model/profiles.js';
import type { LiveParams } from '../../../main/sandbox/model/types.js';
import { SandboxApiError } from '../../../main/sandbox/errors.js';

function itemsOf(profileId: number, override: (p: LiveParams) => LiveParams = (p) => p): ServeProfileItem[] {
  const params = defaultLiveParams();
  const profile = defaultConversionProfiles(0).find((p) => p.id === profileId);
  if (!profile) throw new Error('no profile');
  return profile.items.map((i) => ({
    params: override(params.find((p) => p.id === i.liveParamsId) as LiveParams),
    origin: i.origin,
  }));
}

function serve(
  streamName: string,
  extraParams: Record<string, string> = {},
  items = itemsOf(DEFAULT_PROFILE_ID),
): string {
  const { entryId, suffix } = parseServeStreamName(streamName);
  return buildServeXml({ entryId, suffix, streamName, items, extraParams });
}

const encodeNames = (xml: string): string[] =>
  [...xml.matchAll(/<Encode>\s*<Enable>true<\/Enable>\s*<Name>([^<]+)<\/Name>/g)].map((m) => m[1] as string);

describe('wowza_liveConversionProfile.serve algorithm', () => {
  it('reproduces serve-default-live.xml for the default profile', () => {
    const fixture = fs.readFileSync(path.join(SHARED_DIR, 'fixtures', 'kaltura', 'serve-default-live.xml'), 'utf8');
    expect(serve('0_abcd1234_1').trim()).toBe(fixture.trim());
  });

  it('passes AAC audio through on the source when the ingest is AAC, rungs keep AAC 64k', () => {
    const xml = serve('0_abcd1234_1', { audiocodecidstring: 'AAC' });
    const source = xml.split('<Encode>')[1] as string;
    expect(source).toContain('<Audio>\n          <Codec>PassThru</Codec>\n        </Audio>');
    expect(source).not.toContain('<Bitrate>96000</Bitrate>');
    expect(xml.split('<Encode>')[2] as string).toContain('<Bitrate>64000</Bitrate>');
  });

  it('Passthrough profile: _1 gives only Source, _2 gives Ingest_2 passthrough with AAC 96000', () => {
    const items = itemsOf(PASSTHROUGH_PROFILE_ID);
    expect(encodeNames(serve('0_abcd1234_1', {}, items))).toEqual(['Source']);
    const xml = serve('0_abcd1234_2', {}, items);
    expect(encodeNames(xml)).toEqual(['Ingest_2']);
    expect(xml).toContain('<StreamName>0_abcd1234_36</StreamName>');
    expect(xml).toContain('<Video>\n          <Codec>PassThru</Codec>\n        </Video>');
    expect(xml).toContain('<Codec>AAC</Codec>\n          <Bitrate>96000</Bitrate>');
  });

  it('rejects a bad stream name and an ingest missing from the profile', () => {
    expect(() => parseServeStreamName('0_abcd1234')).toThrow(SandboxApiError);
    expect(() => parseServeStreamName('0_abcd1234_x')).toThrow(/Invalid stream name \[0_abcd1234_x\]/);
    expect(() => serve('0_abcd1234_7')).toThrow(/Ingest "0_abcd1234_7" is not in conversion profile/);
  });

  it('smart filtering drops optional flavors above the ingest height or without bitrate headroom', () => {
    const items = itemsOf(DEFAULT_PROFILE_ID, (p) => (p.id === 32 ? p : { ...p, tags: `${p.tags},optional_flavor` }));
    // 640x360 ingest at 800 kbps: 640w flavors are 360 tall (kept by height); 600k needs 840k (dropped), 400k needs 560k (kept)
    expect(
      encodeNames(serve('0_abcd1234_1', { width: '640.0', height: '360.0', videodatarate: '800.0' }, items)),
    ).toEqual(['Source', 'Basic_Small_400']);
    // 320x180 ingest: every 480w/640w flavor is taller than the ingest
    expect(encodeNames(serve('0_abcd1234_1', { width: '320', height: '180' }, items))).toEqual(['Source']);
    // without ingest metadata nothing is filtered
    expect(encodeNames(serve('0_abcd1234_1', {}, items))).toHaveLength(4);
    // flavors without optional_flavor are never filtered
    expect(encodeNames(serve('0_abcd1234_1', { width: '320', height: '180' }))).toHaveLength(4);
  });

  it('fit modes, codec profiles, default bitrate, SkipFrameCount, CBR and source frame rate', () => {
    const items = itemsOf(DEFAULT_PROFILE_ID, (p) => {
      if (p.id === 32) return { ...p, frameRate: 25 };
      if (p.id === 33) return { ...p, width: 640, height: 360, videoCodec: 'flv', maxFrameRate: 15 };
      if (p.id === 34) return { ...p, width: 0, height: 240, videoBitrateKbps: 0, constantBitrate: true };
      return { ...p, width: 0, height: 0, frameRate: 0, skipFrameCount: 2 };
    });
    const xml = serve('0_abcd1234_1', {}, items);
    const encodes = xml.split('<Encode>');
    expect(encodes[2]).toContain(
      '<FitMode>fit-height</FitMode>\n            <Width>640</Width>\n            <Height>360</Height>',
    );
    expect(encodes[2]).toContain('<Codec>H.263</Codec>');
    // source frame rate 25 fills the missing ingest rate: ceil(25/15 - 1.05) = 1
    expect(encodes[2]).toContain('<SkipFrameCount>\n            <Value>1</Value>\n          </SkipFrameCount>');
    expect(encodes[3]).toContain('<FitMode>fit-height</FitMode>\n            <Height>240</Height>');
    expect(encodes[3]).toContain('<Bitrate>240000</Bitrate>');
    expect(encodes[3]).toContain(
      '<Name>mainconcept.bit_rate_mode</Name>\n              <Value>0</Value>\n              <Type>Long</Type>',
    );
    expect(encodes[4]).toContain('<FitMode>match-source</FitMode>');
    expect(encodes[4]).not.toContain('<Codec>H.264</Codec>');
    expect(encodes[4]).toContain('<Value>2</Value>');
    expect(xml).toContain('<Name>sourceStreamFrameRate</Name>\n        <Value>25</Value>\n        <Type>Double</Type>');
  });

  it('GPU ingest adds NVENC, NVCUVID and CUDA scaling', () => {
    const xml = serve('0_abcd1234_1', { gpu: 'true' });
    expect(xml).toContain('<Implementation>NVENC</Implementation>');
    expect(xml).toContain('<Implementation>NVCUVID</Implementation>');
    expect(xml).toContain('<Implementation>CUDA</Implementation>');
  });
});
