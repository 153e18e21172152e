import { describe, expect, it } from 'vitest';
import { locateFfmpeg, parseFfmpegVersion } from '../../../main/transcode/ffmpeg-locate.js';

const VERSION_OUTPUT =
  'ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2025 the FFmpeg developers\nbuilt with gcc 12';

function runner(working: Record<string, string>) {
  const calls: string[] = [];
  return {
    calls,
    run: async (bin: string) => {
      calls.push(bin);
      const out = working[bin];
      if (out === undefined) throw Object.assign(new Error('spawn ENOENT'), { code: 'ENOENT' });
      return out;
    },
  };
}

describe('locateFfmpeg', () => {
  it('prefers the setting, then FFMPEG_PATH, then PATH, then the bundled binary', async () => {
    const r = runner({
      '/opt/ff/ffmpeg': VERSION_OUTPUT,
      '/env/ffmpeg': VERSION_OUTPUT,
      '/bundled/ffmpeg': VERSION_OUTPUT,
    });
    const fromSetting = await locateFfmpeg({
      settingPath: '/opt/ff/ffmpeg',
      env: { FFMPEG_PATH: '/env/ffmpeg', PATH: '' },
      bundledPath: () => '/bundled/ffmpeg',
      runVersion: r.run,
    });
    expect(fromSetting).toMatchObject({
      status: 'ok',
      path: '/opt/ff/ffmpeg',
      source: 'setting',
      version: '5.1.9-0+deb12u1',
    });
    const fromEnv = await locateFfmpeg({
      settingPath: '',
      env: { FFMPEG_PATH: '/env/ffmpeg', PATH: '' },
      bundledPath: () => '/bundled/ffmpeg',
      runVersion: r.run,
    });
    expect(fromEnv).toMatchObject({ source: 'env', path: '/env/ffmpeg' });
    const bundled = await locateFfmpeg({
      settingPath: '',
      env: { PATH: '' },
      bundledPath: () => '/bundled/ffmpeg',
      runVersion: r.run,
    });
    expect(bundled).toMatchObject({ source: 'bundled', path: '/bundled/ffmpeg' });
  });

  it('falls through a broken setting and says what it skipped', async () => {
    const r = runner({ '/bundled/ffmpeg': VERSION_OUTPUT });
    const info = await locateFfmpeg({
      settingPath: '/nope/ffmpeg',
      env: { PATH: '' },
      bundledPath: () => '/bundled/ffmpeg',
      runVersion: r.run,
    });
    expect(info.status).toBe('ok');
    expect(info.message).toContain('/nope/ffmpeg (from the FFmpeg path setting) does not exist');
  });

  it('reports missing FFmpeg with the fix, without throwing', async () => {
    const info = await locateFfmpeg({
      settingPath: '',
      env: { PATH: '' },
      bundledPath: () => null,
      runVersion: runner({}).run,
    });
    expect(info).toMatchObject({ status: 'missing', path: null });
    expect(info.message).toMatch(/Install FFmpeg/);
  });

  it('reports a binary that is not FFmpeg as broken', async () => {
    const info = await locateFfmpeg({
      settingPath: '/bin/true',
      env: { PATH: '' },
      bundledPath: () => null,
      runVersion: runner({ '/bin/true': '' }).run,
    });
    expect(info.status).toBe('broken');
    expect(info.message).toMatch(/did not answer -version like FFmpeg/);
  });

  it('finds the real FFmpeg on this machine', async () => {
    const info = await locateFfmpeg({ settingPath: '', env: process.env });
    expect(info.status).toBe('ok');
    expect(info.version).toMatch(/^\d|^n?\d|git/);
  });

  it('parses version lines', () => {
    expect(parseFfmpegVersion(VERSION_OUTPUT)).toBe('5.1.9-0+deb12u1');
    expect(parseFfmpegVersion('nothing here')).toBeNull();
  });
});
