import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsStore } from '../../../main/config/settings-store.js';
import { DEFAULT_SETTINGS } from '../../../shared/settings.js';
import { tempDir } from '../../helpers/net.js';

const noSecret = { adminSecretStored: false, adminSecretProvided: false };

describe('SettingsStore', () => {
  it('starts from defaults and persists a valid update', () => {
    const dir = tempDir();
    const store = new SettingsStore(dir);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    const result = store.update({ media: { defaultSegmentDurationSeconds: 4 } }, noSecret);
    expect(result.ok).toBe(true);
    expect(new SettingsStore(dir).get().media.defaultSegmentDurationSeconds).toBe(4);
    expect(fs.statSync(path.join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses a SaaS switch without a service URL or secret, naming each field, and keeps the old settings', () => {
    const dir = tempDir();
    const store = new SettingsStore(dir);
    const result = store.update({ kaltura: { mode: 'saas', serviceUrl: 'ftp://kaltura' } }, noSecret);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path).sort()).toEqual(['adminSecret', 'kaltura.serviceUrl']);
    expect(result.errors.find((e) => e.path === 'kaltura.serviceUrl')?.message).toMatch(/must start with https:\/\//);
    expect(store.get().kaltura.mode).toBe('sandbox');
  });

  it('asks for eCDN mode when a SaaS user enters their own partner id', () => {
    const store = new SettingsStore(tempDir());
    const result = store.update(
      { kaltura: { mode: 'saas', serviceUrl: 'https://www.kaltura.com', partnerId: 1802381 } },
      { adminSecretStored: true, adminSecretProvided: false },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toMatch(/choose eCDN mode/);
  });

  it('reports schema violations with the field path', () => {
    const store = new SettingsStore(tempDir());
    const result = store.update({ media: { defaultSegmentDurationSeconds: 60 } }, noSecret);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.path).toBe('media.defaultSegmentDurationSeconds');
  });

  it('keeps a corrupt file aside instead of overwriting it', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'settings.json'), '{"kaltura": ');
    const store = new SettingsStore(dir, () => 1234);
    expect(store.loadProblem).toMatch(/not valid JSON.*kept as .*settings\.json\.corrupt-1234/);
    expect(fs.readFileSync(path.join(dir, 'settings.json.corrupt-1234'), 'utf8')).toBe('{"kaltura": ');
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
  });
});
