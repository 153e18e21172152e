import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  ffmpegBinaryName,
  packagedFfmpegPath,
  shellNodeEnv,
  stationEnv,
} from '../../../main/electron/packaged-resources.js';
import { validatesOutgoing } from '../../../main/bridge/server.js';
import { assertStationForShell } from '../../../main/electron/station-shell.js';

vi.mock('electron', () => {
  throw new Error('packaged-resources.ts must not need the electron module at runtime');
});

describe('packaged resources', () => {
  it('finds FFmpeg at <resources>/ffmpeg/ffmpeg[.exe]', () => {
    expect(ffmpegBinaryName('win32')).toBe('ffmpeg.exe');
    expect(ffmpegBinaryName('darwin')).toBe('ffmpeg');
    const seen: string[] = [];
    const exists = (p: string) => (seen.push(p), true);
    expect(packagedFfmpegPath('/opt/kLive Station/resources', 'linux', exists)).toBe(
      path.join('/opt/kLive Station/resources', 'ffmpeg', 'ffmpeg'),
    );
    expect(packagedFfmpegPath('/opt/r', 'linux', () => false)).toBeNull();
    expect(packagedFfmpegPath(undefined, 'linux', exists)).toBeNull();
  });

  it('points FFMPEG_PATH at the bundled binary unless the user set one', () => {
    expect(stationEnv({ PATH: '/bin' }, '/r/ffmpeg/ffmpeg')).toEqual({ PATH: '/bin', FFMPEG_PATH: '/r/ffmpeg/ffmpeg' });
    expect(stationEnv({ FFMPEG_PATH: '/usr/local/bin/ffmpeg' }, '/r/ffmpeg/ffmpeg')).toEqual({
      FFMPEG_PATH: '/usr/local/bin/ffmpeg',
    });
    expect(stationEnv({ PATH: '/bin' }, null)).toEqual({ PATH: '/bin' });
  });
});

describe('StationForShell check', () => {
  it('names every missing method', () => {
    expect(() => assertStationForShell({ start: async () => ({}) })).toThrow(
      'the station lacks liveStreamCount, onLiveCountChange, unregisterAll, stopTranscoders, flushRecordings, close, bridgeHost: the Electron shell needs every method of StationForShell (main/electron/station-shell.ts)',
    );
    const fn = () => undefined;
    expect(() =>
      assertStationForShell({
        start: fn,
        liveStreamCount: fn,
        onLiveCountChange: fn,
        unregisterAll: fn,
        stopTranscoders: fn,
        flushRecordings: fn,
        close: fn,
        bridgeHost: fn,
      }),
    ).not.toThrow();
  });
});

describe('NODE_ENV of the Electron shell', () => {
  it('is development in an unpackaged run, so the bridge checks what main sends against the contract', () => {
    expect(shellNodeEnv(false, undefined)).toBe('development');
    expect(shellNodeEnv(false, '')).toBe('development');
    expect(validatesOutgoing({ NODE_ENV: shellNodeEnv(false, undefined) })).toBe(true);
  });

  it('leaves a packaged app and a NODE_ENV the user set alone', () => {
    expect(shellNodeEnv(true, undefined)).toBeUndefined();
    expect(validatesOutgoing({ NODE_ENV: shellNodeEnv(true, undefined) })).toBe(false);
    expect(shellNodeEnv(false, 'production')).toBe('production');
    expect(shellNodeEnv(true, 'development')).toBe('development');
  });
});
