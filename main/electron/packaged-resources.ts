// Owns where the packaged app keeps its non-asar resources (process.resourcesPath): the FFmpeg binary
// that electron-builder copies from @ffmpeg-installer/<platform>-<arch> (see build/electron-builder.config.cjs).
// Pure (no 'electron' import): FFmpeg discovery may call it under plain Node too.
import fs from 'node:fs';
import path from 'node:path';

/** The folder inside resources that holds FFmpeg; must match `to` in the builder's extraResources. */
export const FFMPEG_RESOURCE_DIR = 'ffmpeg';

export function ffmpegBinaryName(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
}

/** <resourcesPath>/ffmpeg/ffmpeg[.exe] when it exists; null outside a packaged app or when absent. */
export function packagedFfmpegPath(
  resourcesPath: string | undefined = process.resourcesPath,
  platform: NodeJS.Platform = process.platform,
  exists: (p: string) => boolean = fs.existsSync,
): string | null {
  if (!resourcesPath) return null;
  const candidate = path.join(resourcesPath, FFMPEG_RESOURCE_DIR, ffmpegBinaryName(platform));
  return exists(candidate) ? candidate : null;
}

/**
 * The station's environment inside the packaged app: FFMPEG_PATH points at the bundled FFmpeg unless
 * the user set one. (Interim: once ffmpeg-locate.ts asks packagedFfmpegPath() for its 'bundled'
 * candidate, this is no longer needed.)
 */
export function stationEnv(env: NodeJS.ProcessEnv, packagedFfmpeg: string | null): NodeJS.ProcessEnv {
  if (!packagedFfmpeg || (env.FFMPEG_PATH && env.FFMPEG_PATH !== '')) return { ...env };
  return { ...env, FFMPEG_PATH: packagedFfmpeg };
}

/**
 * NODE_ENV for the Electron main process: an unpackaged run (`npm start`) is development, so the bridge checks its
 * own answers and events against the contract (main/bridge/server.ts, validatesOutgoing); a packaged app, or a
 * NODE_ENV the user set, is left as it is.
 */
export function shellNodeEnv(isPackaged: boolean, nodeEnv: string | undefined): string | undefined {
  if (isPackaged || (nodeEnv !== undefined && nodeEnv !== '')) return nodeEnv;
  return 'development';
}
