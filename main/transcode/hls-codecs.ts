// Owns the RFC 6381 codec strings of the master playlist: read from what FFmpeg really wrote (the H.264 SPS and
// the ADTS header inside a finished MPEG-TS segment), with a computed fallback from profile, size and fps.

import { parseH264SpsSize } from '../media/h264-sps.js';

const TS_PACKET = 188;

/** Payloads of the first packets of a TS file, per PID, in order (enough to reach the first SPS and ADTS frame). */
export function tsPayloadsByPid(ts: Uint8Array, maxPackets = 400): Map<number, Uint8Array> {
  // views into the segment, joined once per PID (copying byte by byte through arrays blocked the loop ~100 ms)
  const chunks = new Map<number, Uint8Array[]>();
  for (let offset = 0, n = 0; offset + TS_PACKET <= ts.length && n < maxPackets; offset += TS_PACKET, n++) {
    if (ts[offset] !== 0x47) break;
    const b1 = ts[offset + 1] as number;
    const b3 = ts[offset + 3] as number;
    const pid = ((b1 & 0x1f) << 8) | (ts[offset + 2] as number);
    const adaptation = (b3 >> 4) & 0x3;
    let start = offset + 4;
    if (adaptation === 2) continue;
    if (adaptation === 3) start += 1 + (ts[offset + 4] as number);
    if (start >= offset + TS_PACKET) continue;
    const list = chunks.get(pid) ?? [];
    list.push(ts.subarray(start, offset + TS_PACKET));
    chunks.set(pid, list);
  }
  const out = new Map<number, Uint8Array>();
  for (const [pid, list] of chunks) out.set(pid, Buffer.concat(list));
  return out;
}

/** The first SPS NAL unit (type 7, from its header byte to the next start code) in the segment, or null */
export function findSpsInTs(ts: Uint8Array): Uint8Array | null {
  for (const payload of tsPayloadsByPid(ts).values()) {
    for (let i = 0; i + 6 < payload.length; i++) {
      if (
        payload[i] === 0 &&
        payload[i + 1] === 0 &&
        payload[i + 2] === 1 &&
        ((payload[i + 3] as number) & 0x9f) === 7
      ) {
        let end = i + 4;
        while (
          end + 2 < payload.length &&
          !(payload[end] === 0 && payload[end + 1] === 0 && (payload[end + 2] as number) <= 1)
        )
          end++;
        return payload.subarray(i + 3, end + 2 < payload.length ? end : payload.length);
      }
    }
  }
  return null;
}

/** 'avc1.PPCCLL' (profile, constraint flags, level of the SPS) from the segment, or null */
export function readAvcCodecFromTs(ts: Uint8Array): string | null {
  const sps = findSpsInTs(ts);
  if (!sps || sps.length < 4) return null;
  return 'avc1.' + [sps[1], sps[2], sps[3]].map((b) => (b as number).toString(16).padStart(2, '0')).join('');
}

/** The coded picture size of the segment's SPS (cropping applied), or null */
export function readAvcSizeFromTs(ts: Uint8Array): { width: number; height: number } | null {
  const sps = findSpsInTs(ts);
  return sps ? parseH264SpsSize(sps) : null;
}

/** 'mp4a.40.<objectType>' from the first ADTS header found in the segment, or null */
export function readAacCodecFromTs(ts: Uint8Array): string | null {
  for (const payload of tsPayloadsByPid(ts).values()) {
    // ADTS frames follow the PES header; a PES starts 00 00 01 C0..DF (audio stream ids)
    for (let i = 0; i + 9 < payload.length; i++) {
      if (
        payload[i] === 0 &&
        payload[i + 1] === 0 &&
        payload[i + 2] === 1 &&
        ((payload[i + 3] as number) & 0xe0) === 0xc0
      ) {
        const headerLength = payload[i + 8] as number;
        const a = i + 9 + headerLength;
        if (payload[a] === 0xff && ((payload[a + 1] as number) & 0xf6) === 0xf0) {
          const objectType = (((payload[a + 2] as number) >> 6) & 0x3) + 1;
          return `mp4a.40.${objectType}`;
        }
      }
    }
  }
  return null;
}

const PROFILE_PREFIX: Record<string, string> = { baseline: '42c0', main: '4d40', high: '6400' };

/** Fallback when no segment can be read: the profile and the lowest level that fits the macroblock rate. */
export function computedAvcCodec(
  profile: string | null,
  width: number | null,
  height: number | null,
  fps: number | null,
): string {
  const prefix = PROFILE_PREFIX[profile ?? 'main'] ?? '4d40';
  const mbPerFrame = width && height ? Math.ceil(width / 16) * Math.ceil(height / 16) : 8160;
  const mbPerSecond = mbPerFrame * (fps ?? 30);
  // H.264 Annex A table A-1: [level_idc, max MB/s, max frame MBs]
  const levels: Array<[number, number, number]> = [
    [0x0a, 1485, 99],
    [0x0b, 3000, 396],
    [0x0c, 6000, 396],
    [0x0d, 11880, 396],
    [0x15, 19800, 792],
    [0x16, 20250, 1620],
    [0x1e, 40500, 1620],
    [0x1f, 108000, 3600],
    [0x20, 216000, 5120],
    [0x28, 245760, 8192],
    [0x2a, 522240, 8704],
    [0x32, 589824, 22080],
    [0x33, 983040, 36864],
  ];
  const level = levels.find(([, maxMbps, maxFs]) => mbPerSecond <= maxMbps && mbPerFrame <= maxFs)?.[0] ?? 0x33;
  return `avc1.${prefix}${level.toString(16).padStart(2, '0')}`;
}
