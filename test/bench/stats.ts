// Owns the bench's statistics: median and spread of repeated measurements, and their formatting.

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** (max - min) / 2: the half-range, printed as ±; honest for the few runs a bench can afford */
  spread: number;
  /** 95th percentile (nearest rank) */
  p95: number;
  samples: number[];
}

export function summarize(samples: number[]): Summary {
  const xs = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0)
    return { n: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN, spread: Number.NaN, p95: Number.NaN, samples };
  const mid = Math.floor(xs.length / 2);
  const median = xs.length % 2 === 1 ? (xs[mid] as number) : ((xs[mid - 1] as number) + (xs[mid] as number)) / 2;
  const min = xs[0] as number;
  const max = xs[xs.length - 1] as number;
  const p95 = xs[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)] as number;
  return { n: xs.length, median, min, max, spread: (max - min) / 2, p95, samples };
}

/** `median ±half-range (n)`; with many samples `median (p95 x, n)`, since one outlier would swamp a half-range. */
export function fmt(s: Summary, digits = 1): string {
  if (s.n === 0) return 'n/a';
  if (s.n > 20)
    return `${s.median.toFixed(digits)} (p95 ${s.p95.toFixed(digits)}, max ${s.max.toFixed(digits)}, n=${s.n})`;
  return `${s.median.toFixed(digits)} ±${s.spread.toFixed(digits)} (n=${s.n})`;
}
