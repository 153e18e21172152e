// Which encoders Settings may offer and which one a transcode gets before hardware detection (no FFmpeg is run).
import { describe, expect, it } from 'vitest';
import { FfmpegInUse } from '../../../main/station/ffmpeg-in-use.js';
import type { NewEvent } from '../../../main/station/events-log.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';

function rig(settingPath = '') {
  const events: NewEvent[] = [];
  const ffmpeg = new FfmpegInUse({
    logger: createLogger({ sinks: [memorySink()] }),
    env: { PATH: '' },
    settingPath: () => settingPath,
    addEvent: (e) => events.push(e),
  });
  return { ffmpeg, events };
}

describe('FfmpegInUse', () => {
  it('offers no encoder without FFmpeg, libx264 while hardware encoders are being tested', () => {
    const { ffmpeg } = rig();
    expect(ffmpeg.availability()).toEqual({ state: 'no-ffmpeg', working: [], failures: {} });
    ffmpeg.status = { ...ffmpeg.status, status: 'ok', path: '/usr/bin/ffmpeg' };
    expect(ffmpeg.availability()).toEqual({ state: 'detecting', working: ['libx264'], failures: {} });
  });

  it('falls back to libx264 for an untested hardware encoder and says so in the events log', () => {
    const { ffmpeg, events } = rig();
    expect(ffmpeg.chooseEncoder('libx264')).toBe('libx264');
    expect(events).toEqual([]);
    expect(ffmpeg.chooseEncoder('h264_nvenc')).toBe('libx264');
    expect(events).toEqual([
      expect.objectContaining({ severity: 'warning', kind: 'ffmpeg', message: expect.stringContaining('h264_nvenc') }),
    ]);
  });
});
