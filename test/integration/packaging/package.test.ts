// Packages the app with electron-builder (--dir, a stand-in Electron binary, output in a temp dir) and
// checks what ships: the built main, shared, preload and renderer code and production node_modules in
// app.asar, nothing from test/, sources or dev dependencies, and FFmpeg as an executable resource.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagedFfmpegPath } from '../../../main/electron/packaged-resources.js';
import { REPO_ROOT, tempDir } from '../../helpers/net.js';
import { buildAll, run } from './build-steps.js';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(archive: string, options: object): string[];
  extractFile(archive: string, file: string): Buffer;
};

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};
const work = tempDir('klive-package-');
const unpacked = path.join(work, 'out', 'linux-unpacked');
const archive = path.join(unpacked, 'resources', 'app.asar');
let files: string[] = [];

describe('electron-builder package (linux --dir)', () => {
  beforeAll(() => {
    buildAll();
    // electron-builder needs an Electron distribution; none can be downloaded here, so a stand-in
    fs.mkdirSync(path.join(work, 'electron-dist'));
    fs.writeFileSync(path.join(work, 'electron-dist', 'electron'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    run(
      'npx',
      [
        'electron-builder',
        '--dir',
        '--linux',
        '--x64',
        '--config',
        'build/electron-builder.config.cjs',
        `-c.electronDist=${path.join(work, 'electron-dist')}`,
        `-c.directories.output=${path.join(work, 'out')}`,
      ],
      240_000,
      { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
    );
    files = asar.listPackage(archive, {}).map((f) => f.replace(/\\/g, '/'));
  }, 420_000);

  afterAll(() => {
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('contains the built main, shared, preload and renderer code, with package.json pointing at main', () => {
    for (const file of [
      '/package.json',
      '/dist/node/main/electron/main.js',
      '/dist/node/main/electron/ipc.js',
      '/dist/node/main/station/station.js',
      '/dist/node/shared/bridge/contract.js',
      '/dist/preload/preload.cjs',
      '/dist/renderer/index.html',
    ]) {
      expect(files, file).toContain(file);
    }
    expect(files.some((f) => /^\/dist\/renderer\/assets\/.+\.js$/.test(f))).toBe(true);
    const shipped = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as {
      main: string;
      name: string;
    };
    expect(shipped.name).toBe('klive-station');
    expect(files).toContain('/' + shipped.main);
  });

  it('ships only built app code outside node_modules: no tests, sources, source maps or benchmarks', () => {
    const own = files.filter((f) => !f.startsWith('/node_modules'));
    const allowed = /^\/(package\.json|dist(\/(node(\/(main|shared)(\/.*)?)?|preload(\/.*)?|renderer(\/.*)?))?)$/;
    expect(own.filter((f) => !allowed.test(f))).toEqual([]);
    expect(own.filter((f) => /\.(ts|tsx|map)$/.test(f) || f.includes('/test/') || f.includes('/bench'))).toEqual([]);
  });

  it('has the production dependencies and none of the dev dependencies', () => {
    const topLevel = new Set(
      files
        .filter((f) => f.startsWith('/node_modules/'))
        .map((f) =>
          f
            .split('/')
            .slice(2, f.split('/')[2]?.startsWith('@') ? 4 : 3)
            .join('/'),
        ),
    );
    for (const dep of Object.keys(pkg.dependencies).filter((d) => d !== '@ffmpeg-installer/ffmpeg'))
      expect(topLevel, dep).toContain(dep);
    // a dev dependency's name may ship only as some production package's own dependency (the Kaltura Player
    // depends on its own hls.js; electron-builder hoists it): the lock file says which packages production needs
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const neededInProduction = new Set(
      Object.entries(lock.packages)
        .filter(([where, p]) => where !== '' && p.dev !== true)
        .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length)),
    );
    const leaked = Object.keys(pkg.devDependencies).filter((dep) => topLevel.has(dep) && !neededInProduction.has(dep));
    expect(leaked).toEqual([]);
    for (const tool of [
      'electron',
      'electron-builder',
      'vite',
      'vitest',
      'typescript',
      'react',
      'eslint',
      '@playwright/test',
      'kaltura-client',
    ])
      expect(topLevel.has(tool), tool).toBe(false);
  });

  it('bundles FFmpeg as an executable resource (not inside the asar) where packagedFfmpegPath finds it', () => {
    expect(files.filter((f) => /@ffmpeg-installer\/(linux|darwin|win32)-/.test(f))).toEqual([]);
    const resources = path.join(unpacked, 'resources');
    const ffmpeg = packagedFfmpegPath(resources, 'linux');
    expect(ffmpeg).toBe(path.join(resources, 'ffmpeg', 'ffmpeg'));
    const source = path.join(REPO_ROOT, 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg');
    expect(fs.statSync(ffmpeg as string).size).toBe(fs.statSync(source).size);
    expect(fs.statSync(ffmpeg as string).mode & 0o111).not.toBe(0);
    const version = execFileSync(ffmpeg as string, ['-hide_banner', '-version'], {
      encoding: 'utf8',
      timeout: 20_000,
      env: {},
    });
    expect(version).toMatch(/^ffmpeg version /);
  });

  it('names the executable and keeps the builder output out of dist/', () => {
    expect(fs.existsSync(path.join(unpacked, 'klive-station'))).toBe(true);
    const config = require(path.join(REPO_ROOT, 'build', 'electron-builder.config.cjs')) as {
      appId: string;
      productName: string;
      directories: { output: string };
    };
    expect(config).toMatchObject({
      appId: 'io.klive.station',
      productName: 'kLive Station',
      directories: { output: 'release' },
    });
  });
});
