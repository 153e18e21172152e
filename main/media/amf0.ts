// Owns a small, bounded AMF0 reader for FLV script tags (onMetaData): it returns the scalar values
// an encoder declared and skips nested structures. Malformed input yields null, never a throw.

export type Scalar = string | number | boolean;

export interface ScriptData {
  /** `onMetaData` (after an optional `@setDataFrame`), or whatever name the tag carries */
  name: string;
  values: Record<string, Scalar>;
}

class Reader {
  offset = 0;
  constructor(
    readonly buf: Buffer,
    readonly end: number,
  ) {}
  need(n: number): void {
    if (this.offset + n > this.end) throw new RangeError('truncated AMF0');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.offset++] ?? 0;
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }
  str(len: number): string {
    this.need(len);
    const v = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return v;
  }
}

const MAX_DEPTH = 8;
const MAX_KEYS = 256;

/** Reads one value; returns a scalar, or undefined for null/undefined/nested values (which are skipped). */
function readValue(r: Reader, depth: number, sink?: Record<string, Scalar>): Scalar | undefined {
  if (depth > MAX_DEPTH) throw new RangeError('AMF0 nesting too deep');
  const marker = r.u8();
  switch (marker) {
    case 0x00:
      return r.f64();
    case 0x01:
      return r.u8() !== 0;
    case 0x02:
      return r.str(r.u16());
    case 0x0c:
      return r.str(r.u32());
    case 0x05:
    case 0x06:
      return undefined;
    case 0x03:
      readProperties(r, depth, sink);
      return undefined;
    case 0x08:
      r.u32(); // approximate count: the end marker is authoritative
      readProperties(r, depth, sink);
      return undefined;
    case 0x0a: {
      const count = r.u32();
      if (count > 65_536) throw new RangeError('AMF0 array too long');
      for (let i = 0; i < count; i++) readValue(r, depth + 1);
      return undefined;
    }
    case 0x0b:
      r.f64();
      r.u16();
      return undefined;
    default:
      throw new RangeError(`unsupported AMF0 marker ${marker}`);
  }
}

function readProperties(r: Reader, depth: number, sink?: Record<string, Scalar>): void {
  for (let i = 0; i <= MAX_KEYS; i++) {
    const keyLen = r.u16();
    if (keyLen === 0) {
      if (r.u8() !== 0x09) throw new RangeError('AMF0 object without end marker');
      return;
    }
    const key = r.str(keyLen);
    const value = readValue(r, depth + 1);
    if (sink && value !== undefined && key !== '__proto__') sink[key] = value;
  }
  throw new RangeError('AMF0 object with too many keys');
}

/** Decodes an FLV script tag payload (the first `size` bytes of `buf`). */
export function decodeScriptData(buf: Buffer, size: number = buf.length): ScriptData | null {
  try {
    const r = new Reader(buf, Math.min(size, buf.length));
    let name = readValue(r, 0);
    if (name === '@setDataFrame') name = readValue(r, 0);
    if (typeof name !== 'string') return null;
    const values: Record<string, Scalar> = {};
    if (r.offset < r.end) readValue(r, 0, values);
    return { name, values };
  } catch {
    return null;
  }
}
