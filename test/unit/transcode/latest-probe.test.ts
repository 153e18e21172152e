// Regression: OBS's stream refused with "the input has neither video nor audio" when the session planned from a
// probe window that had seen no tag yet (seen with real OBS 29 in the Send-to-OBS e2e test).
import { describe, expect, it } from 'vitest';
import { latestProbe } from '../../../main/transcode/session-plan.js';
import type { InputProbe } from '../../../shared/state.js';

const probe = (over: Partial<InputProbe>): InputProbe => ({
  ...({
    videoCodec: 'H264',
    audioCodec: 'AAC',
    width: 1280,
    height: 720,
    frameRateFps: 30,
    videoBitrateBps: 2_500_000,
  } as unknown as InputProbe),
  ...over,
});

describe('latestProbe', () => {
  it('uses the latest probe once it has seen the codecs', () => {
    const latest = probe({ width: 1920, height: 1080 });
    expect(latestProbe(latest, probe({}))).toBe(latest);
  });

  it('keeps the probe at the start while the latest window has seen no codec yet', () => {
    const atStart = probe({});
    expect(latestProbe(probe({ videoCodec: null, audioCodec: null } as unknown as Partial<InputProbe>), atStart)).toBe(
      atStart,
    );
  });

  it('falls back to the probe at the start, else to none', () => {
    const atStart = probe({});
    expect(latestProbe(null, atStart)).toBe(atStart);
    expect(latestProbe(null, null)).toBeNull();
  });

  // Regression: in the capacity bench (20 publishers starting together) one stream's first probe sample came before
  // its first frame, and its ladder was refused with "neither video nor audio".
  it('knows nothing from probes that have seen no codec yet, rather than an input without tracks', () => {
    const empty = probe({ videoCodec: null, audioCodec: null } as unknown as Partial<InputProbe>);
    expect(latestProbe(empty, null)).toBeNull();
    expect(latestProbe(empty, empty)).toBeNull();
    expect(latestProbe(null, empty)).toBeNull();
  });
});
