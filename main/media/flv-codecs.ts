// Owns the names of the codecs an FLV stream may carry (legacy FLV codec ids and Enhanced RTMP FourCCs) and the
// sample rates their headers encode, as the probe reports them.

/** FLV video codec ids */
export const LEGACY_VIDEO: Record<number, string> = {
  2: 'H.263',
  3: 'Screen',
  4: 'VP6',
  5: 'VP6A',
  6: 'Screen2',
  7: 'H.264',
  12: 'HEVC',
  13: 'AV1',
};
export const LEGACY_AUDIO: Record<number, string> = {
  0: 'PCM',
  1: 'ADPCM',
  2: 'MP3',
  3: 'PCM',
  4: 'Nellymoser',
  5: 'Nellymoser',
  6: 'Nellymoser',
  7: 'G.711 A-law',
  8: 'G.711 mu-law',
  10: 'AAC',
  11: 'Speex',
  14: 'MP3',
};
const FOURCC_NAMES: Record<string, string> = {
  avc1: 'H.264',
  hvc1: 'HEVC',
  av01: 'AV1',
  vp09: 'VP9',
  vp08: 'VP8',
  mp4a: 'AAC',
  Opus: 'Opus',
  fLaC: 'FLAC',
  'ac-3': 'AC-3',
  'ec-3': 'E-AC-3',
  '.mp3': 'MP3',
};
export const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
export const FLV_RATES = [5512, 11025, 22050, 44100];

const FOURCC_BY_CODE = new Map(
  Object.entries(FOURCC_NAMES).map(([fourcc, name]) => [Buffer.from(fourcc, 'latin1').readUInt32BE(0), name]),
);

/** Reads the FourCC as a number: no string is made per tag for known codecs. */
export function fourccName(code: number): string {
  const known = FOURCC_BY_CODE.get(code);
  if (known) return known;
  const b = Buffer.alloc(4);
  b.writeUInt32BE(code >>> 0, 0);
  return b.toString('latin1').replace(/[^\x20-\x7e]/g, '?');
}
