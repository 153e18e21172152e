// Rehearsing a server-node refusal with the built-in sandbox (issue 16): switching the Server Node feature off in
// the Sandbox screen makes the station's node refused at once, with the fix in the state the window shows, and
// switching it on again registers the node at once (no restart, no 5-minute wait).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessStation, type InProcessStation } from '../../helpers/in-process-station.js';
import { waitFor } from '../../helpers/net.js';

let s: InProcessStation;
const trusted = { transport: 'ipc' as const, trusted: true };

beforeAll(async () => {
  s = await startInProcessStation();
});
afterAll(async () => {
  await s?.stop();
});

const node = async () => (await s.snapshot()).kaltura.serverNode;

describe('the station registers its node with the built-in sandbox', () => {
  it('is registered, refused with the fix when the feature is switched off, and registered again when on', async () => {
    const registered = await waitFor(async () => ((await node())?.status === 'registered' ? node() : null), {
      what: 'the node registered',
    });
    expect(registered?.hostname).toBe(s.station.getInfo().hostname);
    await s.station
      .bridgeHost()
      .handle('sandbox.updatePartner', { partnerId: -5, features: { serverNode: false } }, trusted);
    const refused = await waitFor(async () => ((await node())?.status === 'refused' ? node() : null), {
      what: 'the node refused',
    });
    expect(refused).toMatchObject({ code: 'SERVICE_FORBIDDEN' });
    expect(refused?.reason).toMatch(
      /this partner lacks the Server Node \/ Hybrid eCDN feature; ask your Kaltura account manager to enable it/,
    );
    await s.station
      .bridgeHost()
      .handle('sandbox.updatePartner', { partnerId: -5, features: { serverNode: true } }, trusted);
    await waitFor(async () => (await node())?.status === 'registered', { what: 'the node registered again' });
  });
});
