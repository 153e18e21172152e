// OBS settings judged against the ladder (pure): keyframe interval auto/0 or above 2 s, resolution or bitrate
// above the profile's top transcoded rung; Advanced mode, whose keyframe interval obs-websocket cannot read.
import { describe, expect, it } from 'vitest';
import { obsLadderWarnings, parseKeyint, type ObsOutputSettings } from '../../../main/obs/obs-warnings.js';

const simple: ObsOutputSettings = {
  outputMode: 'Simple',
  simpleVideoBitrateKbps: 2500,
  simpleX264Settings: 'keyint=60',
  outputWidth: 1280,
  outputHeight: 720,
  fps: 30,
};
const top = { width: 1280, height: 720, videoBitrateBps: 2_500_000 };

describe('obsLadderWarnings', () => {
  it('says nothing for a 2 s GOP at or under the top rung', () => {
    expect(obsLadderWarnings(simple, top)).toEqual([]);
  });

  it("warns about OBS's default (auto, ~8 s) keyframe interval and says the keyint for 2 s", () => {
    const [warning] = obsLadderWarnings({ ...simple, simpleX264Settings: '' }, top);
    expect(warning).toContain('keyframe interval auto');
    expect(warning).toContain('keyint=60');
    expect(obsLadderWarnings({ ...simple, simpleX264Settings: 'keyint=0' }, top)[0]).toContain('auto');
  });

  it('warns when the GOP is longer than 2 s', () => {
    expect(obsLadderWarnings({ ...simple, simpleX264Settings: 'preset=fast keyint=150' }, top)).toEqual([
      expect.stringContaining('5.0 s (keyint=150 at 30 fps)'),
    ]);
  });

  it('warns about resolution and bitrate above the top rung, naming both', () => {
    const warnings = obsLadderWarnings(
      { ...simple, outputWidth: 1920, outputHeight: 1080, simpleVideoBitrateKbps: 6000 },
      top,
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("1920x1080, above the profile's top rung (1280x720)");
    expect(warnings[1]).toContain("6000 kbps is above the profile's top rung (2500 kbps)");
  });

  it('without a top rung (passthrough profile) judges only the GOP', () => {
    expect(obsLadderWarnings({ ...simple, outputHeight: 2160, simpleVideoBitrateKbps: 20000 }, null)).toEqual([]);
  });

  it('in Advanced mode says where to check the keyframe interval instead of guessing', () => {
    expect(obsLadderWarnings({ ...simple, outputMode: 'Advanced', simpleX264Settings: null }, top)).toEqual([
      expect.stringContaining('Advanced output mode'),
    ]);
  });

  it('parseKeyint reads keyint from x264 option strings only', () => {
    expect(parseKeyint('keyint=60:min-keyint=30')).toBe(60);
    expect(parseKeyint('bframes=2 keyint=48')).toBe(48);
    expect(parseKeyint('min-keyint=30')).toBeNull();
    expect(parseKeyint(null)).toBeNull();
  });
});
