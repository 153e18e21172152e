// The server-node hostname (issue 16): unique per installation (random id), stable across restarts
// (stored at the first start), a valid DNS name whatever the machine is called.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  composeDefaultHostname,
  installationFilePath,
  loadOrCreateInstallation,
  newInstallationId,
} from '../../../main/config/installation.js';
import { hostnameProblem } from '../../../shared/hostname.js';
import { tempDir } from '../../helpers/net.js';

describe('composeDefaultHostname', () => {
  it.each([
    ['studio-laptop.example.com', 'studio-laptop-k3f9q2.example.com'],
    ['Studio_Laptop', 'studio-laptop-k3f9q2'],
    ['MacBook-Pro.local', 'macbook-pro-k3f9q2.local'],
    ['', 'klive-station-k3f9q2'],
    ['---', 'klive-station-k3f9q2'],
    ['a..b.', 'a-k3f9q2.b'],
  ])('%j -> %j', (machine, expected) => {
    const name = composeDefaultHostname(machine, 'k3f9q2');
    expect(name).toBe(expected);
    expect(hostnameProblem(name)).toBeNull();
  });

  it('keeps every label within 63 characters and the name within 253', () => {
    const long = `${'x'.repeat(80)}.${Array.from({ length: 60 }, () => 'domain').join('.')}`;
    const name = composeDefaultHostname(long, 'k3f9q2');
    expect(hostnameProblem(name)).toBeNull();
    expect(name.split('.')[0]).toMatch(/-k3f9q2$/);
  });
});

describe('loadOrCreateInstallation', () => {
  it('creates the id and hostname once and returns the same ones at every later start', async () => {
    const dir = tempDir();
    let lookups = 0;
    const machineName = async () => {
      lookups++;
      return lookups === 1 ? 'studio.example.com' : 'studio.other-network.example';
    };
    const first = await loadOrCreateInstallation(dir, { machineName });
    const second = await loadOrCreateInstallation(dir, { machineName });
    expect(first.problem).toBeNull();
    expect(second.installation).toEqual(first.installation);
    expect(first.installation.defaultHostname).toBe(`studio-${first.installation.installationId}.example.com`);
    expect(lookups).toBe(1);
  });

  it('gives two installations on the same machine different hostnames', async () => {
    const machineName = async () => 'studio.example.com';
    const a = await loadOrCreateInstallation(tempDir(), { machineName });
    const b = await loadOrCreateInstallation(tempDir(), { machineName });
    expect(a.installation.defaultHostname).not.toBe(b.installation.defaultHostname);
  });

  it('keeps a corrupt file aside and says the hostname changed', async () => {
    const dir = tempDir();
    fs.writeFileSync(installationFilePath(dir), '{ nope');
    const loaded = await loadOrCreateInstallation(dir, { machineName: async () => 'host', now: () => 42 });
    expect(loaded.problem).toMatch(/kept it as .*installation\.json\.corrupt-42.*new hostname/);
    expect(fs.existsSync(`${installationFilePath(dir)}.corrupt-42`)).toBe(true);
  });

  it('makes ids of 6 characters from [a-z2-7]', () => {
    expect(newInstallationId()).toMatch(/^[a-z2-7]{6}$/);
    expect(newInstallationId(() => Buffer.from([0, 1, 2, 31, 32, 255]))).toBe('abc7a7');
  });
});
