// The assembled state side (LiveStateServices) on a real HTTP server on loopback: a refused publish shows
// up for a WebSocket client, in /diagnostics/errors, in /metrics and as a Kaltura beacon; stop() cleans up.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { StationHttpServer } from '../../../main/http/server.js';
import { LiveStateServices } from '../../../main/station/live-state.js';
import { createIndexTransform, loadOrCreateAccessToken } from '../../../main/http/access-token.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';
import type { ServerMessage } from '../../../shared/bridge/wire.js';
import { freePort, tempDir, waitFor } from '../../helpers/net.js';
import { ACCEPTED, INFO, KALTURA, liveEntry } from '../../unit/station/helpers.js';
import { settingsHandlers, stubHandlers } from '../../unit/bridge/stub-handlers.js';
import { parsePrometheusText } from '../../unit/station/prom-text.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length > 0) await stops.pop()?.();
});

describe('LiveStateServices', () => {
  it('stop() does not wait for a hanging Kaltura beyond beaconFlushOnStopMs', async () => {
    const live = new LiveStateServices({
      logger: createLogger({ sinks: [] }),
      dataDir: null,
      info: INFO,
      kaltura: KALTURA,
      kalturaApi: () => ({ addBeacon: () => new Promise<void>(() => undefined) }),
      beaconsEnabled: () => true,
      ffmpegPids: () => [],
      me: () => 'x',
      beaconFlushOnStopMs: 100,
    });
    live.start();
    live.registry.streamRefused({
      streamId: 'r1',
      entryId: '0_rkij47dr',
      partnerId: 1,
      streamName: '0_rkij47dr_1',
      mediaServerIndex: 0,
      sourceAddress: '127.0.0.1',
      reason: 'wrong token',
      alertCode: 111,
      kalturaCode: null,
      connectionUrl: 'rtmp://x',
      atMs: Date.now(),
    });
    const startedMs = Date.now();
    await live.stop();
    expect(Date.now() - startedMs).toBeLessThan(5000);
  });

  it('carries a refused publish to the UI, diagnostics, metrics and a beacon, without the token anywhere', async () => {
    const dataDir = tempDir();
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink], level: 'debug' });
    const beacons: { eventType: string; privateData: string }[] = [];
    const live = new LiveStateServices({
      logger,
      dataDir,
      info: INFO,
      kaltura: KALTURA,
      kalturaApi: () => ({ addBeacon: async (a) => void beacons.push(a) }),
      beaconsEnabled: () => true,
      ffmpegPids: () => [],
      me: () => 'station-test',
      beaconIntervalMs: 200,
      tickIntervalMs: 200,
      registry: { publishIntervalMs: 50 },
    });
    const token = loadOrCreateAccessToken(dataDir);
    fs.writeFileSync(path.join(dataDir, 'index.html'), '<html><head></head><body>ui</body></html>');
    const port = await freePort();
    const http = new StationHttpServer({
      host: '127.0.0.1',
      port,
      renderer: { root: dataDir, transformIndex: createIndexTransform(token) },
      logger,
    });
    const host = live.createBridgeHost(
      stubHandlers({ ...settingsHandlers(), 'state.getSnapshot': async () => live.registry.snapshot() }),
      { validateOutgoing: true },
    );
    live.attachWebSocket(http, host, token);
    for (const route of live.routes(token)) http.addRoute(route);
    await http.listen();
    live.start();
    stops.push(async () => {
      await live.stop();
      await http.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain(`<meta name="klive-access-token" content="${token}">`);

    const messages: ServerMessage[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`);
    stops.push(async () => ws.terminate());
    ws.on('message', (d) => messages.push(JSON.parse(String(d)) as ServerMessage));
    await waitFor(() => messages.some((m) => m.type === 'event' && m.name === 'state.snapshot'), { what: 'snapshot' });

    live.registry.streamRefused({
      streamId: 'r1',
      entryId: '0_rkij47dr',
      partnerId: 102,
      streamName: '0_rkij47dr_1',
      mediaServerIndex: 0,
      sourceAddress: '127.0.0.1',
      reason: 'Kaltura refused the stream token: copy the broadcast URL again',
      alertCode: 111,
      kalturaCode: 'LIVE_STREAM_INVALID_TOKEN',
      connectionUrl: 'rtmp://127.0.0.1/kLive/?p=102&e=0_rkij47dr&i=0&t=badtok42',
      atMs: Date.now(),
    });
    const entry = await waitFor(() => messages.find((m) => m.type === 'event' && m.name === 'state.entry'), {
      what: 'entry delta',
    });
    expect(entry.type === 'event' && entry.payload).toMatchObject({
      entryId: '0_rkij47dr',
      health: 'Poor',
      streams: [{ state: 'refused' }],
    });
    await waitFor(
      () =>
        messages.find(
          (m) =>
            m.type === 'event' &&
            m.name === 'state.event' &&
            String((m.payload as { message: string }).message).startsWith('Refused'),
        ),
      { what: 'refusal event' },
    );

    const errors = (await (await fetch(`http://127.0.0.1:${port}/diagnostics/errors`)).json()) as Record<
      string,
      { ConnectionUrl: string }
    >;
    expect(Object.values(errors)[0]?.ConnectionUrl).toContain('t=<redacted>');
    const fams = parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    expect(fams.get('klive_auth_results_total')?.samples).toEqual([
      { name: 'klive_auth_results_total', labels: { result: 'LIVE_STREAM_INVALID_TOKEN' }, value: 1 },
    ]);
    await waitFor(() => beacons.length > 0, { what: 'beacon' });
    expect(beacons[0]?.eventType).toBe('0_healthData');
    expect(JSON.parse(beacons[0]?.privateData ?? '{}')).toMatchObject({
      alerts: [{ Code: 111, Arguments: { alertType: 'LIVE_STREAM_INVALID_TOKEN' } }],
      maxSeverity: 4,
    });
    // the system sampler feeds the state
    await waitFor(
      () =>
        messages.some(
          (m) => m.type === 'event' && m.name === 'state.system' && (m.payload as { rssBytes: number }).rssBytes > 0,
        ),
      { what: 'system status' },
    );

    live.registry.streamAccepted({ ...ACCEPTED, entry: liveEntry(), connectedAtMs: Date.now() });
    await waitFor(() => beacons.length > 1, { what: 'all-clear beacon' });
    expect(JSON.parse(beacons[1]?.privateData ?? '{}')).toEqual({ alerts: [], maxSeverity: 1 });

    const everything =
      JSON.stringify(messages) +
      JSON.stringify(beacons) +
      sink.lines.join('\n') +
      fs.readFileSync(path.join(dataDir, 'logs', 'events.log'), 'utf8');
    expect(everything).not.toContain('badtok42');
  });
});
