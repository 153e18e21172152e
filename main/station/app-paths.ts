// Owns where the station's own files are: the project (or app.asar) root, the built renderer, the version.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppPaths {
  root: string;
  rendererDir: string;
  version: string;
}

export function findAppPaths(fromUrl: string = import.meta.url): AppPaths {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (let i = 0; i < 8; i++) {
    const pkgFile = path.join(dir, 'package.json');
    if (fs.existsSync(pkgFile)) {
      const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'klive-station') {
        return { root: dir, rendererDir: path.join(dir, 'dist', 'renderer'), version: pkg.version ?? '0.0.0' };
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('cannot find the klive-station package.json above ' + fileURLToPath(fromUrl));
}
