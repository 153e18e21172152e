import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Hysteresis } from '../../../main/station/health/hysteresis.js';

interface Series {
  raiseAfterMs: number;
  clearAfterMs: number;
  samples: [number, boolean][];
  expected: { raisedAt: number; clearedAt: number };
}

const series = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, 'series', 'audio-flapping.json'), 'utf8'),
) as Series;

describe('alert hysteresis', () => {
  it('raises once after the condition held, ignores short glitches, clears once after it stayed false', () => {
    const h = new Hysteresis({ raiseAfterMs: series.raiseAfterMs, clearAfterMs: series.clearAfterMs });
    const flips: [number, string][] = [];
    for (const [t, holds] of series.samples) {
      const flip = h.update(holds, t * 1000);
      if (flip) flips.push([t, flip]);
    }
    expect(flips).toEqual([
      [series.expected.raisedAt, 'raised'],
      [series.expected.clearedAt, 'cleared'],
    ]);
  });

  it('with zero delays follows the condition sample by sample', () => {
    const h = new Hysteresis({ raiseAfterMs: 0, clearAfterMs: 0 });
    expect(h.update(true, 0)).toBe('raised');
    expect(h.update(true, 1)).toBeNull();
    expect(h.update(false, 2)).toBe('cleared');
    expect(h.isActive).toBe(false);
  });
});
