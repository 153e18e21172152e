// Owns decoding the RTMP commands an encoder sends before it publishes (connect, createStream, publish, play,
// deleteStream) into the message node-media-server's handlers take, equal to NMS's own decoder's (AMF.decodeAmf0Cmd),
// read in place: NMS's decoder slices a new Buffer per value and per object key, ~40 us of a cold connect while the
// encoder waits. Anything beyond the plain AMF0 values encoders send there (numbers, booleans, strings, objects,
// null, undefined) is not decoded here (null): NMS decodes it, with its own quirks, as before.

/** NMS's fields of each command this decoder serves, in the order they follow the name (AMF.rtmpCmdCode) */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  connect: ['transId', 'cmdObj', 'args'],
  createStream: ['transId', 'cmdObj'],
  publish: ['transId', 'cmdObj', 'streamName', 'type'],
  play: ['transId', 'cmdObj', 'streamName', 'start', 'duration', 'reset'],
  deleteStream: ['transId', 'cmdObj', 'streamId'],
};

/** a decoded command, as NMS's handlers read it: `cmd` and the fields FIELDS names */
export type RtmpCommand = { cmd: string } & Record<string, unknown>;

const MAX_DEPTH = 8;

/** Not something decoded here: NMS decodes it. */
class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain();

class Cursor {
  constructor(
    readonly buf: Buffer,
    public at: number,
    readonly end: number,
  ) {}

  take(n: number): number {
    const at = this.at;
    if (at + n > this.end) throw NOT_PLAIN;
    this.at = at + n;
    return at;
  }

  text(n: number): string {
    const at = this.take(n);
    return this.buf.toString('utf8', at, at + n);
  }

  value(depth: number): unknown {
    const b = this.buf;
    switch (b[this.take(1)]) {
      case 0x00:
        return b.readDoubleBE(this.take(8));
      case 0x01:
        return b[this.take(1)] !== 0;
      case 0x02:
        return this.text(b.readUInt16BE(this.take(2)));
      case 0x0c:
        return this.text(b.readUInt32BE(this.take(4)));
      case 0x05:
        return null;
      case 0x06:
        return undefined;
      case 0x03:
        return this.object(depth + 1);
      default:
        throw NOT_PLAIN;
    }
  }

  /** an object's properties up to its end marker (an empty key, then 0x09) */
  private object(depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw NOT_PLAIN;
    const b = this.buf;
    const o: Record<string, unknown> = {};
    for (;;) {
      const keyLength = b.readUInt16BE(this.take(2));
      if (keyLength === 0) {
        if (b[this.take(1)] !== 0x09) throw NOT_PLAIN;
        return o;
      }
      // NMS's decoder reads a key whose length starts with 0x09 as the end of the object
      if (keyLength >> 8 === 0x09) throw NOT_PLAIN;
      const key = this.text(keyLength);
      // NMS's decoder ends an object at a key followed by 0x09, whatever the key
      if (b[this.at] === 0x09) throw NOT_PLAIN;
      o[key] = this.value(depth);
    }
  }
}

/**
 * The command in `payload[start, end)` (an AMF0 command message's body), or null when it is not one this decoder
 * serves or holds values it leaves to NMS; then NMS's decoder reads it.
 */
export function decodeCommand(payload: Buffer, start: number, end: number): RtmpCommand | null {
  const c = new Cursor(payload, start, end);
  try {
    if (payload[c.take(1)] !== 0x02) return null;
    const cmd = c.text(payload.readUInt16BE(c.take(2)));
    const fields = Object.hasOwn(FIELDS, cmd) ? FIELDS[cmd] : undefined;
    if (!fields) return null;
    const message: RtmpCommand = { cmd };
    for (const name of fields) {
      if (c.at >= end) break;
      message[name] = c.value(0);
    }
    return message;
  } catch (error) {
    if (error instanceof NotPlain || error instanceof RangeError) return null;
    throw error;
  }
}
