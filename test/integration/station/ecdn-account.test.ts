// The station on a "real" Kaltura account (issue 16): an external sandbox process reached only through the new
// flags (--kaltura-mode ecdn --kaltura-url --partner-id --admin-secret-file), the way a producer sets up a server.
// The sandbox refuses what Kaltura refuses (unregistered media servers, partners without the features).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startStation, type StationProcess } from '../../helpers/station-process.js';
import { setFeatures, startSandboxProcess, type SandboxProcess } from '../../helpers/sandbox-process.js';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';

const ENTRY = '0_rkij47dr';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function sandbox(edit?: Parameters<typeof startSandboxProcess>[0]): Promise<SandboxProcess> {
  const sb = await startSandboxProcess(edit);
  cleanups.push(() => sb.stop());
  return sb;
}

async function ecdnStation(sb: SandboxProcess): Promise<StationProcess> {
  const st = await startStation({
    args: [
      '--kaltura-mode',
      'ecdn',
      '--kaltura-url',
      sb.serviceUrl,
      '--partner-id',
      '102',
      '--admin-secret-file',
      sb.secretFile(102),
    ],
  });
  cleanups.push(() => st.stop());
  return st;
}

function publish(st: StationProcess, sb: SandboxProcess, durationSeconds?: number): Publisher {
  const token = sb.state().entries.find((e) => e.id === ENTRY)?.streamPassword as string;
  const p = startPublisher(
    { rtmpPort: st.rtmpPort, partnerId: 102, entryId: ENTRY, token },
    durationSeconds ? { durationSeconds } : {},
  );
  cleanups.push(() => p.stop());
  return p;
}

const hostnameOf = (st: StationProcess): string =>
  (JSON.parse(fs.readFileSync(path.join(st.dataDir, 'installation.json'), 'utf8')) as { defaultHostname: string })
    .defaultHostname;
const events = (st: StationProcess): string[] => {
  try {
    return fs
      .readFileSync(path.join(st.dataDir, 'logs', 'events.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { message: string }).message);
  } catch {
    return [];
  }
};

describe('eCDN mode against an external sandbox, set up with flags only', () => {
  it('registers its server node before the first authenticate; publish -> PLAYABLE -> unregister; offline on quit', async () => {
    const sb = await sandbox();
    const st = await ecdnStation(sb);
    const hostName = hostnameOf(st);
    const node = await waitFor(() => sb.state().serverNodes.find((n) => n.hostName === hostName && n.status === 1), {
      timeoutMs: 15_000,
      what: 'the station as an ACTIVE server node',
    });
    expect(node).toMatchObject({ partnerId: 102, objectType: 'KalturaWowzaMediaServerNode' });
    expect(node.heartbeatTime).not.toBeNull();
    expect(node.fields).toMatchObject({ applicationName: 'kLive' });
    expect(JSON.stringify(node.fields)).toContain(String(st.httpPort));

    const publisher = publish(st, sb, 12);
    const playable = await waitFor(() => sb.state().nodes.find((n) => n.entryId === ENTRY && n.status === 1), {
      timeoutMs: 40_000,
      what: 'the entry PLAYABLE through the station',
    });
    // authenticate and register went through this station's node: it existed first
    expect(playable.serverNodeId).toBe(node.id);
    expect(playable.hostname).toBe(hostName);
    expect(node.createdAtSeconds).toBeLessThanOrEqual(playable.createdAtSeconds);

    await publisher.exited;
    await waitFor(() => !sb.state().nodes.some((n) => n.entryId === ENTRY && n.status !== 4), {
      timeoutMs: 40_000,
      what: 'the entry unregistered',
    });
    await st.stop('SIGTERM');
    await waitFor(() => sb.state().serverNodes.find((n) => n.hostName === hostName)?.status === 4, {
      timeoutMs: 10_000,
      what: 'the node marked offline (NOT_REGISTERED)',
    });
  });

  it('without the Server Node feature: says what to do before any publish, and publishes nothing', async () => {
    const sb = await sandbox({ edit: (s) => setFeatures(s, 102, { serverNode: false }) });
    const st = await ecdnStation(sb);
    await waitFor(
      () =>
        events(st).find((m) =>
          m.includes(
            'this partner lacks the Server Node / Hybrid eCDN feature; ask your Kaltura account manager to enable it',
          ),
        ),
      {
        timeoutMs: 15_000,
        what: 'the server-node refusal in the events log',
      },
    );
    const publisher = publish(st, sb, 4);
    const refusal = await waitFor(
      () =>
        events(st).find((m) => m.startsWith('Refused') && m.includes('does not know this station as a media server')),
      { timeoutMs: 20_000, what: 'the publish refused with the reason' },
    );
    expect(refusal).toContain('lacks the Server Node / Hybrid eCDN feature');
    await publisher.exited;
    expect(sb.state().nodes.filter((n) => n.entryId === ENTRY)).toEqual([]);
    expect(sb.state().serverNodes.filter((n) => n.partnerId === 102)).toEqual([]);
  });
});
