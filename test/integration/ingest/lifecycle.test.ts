// Two ingest servers in one process do not see each other's streams (NMS keeps module-global state),
// and stop() closes publishers and readers at once.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/net.js';
import { ENTRY, keyFormArgs, readerArgs, startHarness, type Harness } from './harness.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.cleanup();
});

describe('ingest lifecycle (integration)', () => {
  it('keeps two servers in one process apart, even for the same stream name', async () => {
    const a = await startHarness();
    const b = await startHarness();
    harnesses.push(a, b);
    a.spawnFfmpeg(keyFormArgs(a.port, 4));
    await waitFor(() => a.events.streamAccepted[0], { timeoutMs: 15_000, what: 'a accepted' });
    b.spawnFfmpeg(keyFormArgs(b.port, 4));
    await waitFor(() => b.events.streamAccepted[0], { timeoutMs: 15_000, what: 'b accepted' });
    expect(a.events.streamRefused).toHaveLength(0);
    expect(b.events.streamRefused).toHaveLength(0);
    // each one's reader gets its own stream
    const ra = a.spawnFfmpeg(['-t', '1', ...readerArgs(a.server.pullUrl(`${ENTRY}_1`))]);
    const rb = b.spawnFfmpeg(['-t', '1', ...readerArgs(b.server.pullUrl(`${ENTRY}_1`))]);
    expect(await ra.exited).toBe(0);
    expect(await rb.exited).toBe(0);
    // NMS's own log lines land in the logger of the server that owns the session
    expect(a.lines.some((l) => l.includes('[station:nms]'))).toBe(true);
    expect(b.lines.some((l) => l.includes('[station:nms]'))).toBe(true);
  });

  it('stop() closes the publisher and its reader and reports the end', async () => {
    const h = await startHarness();
    harnesses.push(h);
    const pub = h.spawnFfmpeg(keyFormArgs(h.port, 30));
    const accepted = await waitFor(() => h.events.streamAccepted[0], { timeoutMs: 15_000, what: 'accepted' });
    const reader = h.spawnFfmpeg(readerArgs(accepted.pullUrl));
    await new Promise((r) => setTimeout(r, 1000));
    await h.server.stop();
    expect(h.events.streamEnded[0]).toMatchObject({ streamId: accepted.streamId, reason: 'station-stopping' });
    expect(h.server.activeStreams()).toHaveLength(0);
    const codes = await Promise.race([
      Promise.all([pub.exited, reader.exited]),
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), 5000)),
    ]);
    expect(codes).not.toBe('hung');
  });
});
