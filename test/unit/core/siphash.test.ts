// SipHash-2-4 as the gate digests tokens with it: the reference vectors of the SipHash paper and its reference code
// (key 00..0f, messages 00..(n-1)), and agreement with a BigInt transcription of the paper's definition on random keys
// and inputs of every length that matters (block edges included).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sipHash24Hex, sipHash24HexOfString } from '../../../main/core/siphash.js';

const MASK = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & MASK;

/** The paper's definition, word by word, in BigInt: slow and plainly right. */
function referenceSipHash24(key: Uint8Array, data: Uint8Array): bigint {
  const le = (bytes: Uint8Array, at: number, n: number): bigint => {
    let x = 0n;
    for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[at + i] ?? 0);
    return x;
  };
  const k0 = le(key, 0, 8);
  const k1 = le(key, 8, 8);
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & MASK;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & MASK;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & MASK;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const blocks = Math.floor(data.length / 8);
  for (let b = 0; b <= blocks; b++) {
    const m = b < blocks ? le(data, b * 8, 8) : le(data, b * 8, data.length % 8) | (BigInt(data.length & 0xff) << 56n);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  v2 ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

const KEY = Uint8Array.from({ length: 16 }, (_, i) => i);
const message = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i);
/** the 64-bit results of the reference code's vectors_sip64[n] (little-endian bytes there, as numbers here) */
const VECTORS: Array<[number, string]> = [
  [0, '726fdb47dd0e0e31'],
  [1, '74f839c593dc67fd'],
  [2, '0d6c8009d9a94f5a'],
  [3, '85676696d7fb7e2d'],
  [15, 'a129ca6149be45e5'],
];

describe('sipHash24Hex', () => {
  it("gives the reference vectors (the paper's example is the 15-byte one)", () => {
    for (const [n, expected] of VECTORS) expect(sipHash24Hex(KEY, message(n)), `message of ${n} bytes`).toBe(expected);
  });

  it('agrees with the BigInt transcription of the definition on random keys, for lengths 0 to 80', () => {
    for (let n = 0; n <= 80; n++) {
      const key = randomBytes(16);
      const data = randomBytes(n);
      const expected = referenceSipHash24(key, data).toString(16).padStart(16, '0');
      expect(sipHash24Hex(key, data), `length ${n}`).toBe(expected);
    }
  });

  it('matches the vectors through the BigInt transcription too (the two cannot share a mistake)', () => {
    for (const [n, expected] of VECTORS)
      expect(referenceSipHash24(KEY, message(n)).toString(16).padStart(16, '0')).toBe(expected);
  });

  it('refuses a key that is not 16 bytes', () => {
    expect(() => sipHash24Hex(new Uint8Array(32), message(3))).toThrow(/16 bytes, not 32/);
  });

  it('changes with the key and with every byte of the input', () => {
    const base = sipHash24Hex(KEY, message(24));
    const other = Uint8Array.from(KEY);
    other[15] = 0x10;
    expect(sipHash24Hex(other, message(24))).not.toBe(base);
    for (let i = 0; i < 24; i++) {
      const changed = message(24);
      changed[i] = (changed[i] ?? 0) ^ 1;
      expect(sipHash24Hex(KEY, changed)).not.toBe(base);
    }
  });

  it('digests a string as its UTF-16LE bytes, for every length 0 to 40 and for characters beyond one byte', () => {
    const key = randomBytes(16);
    const texts = ['', 'b', 'b0000000', 'b0000000x', '0_rkij47dr', 'tøken-ü-€', 'emoji 🎥 key', 'x'.repeat(40)];
    for (let n = 0; n <= 40; n++) texts.push(randomBytes(n).toString('base64url').slice(0, n));
    for (const text of texts)
      expect(sipHash24HexOfString(key, text), JSON.stringify(text)).toBe(
        sipHash24Hex(key, Buffer.from(text, 'utf16le')),
      );
  });
});
