// The Sandbox screen's partner switches end to end: the bridge request reaches the station's built-in sandbox,
// is kept in its state.json, logged as an event, and the sandbox then refuses as Kaltura would.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessStation, type InProcessStation } from '../../helpers/in-process-station.js';

let s: InProcessStation;

beforeAll(async () => {
  s = await startInProcessStation();
});

afterAll(async () => {
  await s?.stop();
});

const handle = (name: string, payload: unknown): Promise<unknown> =>
  s.station
    .bridgeHost()
    .handle(name as 'sandbox.listPartners', payload as Record<string, never>, { transport: 'ipc', trusted: true });

describe('sandbox partner features through the bridge', () => {
  it('lists the partners without secrets, switches the server-node feature off, and the sandbox refuses serverNode calls', async () => {
    const partners = (await handle('sandbox.listPartners', {})) as {
      partnerId: number;
      features: Record<string, boolean>;
    }[];
    expect(partners.map((p) => p.partnerId).sort((a, b) => a - b)).toEqual([-5, 102, 103]);
    expect(JSON.stringify(partners)).not.toMatch(/[0-9a-f]{32}/);
    expect(partners.find((p) => p.partnerId === 102)?.features).toMatchObject({
      serverNode: true,
      hybridEcdn: true,
      kalturaRecording: false,
    });

    const updated = await handle('sandbox.updatePartner', {
      partnerId: 102,
      features: { serverNode: false },
      maxLiveStreamInputs: 2,
    });
    expect(updated).toMatchObject({
      partnerId: 102,
      features: { serverNode: false, hybridEcdn: true },
      maxLiveStreamInputs: 2,
    });
    const kept = s.sandboxState() as unknown as { partners: { id: number; features: Record<string, boolean> }[] };
    expect(kept.partners.find((p) => p.id === 102)?.features.serverNode).toBe(false);
    const events = (await handle('events.list', {})) as { message: string }[];
    expect(events.some((e) => e.message === 'Sandbox partner 102 changed: serverNode off, maxLiveStreamInputs 2')).toBe(
      true,
    );

    // the station's sandbox now answers serverNode calls of partner 102 as Kaltura does without the feature
    const serviceUrl = (await s.snapshot()).kaltura.serviceUrl;
    const secret = (
      JSON.parse(fs.readFileSync(path.join(s.dataDir, 'sandbox', 'secrets.json'), 'utf8')) as {
        adminSecrets: Record<string, string>;
      }
    ).adminSecrets['102'];
    const api = async (service: string, action: string, body: Record<string, unknown>): Promise<unknown> =>
      (
        await fetch(`${serviceUrl}/api_v3/service/${service}/action/${action}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ format: 1, ...body }),
        })
      ).json();
    const ks = await api('session', 'start', { secret, partnerId: 102, type: 2 });
    expect(
      await api('serverNode', 'add', {
        ks,
        serverNode: { objectType: 'KalturaWowzaMediaServerNode', name: 'n', hostName: 'n' },
      }),
    ).toMatchObject({ code: 'SERVICE_FORBIDDEN', args: { SERVICE: 'servernode->add' } });
    await expect(handle('sandbox.updatePartner', { partnerId: 7, features: { serverNode: true } })).rejects.toThrow(
      /Sandbox partner 7 does not exist/,
    );
    await expect(handle('sandbox.updatePartner', { partnerId: 102, maxLiveStreamInputs: -1 })).rejects.toThrow(
      /cannot be negative/,
    );
  });
});
