// Owns reading the picture size from an H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1), as
// carried in the FLV AVC sequence header (AVCDecoderConfigurationRecord). Malformed input yields null.

class BitReader {
  private bit = 0;
  constructor(private readonly bytes: Uint8Array) {}
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.bytes[this.bit >> 3];
      if (byte === undefined) throw new RangeError('SPS truncated');
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
      this.bit += 1;
    }
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      zeros += 1;
      if (zeros > 31) throw new RangeError('SPS exp-Golomb overflow');
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/** Strips emulation-prevention bytes (00 00 03 -> 00 00). The SPS is small; this runs once per header. */
function toRbsp(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (const b of nal) {
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out[n++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Width and height from one SPS NAL unit (starting with its NAL header byte). */
export function parseH264SpsSize(nal: Uint8Array): { width: number; height: number } | null {
  try {
    const r = new BitReader(toRbsp(nal));
    r.u(8); // NAL header
    const profileIdc = r.u(8);
    r.u(16); // constraint flags, level
    r.ue(); // seq_parameter_set_id
    let chromaFormatIdc = 1;
    if (HIGH_PROFILES.has(profileIdc)) {
      chromaFormatIdc = r.ue();
      if (chromaFormatIdc === 3) r.u(1);
      r.ue();
      r.ue();
      r.u(1);
      if (r.u(1) === 1) {
        for (let i = 0; i < (chromaFormatIdc === 3 ? 12 : 8); i++) {
          if (r.u(1) === 0) continue;
          const size = i < 6 ? 16 : 64;
          let last = 8;
          let next = 8;
          for (let j = 0; j < size; j++) {
            if (next !== 0) next = (last + r.se() + 256) % 256;
            last = next === 0 ? last : next;
          }
        }
      }
    }
    r.ue(); // log2_max_frame_num_minus4
    const pocType = r.ue();
    if (pocType === 0) r.ue();
    else if (pocType === 1) {
      r.u(1);
      r.se();
      r.se();
      const cycle = r.ue();
      for (let i = 0; i < cycle; i++) r.se();
    }
    r.ue(); // max_num_ref_frames
    r.u(1);
    const widthMbs = r.ue() + 1;
    const heightMapUnits = r.ue() + 1;
    const frameMbsOnly = r.u(1);
    if (frameMbsOnly === 0) r.u(1);
    r.u(1);
    let crop = { left: 0, right: 0, top: 0, bottom: 0 };
    if (r.u(1) === 1) crop = { left: r.ue(), right: r.ue(), top: r.ue(), bottom: r.ue() };
    const subWidthC = chromaFormatIdc === 1 || chromaFormatIdc === 2 ? 2 : 1;
    const subHeightC = chromaFormatIdc === 1 ? 2 : 1;
    const cropUnitX = chromaFormatIdc === 0 ? 1 : subWidthC;
    const cropUnitY = (chromaFormatIdc === 0 ? 1 : subHeightC) * (2 - frameMbsOnly);
    const width = widthMbs * 16 - (crop.left + crop.right) * cropUnitX;
    const height = (2 - frameMbsOnly) * heightMapUnits * 16 - (crop.top + crop.bottom) * cropUnitY;
    return width > 0 && height > 0 ? { width, height } : null;
  } catch {
    return null;
  }
}

/** The first SPS of an FLV AVC sequence header tag body (bytes after the 5-byte FLV video header). */
export function spsFromAvcConfig(tag: Buffer, size: number): Uint8Array | null {
  // [5] version, [6..8] profile/compat/level, [9] length size, [10] SPS count, [11..12] SPS length
  if (size < 14) return null;
  const count = (tag[10] ?? 0) & 0x1f;
  if (count === 0) return null;
  const len = tag.readUInt16BE(11);
  if (13 + len > size) return null;
  return tag.subarray(13, 13 + len);
}
