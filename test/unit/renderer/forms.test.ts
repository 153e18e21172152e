// Pure form logic: settings validation and update diff, server error mapping, publish details and commands.
import { describe, expect, it } from 'vitest';
import {
  formFromSettings,
  mapServerErrors,
  settingsUpdateFromForm,
  validateSettingsForm,
} from '../../../renderer/src/lib/settings-form.js';
import { ffmpegCommand, keyFormUrl } from '../../../renderer/src/lib/publish.js';
import { manualPublishErrors } from '../../../renderer/src/screens/Connect.js';
import { buildPublishDetails } from '../../../shared/sandbox.js';
import { DEFAULT_SETTINGS } from '../../../shared/settings.js';
import type { PublicSettings } from '../../../shared/settings.js';

const saved: PublicSettings = { ...structuredClone(DEFAULT_SETTINGS), adminSecretStored: false };

describe('settings form', () => {
  it('the saved settings validate cleanly in sandbox mode', () => {
    expect(validateSettingsForm(formFromSettings(saved), false)).toEqual({});
  });

  it('outside sandbox mode requires a service URL and a secret, with messages that say how to fix', () => {
    const form = { ...formFromSettings(saved), mode: 'saas' as const, serviceUrl: 'www.kaltura.com' };
    const errors = validateSettingsForm(form, false);
    expect(errors.serviceUrl).toMatch(/must start with https:\/\//);
    expect(errors.adminSecret).toMatch(/KMC/);
    expect(validateSettingsForm({ ...form, serviceUrl: 'https://www.kaltura.com' }, true)).toEqual({});
  });

  it('checks partner id, hostname and segment duration', () => {
    const errors = validateSettingsForm(
      { ...formFromSettings(saved), partnerId: '1.5', hostname: 'my host', defaultSegmentDurationSeconds: '30' },
      false,
    );
    expect(Object.keys(errors).sort()).toEqual(['defaultSegmentDurationSeconds', 'hostname', 'partnerId']);
  });

  it('sends only what changed, and the secret only when typed', () => {
    const form = formFromSettings(saved);
    expect(settingsUpdateFromForm(form, saved)).toEqual({});
    const changed = {
      ...form,
      mode: 'saas' as const,
      serviceUrl: ' https://www.kaltura.com ',
      adminSecret: 's3cret',
      defaultSegmentDurationSeconds: '4',
    };
    expect(settingsUpdateFromForm(changed, saved)).toEqual({
      kaltura: { mode: 'saas', serviceUrl: 'https://www.kaltura.com' },
      media: { defaultSegmentDurationSeconds: 4 },
      adminSecret: 's3cret',
    });
  });

  it('maps server field errors onto form fields and keeps the rest', () => {
    const mapped = mapServerErrors([
      { path: 'kaltura.serviceUrl', message: 'not a Kaltura server' },
      { path: 'media.recordingSegmentSeconds', message: 'too short' },
    ]);
    expect(mapped.fields).toEqual({ serviceUrl: 'not a Kaltura server' });
    expect(mapped.other).toEqual(['media.recordingSegmentSeconds: too short']);
  });
});

describe('publish details', () => {
  const details = buildPublishDetails({
    rtmpUrl: 'rtmp://192.168.1.10:1935/kLive/',
    partnerId: 102,
    entryId: '0_rkij47dr',
    token: 'dj94kfit',
  });

  it('builds the OBS form of kaltura.md 1.2 for primary and backup', () => {
    expect(details.primary).toEqual({
      serverUrl: 'rtmp://192.168.1.10:1935/kLive/?p=102&e=0_rkij47dr&i=0&t=dj94kfit',
      streamKey: '0_rkij47dr_1',
    });
    expect(details.backup).toEqual({
      serverUrl: 'rtmp://192.168.1.10:1935/kLive/?p=102&e=0_rkij47dr&i=1&t=dj94kfit',
      streamKey: '0_rkij47dr_1',
    });
  });

  it('the ffmpeg command publishes the key form of the same URL', () => {
    expect(keyFormUrl(details.primary)).toBe(
      'rtmp://192.168.1.10:1935/kLive/0_rkij47dr_1?p=102&e=0_rkij47dr&i=0&t=dj94kfit',
    );
    const command = ffmpegCommand(details.primary);
    expect(command.startsWith('ffmpeg -re')).toBe(true);
    expect(command).toContain("-f flv 'rtmp://192.168.1.10:1935/kLive/0_rkij47dr_1?p=102&e=0_rkij47dr&i=0&t=dj94kfit'");
  });

  it('manual input is validated with fix-it messages', () => {
    expect(manualPublishErrors({ entryId: '0_rkij47dr', partnerId: '102', token: 'dj94kfit' })).toEqual({});
    const errors = manualPublishErrors({ entryId: 'rkij47dr', partnerId: 'abc', token: 'a b' });
    expect(errors.entryId).toMatch(/0_rkij47dr/);
    expect(errors.partnerId).toMatch(/whole number/);
    expect(errors.token).toMatch(/cannot contain spaces/);
  });
});

describe('preview and sparkline helpers', () => {
  it('resolves the master playlist against the page origin, or the station URL for the Electron window', async () => {
    const { previewUrl } = await import('../../../renderer/src/screens/HlsPreview.js');
    expect(previewUrl('/hls/0_rkij47dr/master.m3u8', 'http://192.168.1.10:8080', 'http://127.0.0.1:8080/')).toBe(
      'http://192.168.1.10:8080/hls/0_rkij47dr/master.m3u8',
    );
    expect(previewUrl('/hls/0_rkij47dr/master.m3u8', 'klive://app', 'http://127.0.0.1:8080/')).toBe(
      'http://127.0.0.1:8080/hls/0_rkij47dr/master.m3u8',
    );
  });

  it('scales sparkline points into the box, newest at the right', async () => {
    const { sparklinePoints } = await import('../../../renderer/src/components/Sparkline.js');
    expect(sparklinePoints([0, 50, 100], 100, 22, 100)).toBe('0.0,21.0 50.0,11.0 100.0,1.0');
    expect(sparklinePoints([], 100, 22, 100)).toBe('');
  });
});
