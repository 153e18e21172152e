// The sandbox as a process component: the start-up line of `station sandbox`, state surviving a restart
// over HTTP, the 120 s registration expiry on an injected clock, and close() freeing the port.
import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, memorySink, silentLogger } from '../../../main/log/logger.js';
import { runSandboxCommand, startSandbox, type SandboxHandle } from '../../../main/sandbox/index.js';
import { generateKsV2 } from '../../../main/core/ks.js';
import { freePort, tempDir } from '../../helpers/net.js';

const handles: SandboxHandle[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = tempDir('klive-sandbox-life-');
  dirs.push(d);
  return d;
}

async function api(
  handle: SandboxHandle,
  service: string,
  action: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${handle.serviceUrl}/api_v3/service/${service}/action/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ format: 1, ...params }),
  });
  return (await res.json()) as Record<string, unknown>;
}

function msKs(handle: SandboxHandle, nowMs: number): string {
  return generateKsV2({
    secret: handle.adminSecret(-5) as string,
    partnerId: -5,
    userId: 'MediaServer',
    type: 2,
    privileges: '',
    expiresAtSeconds: Math.floor(nowMs / 1000) + 86400,
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('sandbox lifecycle', () => {
  it('runSandboxCommand prints one line with the service URL, and never the secrets', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const sink = memorySink();
    const handle = await runSandboxCommand({
      dataDir: dataDir(),
      host: '127.0.0.1',
      port,
      logger: createLogger({ sinks: [sink], level: 'debug' }),
      out: (l) => lines.push(l),
    });
    handles.push(handle);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^kLive sandbox api_v3 at http://127\\.0\\.0\\.1:${port} \\(partner 102, entry 0_rkij47dr`),
    );
    expect(handle.port).toBe(port);
    const all = lines.join('\n') + sink.lines.join('\n');
    expect(all).not.toContain(handle.adminSecret(102));
    expect(all).not.toContain(handle.adminSecret(-5));
    // a faster clock is said on that line
    const fastLines: string[] = [];
    handles.push(
      await runSandboxCommand({
        dataDir: dataDir(),
        host: '127.0.0.1',
        port: 0,
        timeScale: 60,
        logger: createLogger({ sinks: [sink], level: 'debug' }),
        out: (l) => fastLines.push(l),
      }),
    );
    expect(fastLines[0]).toMatch(/; clock runs 60x, 120 s expiries take 2\.0 s\)$/);
    // the port is taken: a second sandbox on it fails with a clear message
    await expect(
      startSandbox({ dataDir: dataDir(), port, rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive', logger: silentLogger() }),
    ).rejects.toThrow(/already in use; choose another with --port/);
  });

  it('keeps entries and secrets across a restart, and close() frees the port', async () => {
    const dir = dataDir();
    const first = await startSandbox({
      dataDir: dir,
      rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive',
      logger: silentLogger(),
    });
    const adminKs = (await fetch(
      `${first.serviceUrl}/api_v3/service/session/action/start?format=1&partnerId=102&type=2&secret=${first.adminSecret(102)}`,
    ).then((r) => r.json())) as string;
    const added = await api(first, 'livestream', 'add', {
      ks: adminKs,
      liveStreamEntry: { objectType: 'KalturaLiveStreamEntry', name: 'Survivor', mediaType: 201 },
      sourceType: 32,
    });
    expect(added.id).toMatch(/^0_[a-z0-9]{8}$/);
    const secret = first.adminSecret(102);
    await first.close();
    expect(await portAnswers(first.port)).toBe(false);

    const second = await startSandbox({
      dataDir: dir,
      rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive',
      logger: silentLogger(),
    });
    handles.push(second);
    expect(second.adminSecret(102)).toBe(secret);
    // the KS issued before the restart is still valid: same secrets
    expect(await api(second, 'livestream', 'get', { ks: adminKs, entryId: added.id })).toMatchObject({
      name: 'Survivor',
      streamPassword: added.streamPassword,
    });
  });

  it('a PLAYABLE registration not renewed for 120 s disappears (injected clock)', async () => {
    const clock = { nowMs: 1_800_000_000_000 };
    const handle = await startSandbox({
      dataDir: dataDir(),
      rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive',
      logger: silentLogger(),
      now: () => clock.nowMs,
    });
    handles.push(handle);
    handle.store.addMediaServerNode('station1');
    const ks = msKs(handle, clock.nowMs);
    const register = (): Promise<Record<string, unknown>> =>
      api(handle, 'livestream', 'registerMediaServer', {
        ks,
        partnerId: 102,
        entryId: '0_rkij47dr',
        hostname: 'station1',
        mediaServerIndex: '0',
        applicationName: 'kLive',
        liveEntryStatus: 1,
      });
    const isLive = (): Promise<unknown> =>
      fetch(`${handle.serviceUrl}/api_v3/service/livestream/action/isLive?format=1&id=0_rkij47dr`).then((r) =>
        r.json(),
      );
    expect(await register()).toMatchObject({ id: '0_rkij47dr', liveStatus: 1 });
    expect(await isLive()).toBe(true);
    clock.nowMs += 60_000;
    await register();
    clock.nowMs += 119_000;
    expect(await isLive()).toBe(true);
    expect(handle.store.nodes()).toHaveLength(1);
    clock.nowMs += 2_000;
    expect(await isLive()).toBe(false);
    expect(handle.store.nodes()).toHaveLength(0);
  });

  it('rejects a bad rtmpBaseUrl with a message naming the fix', async () => {
    await expect(
      startSandbox({ dataDir: dataDir(), rtmpBaseUrl: 'localhost:1935', logger: silentLogger() }),
    ).rejects.toThrow(/pass e\.g\. rtmp:\/\/127\.0\.0\.1:1935\/kLive/);
  });
});
