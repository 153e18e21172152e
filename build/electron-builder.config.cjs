// electron-builder configuration for kLive Station (npm run dist). Only built code goes into app.asar:
// dist/node/{main,shared}, dist/preload, dist/renderer, package.json and production node_modules.
// FFmpeg is copied per platform from @ffmpeg-installer/<os>-<arch> into resources/ffmpeg/ (outside the
// asar, so it can be executed); main/electron/packaged-resources.ts finds it there. Each platform's
// @ffmpeg-installer package is an optional dependency that npm installs only on that platform, so build
// each installer on its own OS/arch (only linux-x64 exists on the Linux build machine).
'use strict';

/** @param {'linux' | 'darwin' | 'win32'} os */
function ffmpegResource(os) {
  return [
    {
      from: `node_modules/@ffmpeg-installer/${os}-\${arch}`,
      to: 'ffmpeg',
      filter: [os === 'win32' ? 'ffmpeg.exe' : 'ffmpeg'],
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
    depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'],
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
