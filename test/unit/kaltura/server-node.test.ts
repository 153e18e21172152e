// ServerNodeKeeper with a stub serverNode API on a manual clock (issue 16): reportStatus at start and every
// 60 s, the add + enable fallback, refusals with the reason and the fix (SERVICE_FORBIDDEN = the partner lacks
// the feature), slow retries of refusals, backoff on transport failures, markOffline on stop.
import { describe, expect, it } from 'vitest';
import { ServerNodeKeeper } from '../../../main/kaltura/server-node.js';
import { SERVER_NODE_FEATURE_MISSING } from '../../../main/kaltura/server-node-register.js';
import { callWithNode, mediaServerNotFound } from '../../../main/kaltura/media-server-calls.js';
import type { ServerNodeApi, ServerNodeInfo, ServerNodeSpec } from '../../../main/kaltura/server-node-actions.js';
import { wowzaMediaServerNode } from '../../../main/kaltura/server-node-actions.js';
import { KalturaApiError, KalturaTransportError } from '../../../main/core/kaltura-errors.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { flush } from './stub-fetch.js';

const SPEC: ServerNodeSpec = {
  hostName: 'studio-k3f9q2.example.com',
  applicationName: 'kLive',
  playbackHost: '192.168.1.20',
  playbackPort: 8080,
  playbackProtocol: 'http',
  description: 'kLive Station test',
};
const node = (status = 1, id = 7): ServerNodeInfo => ({
  id,
  hostName: SPEC.hostName,
  status,
  heartbeatTime: 1,
  partnerId: 102,
});
const forbidden = (call: string) =>
  new KalturaApiError('SERVICE_FORBIDDEN', `The access to service [${call}] is forbidden`, {}, call);

type Script = Partial<Record<keyof ServerNodeApi, Array<() => Promise<ServerNodeInfo | ServerNodeInfo[]>>>>;

function make(script: Script = {}, options: { heartbeatIntervalMs?: number } = {}) {
  const calls: string[] = [];
  const take = <T>(name: keyof ServerNodeApi, fallback: () => T): Promise<T> => {
    calls.push(name);
    const next = script[name]?.shift();
    return (next ? next() : Promise.resolve(fallback())) as Promise<T>;
  };
  const api: ServerNodeApi = {
    reportStatus: (spec) => {
      expect(spec).toEqual(SPEC);
      return take('reportStatus', () => node());
    },
    add: () => take('add', () => node(2)),
    enable: () => take('enable', () => node(1)),
    findByHostName: () => take('findByHostName', () => [] as ServerNodeInfo[]),
    markOffline: () => take('markOffline', () => node(4)),
  };
  const clock = new ManualClock(1_000_000);
  const keeper = new ServerNodeKeeper({
    api,
    spec: () => SPEC,
    clock,
    retryBaseDelayMs: 1_000,
    retryMaxDelayMs: 8_000,
    refusedRetryMs: 300_000,
    ...options,
  });
  const states: string[] = [];
  keeper.onChange((s) => states.push(s.status));
  return { keeper, clock, calls, states };
}

describe('ServerNodeKeeper', () => {
  it('registers with reportStatus at start and sends a heartbeat every 60 s', async () => {
    const { keeper, clock, calls } = make();
    keeper.start();
    await flush();
    expect(calls).toEqual(['reportStatus']);
    expect(keeper.state()).toMatchObject({
      status: 'registered',
      nodeId: 7,
      method: 'reportStatus',
      lastHeartbeatAtMs: 1_000_000,
      hostname: SPEC.hostName,
    });
    clock.advance(59_999);
    await flush();
    expect(calls).toHaveLength(1);
    clock.advance(1);
    await flush();
    expect(calls).toEqual(['reportStatus', 'reportStatus']);
    expect(keeper.state().lastHeartbeatAtMs).toBe(1_060_000);
  });

  it('refuses a heartbeat interval above 60 s (Kaltura reads a 120 s old heartbeat as not registered)', () => {
    expect(() => make({}, { heartbeatIntervalMs: 61_000 })).toThrowError(
      /heartbeatIntervalMs must be between 1 and 60000/,
    );
  });

  it('falls back to list + add + enable when reportStatus is not permitted, and sends no heartbeat then', async () => {
    const { keeper, clock, calls } = make({
      reportStatus: [() => Promise.reject(forbidden('serverNode->reportStatus'))],
    });
    keeper.start();
    await flush();
    expect(calls).toEqual(['reportStatus', 'findByHostName', 'add', 'enable']);
    expect(keeper.state()).toMatchObject({
      status: 'registered',
      method: 'addEnable',
      nodeId: 7,
      lastHeartbeatAtMs: null,
    });
    clock.advance(600_000);
    await flush();
    expect(calls).toHaveLength(4);
  });

  it('enables an existing disabled node instead of adding a second one', async () => {
    const { keeper, calls } = make({
      reportStatus: [() => Promise.reject(new KalturaApiError('ACTION_DOES_NOT_EXISTS', 'no reportStatus'))],
      findByHostName: [() => Promise.resolve([node(2, 9)])],
    });
    keeper.start();
    await flush();
    expect(calls).toEqual(['reportStatus', 'findByHostName', 'enable']);
    expect(keeper.state().status).toBe('registered');
  });

  it('says the partner lacks the Server Node / Hybrid eCDN feature on SERVICE_FORBIDDEN, and tries again slowly', async () => {
    const refuse = () => Promise.reject(forbidden('serverNode->list'));
    const { keeper, clock, calls } = make({
      reportStatus: [() => Promise.reject(forbidden('serverNode->reportStatus'))],
      findByHostName: [refuse],
    });
    keeper.start();
    await flush();
    expect(keeper.state()).toMatchObject({
      status: 'refused',
      code: 'SERVICE_FORBIDDEN',
      reason: SERVER_NODE_FEATURE_MISSING,
    });
    expect(keeper.state().reason).toMatch(
      /this partner lacks the Server Node \/ Hybrid eCDN feature; ask your Kaltura account manager to enable it/,
    );
    clock.advance(299_999);
    await flush();
    expect(calls).toHaveLength(2);
    // the account manager switched the feature on meanwhile
    clock.advance(1);
    await flush();
    expect(keeper.state().status).toBe('registered');
  });

  it('names the fix for a hostname Kaltura already has (disabled, or another partner)', async () => {
    const { keeper } = make({
      reportStatus: [() => Promise.reject(new KalturaApiError('HOST_NAME_ALREADY_EXISTS', 'exists'))],
    });
    keeper.start();
    await flush();
    expect(keeper.state()).toMatchObject({ status: 'refused', code: 'HOST_NAME_ALREADY_EXISTS' });
    expect(keeper.state().reason).toMatch(/give this station another hostname in Settings/);
  });

  it('retries transport failures with capped backoff and says when', async () => {
    const down = () =>
      Promise.reject(new KalturaTransportError('network', 'Kaltura servernode.reportstatus could not reach http://k'));
    const { keeper, clock, calls } = make({ reportStatus: [down, down] });
    keeper.start();
    await flush();
    expect(keeper.state()).toMatchObject({ status: 'retrying' });
    expect(keeper.state().reason).toMatch(/could not reach.*trying again in 1 s/);
    clock.advance(1_000);
    await flush();
    expect(keeper.state().reason).toMatch(/trying again in 2 s/);
    clock.advance(2_000);
    await flush();
    expect(calls).toHaveLength(3);
    expect(keeper.state().status).toBe('registered');
  });

  it('registers again on demand and shares a registration in flight', async () => {
    const { keeper, calls } = make();
    keeper.start();
    const [a, b] = await Promise.all([keeper.reregister(), keeper.settled()]);
    expect(calls).toEqual(['reportStatus']);
    expect(a.status).toBe('registered');
    expect(b.status).toBe('registered');
    await keeper.reregister();
    expect(calls).toEqual(['reportStatus', 'reportStatus']);
  });

  it('takes the node out of service with markOffline on stop, and stops the heartbeat', async () => {
    const { keeper, clock, calls, states } = make();
    keeper.start();
    await flush();
    await keeper.stop();
    expect(calls).toEqual(['reportStatus', 'markOffline']);
    expect(states.at(-1)).toBe('offline');
    clock.advance(600_000);
    await flush();
    expect(calls).toHaveLength(2);
  });

  it('marks offline a node whose registration answered after stop (regression: it stayed ACTIVE)', async () => {
    let release!: (n: ServerNodeInfo) => void;
    const { keeper, calls } = make({ reportStatus: [() => new Promise<ServerNodeInfo>((r) => (release = r))] });
    keeper.start();
    await flush();
    const stopped = keeper.stop();
    release(node());
    await stopped;
    expect(calls).toEqual(['reportStatus', 'markOffline']);
    expect(keeper.state().status).toBe('offline');
  });

  it('sends no markOffline for a node it never registered', async () => {
    const { keeper, calls } = make({
      reportStatus: [() => Promise.reject(new KalturaApiError('HOST_NAME_ALREADY_EXISTS', 'x'))],
    });
    keeper.start();
    await flush();
    await keeper.stop();
    expect(calls).toEqual(['reportStatus']);
  });
});

describe('wowzaMediaServerNode', () => {
  it('describes the station as a KalturaWowzaMediaServerNode with its HLS address (no playbackHostName field)', () => {
    expect(wowzaMediaServerNode(SPEC)).toEqual({
      objectType: 'KalturaWowzaMediaServerNode',
      name: SPEC.hostName,
      hostName: SPEC.hostName,
      description: 'kLive Station test',
      applicationName: 'kLive',
      mediaServerPortConfig: [
        { objectType: 'KalturaKeyValue', key: 'http', value: '8080' },
        { objectType: 'KalturaKeyValue', key: 'http-applehttp', value: '8080' },
        // regression: without http-hls Kaltura's live HLS URL fell back to hostName:1935
        { objectType: 'KalturaKeyValue', key: 'http-hls', value: '8080' },
      ],
      mediaServerPlaybackDomainConfig: [
        { objectType: 'KalturaKeyValue', key: 'http', value: '192.168.1.20' },
        { objectType: 'KalturaKeyValue', key: 'http-applehttp', value: '192.168.1.20' },
        { objectType: 'KalturaKeyValue', key: 'http-hls', value: '192.168.1.20' },
      ],
    });
  });
});

describe('callWithNode (MEDIA_SERVER_NOT_FOUND: register the node again once, then refuse with the reason)', () => {
  const notFound = () =>
    new KalturaApiError('MEDIA_SERVER_NOT_FOUND', 'Media server [h1] not found', {}, 'livestream.authenticate');
  const state = (status: 'registered' | 'refused', reason: string | null = null) => ({
    hostname: 'h1',
    status,
    nodeId: 7,
    method: 'reportStatus' as const,
    lastHeartbeatAtMs: 1,
    code: status === 'refused' ? 'SERVICE_FORBIDDEN' : null,
    reason,
  });

  it('registers again and retries once when Kaltura does not find the node', async () => {
    let calls = 0;
    let reregisters = 0;
    const node = { state: () => state('registered'), reregister: async () => (reregisters++, state('registered')) };
    const result = await callWithNode(
      node,
      async () => (++calls === 1 ? Promise.reject(notFound()) : 'ok'),
      mediaServerNotFound,
    );
    expect(result).toBe('ok');
    expect([calls, reregisters]).toEqual([2, 1]);
  });

  it('refuses with the node refusal (the fix) when the node cannot be registered, without a second call', async () => {
    let calls = 0;
    const node = {
      state: () => state('refused', SERVER_NODE_FEATURE_MISSING),
      reregister: async () => state('refused', SERVER_NODE_FEATURE_MISSING),
    };
    const error = await callWithNode(
      node,
      async () => (calls++, Promise.reject(notFound())),
      mediaServerNotFound,
    ).catch((e: unknown) => e as KalturaApiError);
    expect(calls).toBe(1);
    expect(error).toMatchObject({ code: 'MEDIA_SERVER_NOT_FOUND' });
    expect((error as Error).message).toMatch(
      /does not know this station as a media server \(h1\): this partner lacks the Server Node \/ Hybrid eCDN feature; ask your Kaltura account manager to enable it/,
    );
  });

  it('refuses after the one retry when Kaltura still does not find it (no loop)', async () => {
    let calls = 0;
    const node = { state: () => state('registered'), reregister: async () => state('registered') };
    const error = await callWithNode(
      node,
      async () => (calls++, Promise.reject(notFound())),
      mediaServerNotFound,
    ).catch((e: unknown) => e as Error);
    expect(calls).toBe(2);
    expect(error.message).toMatch(/registered again and Kaltura still does not find it.*not disabled or deleted/);
  });

  it('passes other errors through untouched', async () => {
    const node = { state: () => state('registered'), reregister: async () => state('registered') };
    const token = new KalturaApiError('LIVE_STREAM_INVALID_TOKEN', 'bad token');
    await expect(callWithNode(node, () => Promise.reject(token), mediaServerNotFound)).rejects.toBe(token);
  });
});
