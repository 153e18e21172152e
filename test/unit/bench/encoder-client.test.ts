// The auth bench's blocking client (test/bench/encoder-client.c), built with the machine's C compiler and run against
// the bench's canned server in-process: a publish is answered and timed by step, a server that hangs up is "closed",
// and its output line is read back as the bench reads it.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cannedRtmpServer } from '../../bench/canned-rtmp-server.js';
import { buildEncoderClient, parseEncoderLine, type EncoderClient } from '../../bench/encoder-client.js';

let client: EncoderClient;
const servers: net.Server[] = [];

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

beforeAll(() => {
  const built = buildEncoderClient();
  // CI installs gcc (.ci/run); a machine without a compiler fails here with the bench's own advice
  if (typeof built === 'string') throw new Error(built);
  client = built;
});

afterAll(() => {
  client?.dispose();
  for (const s of servers) s.close();
});

describe('encoder-client', () => {
  it('publishes to the canned server and times each round trip', async () => {
    const port = await listen(cannedRtmpServer());
    const r = await client.publish({ port, app: 'kLive', streamName: 'bench_1' });
    expect(r.code).toBe('NetStream.Publish.Start');
    const steps = Object.values(r.stepsMs);
    expect(steps).toHaveLength(5);
    for (const ms of steps) expect(ms).toBeGreaterThanOrEqual(0);
    const sum = steps.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - r.elapsedMs)).toBeLessThan(0.01);
  });

  it('says "closed" when the server hangs up after the handshake', async () => {
    const port = await listen(
      net.createServer((socket) => {
        let bytes = 0;
        socket.on('data', (d: Buffer) => {
          bytes += d.length;
          if (bytes >= 1537 && !socket.writableEnded) socket.end(Buffer.alloc(1 + 2 * 1536, 3));
        });
      }),
    );
    const r = await client.publish({ port, app: 'kLive', streamName: 'bench_1' });
    expect(r.code).toBe('closed');
    expect(Number.isNaN(r.elapsedMs)).toBe(true);
  });

  it('reads a result line, and a bare code as no times', () => {
    expect(parseEncoderLine('NetStream.Publish.Start 1.5 0.1 0.5 0.3 0.2 0.4\n')).toEqual({
      code: 'NetStream.Publish.Start',
      elapsedMs: 1.5,
      stepsMs: { tcp: 0.1, handshake: 0.5, connect: 0.3, createStream: 0.2, publish: 0.4 },
    });
    const bare = parseEncoderLine('timeout\n');
    expect(bare.code).toBe('timeout');
    expect(Object.values(bare.stepsMs).every(Number.isNaN)).toBe(true);
  });
});
