// Registrations expire when keep-alives stop (issue 16): the station in eCDN mode (flags only) keeps its entry
// registration and its server node alive against an external sandbox on a fast clock (60 sandbox seconds per
// real second, so Kaltura's 120 s lifetime lasts 2 s), and once the network to Kaltura is cut the entry stops
// being live there, as on a real Kaltura, while the station itself carries on.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../main/config/options.js';
import { startInProcessStation } from '../../helpers/in-process-station.js';
import { startSandboxProcess } from '../../helpers/sandbox-process.js';
import { startPublisher } from '../../helpers/publisher.js';
import { freePort, waitFor } from '../../helpers/net.js';

const ENTRY = '0_rkij47dr';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

/** A TCP relay to the sandbox that the test can cut, as a network outage would. */
async function relay(targetPort: number): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const cut = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port, cut };
}

async function isLive(serviceUrl: string): Promise<boolean> {
  const res = await fetch(`${serviceUrl}/api_v3/service/livestream/action/isLive`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: ENTRY, protocol: 'applehttp', format: 1 }),
  });
  return (await res.json()) === true;
}

describe('registration expiry on a fast sandbox clock', () => {
  it('stays live while keep-alives flow, and expires once they stop', async () => {
    const sb = await startSandboxProcess({ timeScale: 60 });
    cleanups.push(() => sb.stop());
    const link = await relay(sb.port);
    let cut = false;
    cleanups.push(async () => {
      if (!cut) await link.cut();
    });
    const kaltura = parseCommandLine(
      [
        '--kaltura-mode',
        'ecdn',
        '--kaltura-url',
        `http://127.0.0.1:${link.port}`,
        '--partner-id',
        '102',
        '--admin-secret-file',
        sb.secretFile(102),
      ],
      {},
    ).options.kaltura;
    // keep-alives every 0.5 s real = 30 s on the sandbox's clock, inside its 120 s (2 s real) lifetime
    const s = await startInProcessStation(
      { resumeGraceMs: 1500, keepAliveIntervalMs: 500, serverNodeHeartbeatMs: 500 },
      kaltura ? { kaltura } : {},
    );
    cleanups.push(() => s.stop());
    const token = sb.state().entries.find((e) => e.id === ENTRY)?.streamPassword as string;
    const publisher = startPublisher(
      { rtmpPort: s.rtmpPort, partnerId: 102, entryId: ENTRY, token },
      { durationSeconds: 40 },
    );
    cleanups.push(() => publisher.stop());

    await waitFor(() => isLive(sb.serviceUrl), { timeoutMs: 40_000, what: 'the entry live at the sandbox' });
    // three lifetimes later it is still live: the keep-alives renew it
    await new Promise((r) => setTimeout(r, 6_000));
    expect(await isLive(sb.serviceUrl)).toBe(true);

    await link.cut();
    cut = true;
    await waitFor(async () => !(await isLive(sb.serviceUrl)), {
      timeoutMs: 15_000,
      what: 'the registration expired at the sandbox',
    });
    // the station keeps serving its HLS and shows the failing keep-alives
    const snap = await s.snapshot();
    const stream = snap.entries.find((e) => e.entryId === ENTRY)?.streams[0];
    expect(stream?.state).toBe('playable');
  });
});
