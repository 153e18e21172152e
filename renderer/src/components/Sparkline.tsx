// A tiny SVG line of recent values (e.g. bitrateHistoryBps), with an optional dashed target line.
import { memo } from 'react';

export interface SparklineProps {
  values: readonly number[];
  targetValue?: number | null;
  widthPx?: number;
  heightPx?: number;
  label: string;
}

export function sparklinePoints(
  values: readonly number[],
  widthPx: number,
  heightPx: number,
  maxValue: number,
): string {
  if (values.length === 0 || maxValue <= 0) return '';
  const step = values.length > 1 ? widthPx / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = values.length > 1 ? i * step : widthPx;
      const y = heightPx - (Math.max(0, v) / maxValue) * (heightPx - 2) - 1;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

export const Sparkline = memo(function Sparkline({
  values,
  targetValue,
  widthPx = 120,
  heightPx = 28,
  label,
}: SparklineProps) {
  const maxValue = Math.max(1, targetValue ?? 0, ...values) * 1.1;
  const points = sparklinePoints(values, widthPx, heightPx, maxValue);
  const targetY = targetValue ? heightPx - (targetValue / maxValue) * (heightPx - 2) - 1 : null;
  return (
    <svg
      className="sparkline"
      width={widthPx}
      height={heightPx}
      viewBox={`0 0 ${widthPx} ${heightPx}`}
      role="img"
      aria-label={label}
    >
      {targetY !== null && <line x1={0} x2={widthPx} y1={targetY} y2={targetY} className="sparkline-target" />}
      {points && <polyline points={points} className="sparkline-line" fill="none" />}
    </svg>
  );
});
