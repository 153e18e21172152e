// The release step that fetches a current FFmpeg (build/ffmpeg/fetch.mjs): a fake archive served by a local HTTP
// server (with a redirect, as GitHub releases do) and by file://, so checksum verification, extraction, the
// build/ffmpeg/<os>-<arch>/ layout and the electron-builder resource are tested without the internet.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../../helpers/net.js';

interface Target {
  version?: string;
  urls?: string[];
  sha256?: string;
  archive?: string;
  files: Record<string, string>;
  npm?: string;
}
interface FetchModule {
  readManifest(file?: string): { targets: Record<string, Target> };
  fetchTarget(
    name: string,
    target: Target,
    options: { outDir: string; log?: (line: string) => void },
  ): Promise<Record<string, string>>;
}

const FETCH = path.join(REPO_ROOT, 'build', 'ffmpeg', 'fetch.mjs');
let fetcher: FetchModule;
let work = '';
let tarXz = '';
let zip = '';
let server: http.Server;
let base = '';
const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const quiet = { log: () => undefined };

beforeAll(async () => {
  fetcher = (await import(pathToFileURL(FETCH).href)) as FetchModule;
  work = tempDir('klive-ffmpeg-fetch-');
  const root = path.join(work, 'src', 'ffmpeg-9.9-fake-static');
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'ffmpeg'), '#!/bin/sh\necho "ffmpeg version 9.9-fake Copyright"\n', { mode: 0o644 });
  fs.writeFileSync(path.join(root, 'ffprobe'), '#!/bin/sh\necho "ffprobe version 9.9-fake"\n', { mode: 0o644 });
  fs.writeFileSync(path.join(root, 'readme.txt'), 'not copied');
  tarXz = path.join(work, 'ffmpeg-9.9-fake-static.tar.xz');
  execFileSync('tar', ['-cJf', tarXz, '-C', path.join(work, 'src'), 'ffmpeg-9.9-fake-static']);
  zip = path.join(work, 'ffmpeg-9.9.zip');
  execFileSync('zip', ['-q', '-j', zip, path.join(root, 'ffmpeg')]);
  server = http.createServer((req, res) => {
    if (req.url === '/moved.tar.xz') {
      res.writeHead(302, { location: '/files/ffmpeg.tar.xz' }).end();
    } else if (req.url === '/files/ffmpeg.tar.xz') {
      res.writeHead(200).end(fs.readFileSync(tarXz));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  fs.rmSync(work, { recursive: true, force: true });
});

const linuxTarget = (over: Partial<Target> = {}): Target => ({
  version: '9.9',
  urls: [`${base}/moved.tar.xz`],
  sha256: sha(tarXz),
  archive: 'tar.xz',
  files: { ffmpeg: 'ffmpeg-9.9-fake-static/ffmpeg', ffprobe: 'ffmpeg-9.9-fake-static/ffprobe' },
  ...over,
});

describe('build/ffmpeg/fetch.mjs', () => {
  it('the shipped manifest pins every target by URL and sha256 (or names the npm fallback)', () => {
    const manifest = fetcher.readManifest();
    expect(Object.keys(manifest.targets).sort()).toEqual([
      'darwin-arm64',
      'darwin-x64',
      'linux-arm64',
      'linux-x64',
      'win32-x64',
    ]);
    for (const t of Object.values(manifest.targets))
      if (!t.npm) expect(t.urls?.every((u) => u.startsWith('https://'))).toBe(true);
  });

  it('downloads over HTTP through a redirect, verifies the checksum, and lays out build/ffmpeg/<os>-<arch>/', async () => {
    const out = path.join(work, 'out1');
    const stamp = await fetcher.fetchTarget('linux-x64', linuxTarget(), { outDir: out, ...quiet });
    expect(stamp).toMatchObject({
      target: 'linux-x64',
      version: '9.9',
      url: `${base}/moved.tar.xz`,
      sha256: sha(tarXz),
    });
    expect(fs.readdirSync(path.join(out, 'linux-x64')).sort()).toEqual(['build.json', 'ffmpeg', 'ffprobe']);
    expect(fs.statSync(path.join(out, 'linux-x64', 'ffmpeg')).mode & 0o111).not.toBe(0);
    expect(execFileSync(path.join(out, 'linux-x64', 'ffmpeg'), { encoding: 'utf8' })).toContain(
      'ffmpeg version 9.9-fake',
    );
  });

  it('a wrong checksum installs nothing and names both sums and the fix; the next mirror is tried', async () => {
    const out = path.join(work, 'out2');
    const wrong = linuxTarget({ sha256: 'f'.repeat(64) });
    await expect(fetcher.fetchTarget('linux-x64', wrong, { outDir: out, ...quiet })).rejects.toThrow(
      new RegExp(
        `has sha256 ${sha(tarXz)}, the manifest pins f{64}.*Nothing was installed.*pin its new URL and sha256`,
      ),
    );
    expect(fs.existsSync(path.join(out, 'linux-x64'))).toBe(false);
    const mirrored = linuxTarget({ urls: [`${base}/gone.tar.xz`, pathToFileURL(tarXz).href] });
    expect((await fetcher.fetchTarget('linux-x64', mirrored, { outDir: out, ...quiet })).url).toBe(
      pathToFileURL(tarXz).href,
    );
  });

  it('zip archives (Windows, macOS builds) from file://, and a file missing from the archive is named', async () => {
    const out = path.join(work, 'out3');
    const target: Target = {
      version: '9.9',
      urls: [pathToFileURL(zip).href],
      sha256: sha(zip),
      archive: 'zip',
      files: { ffmpeg: 'ffmpeg' },
    };
    await fetcher.fetchTarget('darwin-x64', target, { outDir: out, ...quiet });
    expect(fs.readdirSync(path.join(out, 'darwin-x64')).sort()).toEqual(['build.json', 'ffmpeg']);
    await expect(
      fetcher.fetchTarget('darwin-x64', { ...target, files: { ffprobe: 'ffprobe' } }, { outDir: out, ...quiet }),
    ).rejects.toThrow(/ffprobe is not in the archive/);
  });

  it('electron-builder takes the fetched build when there is one, else the npm package', () => {
    const config = path.join(REPO_ROOT, 'build', 'electron-builder.config.cjs');
    const load = (): { linux: { extraResources: Array<{ from: string }> } } => {
      const code = `process.stdout.write(JSON.stringify(require(${JSON.stringify(config)}).linux.extraResources))`;
      return {
        linux: {
          extraResources: JSON.parse(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' })) as Array<{
            from: string;
          }>,
        },
      };
    };
    const fetched = path.join(REPO_ROOT, 'build', 'ffmpeg', 'linux-x64');
    const hadFetched = fs.existsSync(path.join(fetched, 'build.json'));
    if (!hadFetched) expect(load().linux.extraResources[0]?.from).toBe('node_modules/@ffmpeg-installer/linux-${arch}');
    fs.mkdirSync(fetched, { recursive: true });
    if (!hadFetched) fs.writeFileSync(path.join(fetched, 'build.json'), '{}');
    try {
      expect(load().linux.extraResources[0]?.from).toBe('build/ffmpeg/linux-${arch}');
    } finally {
      if (!hadFetched) fs.rmSync(fetched, { recursive: true, force: true });
    }
  });
});
