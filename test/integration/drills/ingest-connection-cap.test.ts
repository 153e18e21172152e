// Regression (found by the passthrough capacity bench): the RTMP listener's default connection cap was 64,
// and every live stream holds the publisher's connection plus the transcoder's pull (and the recorder's),
// so the 33rd passthrough stream's transcoder was dropped at the door and never became playable. Pins: the
// default cap admits 50 recorded streams (3 connections each) at once.
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { IngestServer } from '../../../main/ingest/index.js';
import { DEFAULT_MAX_CONNECTIONS } from '../../../main/ingest/rtmp-listener.js';
import { silentLogger } from '../../../main/log/logger.js';
import { freePort, tempDir } from '../../helpers/net.js';
import { sleep } from './drill-kit.js';

const sockets: net.Socket[] = [];
let server: IngestServer | null = null;
const dataDir = tempDir('klive-cap-');

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('ingest default connection cap (regression: 64 capped the station at 32 streams)', () => {
  it('keeps 150 concurrent connections open with the default options', async () => {
    expect(DEFAULT_MAX_CONNECTIONS).toBeGreaterThanOrEqual(150);
    server = new IngestServer({
      host: '127.0.0.1',
      port: await freePort(),
      dataDir,
      logger: silentLogger(),
      authenticate: () => Promise.reject(new Error('not used')),
    });
    await server.start();
    const closed = new Set<number>();
    for (let i = 0; i < 150; i++) {
      const socket = await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(server?.port ?? 0, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
      });
      socket.on('close', () => closed.add(i));
      socket.on('error', () => closed.add(i));
      sockets.push(socket);
    }
    // a dropped connection is closed by the server at once; these stay open until the handshake timeout
    await sleep(500);
    expect(closed.size).toBe(0);
  });
});
