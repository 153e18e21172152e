import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_PATH, startStation, type StationProcess } from '../../helpers/station-process.js';
import { freePort, tempDir } from '../../helpers/net.js';

let station: StationProcess | null = null;
afterEach(async () => {
  await station?.stop('SIGKILL');
  station = null;
});

describe('headless station CLI', () => {
  it('prints one ready line with the RTMP and HTTP URLs, answers /healthz and stops on SIGTERM', async () => {
    station = await startStation();
    expect(station.readyLine).toContain(`RTMP rtmp://127.0.0.1:${station.rtmpPort}/kLive`);
    expect(station.readyLine).toContain(`UI http://127.0.0.1:${station.httpPort}/`);
    expect(station.stdout().trim().split('\n')).toHaveLength(1);
    const health = await fetch(`${station.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    const page = await fetch(`${station.httpUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<div id="root"></div>');
    expect(await station.stop('SIGTERM')).toBe(0);
  });

  it('stops cleanly on SIGINT', async () => {
    station = await startStation();
    expect(await station.stop('SIGINT')).toBe(0);
  });

  it('exits 2 with one line naming the port and the flag when the HTTP port is taken', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const result = spawnSync(
        process.execPath,
        [CLI_PATH, '--data-dir', tempDir(), '--http-port', String(port), '--rtmp-port', String(await freePort())],
        { encoding: 'utf8', timeout: 30_000 },
      );
      expect(result.status).toBe(2);
      const lines = result.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('klive-station:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`port ${port}`);
      expect(lines[0]).toContain('--http-port');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('exits 2 on a bad flag value with the fix in the message', () => {
    const result = spawnSync(process.execPath, [CLI_PATH, '--rtmp-port', 'x'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('"x" is not a port');
  });

  it('prints usage for --help', () => {
    const result = spawnSync(process.execPath, [CLI_PATH, '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--data-dir DIR');
    expect(result.stdout).toContain('KLIVE_RTMP_PORT');
  });

  it('exits 2 naming the missing flag when the Kaltura start-up values are incomplete (issue 16)', async () => {
    const base = [
      CLI_PATH,
      '--data-dir',
      tempDir(),
      '--http-port',
      String(await freePort()),
      '--rtmp-port',
      String(await freePort()),
      '--kaltura-mode',
      'ecdn',
      '--partner-id',
      '102',
    ];
    const noUrl = spawnSync(process.execPath, base, { encoding: 'utf8', timeout: 30_000 });
    expect(noUrl.status).toBe(2);
    expect(noUrl.stderr).toContain('needs the Kaltura server: add --kaltura-url URL');
    const noSecret = spawnSync(process.execPath, [...base, '--kaltura-url', 'https://kaltura.example.com'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(noSecret.status).toBe(2);
    expect(noSecret.stderr).toContain('needs the admin secret of partner 102: add --admin-secret-file FILE');
    const argvSecret = spawnSync(process.execPath, [CLI_PATH, '--admin-secret', 'abc123'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(argvSecret.status).toBe(2);
    expect(argvSecret.stderr).toContain('--admin-secret-file FILE');
    expect(argvSecret.stderr).not.toContain('abc123');
  });
});
