#!/usr/bin/env node
// The release step that puts a current FFmpeg into the packaged app: for each <os>-<arch> target of manifest.json,
// download the pinned archive (http(s) or file://, mirrors in order), verify its sha256, extract it with the
// system's tar/unzip (argv, no shell) and copy the listed binaries to build/ffmpeg/<os>-<arch>/, where
// build/electron-builder.config.cjs takes them as extraResources. Usage (build/README.md):
//   node build/ffmpeg/fetch.mjs [--target linux-x64 ...] [--manifest FILE] [--out DIR]
// Without --target: the machine's own <os>-<arch>. Exit code 1 with a message naming the problem and the fix.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const STAMP = 'build.json';

export class FetchError extends Error {}

export function readManifest(file = path.join(HERE, 'manifest.json')) {
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const [name, t] of Object.entries(manifest.targets ?? {})) {
    const pinned =
      Array.isArray(t.urls) &&
      t.urls.length > 0 &&
      /^[0-9a-f]{64}$/.test(t.sha256 ?? '') &&
      ['tar.xz', 'tar.gz', 'zip'].includes(t.archive);
    if (!(pinned || typeof t.npm === 'string') || !t.files || Object.keys(t.files).length === 0) {
      throw new FetchError(
        `${file}: target ${name} needs urls + sha256 (64 hex) + archive (tar.xz|tar.gz|zip) + files, or npm + files`,
      );
    }
  }
  return manifest;
}

/** Downloads url to dest (following redirects), returning the sha256 of what it wrote. */
export async function download(url, dest, redirects = 5) {
  if (url.startsWith('file:')) {
    fs.copyFileSync(fileURLToPath(url), dest);
    return sha256File(dest);
  }
  const get = url.startsWith('https:') ? https.get : url.startsWith('http:') ? http.get : null;
  if (!get) throw new FetchError(`unsupported URL ${url}: use https://, http:// or file://`);
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { 'user-agent': 'klive-station-release' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects === 0) return reject(new FetchError(`${url}: too many redirects`));
        return resolve(download(new URL(res.headers.location, url).toString(), dest, redirects - 1));
      }
      if (status !== 200) {
        res.resume();
        return reject(new FetchError(`${url} answered HTTP ${status}`));
      }
      const hash = createHash('sha256');
      const out = fs.createWriteStream(dest);
      res.on('data', (chunk) => hash.update(chunk));
      res.pipe(out);
      out.on('finish', () => resolve(hash.digest('hex')));
      out.on('error', reject);
      res.on('error', reject);
    });
    req.on('error', (e) => reject(new FetchError(`${url}: ${e.message}`)));
    req.setTimeout(120_000, () => req.destroy(new Error('no data for 120 s')));
  });
}

export function sha256File(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function extract(archive, kind, dir) {
  if (kind === 'zip') {
    // GNU tar reads no zip; bsdtar (macOS, Windows 10+) does
    try {
      execFileSync('unzip', ['-q', '-o', archive, '-d', dir], { stdio: 'pipe' });
    } catch (e) {
      if (e.code !== 'ENOENT')
        throw new FetchError(`unzip failed on ${archive}: ${String(e.stderr ?? e.message).trim()}`);
      execFileSync('tar', ['-xf', archive, '-C', dir], { stdio: 'pipe' });
    }
    return;
  }
  execFileSync('tar', [kind === 'tar.xz' ? '-xJf' : '-xzf', archive, '-C', dir], { stdio: 'pipe' });
}

/** Fetches one target into outDir/<name>/ (replacing what was there); returns the stamp it wrote. */
export async function fetchTarget(
  name,
  target,
  { outDir = HERE, log = console.log, require = createRequire(import.meta.url) } = {},
) {
  const dest = path.join(outDir, name);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `klive-ffmpeg-${name}-`));
  try {
    let from = work;
    let stamp;
    if (target.npm) {
      // no pinned build for this target: the npm package's binary (installed only on its own platform)
      let pkgDir;
      try {
        pkgDir = path.dirname(require.resolve(`${target.npm}/package.json`));
      } catch {
        throw new FetchError(
          `${name} has no pinned build and ${target.npm} is not installed (npm installs it only on ${name}): run this on ${name}, or pin a build in manifest.json`,
        );
      }
      from = pkgDir;
      stamp = { target: name, source: target.npm };
    } else {
      const archive = path.join(work, `archive.${target.archive}`);
      const problems = [];
      let ok = false;
      for (const url of target.urls) {
        try {
          log(`ffmpeg ${name}: ${url}`);
          const actual = await download(url, archive);
          if (actual !== target.sha256) {
            problems.push(`${url} has sha256 ${actual}, the manifest pins ${target.sha256}`);
            continue;
          }
          stamp = { target: name, version: target.version, url, sha256: actual };
          ok = true;
          break;
        } catch (e) {
          problems.push(e.message);
        }
      }
      if (!ok)
        throw new FetchError(
          `no verified archive for ${name}: ${problems.join('; ')}. Nothing was installed. If the build moved, pin its new URL and sha256 in build/ffmpeg/manifest.json`,
        );
      extract(archive, target.archive, work);
    }
    const staged = path.join(work, '.staged');
    fs.mkdirSync(staged, { recursive: true });
    for (const [file, inArchive] of Object.entries(target.files)) {
      const src = path.join(from, inArchive);
      if (!fs.existsSync(src))
        throw new FetchError(`${name}: ${inArchive} is not in the archive; fix files in build/ffmpeg/manifest.json`);
      fs.copyFileSync(src, path.join(staged, file));
      fs.chmodSync(path.join(staged, file), 0o755);
    }
    fs.writeFileSync(path.join(staged, STAMP), JSON.stringify(stamp, null, 2) + '\n');
    fs.rmSync(dest, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.cpSync(staged, dest, { recursive: true });
    log(`ffmpeg ${name}: ${Object.keys(target.files).join(', ')} -> ${dest}`);
    return stamp;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export function hostTarget() {
  return `${process.platform}-${process.arch}`;
}

async function main(argv) {
  const opt = (flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const manifest = readManifest(opt('--manifest'));
  const targets = argv.flatMap((a, i) => (argv[i - 1] === '--target' ? [a] : []));
  if (targets.length === 0) targets.push(hostTarget());
  for (const name of targets) {
    const target = manifest.targets[name];
    if (!target)
      throw new FetchError(`no target ${name} in the manifest; known: ${Object.keys(manifest.targets).join(', ')}`);
    await fetchTarget(name, target, { outDir: opt('--out') ?? HERE });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`ffmpeg fetch: ${e.message}`);
    process.exit(1);
  });
}
