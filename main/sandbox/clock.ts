// Owns the sandbox's sense of time: the real clock, or one running faster for rehearsing expiry (heartbeats,
// registrations, KSs) without waiting minutes. Tests inject `now`; processes set KLIVE_SANDBOX_TIME_SCALE.

/** A clock that starts at base() and runs `scale` times faster; scale 1 is the base clock itself. */
export function scaledClock(base: () => number, scale: number): () => number {
  if (scale === 1) return base;
  const originMs = base();
  return () => originMs + (base() - originMs) * scale;
}
