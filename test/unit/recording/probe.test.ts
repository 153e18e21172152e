// The recorder's duration probe without ffprobe (issue 22: the bundled static FFmpeg ships none): FFmpeg's own
// "Duration:" line, on output recorded from 4.1 and 5.1.
import { describe, expect, it } from 'vitest';
import { parseDurationLine } from '../../../main/recording/probe.js';

describe('parseDurationLine', () => {
  it('reads the container duration FFmpeg prints for -i', () => {
    expect(
      parseDurationLine(
        "Input #0, mpegts, from 'seg.ts':\n  Duration: 00:00:05.03, start: 1.400000, bitrate: 655 kb/s\n",
      ),
    ).toBe(5.03);
    expect(parseDurationLine('  Duration: 01:02:03.50, start: 0.000000, bitrate: N/A')).toBe(3723.5);
  });

  it('no duration, N/A, zero or no such file: null', () => {
    expect(parseDurationLine('  Duration: N/A, start: 0.000000, bitrate: N/A')).toBeNull();
    expect(parseDurationLine('  Duration: 00:00:00.00, start: 0.000000')).toBeNull();
    expect(parseDurationLine('absent.ts: No such file or directory')).toBeNull();
  });
});
