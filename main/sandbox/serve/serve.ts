// Owns Kaltura's wowza_liveConversionProfile.serve algorithm (kaltura.md 5.2): from an entry's conversion
// profile and the ingest's metadata (extraParams) to the Wowza transcoder template XML. Pure.
import { SandboxApiError } from '../errors.js';
import type { LiveParams } from '../model/types.js';
import { el, leaf, printXml, type XmlNode } from './xml-tree.js';

/** transcoding_profile_bitrate_percentage_gap_between_flavors (base.ini) */
const BITRATE_GAP_PERCENT = 40;
const DEFAULT_AUDIO_BITRATE_BPS = 96000;
const DEFAULT_VIDEO_BITRATE_BPS = 240000;

export interface ServeProfileItem {
  params: LiveParams;
  /** AssetParamsOrigin: 0 CONVERT, 1 INGEST, 2 CONVERT_WHEN_MISSING */
  origin: number;
}

export interface ServeInput {
  entryId: string;
  suffix: string;
  streamName: string;
  items: readonly ServeProfileItem[];
  extraParams: Record<string, string>;
  /** false when the partner has FEATURE_KALTURA_LIVE_DISABLE_SMART_TRANSCODING */
  smartTranscoding?: boolean;
}

interface Ingest {
  width: number;
  height: number;
  frameRate: number;
  videoDataRateKbps: number;
  audioCodec: string;
  gpu: boolean;
}

/** `^(\d_.{8})_(\d+)$` → entry id and ingest suffix, or INVALID_STREAM_NAME. */
export function parseServeStreamName(streamName: string): { entryId: string; suffix: string } {
  const match = /^(\d_.{8})_(\d+)$/.exec(streamName);
  if (!match) throw new SandboxApiError('INVALID_STREAM_NAME', [streamName]);
  return { entryId: match[1] as string, suffix: match[2] as string };
}

const tagsOf = (p: LiveParams): string[] =>
  p.tags
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
const hasTag = (p: LiveParams, tag: string): boolean => tagsOf(p).includes(tag);
const num = (v: string | undefined): number => {
  const n = v === undefined ? NaN : parseFloat(v);
  return Number.isFinite(n) ? n : 0;
};

export function buildServeXml(input: ServeInput): string {
  const smart = input.smartTranscoding ?? true;
  const x = smart ? input.extraParams : {};
  const ingest: Ingest = {
    width: num(x.width),
    height: num(x.height),
    frameRate: num(x.framerate),
    videoDataRateKbps: num(x.videodatarate),
    audioCodec: x.audiocodecidstring ?? '',
    gpu: input.extraParams.gpu === 'true',
  };
  const items = [...input.items].sort((a, b) => a.params.id - b.params.id);
  const ingestItem = items.find((i) => i.params.streamSuffix === input.suffix);
  if (!ingestItem) throw new SandboxApiError('INGEST_NOT_FOUND_IN_CONVERSION_PROFILE', [input.streamName]);
  const selected = hasTag(ingestItem.params, 'source')
    ? items.filter((i) => hasTag(i.params, 'source') || i.origin !== 1)
    : [ingestItem];

  const properties: XmlNode[] = [];
  const sourceFps = items.find((i) => hasTag(i.params, 'source') && i.params.frameRate >= 12.5)?.params.frameRate;
  if (sourceFps !== undefined && ingest.frameRate === 0) {
    ingest.frameRate = sourceFps;
    properties.push(
      el('Property', leaf('Name', 'sourceStreamFrameRate'), leaf('Value', sourceFps), leaf('Type', 'Double')),
    );
  }

  const encodes: XmlNode[] = [];
  for (const item of selected) {
    const encode = buildEncode(input.entryId, item, ingest);
    if (encode) encodes.push(encode.node);
  }
  const names = encodes.map((e) => e.children?.find((c) => c.name === 'Name')?.text ?? '');
  const decodeVideo: XmlNode[] = ingest.gpu ? [leaf('Implementation', 'NVCUVID')] : [];
  decodeVideo.push(leaf('Deinterlace', false));
  const transcode: XmlNode[] = [
    el('Encodes', ...encodes),
    el('Decode', el('Video', ...decodeVideo)),
    ...(ingest.gpu ? [el('Scale', leaf('Implementation', 'CUDA'))] : []),
    el(
      'StreamNameGroups',
      el(
        'StreamNameGroup',
        leaf('Name', 'all'),
        leaf('StreamName', '${SourceStreamName}_all'),
        el('Members', ...names.map((n) => el('Member', leaf('EncodeName', n)))),
      ),
    ),
    el('Properties', ...properties),
  ];
  return printXml(el('Root', el('Transcode', ...transcode)));
}

function audioNode(params: LiveParams, ingest: Ingest, transcoded: boolean): XmlNode {
  const bitrate = params.audioBitrateKbps > 0 ? Math.round(params.audioBitrateKbps * 1000) : DEFAULT_AUDIO_BITRATE_BPS;
  const explicitAac =
    transcoded &&
    ['aac', 'aache'].includes(params.audioCodec.toLowerCase()) &&
    (params.audioSampleRate > 0 || params.audioChannels > 0);
  if (!explicitAac && ingest.audioCodec === 'AAC') return el('Audio', leaf('Codec', 'PassThru'));
  return el('Audio', leaf('Codec', 'AAC'), leaf('Bitrate', bitrate));
}

function buildEncode(entryId: string, item: ServeProfileItem, ingest: Ingest): { node: XmlNode } | null {
  const p = item.params;
  const head = [
    leaf('Enable', true),
    leaf('Name', p.systemName || String(p.id)),
    leaf('StreamName', `${entryId}_${p.id}`),
  ];
  if (hasTag(p, 'ingest')) {
    const codec = hasTag(p, 'audio_only') ? 'Disable' : 'PassThru';
    return { node: el('Encode', ...head, el('Video', leaf('Codec', codec)), audioNode(p, ingest, false)) };
  }
  const bitrateBps = p.videoBitrateKbps > 0 ? Math.round(p.videoBitrateKbps * 1000) : DEFAULT_VIDEO_BITRATE_BPS;
  if (hasTag(p, 'optional_flavor') && filteredOut(p, bitrateBps, ingest)) return null;

  const video: XmlNode[] = [leaf('Transcoder', 'default'), leaf('GPUID', -1)];
  if (ingest.gpu) video.push(leaf('Implementation', 'NVENC'));
  video.push(frameSize(p));
  if (p.width > 0 || p.height > 0 || p.frameRate > 0) {
    const codec = codecOf(p.videoCodec);
    video.push(leaf('Codec', codec.codec));
    if (codec.profile) video.push(leaf('Profile', codec.profile));
  }
  video.push(leaf('Bitrate', bitrateBps));
  video.push(el('KeyFrameInterval', leaf('FollowSource', true), leaf('Interval', 60)));
  const skip = skipFrameCount(p, ingest);
  if (skip !== null) video.push(el('SkipFrameCount', leaf('Value', skip)));
  if (p.constantBitrate) {
    video.push(
      el(
        'Parameters',
        el('Parameter', leaf('Name', 'mainconcept.bit_rate_mode'), leaf('Value', 0), leaf('Type', 'Long')),
      ),
    );
  }
  return { node: el('Encode', ...head, el('Video', ...video), audioNode(p, ingest, true)) };
}

/** Smart filtering: drop an optional flavor taller than the ingest or without enough ingest bitrate headroom. */
function filteredOut(p: LiveParams, bitrateBps: number, ingest: Ingest): boolean {
  if (ingest.height > 0) {
    let height = p.height;
    if (p.height === 0 && p.width > 0 && ingest.width > 0) height = (p.width * ingest.height) / ingest.width;
    if (height > ingest.height) return true;
  }
  if (ingest.videoDataRateKbps > 0 && ingest.videoDataRateKbps * 1000 < bitrateBps * (1 + BITRATE_GAP_PERCENT / 100))
    return true;
  return false;
}

function frameSize(p: LiveParams): XmlNode {
  if (p.width > 0 && p.height > 0)
    return el('FrameSize', leaf('FitMode', 'fit-height'), leaf('Width', p.width), leaf('Height', p.height));
  if (p.width > 0) return el('FrameSize', leaf('FitMode', 'fit-width'), leaf('Width', p.width));
  if (p.height > 0) return el('FrameSize', leaf('FitMode', 'fit-height'), leaf('Height', p.height));
  return el('FrameSize', leaf('FitMode', 'match-source'));
}

function codecOf(videoCodec: string): { codec: string; profile: string | null } {
  switch (videoCodec.toLowerCase()) {
    case 'h264':
    case 'h264b':
      return { codec: 'H.264', profile: 'baseline' };
    case 'h264m':
    case 'h264h':
      return { codec: 'H.264', profile: 'main' };
    case 'flv':
    case 'vp6':
    case 'h263':
      return { codec: 'H.263', profile: 'baseline' };
    case 'copy':
      return { codec: 'PassThru', profile: null };
    default:
      return { codec: 'H.264', profile: 'main' };
  }
}

function skipFrameCount(p: LiveParams, ingest: Ingest): number | null {
  if (ingest.frameRate > 0 && p.maxFrameRate > 0) {
    const n = Math.ceil(ingest.frameRate / p.maxFrameRate - 1.05);
    if (n > 0) return n;
  }
  return p.skipFrameCount;
}
