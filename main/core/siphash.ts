// Owns SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit pseudo-random function for short inputs, in plain
// JavaScript on 32-bit halves. The gate digests every publish token with it. HMAC-SHA-256 through OpenSSL did the same
// job, but its first call after a pause cost ~0.1 ms while the encoder waited. SipHash is what hash tables use
// against chosen keys: without the 128-bit key, a digest says nothing about its input and cannot be forged.
// Pure; checked against the reference vectors of the paper and a BigInt transcription of its definition.

/** A SipHash key: 16 bytes. */
export type SipKey = Uint8Array;

// the state v0..v3 as high and low 32-bit halves; module scope, so a call allocates nothing
let v0h = 0;
let v0l = 0;
let v1h = 0;
let v1l = 0;
let v2h = 0;
let v2l = 0;
let v3h = 0;
let v3l = 0;

/** One SipRound on the state. */
function sipRound(): void {
  // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
  let lo = (v0l + v1l) >>> 0;
  v0h = (v0h + v1h + (lo < v0l ? 1 : 0)) >>> 0;
  v0l = lo;
  let h = ((v1h << 13) | (v1l >>> 19)) >>> 0;
  let l = ((v1l << 13) | (v1h >>> 19)) >>> 0;
  v1h = (h ^ v0h) >>> 0;
  v1l = (l ^ v0l) >>> 0;
  h = v0h;
  v0h = v0l;
  v0l = h;
  // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
  lo = (v2l + v3l) >>> 0;
  v2h = (v2h + v3h + (lo < v2l ? 1 : 0)) >>> 0;
  v2l = lo;
  h = ((v3h << 16) | (v3l >>> 16)) >>> 0;
  l = ((v3l << 16) | (v3h >>> 16)) >>> 0;
  v3h = (h ^ v2h) >>> 0;
  v3l = (l ^ v2l) >>> 0;
  // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
  lo = (v0l + v3l) >>> 0;
  v0h = (v0h + v3h + (lo < v0l ? 1 : 0)) >>> 0;
  v0l = lo;
  h = ((v3h << 21) | (v3l >>> 11)) >>> 0;
  l = ((v3l << 21) | (v3h >>> 11)) >>> 0;
  v3h = (h ^ v0h) >>> 0;
  v3l = (l ^ v0l) >>> 0;
  // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
  lo = (v2l + v1l) >>> 0;
  v2h = (v2h + v1h + (lo < v2l ? 1 : 0)) >>> 0;
  v2l = lo;
  h = ((v1h << 17) | (v1l >>> 15)) >>> 0;
  l = ((v1l << 17) | (v1h >>> 15)) >>> 0;
  v1h = (h ^ v2h) >>> 0;
  v1l = (l ^ v2l) >>> 0;
  h = v2h;
  v2h = v2l;
  v2l = h;
}

function absorb(mh: number, ml: number): void {
  v3h = (v3h ^ mh) >>> 0;
  v3l = (v3l ^ ml) >>> 0;
  sipRound();
  sipRound();
  v0h = (v0h ^ mh) >>> 0;
  v0l = (v0l ^ ml) >>> 0;
}

function word32(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0
  );
}

function init(key: SipKey): void {
  if (key.length !== 16) throw new RangeError(`a SipHash key is 16 bytes, not ${key.length}`);
  const k0l = word32(key, 0);
  const k0h = word32(key, 4);
  const k1l = word32(key, 8);
  const k1h = word32(key, 12);
  // "somepseudorandomlygeneratedbytes"
  v0h = (k0h ^ 0x736f6d65) >>> 0;
  v0l = (k0l ^ 0x70736575) >>> 0;
  v1h = (k1h ^ 0x646f7261) >>> 0;
  v1l = (k1l ^ 0x6e646f6d) >>> 0;
  v2h = (k0h ^ 0x6c796765) >>> 0;
  v2l = (k0l ^ 0x6e657261) >>> 0;
  v3h = (k1h ^ 0x74656462) >>> 0;
  v3l = (k1l ^ 0x79746573) >>> 0;
}

function finish(): string {
  v2l = (v2l ^ 0xff) >>> 0;
  sipRound();
  sipRound();
  sipRound();
  sipRound();
  const outH = (v0h ^ v1h ^ v2h ^ v3h) >>> 0;
  const outL = (v0l ^ v1l ^ v2l ^ v3l) >>> 0;
  return outH.toString(16).padStart(8, '0') + outL.toString(16).padStart(8, '0');
}

/** SipHash-2-4 of `data` under the 16-byte `key`, as 16 hex digits (the 64-bit result, most significant first). */
export function sipHash24Hex(key: SipKey, data: Uint8Array): string {
  init(key);
  const length = data.length;
  const whole = length - (length % 8);
  for (let at = 0; at < whole; at += 8) absorb(word32(data, at + 4), word32(data, at));
  // the last block: the remaining bytes, the length's low byte on top
  let ml = 0;
  let mh = (length & 0xff) << 24;
  for (let i = length - 1; i >= whole; i--) {
    const shift = (i - whole) * 8;
    if (shift < 32) ml |= (data[i] ?? 0) << shift;
    else mh |= (data[i] ?? 0) << (shift - 32);
  }
  absorb(mh >>> 0, ml >>> 0);
  return finish();
}

/**
 * SipHash-2-4 of the string's UTF-16LE encoding (`sipHash24Hex(key, Buffer.from(text, 'utf16le'))`), read from its
 * code units without encoding it first: a Buffer made for one digest cost more than the digest, cold.
 */
export function sipHash24HexOfString(key: SipKey, text: string): string {
  init(key);
  const units = text.length;
  const whole = units - (units % 4);
  for (let at = 0; at < whole; at += 4)
    absorb(
      (text.charCodeAt(at + 2) | (text.charCodeAt(at + 3) << 16)) >>> 0,
      (text.charCodeAt(at) | (text.charCodeAt(at + 1) << 16)) >>> 0,
    );
  let ml = 0;
  let mh = ((units * 2) & 0xff) << 24;
  const left = units - whole;
  if (left > 0) ml = text.charCodeAt(whole);
  if (left > 1) ml |= text.charCodeAt(whole + 1) << 16;
  if (left > 2) mh |= text.charCodeAt(whole + 2);
  absorb(mh >>> 0, ml >>> 0);
  return finish();
}
