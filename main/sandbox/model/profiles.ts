// Owns the sandbox's built-in conversion profiles: Kaltura's default "Cloud transcode" live profile
// (live params 32-35, as in shared/fixtures/kaltura/serve-default-live.xml), a "Passthrough" profile, and their UI view.
import type { ConversionProfile } from '../../../shared/sandbox.js';
import type { ConversionProfileRecord, LiveParams } from './types.js';

export const DEFAULT_PROFILE_ID = 1001;
export const PASSTHROUGH_PROFILE_ID = 1002;

const base = {
  streamSuffix: null,
  videoCodec: '',
  videoBitrateKbps: 0,
  audioCodec: '',
  audioBitrateKbps: 0,
  audioSampleRate: 0,
  audioChannels: 0,
  width: 0,
  height: 0,
  frameRate: 0,
  maxFrameRate: 0,
  skipFrameCount: null,
  constantBitrate: false,
} satisfies Partial<LiveParams>;

const rung = (
  id: number,
  systemName: string,
  videoCodec: string,
  width: number,
  videoBitrateKbps: number,
): LiveParams => ({
  ...base,
  id,
  name: systemName.replace(/_/g, ' '),
  systemName,
  tags: 'web,mbr',
  videoCodec,
  videoBitrateKbps,
  audioCodec: 'aac',
  audioBitrateKbps: 64,
  audioSampleRate: 44100,
  audioChannels: 2,
  width,
});

export function defaultLiveParams(): LiveParams[] {
  return [
    {
      ...base,
      id: 32,
      name: 'Source',
      systemName: 'Source',
      tags: 'source,ingest,web,mbr',
      streamSuffix: '1',
      videoCodec: 'copy',
    },
    rung(33, 'Basic_Small_400', 'h264b', 480, 400),
    rung(34, 'Basic_Small_600', 'h264b', 640, 600),
    rung(35, 'SD_Small_900', 'h264m', 640, 900),
    {
      ...base,
      id: 36,
      name: 'Ingest 2',
      systemName: 'Ingest_2',
      tags: 'ingest,web,mbr',
      streamSuffix: '2',
      videoCodec: 'copy',
    },
    {
      ...base,
      id: 37,
      name: 'Ingest 3',
      systemName: 'Ingest_3',
      tags: 'ingest,web,mbr',
      streamSuffix: '3',
      videoCodec: 'copy',
    },
  ];
}

export function defaultConversionProfiles(nowSeconds: number): ConversionProfileRecord[] {
  return [
    {
      id: DEFAULT_PROFILE_ID,
      name: 'Cloud transcode',
      systemName: 'Default_Live',
      description: 'Passthrough source + 3 renditions (480w 400k, 640w 600k, 640w 900k)',
      isDefault: true,
      items: [
        { liveParamsId: 32, origin: 1 },
        { liveParamsId: 33, origin: 0 },
        { liveParamsId: 34, origin: 0 },
        { liveParamsId: 35, origin: 0 },
      ],
      createdAtSeconds: nowSeconds,
    },
    {
      id: PASSTHROUGH_PROFILE_ID,
      name: 'Passthrough',
      systemName: 'Passthrough_Live',
      description: 'Passthrough only: the source (_1) and two more ingest streams (_2, _3), no transcoding',
      isDefault: false,
      items: [
        { liveParamsId: 32, origin: 1 },
        { liveParamsId: 36, origin: 1 },
        { liveParamsId: 37, origin: 1 },
      ],
      createdAtSeconds: nowSeconds,
    },
  ];
}

/** For the UI (shared/sandbox.ts ConversionProfile). */
export function toConversionProfile(p: ConversionProfileRecord): ConversionProfile {
  return { id: p.id, name: p.name, description: p.description, isDefault: p.isDefault };
}
