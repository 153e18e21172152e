// electron-builder configuration for kLive Station (npm run dist). Only built code goes into app.asar:
// dist/node/{main,shared}, dist/preload, dist/renderer, package.json and production node_modules.
// FFmpeg goes into resources/ffmpeg/ (outside the asar, so it can be executed), where
// main/electron/packaged-resources.ts finds it: the current build the release step fetched into
// build/ffmpeg/<os>-<arch>/ (node build/ffmpeg/fetch.mjs, pinned by URL and sha256 in build/ffmpeg/manifest.json),
// else the 2018 build of @ffmpeg-installer/<os>-<arch>. That package is an optional dependency npm installs only
// on its own platform, so without fetched builds, build each installer on its own OS/arch.
'use strict';

// electron-builder loads this file as CommonJS
/* eslint-disable @typescript-eslint/no-require-imports */
const fs = require('node:fs');
const path = require('node:path');
/* eslint-enable @typescript-eslint/no-require-imports */

/** True when the release step fetched a build for this OS (any arch: then it fetched every arch it ships). */
function fetchedFfmpeg(os) {
  const dir = path.join(__dirname, 'ffmpeg');
  return (
    fs.existsSync(dir) &&
    fs.readdirSync(dir).some((d) => d.startsWith(`${os}-`) && fs.existsSync(path.join(dir, d, 'build.json')))
  );
}

/** @param {'linux' | 'darwin' | 'win32'} os */
function ffmpegResource(os) {
  const exe = os === 'win32' ? '.exe' : '';
  if (fetchedFfmpeg(os)) {
    return [
      { from: `build/ffmpeg/${os}-\${arch}`, to: 'ffmpeg', filter: [`ffmpeg${exe}`, `ffprobe${exe}`, 'build.json'] },
    ];
  }
  return [
    {
      from: `node_modules/@ffmpeg-installer/${os}-\${arch}`,
      to: 'ffmpeg',
      filter: [`ffmpeg${exe}`],
    },
  ];
}

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'io.klive.station',
  productName: 'kLive Station',
  executableName: 'klive-station',
  copyright: 'kLive Station contributors',
  directories: {
    // tsc writes dist/; keep the builder's output apart
    output: 'release',
    buildResources: 'build',
  },
  files: [
    'package.json',
    'dist/node/main/**/*',
    'dist/node/shared/**/*',
    'dist/preload/**/*',
    'dist/renderer/**/*',
    '!**/*.map',
    '!**/*.d.ts',
    // the FFmpeg binaries are resources (executable), never inside the asar
    '!node_modules/@ffmpeg-installer/{linux,darwin,win32}-*{,/**/*}',
    // type declarations pulled in by production packages (e.g. @types/node) are never needed at runtime
    '!node_modules/@types{,/**/*}',
  ],
  asar: true,
  extraMetadata: {
    main: 'dist/node/main/electron/main.js',
  },
  linux: {
    target: [
      { target: 'AppImage', arch: ['x64', 'arm64'] },
      { target: 'deb', arch: ['x64', 'arm64'] },
    ],
    icon: 'build/icons/png',
    category: 'AudioVideo',
    synopsis: 'Live video ingest station for Kaltura',
    extraResources: ffmpegResource('linux'),
  },
  deb: {
    // FFmpeg is bundled; these are Electron's usual runtime libraries
    depends: [
      'libgtk-3-0',
      'libnotify4',
      'libnss3',
      'libxss1',
      'libxtst6',
      'xdg-utils',
      'libatspi2.0-0',
      'libuuid1',
      'libsecret-1-0',
    ],
  },
  mac: {
    target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
    icon: 'build/icons/icon.icns',
    category: 'public.app-category.video',
    extraResources: ffmpegResource('darwin'),
  },
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'build/icons/icon.ico',
    extraResources: ffmpegResource('win32'),
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
  },
};
