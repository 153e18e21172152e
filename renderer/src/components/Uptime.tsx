// Elapsed time since a moment, re-rendered by the app's one-second clock (only this text re-renders).
import { useUi } from '../state/context.js';
import { formatDuration } from '../lib/format.js';

export function Uptime({ sinceMs }: { sinceMs: number }) {
  const nowMs = useUi((s) => s.nowMs);
  return <span data-testid="uptime">{formatDuration(Math.max(0, nowMs - sinceMs))}</span>;
}
