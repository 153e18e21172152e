// /metrics and /diagnostics over a real StationHttpServer on loopback, and the token rule for other hosts.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { StationHttpServer } from '../../../main/http/server.js';
import { createMetricsRoute } from '../../../main/http/metrics-route.js';
import { createDiagnosticsRoute } from '../../../main/http/diagnostics-route.js';
import { opsAccess } from '../../../main/http/ops-access.js';
import { StationMetrics } from '../../../main/station/metrics.js';
import { silentLogger } from '../../../main/log/logger.js';
import { freePort, tempDir } from '../../helpers/net.js';
import { ACCEPTED, liveEntry, makeRegistry, probe } from '../../unit/station/helpers.js';
import { parsePrometheusText } from '../../unit/station/prom-text.js';

const TOKEN = 'ab'.repeat(16);
let server: StationHttpServer | null = null;
let root: string | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
  if (root) fs.rmSync(root, { recursive: true, force: true });
  root = null;
});

async function start(remote?: string): Promise<{ base: string; r: ReturnType<typeof makeRegistry> }> {
  const r = makeRegistry();
  r.registry.streamAccepted({ ...ACCEPTED, entry: liveEntry(), connectedAtMs: r.clock.nowMs() });
  r.registry.probe({
    streamId: 's1',
    probe: probe({ lastVideoAtMs: r.clock.nowMs(), lastAudioAtMs: r.clock.nowMs() }),
  });
  const access = opsAccess(TOKEN, remote ? () => remote : undefined);
  const metrics = new StationMetrics({
    snapshot: () => r.registry.snapshot(),
    authResults: () => r.registry.authResults(),
    nowMs: () => r.clock.nowMs(),
  });
  const port = await freePort();
  server = new StationHttpServer({
    host: '127.0.0.1',
    port,
    renderer: { root: (root = tempDir()) },
    logger: silentLogger(),
  });
  server.addRoute(createMetricsRoute(metrics, access));
  server.addRoute(
    createDiagnosticsRoute(
      {
        snapshot: () => r.registry.snapshot(),
        refusals: () => r.registry.refusals(),
        nowMs: () => r.clock.nowMs(),
        me: () => 'station-1.local',
      },
      access,
    ),
  );
  await server.listen();
  return { base: `http://127.0.0.1:${port}`, r };
}

describe('ops endpoints over HTTP', () => {
  it('/metrics serves parseable Prometheus text', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const fams = parsePrometheusText(await res.text());
    expect(fams.get('klive_input_bitrate_bps')?.samples[0]?.labels).toEqual({
      entry_id: '0_rkij47dr',
      stream_name: '0_rkij47dr_1',
      index: '0',
    });
  });

  it('/diagnostics/entries, /errors, /info answer JSON with X-Me; other arguments get the Wowza error', async () => {
    const { base } = await start();
    const entries = await fetch(`${base}/diagnostics/entries`);
    expect(entries.headers.get('x-me')).toBe('station-1.local');
    expect(Object.keys((await entries.json()) as object)).toEqual(['0_rkij47dr']);
    expect(await (await fetch(`${base}/diagnostics/errors`)).json()).toEqual({});
    expect(await (await fetch(`${base}/diagnostics/info`)).json()).toMatchObject({
      jarName: 'klive-station',
      entriesCount: 1,
      inputStreamsCount: 1,
    });
    const other = await fetch(`${base}/diagnostics/killAll`);
    expect(await other.json()).toEqual({ Error: 'Got argument: killAll, valid arguments: [entries, errors, info]' });
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('a non-loopback reader needs the access token', async () => {
    const { base } = await start('192.168.1.50');
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/diagnostics/info`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${base}/diagnostics/info`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
  });
});
