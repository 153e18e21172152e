// Owns the synthetic FLV and AMF0 bytes the ingest tests share: sequence headers as FFmpeg sends them, AMF0 strings.

/** FLV AVC sequence header tag body as FFmpeg sends it for 320x180 (libx264, testsrc2) */
export const AVC_HEADER_320x180 = Buffer.from(
  '17000000000142c00cffe100176742c00cda05067e7c0440000003004000000783c50aa801000468ce0fc8',
  'hex',
);
/** FLV AAC sequence header tag body: AAC LC, 44.1 kHz, mono */
export const AAC_HEADER = Buffer.from('af001208', 'hex');

/** an AMF0 string value: marker 2, u16 length, bytes */
export function amfString(s: string): Buffer {
  const b = Buffer.alloc(3 + s.length);
  b[0] = 2;
  b.writeUInt16BE(s.length, 1);
  b.write(s, 3, 'latin1');
  return b;
}
