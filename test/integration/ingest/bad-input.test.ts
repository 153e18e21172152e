// Hostile and broken clients on loopback (bounded in count and time): garbage, truncated handshakes,
// malformed AMF, absurd chunk sizes and message lengths, a flood of idle connects. The server closes
// each with a log line, keeps its connection count bounded and still accepts a real publisher after.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PortInUseError } from '../../../main/core/errors.js';
import { IngestServer } from '../../../main/ingest/index.js';
import { silentLogger } from '../../../main/log/logger.js';
import { tempDir, waitFor } from '../../helpers/net.js';
import { ENTRY, keyFormArgs, PARTNER, startHarness, stubKaltura, TOKEN, type Harness } from './harness.js';
import { amfString } from '../../helpers/flv.js';
import { rtmpPublish } from '../../bench/rtmp-client.js';

let h: Harness | null = null;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await h?.cleanup();
  h = null;
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', () => {});
    s.once('error', reject);
    sockets.push(s);
  });
}

function closed(s: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve();
    s.once('close', () => resolve());
    s.resume();
  });
}

/** C0+C1, wait for S0S1S2, send C2: a simple (format 0) RTMP handshake. */
async function handshake(port: number): Promise<net.Socket> {
  const s = await connect(port);
  const c1 = Buffer.alloc(1536, 7);
  s.write(Buffer.concat([Buffer.from([3]), c1]));
  await new Promise<void>((resolve) => {
    let got = 0;
    const onData = (d: Buffer): void => {
      got += d.length;
      if (got >= 1 + 1536 * 2) {
        s.off('data', onData);
        resolve();
      }
    };
    s.on('data', onData);
  });
  s.write(c1);
  return s;
}

/** One type-0 chunk on chunk stream 3 (payload must fit the default 128-byte chunk size). */
function chunk(type: number, payload: Buffer, declaredLength = payload.length): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x03;
  header.writeUIntBE(0, 1, 3);
  header.writeUIntBE(declaredLength, 4, 3);
  header[7] = type;
  header.writeUInt32LE(0, 8);
  return Buffer.concat([header, payload]);
}

function amfNumber(n: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = 0;
  b.writeDoubleBE(n, 1);
  return b;
}

describe('bad input (integration)', () => {
  it('closes garbage, truncated, malformed and oversized clients with a log line and stays up', async () => {
    h = await startHarness({ handshakeTimeoutMs: 1500 });
    const port = h.port;
    const bad: net.Socket[] = [];

    const garbage = await connect(port);
    garbage.write(Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 37 + 11) & 0xff)));
    bad.push(garbage);

    const truncated = await connect(port);
    truncated.write(Buffer.from([3, 1, 2, 3]));
    bad.push(truncated);

    const noApp = await handshake(port);
    noApp.write(
      chunk(
        20,
        Buffer.concat([
          amfString('connect'),
          amfNumber(1),
          Buffer.from([3, 0, 3, 0x61, 0x70, 0x70]),
          amfNumber(5),
          Buffer.from([0, 0, 9]),
        ]),
      ),
    );
    bad.push(noApp);

    const brokenAmf = await handshake(port);
    brokenAmf.write(chunk(20, Buffer.from([2, 0xff, 0xff, 0x61, 0x62, 0x11, 0x22])));
    bad.push(brokenAmf);

    const zeroChunkSize = await handshake(port);
    zeroChunkSize.write(chunk(1, Buffer.from([0, 0, 0, 0])));
    bad.push(zeroChunkSize);

    const hugeMessage = await handshake(port);
    hugeMessage.write(chunk(9, Buffer.alloc(16), 0xffffff));
    bad.push(hugeMessage);

    await Promise.all(
      bad.map((s) =>
        Promise.race([
          closed(s),
          new Promise((_, reject) => setTimeout(() => reject(new Error('a bad connection stayed open')), 6000)),
        ]),
      ),
    );
    const closings = h.lines.filter((l) => l.includes('closing RTMP connection'));
    expect(closings.length).toBeGreaterThanOrEqual(bad.length);
    expect(closings.some((l) => l.includes('larger than'))).toBe(true);
    expect(closings.some((l) => l.includes('chunk size'))).toBe(true);
    await waitFor(() => h?.server.connectionCount === 0, { timeoutMs: 3000, what: 'no connections left' });

    // Still serving: a real publisher is accepted.
    await h.spawnFfmpeg(keyFormArgs(port, 1)).exited;
    expect(h.events.streamAccepted).toHaveLength(1);
  });

  // Regression: the phase was overwritten to `playing` by a play command on a publishing connection, so its close
  // never told the ingest; the phase table (conn-phase.ts) makes that move an error that closes the connection.
  it('closes an accepted publisher that sends play, and reports its end', async () => {
    h = await startHarness();
    const app = `kLive/?p=${PARTNER}&e=${ENTRY}&i=0&t=${TOKEN}`;
    const published = await rtmpPublish({ port: h.port, app, streamName: `${ENTRY}_1` });
    sockets.push(published.socket);
    expect(published.code).toBe('NetStream.Publish.Start');
    await waitFor(() => h?.events.streamAccepted.length === 1, { timeoutMs: 3000, what: 'the stream accepted' });
    const play = Buffer.concat([amfString('play'), amfNumber(4), Buffer.from([5]), amfString(`${ENTRY}_1`)]);
    const header = Buffer.alloc(12);
    header[0] = 0x08;
    header.writeUIntBE(play.length, 4, 3);
    header[7] = 20;
    header.writeUInt32LE(1, 8);
    published.socket.write(Buffer.concat([header, play]));
    await closed(published.socket);
    await waitFor(() => h?.events.streamEnded.length === 1, { timeoutMs: 3000, what: 'the end reported' });
    expect(h.lines.some((l) => l.includes('cannot go from accepted to playing'))).toBe(true);
    await waitFor(() => h?.server.connectionCount === 0, { timeoutMs: 3000, what: 'no connections left' });
  });

  it('bounds a flood of idle connects by maxConnections and the handshake timeout', async () => {
    h = await startHarness({ handshakeTimeoutMs: 1000, maxConnections: 20 });
    const port = h.port;
    const flood: net.Socket[] = [];
    for (let i = 0; i < 300; i++) {
      try {
        flood.push(await connect(port));
      } catch {
        // refused at the door: fine
      }
    }
    expect(h.server.connectionCount).toBeLessThanOrEqual(20);
    await Promise.all(flood.map((s) => closed(s)));
    await waitFor(() => h?.server.connectionCount === 0, { timeoutMs: 5000, what: 'idle connections closed' });
    expect(h.lines.some((l) => l.includes('too many connections'))).toBe(true);
    await h.spawnFfmpeg(keyFormArgs(port, 1)).exited;
    expect(h.events.streamAccepted).toHaveLength(1);
  });

  it('turns a taken port into PortInUseError and keeps the process running', async () => {
    h = await startHarness();
    const second = new IngestServer({
      host: '127.0.0.1',
      port: h.port,
      dataDir: tempDir(),
      logger: silentLogger(),
      authenticate: stubKaltura().authenticate,
    });
    const error = await second.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toContain(`RTMP port ${h.port} on 127.0.0.1 is already in use`);
    expect((error as Error).message).toContain('--rtmp-port');
    await second.stop();
  });
});
