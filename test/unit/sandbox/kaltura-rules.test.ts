// The Kaltura rules the sandbox models, as pure functions and on an injected clock: server-node status as read
// and "registered" (120 s TTL, null heartbeat), active-node matching, live assets per profile, recorded-entry
// renewal (PER_SESSION / APPENDED), partner live limits, the scaled clock, and a state file older than all this.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { scaledClock } from '../../../main/sandbox/clock.js';
import { parseTimeScale, timeScaleFromEnv } from '../../../main/config/time-scale.js';
import type { SandboxApiError } from '../../../main/sandbox/errors.js';
import { isActiveMatch, isRegistered, statusAsRead } from '../../../main/sandbox/model/server-nodes.js';
import { SandboxStore } from '../../../main/sandbox/model/store.js';
import { ServerNodeStatus, type ServerNodeRecord } from '../../../main/sandbox/model/types.js';
import { validateMaxStreamsNotReached } from '../../../main/sandbox/services/live-limits.js';
import { tempDir } from '../../helpers/net.js';

const NOW_S = 1_800_000_000;

function node(patch: Partial<ServerNodeRecord> = {}): ServerNodeRecord {
  return {
    id: 1,
    partnerId: 102,
    type: 'wowza.WOWZA_MEDIA_SERVER',
    objectType: 'KalturaWowzaMediaServerNode',
    name: 'h',
    hostName: 'h',
    systemName: null,
    description: null,
    tags: null,
    parentId: null,
    environment: null,
    status: ServerNodeStatus.ACTIVE,
    heartbeatTime: null,
    createdAtSeconds: NOW_S,
    updatedAtSeconds: NOW_S,
    fields: {},
    ...patch,
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function store(clock = { ms: NOW_S * 1000 }): SandboxStore {
  const dir = tempDir('klive-sandbox-rules-');
  dirs.push(dir);
  return new SandboxStore(path.join(dir, 'sandbox'), silentLogger(), () => clock.ms);
}

describe('server node status as Kaltura reads it', () => {
  it('a heartbeat older than 120 s reads NOT_REGISTERED unless DISABLED; no heartbeat never does', () => {
    expect(statusAsRead(node({ heartbeatTime: NOW_S - 120 }), NOW_S)).toBe(ServerNodeStatus.ACTIVE);
    expect(statusAsRead(node({ heartbeatTime: NOW_S - 121 }), NOW_S)).toBe(ServerNodeStatus.NOT_REGISTERED);
    expect(statusAsRead(node({ heartbeatTime: NOW_S - 121, status: ServerNodeStatus.DISABLED }), NOW_S)).toBe(
      ServerNodeStatus.DISABLED,
    );
    expect(statusAsRead(node({ heartbeatTime: null }), NOW_S + 10 * 86400)).toBe(ServerNodeStatus.ACTIVE);
  });

  it('registered = ACTIVE with a heartbeat within 120 s (cut rounded down to 30 s) or none', () => {
    // 10 s later the cut (NOW_S - 110) rounds down to NOW_S - 120: a 130 s old heartbeat still counts
    expect(isRegistered(node({ heartbeatTime: NOW_S - 120 }), NOW_S + 10)).toBe(true);
    expect(isRegistered(node({ heartbeatTime: NOW_S - 121 }), NOW_S + 10)).toBe(false);
    expect(isRegistered(node({ heartbeatTime: null }), NOW_S)).toBe(true);
    expect(isRegistered(node({ status: ServerNodeStatus.NOT_REGISTERED }), NOW_S)).toBe(false);
  });

  it('the active match takes ACTIVE, NOT_REGISTERED and NOT_OPERATIONAL, never DISABLED or DELETED; partner and type when given', () => {
    for (const status of [1, 4, 5]) expect(isActiveMatch(node({ status }), 'h', null, null)).toBe(true);
    for (const status of [2, 3]) expect(isActiveMatch(node({ status }), 'h', null, null)).toBe(false);
    expect(isActiveMatch(node(), 'H', null, null)).toBe(false);
    expect(isActiveMatch(node(), 'h', 103, null)).toBe(false);
    expect(isActiveMatch(node(), 'h', 102, 'liveCluster.LIVE_CLUSTER_MEDIA_SERVER')).toBe(false);
  });

  it('reportStatus heartbeats move updatedAt only when the status changes', () => {
    const clock = { ms: NOW_S * 1000 };
    const s = store(clock);
    const n = s.addMediaServerNode('h');
    const updated = n.updatedAtSeconds;
    clock.ms += 60_000;
    s.serverNodes.heartbeat(n, ServerNodeStatus.ACTIVE);
    expect(n).toMatchObject({ heartbeatTime: NOW_S + 60, updatedAtSeconds: updated });
    s.serverNodes.heartbeat(n, ServerNodeStatus.NOT_OPERATIONAL);
    expect(n.status).toBe(ServerNodeStatus.ACTIVE);
  });
});

describe('live assets', () => {
  it('an entry gets one asset per live params; record on tags the first recording_anchor; delete takes them along', () => {
    const s = store();
    const e = s.createEntry({ name: 'Stage', record: true, conversionProfileId: 1002 });
    expect(s.liveAssets(e.id).map((a) => [a.flavorParamsId, a.tags.endsWith('recording_anchor')])).toEqual([
      [32, true],
      [36, false],
      [37, false],
    ]);
    expect(new Set(s.allLiveAssets().map((a) => a.id)).size).toBe(s.allLiveAssets().length);
    s.deleteEntry(e.id);
    expect(s.liveAssets(e.id)).toEqual([]);
  });

  it('a state file written before live assets, server nodes and features loads with them (seed entry gets its assets)', () => {
    const dir = tempDir('klive-sandbox-old-');
    dirs.push(dir);
    const first = new SandboxStore(path.join(dir, 'sandbox'), silentLogger(), () => NOW_S * 1000);
    expect(first.liveAssets('0_rkij47dr')).toHaveLength(4);
    const file = path.join(dir, 'sandbox', 'state.json');
    const old = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete old.liveAssets;
    delete old.serverNodes;
    delete old.recordedEntries;
    old.partners = (old.partners as Record<string, unknown>[]).map(({ id, name, ksMaxExpirySeconds }) => ({
      id,
      name,
      ksMaxExpirySeconds,
    }));
    fs.writeFileSync(file, JSON.stringify(old));
    const reopened = new SandboxStore(path.join(dir, 'sandbox'), silentLogger(), () => NOW_S * 1000);
    expect(reopened.corruption()).toEqual([]);
    expect(reopened.liveAssets('0_rkij47dr').map((a) => a.flavorParamsId)).toEqual([32, 33, 34, 35]);
    expect(reopened.partner(102)).toMatchObject({
      features: { serverNode: true, hybridEcdn: true, kalturaRecording: false },
      maxLiveStreamInputs: 10,
    });
  });
});

describe('recorded entry renewal (shouldCreateRecordedEntry)', () => {
  it('PER_SESSION: a new one after a gap of more than 180 s, not on a quick reconnect', () => {
    const clock = { ms: NOW_S * 1000 };
    const s = store(clock);
    const live = s.updateEntry('0_rkij47dr', { recordStatus: 2 });
    expect(s.recordedEntries.needsNew(live)).toBe(true);
    const first = s.recordedEntries.create(live);
    s.mutateEntry(live.id, (e) =>
      Object.assign(e, {
        recordedEntryId: first.id,
        lastBroadcastEndTime: NOW_S + 100,
        currentBroadcastStartTime: NOW_S + 200,
      }),
    );
    expect(s.recordedEntries.needsNew(live)).toBe(false);
    s.mutateEntry(live.id, (e) => (e.currentBroadcastStartTime = NOW_S + 281));
    expect(s.recordedEntries.needsNew(live)).toBe(true);
    clock.ms += 300_000;
    expect(s.recordedEntries.create(live).name).toBe('Rehearsal stream 2');
  });

  it('APPENDED: kept for a week, then a new one', () => {
    const clock = { ms: NOW_S * 1000 };
    const s = store(clock);
    const live = s.updateEntry('0_rkij47dr', { record: true });
    const rec = s.recordedEntries.create(live);
    s.mutateEntry(live.id, (e) => (e.recordedEntryId = rec.id));
    clock.ms += 7 * 86400 * 1000;
    expect(s.recordedEntries.needsNew(live)).toBe(false);
    clock.ms += 1000;
    expect(s.recordedEntries.needsNew(live)).toBe(true);
  });
});

describe('partner live limits', () => {
  const connect = (s: SandboxStore, id: string, profile: number): void => {
    const e = s.createEntry({ name: id, id, conversionProfileId: profile });
    s.upsertNode(e, 0, 'h', 'kLive', 3, null);
  };

  it('counts connected entries per kind, itself included; stopped or other-partner entries do not count', () => {
    const s = store();
    s.updatePartner(102, { maxLiveStreamInputs: 2, maxLiveStreamOutputs: 1 });
    const seed = s.entry('0_rkij47dr')!;
    expect(() => validateMaxStreamsNotReached(s, seed)).not.toThrow();
    connect(s, '0_passthr1', 1002);
    expect(() => validateMaxStreamsNotReached(s, seed)).not.toThrow();
    connect(s, '0_transcd1', 1001);
    expect(() => validateMaxStreamsNotReached(s, seed)).toThrow(
      expect.objectContaining({ code: 'LIVE_STREAM_EXCEEDED_MAX_TRANSCODED' }) as SandboxApiError,
    );
    const passthrough = s.createEntry({ name: 'p2', id: '0_passthr2', conversionProfileId: 1002 });
    expect(() => validateMaxStreamsNotReached(s, passthrough)).not.toThrow();
    connect(s, '0_passthr3', 1002);
    expect(() => validateMaxStreamsNotReached(s, passthrough)).toThrow(
      expect.objectContaining({ code: 'LIVE_STREAM_EXCEEDED_MAX_PASSTHRU' }) as SandboxApiError,
    );
    // a registration that is no longer connected frees its place
    s.upsertNode(s.entry('0_passthr3')!, 0, 'h', 'kLive', 4, null);
    expect(() => validateMaxStreamsNotReached(s, passthrough)).not.toThrow();
  });
});

describe('sandbox time', () => {
  it('a scaled clock starts at the base time and runs N times faster', () => {
    const base = { ms: 1000 };
    const clock = scaledClock(() => base.ms, 60);
    expect(clock()).toBe(1000);
    base.ms += 2000;
    expect(clock()).toBe(1000 + 120_000);
    expect(scaledClock(() => base.ms, 1)()).toBe(base.ms);
  });

  it('the time scale is a number from 1 to 3600, with a message naming the fix', () => {
    expect(parseTimeScale('60', '--time-scale')).toBe(60);
    expect(() => parseTimeScale('fast', '--time-scale')).toThrow(
      /--time-scale must be a number from 1 to 3600 .*got "fast"/,
    );
    expect(() => parseTimeScale('0.5', 'KLIVE_SANDBOX_TIME_SCALE')).toThrow(/KLIVE_SANDBOX_TIME_SCALE must be/);
    expect(timeScaleFromEnv({})).toBe(1);
    expect(timeScaleFromEnv({ KLIVE_SANDBOX_TIME_SCALE: '120' })).toBe(120);
  });
});
