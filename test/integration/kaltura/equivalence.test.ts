// Equivalence with Kaltura's official npm client (kaltura-client 21.20.0, kaltura.md 8): the same calls
// made through it and through our client, against the sandbox, give the same results and the same errors.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import {
  startSandbox,
  SEED_ENTRY_ID,
  SEED_ENTRY_TOKEN,
  SEED_PARTNER_ID,
  type SandboxHandle,
} from '../../../main/sandbox/index.js';
import { createKalturaStack, type KalturaStack } from '../../../main/kaltura/stack.js';
import { KalturaApiError } from '../../../main/core/kaltura-errors.js';
import { DEFAULT_SETTINGS } from '../../../shared/settings.js';
import { tempDir, waitFor } from '../../helpers/net.js';
import {
  client as sandboxClient,
  officialClient,
  type KClient,
  type KRequest,
} from '../sandbox/kaltura-client-helpers.js';

const { services: svc, objects: obj } = officialClient<
  'session' | 'liveStream' | 'entryServerNode' | 'conversionProfile',
  'LiveEntryServerNodeFilter'
>();

let sandbox: SandboxHandle;
let dataDir: string;
let ours: KalturaStack;

/** the official client with the very KS our supervisor made, impersonating the seed partner */
function official(): KClient {
  const c = sandboxClient(sandbox);
  c.setKs(ours.ks.currentKs() ?? '');
  c.setPartnerId(SEED_PARTNER_ID);
  return c;
}

/** timestamps move between two calls; everything else must match */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !/(At|Time)$/.test(k))
        .map(([k, v]) => [k, stable(v)]),
    );
  }
  return value;
}

async function officialError(request: KRequest): Promise<{ code: string; message: string; args: unknown }> {
  const error = (await request.execute(official()).then(
    () => null,
    (e: unknown) => e,
  )) as { code: string; message: string; args: unknown } | null;
  if (!error) throw new Error('the official client call was expected to fail');
  return {
    code: error.code,
    message: error.message,
    args: Array.isArray(error.args) && error.args.length === 0 ? {} : error.args,
  };
}

async function ourError(call: Promise<unknown>): Promise<{ code: string; message: string; args: unknown }> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof KalturaApiError)) throw new Error(`expected a KalturaApiError, got ${String(error)}`);
  return { code: error.code, message: error.message, args: error.args };
}

beforeAll(async () => {
  dataDir = tempDir('klive-kaltura-equiv-');
  sandbox = await startSandbox({ dataDir, rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive', logger: silentLogger() });
  // Kaltura accepts authenticate/registerMediaServer only from a registered media server node
  sandbox.store.addMediaServerNode('klive-equiv', -5);
  ours = createKalturaStack({
    settings: {
      ...DEFAULT_SETTINGS.kaltura,
      mode: 'sandbox',
      partnerId: -5,
      hostname: 'klive-equiv',
      requestTimeoutMs: 10_000,
    },
    adminSecret: sandbox.adminSecret(-5) ?? 'missing',
    version: '0.1.0-test',
    serviceUrlOverride: sandbox.serviceUrl,
    logger: silentLogger(),
  });
  ours.start();
  await waitFor(() => ours.status().ks.state === 'valid', { what: 'KS valid' });
});

afterAll(async () => {
  ours?.stop();
  await sandbox?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('our client and kaltura-client give the same answers', () => {
  it('liveStream.get: the same entry JSON', async () => {
    const theirs = await svc.liveStream.get!(SEED_ENTRY_ID).execute(official());
    const mine = await ours.client.call(
      'livestream',
      'get',
      { entryId: SEED_ENTRY_ID },
      { partnerId: SEED_PARTNER_ID, idempotent: true },
    );
    expect(stable(mine)).toEqual(stable(theirs));
    expect((mine as { id: string }).id).toBe(SEED_ENTRY_ID);
    // and the typed view agrees with the raw one
    const typed = await ours.service.getLiveStream(SEED_PARTNER_ID, SEED_ENTRY_ID);
    expect(typed).toMatchObject({
      id: SEED_ENTRY_ID,
      partnerId: SEED_PARTNER_ID,
      conversionProfileId: (theirs as { conversionProfileId: number }).conversionProfileId,
    });
  });

  it('authenticate errors: same code, message and args', async () => {
    const wrongToken = ['0_rkij47dr', 'wrongtok'] as const;
    expect(
      await ourError(
        ours.service.authenticate({
          partnerId: SEED_PARTNER_ID,
          entryId: wrongToken[0],
          token: wrongToken[1],
          mediaServerIndex: 0,
        }),
      ),
    ).toEqual(
      await officialError(svc.liveStream.authenticate!(wrongToken[0], wrongToken[1], 'klive-equiv', '0', 'kLive')),
    );
    expect(
      await ourError(
        ours.service.authenticate({
          partnerId: SEED_PARTNER_ID,
          entryId: '0_zzzzzzzz',
          token: 'x',
          mediaServerIndex: 0,
        }),
      ),
    ).toEqual(await officialError(svc.liveStream.authenticate!('0_zzzzzzzz', 'x', 'klive-equiv', '0', 'kLive')));
  });

  it('authenticate, registerMediaServer, entryServerNode.list, isLive, unregister: the same results either way', async () => {
    const theirAuth = await svc.liveStream.authenticate!(
      SEED_ENTRY_ID,
      SEED_ENTRY_TOKEN,
      'klive-equiv',
      '0',
      'kLive',
    ).execute(official());
    const myAuth = await ours.client.call(
      'livestream',
      'authenticate',
      {
        entryId: SEED_ENTRY_ID,
        token: SEED_ENTRY_TOKEN,
        hostname: 'klive-equiv',
        mediaServerIndex: '0',
        applicationName: 'kLive',
      },
      { partnerId: SEED_PARTNER_ID, idempotent: false },
    );
    expect(stable(myAuth)).toEqual(stable(theirAuth));

    await ours.service.registerMediaServer({
      partnerId: SEED_PARTNER_ID,
      entryId: SEED_ENTRY_ID,
      mediaServerIndex: 0,
      status: 'PLAYABLE',
    });
    const filter = new obj.LiveEntryServerNodeFilter({ entryIdEqual: SEED_ENTRY_ID });
    const theirNodes = await svc.entryServerNode.listAction!(filter).execute(official());
    const myNodes = await ours.client.call(
      'entryservernode',
      'list',
      { filter: { objectType: 'KalturaLiveEntryServerNodeFilter', entryIdEqual: SEED_ENTRY_ID } },
      { partnerId: SEED_PARTNER_ID, idempotent: true },
    );
    expect(stable(myNodes)).toEqual(stable(theirNodes));
    expect(myNodes).toMatchObject({ objects: [{ status: 1 }] });

    expect(await ours.service.isLive({ partnerId: SEED_PARTNER_ID, entryId: SEED_ENTRY_ID })).toBe(
      await svc.liveStream.isLive!(SEED_ENTRY_ID).execute(official()),
    );

    // a second unregister hits the same error through both clients
    await ours.service.unregisterMediaServer({
      partnerId: SEED_PARTNER_ID,
      entryId: SEED_ENTRY_ID,
      mediaServerIndex: 0,
    });
    expect(
      await ourError(
        ours.service.unregisterMediaServer({ partnerId: SEED_PARTNER_ID, entryId: SEED_ENTRY_ID, mediaServerIndex: 0 }),
      ),
    ).toEqual(await officialError(svc.liveStream.unregisterMediaServer!(SEED_ENTRY_ID, 'klive-equiv', '0')));
  });

  it('multirequest with a {1:result:...} reference and an inline error', async () => {
    const theirs = (await svc.liveStream.get!(SEED_ENTRY_ID)
      .add(svc.conversionProfile.get!('{1:result:conversionProfileId}'))
      .add(svc.liveStream.get!('0_nothere0'))
      .execute(official())) as unknown[];
    const mine = await ours.client.multirequest(
      [
        { service: 'livestream', action: 'get', params: { entryId: SEED_ENTRY_ID } },
        { service: 'conversionprofile', action: 'get', params: { id: '{1:result:conversionProfileId}' } },
        { service: 'livestream', action: 'get', params: { entryId: '0_nothere0' } },
      ],
      { partnerId: SEED_PARTNER_ID, idempotent: true },
    );
    expect(mine.slice(0, 2).map((r) => (r.ok ? stable(r.value) : r.error.code))).toEqual(stable(theirs.slice(0, 2)));
    const theirError = theirs[2] as { code: string; message: string };
    expect(mine[2]).toMatchObject({ ok: false, error: { code: theirError.code, message: theirError.message } });
  });

  it('session.get with the same KS: the same session info', async () => {
    const c = official();
    const theirs = await svc.session.get!().execute(c);
    const mine = await ours.client.call('session', 'get', {}, { partnerId: SEED_PARTNER_ID, idempotent: true });
    expect(stable(mine)).toEqual(stable(theirs));
  });
});
