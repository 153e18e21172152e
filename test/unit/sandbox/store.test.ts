// The sandbox store: first-run seed, per-install secrets (0600, never logged), persistence across
// restarts, corrupt files kept aside and reported, and the 120 s expiry of unrenewed registrations.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, memorySink, type Logger } from '../../../main/log/logger.js';
import { SandboxStore } from '../../../main/sandbox/model/store.js';
import { NODE_EXPIRY_MS } from '../../../main/sandbox/model/entry-nodes.js';
import { PRODUCER_LOGIN_ID, SandboxLogins } from '../../../main/sandbox/model/logins.js';
import { SandboxApiError } from '../../../main/sandbox/errors.js';
import { tempDir } from '../../helpers/net.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(nowMs = 1_700_000_000_000): {
  dir: string;
  sink: ReturnType<typeof memorySink>;
  logger: Logger;
  clock: { now: number };
  open(): SandboxStore;
} {
  const dir = tempDir('klive-sandbox-store-');
  dirs.push(dir);
  const sink = memorySink();
  const clock = { now: nowMs };
  const logger = createLogger({ sinks: [sink], level: 'debug' });
  return { dir, sink, logger, clock, open: () => new SandboxStore(path.join(dir, 'sandbox'), logger, () => clock.now) };
}

describe('SandboxStore', () => {
  // pins: sandboxes made before the second partner existed had no multi-partner login to rehearse the switch with
  it('gives a sandbox made before partner 103 existed that partner, its secret, and the producer login a user there', () => {
    const { dir, logger, open } = setup();
    open();
    const sandboxDir = path.join(dir, 'sandbox');
    const logins = new SandboxLogins(sandboxDir, logger, () => 1_700_000_000_000);
    const statePath = path.join(sandboxDir, 'state.json');
    const secretsPath = path.join(sandboxDir, 'secrets.json');
    const loginsPath = path.join(sandboxDir, 'logins.json');
    const state = JSON.parse(fs.readFileSync(statePath, 'utf8')) as { partners: { id: number }[] };
    fs.writeFileSync(statePath, JSON.stringify({ ...state, partners: state.partners.filter((p) => p.id !== 103) }));
    const secrets = JSON.parse(fs.readFileSync(secretsPath, 'utf8')) as { adminSecrets: Record<string, string> };
    delete secrets.adminSecrets['103'];
    fs.writeFileSync(secretsPath, JSON.stringify(secrets));
    fs.writeFileSync(loginsPath, JSON.stringify({ logins: logins.all().map((l) => ({ ...l, partnerIds: [102] })) }));
    const reopened = open();
    expect(reopened.partner(103)?.name).toBe('Second sandbox partner');
    expect(reopened.adminSecret(103)).toMatch(/^[0-9a-f]{32}$/);
    expect(reopened.adminSecret(102)).toBe(secrets.adminSecrets['102']);
    const again = new SandboxLogins(sandboxDir, logger, () => 1_700_000_000_000);
    expect(again.find(PRODUCER_LOGIN_ID)?.partnerIds).toEqual([102, 103]);
    expect(again.all().find((l) => l.loginId !== PRODUCER_LOGIN_ID)?.partnerIds).toEqual([102]);
  });

  it('seeds partner 102 with entry 0_rkij47dr (token dj94kfit), the producer login second partner 103, partner -5, and 32-hex secrets in a 0600 file', () => {
    const { dir, sink, logger, open } = setup();
    const store = open();
    expect(store.entry('0_rkij47dr')).toMatchObject({
      partnerId: 102,
      streamPassword: 'dj94kfit',
      name: 'Rehearsal stream',
      conversionProfileId: 1001,
    });
    expect(
      store
        .partners()
        .map((p) => p.id)
        .sort(),
    ).toEqual([-5, 102, 103]);
    const secret = store.adminSecret(102) as string;
    expect(secret).toMatch(/^[0-9a-f]{32}$/);
    expect(store.adminSecret(-5)).toMatch(/^[0-9a-f]{32}$/);
    expect(store.adminSecret(-5)).not.toBe(secret);
    expect(store.adminSecret(777)).toBeUndefined();
    const secretsFile = path.join(dir, 'sandbox', 'secrets.json');
    expect(fs.statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(dir, 'sandbox', 'state.json'), 'utf8')).not.toContain(secret);
    // the logger redacts the secrets wherever they would appear
    logger.warn(`someone printed ${secret}`, { secret2: `x${store.adminSecret(-5)}x` });
    expect(sink.lines.join('\n')).toContain('someone printed');
    expect(sink.lines.join('\n')).not.toContain(secret);
    expect(sink.lines.join('\n')).not.toContain(store.adminSecret(-5));
  });

  it('keeps entries and secrets across restarts (and tightens the secrets file mode)', () => {
    const { dir, open } = setup();
    const first = open();
    const created = first.createEntry({ name: 'Town hall', dvr: true, record: true });
    const secret = first.adminSecret(102);
    fs.chmodSync(path.join(dir, 'sandbox', 'secrets.json'), 0o644);
    const second = open();
    expect(second.adminSecret(102)).toBe(secret);
    expect(fs.statSync(path.join(dir, 'sandbox', 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(second.entry(created.id)).toMatchObject({ name: 'Town hall', dvrStatus: 1, recordStatus: 1 });
    expect(second.entries()).toHaveLength(2);
  });

  it('sets a corrupt state file aside, reports it, and never overwrites it', () => {
    const { dir, sink, clock, open } = setup();
    open().createEntry({ name: 'Lost on corruption' });
    const stateFile = path.join(dir, 'sandbox', 'state.json');
    fs.writeFileSync(stateFile, '{"version":1, "partners": [');
    const store = open();
    const [report] = store.corruption();
    expect(report?.path).toBe(stateFile);
    expect(report?.reason).toMatch(/not valid JSON/);
    expect(fs.readFileSync(report?.keptAs as string, 'utf8')).toBe('{"version":1, "partners": [');
    expect(path.basename(report?.keptAs as string)).toBe(
      `state.json.corrupt-${new Date(clock.now).toISOString().replace(/[:.]/g, '-')}`,
    );
    expect(sink.records.some((r) => r.level === 'error' && r.message.includes('state.json is unreadable'))).toBe(true);
    expect(store.entries().map((e) => e.id)).toEqual(['0_rkij47dr']);
    // a schema-valid JSON of the wrong shape is corrupt too
    fs.writeFileSync(stateFile, JSON.stringify({ version: 1, partners: 'none' }));
    expect(open().corruption()[0]?.reason).toMatch(/unexpected content at partners/);
  });

  it('drops a registration that is not renewed within 120 s', () => {
    const { clock, open } = setup();
    const store = open();
    const entry = store.entry('0_rkij47dr');
    if (!entry) throw new Error('seed missing');
    store.upsertNode(entry, 0, 'station1', 'kLive', 1, null);
    clock.now += NODE_EXPIRY_MS - 1000;
    store.upsertNode(entry, 0, 'station1', 'kLive', 1, null);
    clock.now += NODE_EXPIRY_MS - 1000;
    expect(store.nodes()).toHaveLength(1);
    clock.now += 2000;
    expect(store.nodes()).toHaveLength(0);
  });

  it('CRUD for the UI: create/update/regenerate/delete, profiles, and clear errors for bad input', () => {
    const { open } = setup();
    const store = open();
    const entry = store.createEntry({ name: '  Panel  ', conversionProfileId: 1002 });
    expect(entry.id).toMatch(/^0_[a-z0-9]{8}$/);
    expect(store.toSandboxEntry(entry)).toMatchObject({
      name: 'Panel',
      conversionProfileId: 1002,
      dvrEnabled: false,
      recordingEnabled: false,
    });
    expect(store.toSandboxEntry(entry)).not.toHaveProperty('streamPassword');
    const oldToken = entry.streamPassword;
    expect(store.regenerateToken(entry.id)).not.toBe(oldToken);
    expect(store.updateEntry(entry.id, { name: 'Panel B', dvr: true }).dvrStatus).toBe(1);
    expect(store.listProfiles().map((p) => p.name)).toEqual(['Cloud transcode', 'Passthrough']);
    expect(() => store.createEntry({ name: 'x', id: '../../etc' })).toThrow(/not of the form 0_xxxxxxxx/);
    expect(() => store.createEntry({ name: 'x', id: '0_rkij47dr' })).toThrow(/already exists/);
    expect(() => store.createEntry({ name: ' ' })).toThrow(/needs a name/);
    expect(() => store.createEntry({ name: 'x', conversionProfileId: 5 })).toThrow(SandboxApiError);
    expect(() => store.updateEntry('0_nothere1', { name: 'y' })).toThrow(/Entry id "0_nothere1" not found/);
    store.deleteEntry(entry.id);
    expect(store.entry(entry.id)).toBeUndefined();
  });
});
