// Serve XML (kaltura.md 5) -> Ladder: the shared default fixture, hand-made variants, and every refusal.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LadderError, parseServeLadder } from '../../../main/kaltura/serve-ladder.js';
import { LadderSchema } from '../../../shared/ladder.js';
import { REPO_ROOT, SHARED_DIR } from '../../helpers/net.js';

const fixture = (name: string): string =>
  fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'transcode', name), 'utf8');
const defaultXml = (): string =>
  fs.readFileSync(path.join(SHARED_DIR, 'fixtures', 'kaltura', 'serve-default-live.xml'), 'utf8');

function expectLadderError(xml: string, code: string, pattern: RegExp): void {
  let caught: unknown;
  try {
    parseServeLadder(xml);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(LadderError);
  expect((caught as LadderError).code).toBe(code);
  expect((caught as LadderError).message).toMatch(pattern);
}

describe('parseServeLadder', () => {
  it('reads the default Cloud transcode profile into four renditions', () => {
    const { ladder, warnings } = parseServeLadder(defaultXml());
    expect(LadderSchema.parse(ladder)).toEqual(ladder);
    expect(warnings).toEqual([]);
    expect(ladder).toEqual({
      renditions: [
        {
          name: 'Source',
          streamName: '0_abcd1234_32',
          flavorId: 32,
          video: {
            codec: 'copy',
            profile: null,
            bitrateBps: null,
            fitMode: 'match-source',
            width: null,
            height: null,
            keyFrames: { followSource: true, intervalFrames: null },
            skipFrameCount: 0,
            constantBitrate: false,
          },
          audio: { codec: 'aac', bitrateBps: 96000 },
        },
        {
          name: 'Basic_Small_400',
          streamName: '0_abcd1234_33',
          flavorId: 33,
          video: {
            codec: 'h264',
            profile: 'baseline',
            bitrateBps: 400000,
            fitMode: 'fit-width',
            width: 480,
            height: null,
            keyFrames: { followSource: true, intervalFrames: 60 },
            skipFrameCount: 0,
            constantBitrate: false,
          },
          audio: { codec: 'aac', bitrateBps: 64000 },
        },
        {
          name: 'Basic_Small_600',
          streamName: '0_abcd1234_34',
          flavorId: 34,
          video: {
            codec: 'h264',
            profile: 'baseline',
            bitrateBps: 600000,
            fitMode: 'fit-width',
            width: 640,
            height: null,
            keyFrames: { followSource: true, intervalFrames: 60 },
            skipFrameCount: 0,
            constantBitrate: false,
          },
          audio: { codec: 'aac', bitrateBps: 64000 },
        },
        {
          name: 'SD_Small_900',
          streamName: '0_abcd1234_35',
          flavorId: 35,
          video: {
            codec: 'h264',
            profile: 'main',
            bitrateBps: 900000,
            fitMode: 'fit-width',
            width: 640,
            height: null,
            keyFrames: { followSource: true, intervalFrames: 60 },
            skipFrameCount: 0,
            constantBitrate: false,
          },
          audio: { codec: 'aac', bitrateBps: 64000 },
        },
      ],
      groups: { all: ['Source', 'Basic_Small_400', 'Basic_Small_600', 'SD_Small_900'] },
      sourceFrameRateFps: null,
      deinterlace: false,
    });
  });

  it('reads a passthrough ingest profile (one PassThru encode, AAC audio)', () => {
    const { ladder } = parseServeLadder(fixture('serve-passthrough-ingest2.xml'));
    expect(ladder.renditions).toHaveLength(1);
    expect(ladder.renditions[0]?.streamName).toBe('0_abcd1234_36');
    expect(ladder.renditions[0]?.video?.codec).toBe('copy');
    expect(ladder.renditions[0]?.audio).toEqual({ codec: 'aac', bitrateBps: 96000 });
    expect(ladder.groups).toEqual({ all: ['Ingest_2'] });
  });

  it('strips mp4:, skips disabled encodes, reads audio PassThru, fit-height with width, and sourceStreamFrameRate', () => {
    const { ladder } = parseServeLadder(fixture('serve-source-aac-passthru.xml'));
    expect(ladder.renditions.map((r) => r.streamName)).toEqual(['0_abcd1234_32', '0_abcd1234_33']);
    expect(ladder.renditions[0]?.audio).toEqual({ codec: 'copy', bitrateBps: null });
    expect(ladder.renditions[1]?.video).toMatchObject({ fitMode: 'fit-height', width: 480, height: 270 });
    expect(ladder.sourceFrameRateFps).toBe(30);
    expect(ladder.groups).toEqual({});
  });

  it('reads CBR, SkipFrameCount, H.263 -> H.264 baseline and Deinterlace, warning once about unknown elements', () => {
    const { ladder, warnings } = parseServeLadder(fixture('serve-cbr-skip-h263.xml'));
    expect(ladder.renditions[0]?.video).toEqual({
      codec: 'h264',
      profile: 'high',
      bitrateBps: 1000000,
      fitMode: 'fit-height',
      width: null,
      height: 360,
      keyFrames: { followSource: false, intervalFrames: 60 },
      skipFrameCount: 1,
      constantBitrate: true,
    });
    expect(ladder.renditions[1]?.video).toMatchObject({
      codec: 'h264',
      profile: 'baseline',
      fitMode: 'fit-width',
      width: 320,
      constantBitrate: false,
    });
    expect(ladder.deinterlace).toBe(true);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/Legacy_Flash asks for H\.263.*H\.264 baseline/);
    expect(warnings[1]).toBe(
      'ignored conversion profile elements the station does not use: Encode/Overlay, Video/Watermark',
    );
  });

  it('refuses malformed XML with the line and a fix', () => {
    expectLadderError(fixture('serve-malformed.xml'), 'malformed', /malformed \(line \d+: .+\)/);
    expectLadderError('', 'malformed', /empty conversion profile/);
    expectLadderError('<html><body>502</body></html>', 'malformed', /no <Root> element/);
  });

  it('refuses a template with no enabled encode', () => {
    expectLadderError(fixture('serve-no-enabled-encode.xml'), 'no-encodes', /no enabled encode.*ENTRY_1/);
    expectLadderError(fixture('serve-empty-encodes.xml'), 'no-encodes', /no enabled encode/);
  });

  it('refuses encodes it cannot produce, naming the encode', () => {
    const base = defaultXml();
    expectLadderError(
      base.replace('<Profile>main</Profile>', '<Profile>extended</Profile>'),
      'invalid',
      /SD_Small_900 has H\.264 profile "extended"/,
    );
    expectLadderError(
      base.replace('<Codec>H.264</Codec>', '<Codec>H.265</Codec>'),
      'invalid',
      /Basic_Small_400 asks for video codec "H\.265"/,
    );
    expectLadderError(
      base.replace('<FitMode>fit-width</FitMode>', '<FitMode>letterbox</FitMode>'),
      'invalid',
      /FitMode "letterbox"/,
    );
    expectLadderError(base.replace('<Width>480</Width>', ''), 'invalid', /fit-width without a positive <Width>/);
    expectLadderError(
      base.replace('<Bitrate>400000</Bitrate>', '<Bitrate>fast</Bitrate>'),
      'invalid',
      /video Bitrate "fast"/,
    );
    expectLadderError(
      base.replace('0_abcd1234_33', '0_abcd1234_32'),
      'invalid',
      /two encodes with StreamName 0_abcd1234_32/,
    );
    expectLadderError(base.replace('0_abcd1234_33', '../../etc'), 'invalid', /cannot name an HLS folder/);
  });

  it('turns Video Disable into an audio-only rendition and Audio Disable into a video-only one', () => {
    const xml = defaultXml()
      .replace('<Codec>PassThru</Codec>', '<Codec>Disable</Codec>')
      .replace('<Codec>AAC</Codec>\n          <Bitrate>64000</Bitrate>', '<Codec>Disable</Codec>');
    const { ladder } = parseServeLadder(xml);
    expect(ladder.renditions[0]?.video).toBeNull();
    expect(ladder.renditions[0]?.audio).toEqual({ codec: 'aac', bitrateBps: 96000 });
    expect(ladder.renditions[1]?.audio).toBeNull();
    expect(ladder.renditions[1]?.video?.codec).toBe('h264');
  });
});
