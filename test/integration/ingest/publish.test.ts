// RTMP ingest with real FFmpeg publishers on loopback: both URL forms accepted with the right token,
// and refused (socket closed, nothing fanned out) for a wrong token, unknown entry, mismatched stream
// name and a server index other than 0/1.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/net.js';
import { ENTRY, TOKEN, keyFormArgs, obsFormArgs, query, startHarness, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

describe('publish gate (integration)', () => {
  it('accepts the stream-key-query form with the right token and reports the end within a second', async () => {
    h = await startHarness();
    const pub = h.spawnFfmpeg(keyFormArgs(h.port, 3));
    const accepted = await waitFor(() => h?.events.streamAccepted[0], { timeoutMs: 15_000, what: 'streamAccepted' });
    expect(accepted).toMatchObject({
      entryId: ENTRY,
      partnerId: 102,
      streamName: `${ENTRY}_1`,
      suffix: 1,
      mediaServerIndex: 0,
      sourceAddress: '127.0.0.1',
      resumed: false,
    });
    expect(accepted.pullUrl).toBe(`rtmp://127.0.0.1:${h.port}/kLive/${ENTRY}_1`);
    expect(accepted.connectionUrl).not.toContain(TOKEN);
    expect(h.server.activeStreams()).toHaveLength(1);
    expect(await pub.exited).toBe(0);
    const exitedAt = Date.now();
    const ended = await waitFor(() => h?.events.streamEnded[0], { timeoutMs: 5000, what: 'streamEnded' });
    expect(Date.now() - exitedAt).toBeLessThan(1500);
    expect(ended).toMatchObject({ streamId: accepted.streamId, reason: 'publisher-left' });
    expect(h.server.activeStreams()).toHaveLength(0);
    expect(h.calls).toHaveLength(1);
    expect(h.lines.join('\n')).not.toContain(TOKEN);
  });

  it('accepts the OBS wire form (query on the app and tcUrl)', async () => {
    h = await startHarness();
    const pub = h.spawnFfmpeg(obsFormArgs(h.port, 3));
    const accepted = await waitFor(() => h?.events.streamAccepted[0], { timeoutMs: 15_000, what: 'streamAccepted' });
    expect(accepted).toMatchObject({ entryId: ENTRY, streamName: `${ENTRY}_1`, mediaServerIndex: 0 });
    expect(accepted.connectionUrl).toBe(
      `rtmp://127.0.0.1:${h.port}/kLive/${ENTRY}_1?p=102&e=${ENTRY}&i=0&t=<redacted>`,
    );
    expect(await pub.exited).toBe(0);
    expect(h.calls[0]).toEqual({ partnerId: 102, entryId: ENTRY, token: TOKEN, mediaServerIndex: 0 });
    expect(h.lines.join('\n')).not.toContain(TOKEN);
  });

  const refusals: Array<{
    name: string;
    args: (port: number) => string[];
    reason: string;
    alertCode: number;
    calls: number;
  }> = [
    {
      name: 'a wrong token',
      args: (p) => obsFormArgs(p, 10, `${ENTRY}_1`, query(ENTRY, 'wrongtok')),
      reason: 'wrong-token',
      alertCode: 111,
      calls: 1,
    },
    {
      name: 'an unknown entry',
      args: (p) => keyFormArgs(p, 10, '1_zzzzzzzz_1', query('1_zzzzzzzz')),
      reason: 'unknown-entry',
      alertCode: 113,
      calls: 1,
    },
    {
      name: 'a stream name of another entry',
      args: (p) => obsFormArgs(p, 10, '1_backup00_1'),
      reason: 'entry-mismatch',
      alertCode: 112,
      calls: 0,
    },
    {
      name: 'server index i=7',
      args: (p) => obsFormArgs(p, 10, `${ENTRY}_1`, query(ENTRY, TOKEN, '7')),
      reason: 'bad-url',
      alertCode: -1,
      calls: 0,
    },
  ];
  for (const c of refusals) {
    it(`refuses ${c.name}: told why, socket closed fast, nothing registered, token never shown`, async () => {
      h = await startHarness();
      const pub = h.spawnFfmpeg(c.args(h.port));
      const refused = await waitFor(() => h?.events.streamRefused[0], { timeoutMs: 15_000, what: 'streamRefused' });
      const refusedAt = Date.now();
      expect(refused).toMatchObject({ reason: c.reason, alertCode: c.alertCode, sourceAddress: '127.0.0.1' });
      const code = await pub.exited;
      expect(code).not.toBe(0);
      // FFmpeg prints the NetStream.Publish.Denied description (and, on its own, its URL)
      const serverError = pub
        .stderr()
        .split('\n')
        .find((l) => l.includes('Server error'));
      expect(serverError).toContain(c.reason);
      expect(serverError).not.toContain(TOKEN);
      expect(Date.now() - refusedAt).toBeLessThan(2500);
      expect(h.events.streamAccepted).toHaveLength(0);
      expect(h.server.activeStreams()).toHaveLength(0);
      expect(h.calls).toHaveLength(c.calls);
      expect(refused.message).not.toContain(TOKEN);
      expect(refused.connectionUrl).not.toContain('wrongtok');
      expect(h.lines.join('\n')).not.toMatch(/dj94kfit|wrongtok/);
    });
  }

  it('costs one Kaltura call for an encoder reconnect loop with a wrong token', async () => {
    h = await startHarness();
    for (let i = 0; i < 3; i++) {
      await h.spawnFfmpeg(obsFormArgs(h.port, 10, `${ENTRY}_1`, query(ENTRY, 'wrongtok'))).exited;
    }
    await waitFor(() => (h?.events.streamRefused.length ?? 0) >= 3, { timeoutMs: 5000, what: 'three refusals' });
    expect(h.calls).toHaveLength(1);
    expect(h.events.streamRefused.map((r) => [r.reason, r.blocked])).toEqual([
      ['wrong-token', false],
      ['wrong-token', true],
      ['wrong-token', true],
    ]);
    expect(h.events.streamRefused[1]?.message).toContain('this same token was refused');
    // Regression (issue 21): the corrected token from the same encoder used to be refused for the rest of the window.
    h.spawnFfmpeg(obsFormArgs(h.port, 3));
    await waitFor(() => h?.events.streamAccepted[0], { timeoutMs: 15_000, what: 'the corrected token accepted' });
    expect(h.calls.map((c) => c.token)).toEqual(['wrongtok', TOKEN]);
  });
});
