// Owns FFmpeg discovery, in one place: the setting, then FFMPEG_PATH, then `ffmpeg` on PATH,
// then the binary of the @ffmpeg-installer npm package. Each candidate is run with -version;
// a missing or broken FFmpeg is reported, never thrown.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { FfmpegInfo } from '../../shared/station-info.js';
import { howItEnded, runOnce, succeeded } from '../process/run-once.js';

export interface FfmpegLocateInput {
  settingPath: string;
  env: NodeJS.ProcessEnv;
  /** injected in tests; default resolves @ffmpeg-installer/ffmpeg */
  bundledPath?: () => string | null;
  runVersion?: (bin: string) => Promise<string>;
}

type Source = NonNullable<FfmpegInfo['source']>;

export function bundledFfmpegPath(): string | null {
  // the packaged desktop app carries FFmpeg as an extra resource (build/electron-builder.config.cjs)
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) {
    const packaged = path.join(resourcesPath, 'ffmpeg', process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
    if (fs.existsSync(packaged)) return packaged;
  }
  try {
    const require = createRequire(import.meta.url);
    const installer = require('@ffmpeg-installer/ffmpeg') as { path?: string };
    return installer.path && fs.existsSync(installer.path) ? installer.path : null;
  } catch {
    return null;
  }
}

export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** `bin -version`'s output; rejects with the spawn error (its code: ENOENT, EACCES) or how the run failed */
export async function runFfmpegVersion(bin: string): Promise<string> {
  const timeoutMs = 10_000;
  const result = await runOnce(bin, ['-hide_banner', '-version'], { timeoutMs, env: {} });
  if (result.error) throw result.error;
  if (!succeeded(result)) throw new Error(`${bin} -version ${howItEnded(result, timeoutMs)}`);
  return result.stdout;
}

/** "ffmpeg version 5.1.9-0+deb12u1 Copyright ..." -> "5.1.9-0+deb12u1" */
export function parseFfmpegVersion(output: string): string | null {
  const match = /ffmpeg version (\S+)/.exec(output);
  return match ? (match[1] as string) : null;
}

export async function locateFfmpeg(input: FfmpegLocateInput): Promise<FfmpegInfo> {
  const candidates: Array<{ source: Source; path: string | null; label: string }> = [];
  if (input.settingPath.trim() !== '')
    candidates.push({ source: 'setting', path: input.settingPath.trim(), label: 'the FFmpeg path setting' });
  if (input.env.FFMPEG_PATH) candidates.push({ source: 'env', path: input.env.FFMPEG_PATH, label: 'FFMPEG_PATH' });
  candidates.push({ source: 'path', path: findOnPath('ffmpeg', input.env), label: 'PATH' });
  candidates.push({ source: 'bundled', path: (input.bundledPath ?? bundledFfmpegPath)(), label: 'the bundled FFmpeg' });
  const runVersion = input.runVersion ?? runFfmpegVersion;
  const problems: string[] = [];
  for (const candidate of candidates) {
    if (!candidate.path) continue;
    try {
      const output = await runVersion(candidate.path);
      const version = parseFfmpegVersion(output);
      if (!version) {
        problems.push(`${candidate.path} (from ${candidate.label}) did not answer -version like FFmpeg`);
        continue;
      }
      return {
        status: 'ok',
        path: candidate.path,
        source: candidate.source,
        version,
        message: problems.length ? `skipped: ${problems.join('; ')}` : null,
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push(
        `${candidate.path} (from ${candidate.label}) ${code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not executable' : 'failed to run'}`,
      );
    }
  }
  if (problems.length > 0) {
    return {
      status: 'broken',
      path: null,
      source: null,
      version: null,
      message: `No working FFmpeg: ${problems.join('; ')}. Install FFmpeg (e.g. apt-get install ffmpeg) or set its path in Settings.`,
    };
  }
  return {
    status: 'missing',
    path: null,
    source: null,
    version: null,
    message:
      'FFmpeg not found. Install FFmpeg (e.g. apt-get install ffmpeg), set FFMPEG_PATH, or set its path in Settings; streams cannot be transcoded until then.',
  };
}
