// Owns the reading of wowza_liveConversionProfile.serve XML (kaltura.md 5) into a Ladder: which encodes are
// enabled, their codecs, sizes, bitrates, key frames and groups. Nothing else in the station interprets this XML.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { AudioSpec, FitMode, Ladder, Rendition, VideoSpec } from '../../shared/ladder.js';
import { type XmlNode, UnknownElements, asArray, childNode, text } from './serve-ladder-xml.js';

export type LadderErrorCode = 'malformed' | 'no-encodes' | 'invalid';

/** The serve XML cannot be used: the station refuses the stream with an alert carrying this message. */
export class LadderError extends Error {
  constructor(
    readonly code: LadderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LadderError';
  }
}

export interface ParsedLadder {
  ladder: Ladder;
  /** for the log and the stream's events: H.263 mapped to H.264, unknown elements ignored, ... */
  warnings: string[];
}

const DEFAULT_VIDEO_BITRATE_BPS = 240_000;
const DEFAULT_AUDIO_BITRATE_BPS = 96_000;

export function parseServeLadder(xml: string): ParsedLadder {
  if (xml.trim() === '') {
    throw new LadderError(
      'malformed',
      "Kaltura returned an empty conversion profile (serve): the entry's live conversion profile is missing or serve failed; check the entry's conversion profile in the KMC",
    );
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new LadderError(
      'malformed',
      `the conversion profile XML from Kaltura is malformed (line ${valid.err.line}: ${valid.err.msg}); check the serve response of the entry's live conversion profile`,
    );
  }
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    isArray: (name) => ['Encode', 'StreamNameGroup', 'Member', 'Property', 'Parameter'].includes(name),
  });
  const doc = parser.parse(xml) as XmlNode;
  const unknown = new UnknownElements();
  const root = childNode(doc, 'Root');
  if (!root)
    throw new LadderError(
      'malformed',
      'the conversion profile XML has no <Root> element: it is not a wowza_liveConversionProfile.serve answer',
    );
  unknown.check(root, 'Root');
  const transcode = childNode(root, 'Transcode');
  if (!transcode)
    throw new LadderError(
      'malformed',
      'the conversion profile XML has no <Root><Transcode> element: it is not a wowza_liveConversionProfile.serve answer',
    );
  unknown.check(transcode, 'Transcode');

  const warnings: string[] = [];
  const encodesNode = childNode(transcode, 'Encodes');
  if (encodesNode) unknown.check(encodesNode, 'Encodes');
  const renditions: Rendition[] = [];
  for (const encode of asArray(encodesNode?.['Encode'])) {
    unknown.check(encode, 'Encode');
    const rendition = parseEncode(encode, unknown, warnings);
    if (!rendition) continue;
    if (renditions.some((r) => r.streamName === rendition.streamName)) {
      throw new LadderError(
        'invalid',
        `the conversion profile has two encodes with StreamName ${rendition.streamName}; each rendition needs its own StreamName`,
      );
    }
    renditions.push(rendition);
  }
  if (renditions.length === 0) {
    throw new LadderError(
      'no-encodes',
      "the conversion profile has no enabled encode for this stream (Kaltura: the ingest is not in the entry's conversion profile, or every flavor is disabled); publish with a stream name the profile lists (ENTRY_1) or fix the profile",
    );
  }

  const groups: Record<string, string[]> = {};
  const groupsNode = childNode(transcode, 'StreamNameGroups');
  if (groupsNode) unknown.check(groupsNode, 'StreamNameGroups');
  for (const group of asArray(groupsNode?.['StreamNameGroup'])) {
    unknown.check(group, 'StreamNameGroup');
    const name = text(group['Name']) ?? 'all';
    const members = childNode(group, 'Members');
    if (members) unknown.check(members, 'Members');
    groups[name] = asArray(members?.['Member'])
      .map((m) => {
        unknown.check(m, 'Member');
        return text(m['EncodeName']);
      })
      .filter((n): n is string => n !== null);
  }

  let sourceFrameRateFps: number | null = null;
  const properties = childNode(transcode, 'Properties');
  if (properties) unknown.check(properties, 'Properties');
  for (const property of asArray(properties?.['Property'])) {
    unknown.check(property, 'Property');
    if (text(property['Name']) === 'sourceStreamFrameRate') {
      const fps = Number(text(property['Value']));
      if (Number.isFinite(fps) && fps > 0) sourceFrameRateFps = fps;
    }
  }

  let deinterlace = false;
  const decode = childNode(transcode, 'Decode');
  if (decode) {
    unknown.check(decode, 'Decode');
    const decodeVideo = childNode(decode, 'Video');
    if (decodeVideo) {
      unknown.check(decodeVideo, 'DecodeVideo');
      deinterlace = parseBool(text(decodeVideo['Deinterlace']), false);
    }
  }

  const ignored = unknown.list();
  if (ignored.length > 0)
    warnings.push(`ignored conversion profile elements the station does not use: ${ignored.join(', ')}`);
  return { ladder: { renditions, groups, sourceFrameRateFps, deinterlace }, warnings };
}

function parseEncode(encode: XmlNode, unknown: UnknownElements, warnings: string[]): Rendition | null {
  const name = text(encode['Name']);
  const rawStreamName = text(encode['StreamName']);
  if (!parseBool(text(encode['Enable']), true)) return null;
  if (!name)
    throw new LadderError(
      'invalid',
      'an enabled encode in the conversion profile has no <Name>; every encode needs a Name',
    );
  if (!rawStreamName)
    throw new LadderError('invalid', `encode ${name} has no <StreamName>; Kaltura sends ENTRY_<liveParamsId>`);
  const streamName = rawStreamName.replace(/^mp4:/i, '');
  if (!/^[A-Za-z0-9_-]+$/.test(streamName)) {
    throw new LadderError(
      'invalid',
      `encode ${name} has StreamName "${streamName}", which cannot name an HLS folder; expected ENTRY_<liveParamsId>`,
    );
  }
  const flavorMatch = /_(\d+)$/.exec(streamName);
  const flavorId = flavorMatch ? Number(flavorMatch[1]) : null;

  const videoNode = childNode(encode, 'Video');
  const audioNode = childNode(encode, 'Audio');
  const video = videoNode ? parseVideo(videoNode, name, unknown, warnings) : null;
  const audio = audioNode ? parseAudio(audioNode, name, unknown) : null;
  const parameters = childNode(encode, 'Parameters');
  if (video && parameters && hasCbrParameter(parameters, unknown)) video.constantBitrate = true;
  if (!video && !audio) {
    warnings.push(`encode ${name} disables both video and audio: skipped`);
    return null;
  }
  return { name, streamName, flavorId, video, audio };
}

function parseVideo(node: XmlNode, encodeName: string, unknown: UnknownElements, warnings: string[]): VideoSpec | null {
  unknown.check(node, 'Video');
  const codec = (text(node['Codec']) ?? 'PassThru').toLowerCase();
  const parameters = childNode(node, 'Parameters');
  const constantBitrate = parameters ? hasCbrParameter(parameters, unknown) : false;
  const keyFrameNode = childNode(node, 'KeyFrameInterval');
  if (keyFrameNode) unknown.check(keyFrameNode, 'KeyFrameInterval');
  const interval = positiveInt(text(keyFrameNode?.['Interval']));
  const keyFrames = { followSource: parseBool(text(keyFrameNode?.['FollowSource']), true), intervalFrames: interval };
  if (codec === 'disable') return null;
  if (codec === 'passthru') {
    return {
      codec: 'copy',
      profile: null,
      bitrateBps: null,
      fitMode: 'match-source',
      width: null,
      height: null,
      keyFrames,
      skipFrameCount: 0,
      constantBitrate: false,
    };
  }
  if (codec !== 'h.264' && codec !== 'h.263') {
    throw new LadderError(
      'invalid',
      `encode ${encodeName} asks for video codec "${text(node['Codec'])}", which the station cannot produce; use H.264 or PassThru in the live params`,
    );
  }
  let profile = (text(node['Profile']) ?? 'main').toLowerCase();
  if (codec === 'h.263') {
    warnings.push(`encode ${encodeName} asks for H.263, which HLS cannot carry: encoding H.264 baseline instead`);
    profile = 'baseline';
  }
  if (profile !== 'baseline' && profile !== 'main' && profile !== 'high') {
    throw new LadderError(
      'invalid',
      `encode ${encodeName} has H.264 profile "${text(node['Profile'])}"; use baseline, main or high`,
    );
  }
  const bitrateText = text(node['Bitrate']);
  const bitrateBps = bitrateText === null ? DEFAULT_VIDEO_BITRATE_BPS : positiveInt(bitrateText);
  if (bitrateBps === null)
    throw new LadderError(
      'invalid',
      `encode ${encodeName} has video Bitrate "${bitrateText}"; expected a positive number of bits per second`,
    );

  let fitMode: FitMode = 'match-source';
  let width: number | null = null;
  let height: number | null = null;
  const frameSize = childNode(node, 'FrameSize');
  if (frameSize) {
    unknown.check(frameSize, 'FrameSize');
    const mode = (text(frameSize['FitMode']) ?? 'match-source').toLowerCase();
    width = positiveInt(text(frameSize['Width']));
    height = positiveInt(text(frameSize['Height']));
    if (mode === 'fit-width') {
      if (width === null)
        throw new LadderError('invalid', `encode ${encodeName} uses fit-width without a positive <Width>`);
      fitMode = 'fit-width';
    } else if (mode === 'fit-height') {
      if (height === null)
        throw new LadderError('invalid', `encode ${encodeName} uses fit-height without a positive <Height>`);
      fitMode = 'fit-height';
    } else if (mode !== 'match-source') {
      throw new LadderError(
        'invalid',
        `encode ${encodeName} has FitMode "${text(frameSize['FitMode'])}"; the station supports match-source, fit-width and fit-height`,
      );
    }
    if (fitMode === 'match-source') {
      width = null;
      height = null;
    }
  }
  const skipNode = node['SkipFrameCount'];
  let skipFrameCount = 0;
  if (skipNode !== undefined) {
    const skipText =
      typeof skipNode === 'object' && skipNode !== null ? text((skipNode as XmlNode)['Value']) : text(skipNode);
    if (typeof skipNode === 'object' && skipNode !== null) unknown.check(skipNode as XmlNode, 'SkipFrameCount');
    const skip = skipText === null || skipText === '' ? 0 : Number(skipText);
    if (!Number.isInteger(skip) || skip < 0)
      throw new LadderError(
        'invalid',
        `encode ${encodeName} has SkipFrameCount "${skipText}"; expected a whole number >= 0`,
      );
    skipFrameCount = skip;
  }
  return { codec: 'h264', profile, bitrateBps, fitMode, width, height, keyFrames, skipFrameCount, constantBitrate };
}

function parseAudio(node: XmlNode, encodeName: string, unknown: UnknownElements): AudioSpec | null {
  unknown.check(node, 'Audio');
  const codec = (text(node['Codec']) ?? 'PassThru').toLowerCase();
  if (codec === 'disable') return null;
  if (codec === 'passthru') return { codec: 'copy', bitrateBps: null };
  if (codec !== 'aac') {
    throw new LadderError(
      'invalid',
      `encode ${encodeName} asks for audio codec "${text(node['Codec'])}"; the station supports AAC, PassThru and Disable`,
    );
  }
  const bitrateText = text(node['Bitrate']);
  const bitrateBps = bitrateText === null ? DEFAULT_AUDIO_BITRATE_BPS : positiveInt(bitrateText);
  if (bitrateBps === null)
    throw new LadderError(
      'invalid',
      `encode ${encodeName} has audio Bitrate "${bitrateText}"; expected a positive number of bits per second`,
    );
  return { codec: 'aac', bitrateBps };
}

/** mainconcept.bit_rate_mode 0 = constant bitrate (kaltura.md 5.2, conversionEnginesExtraParams constantBitrate) */
function hasCbrParameter(parameters: XmlNode, unknown: UnknownElements): boolean {
  unknown.check(parameters, 'Parameters');
  return asArray(parameters['Parameter']).some((p) => {
    unknown.check(p, 'Parameter');
    return text(p['Name']) === 'mainconcept.bit_rate_mode' && text(p['Value']) === '0';
  });
}

function parseBool(value: string | null, fallback: boolean): boolean {
  if (value === null || value === '') return fallback;
  return value.toLowerCase() === 'true' || value === '1';
}

function positiveInt(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.round(n) : null;
}
