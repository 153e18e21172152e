// Owns the sandbox time scale setting (flag --time-scale, KLIVE_SANDBOX_TIME_SCALE): sandbox seconds per real
// second, so rehearsals and tests see Kaltura's 120 s expiries in seconds. The sandbox applies it (sandbox/clock.ts).

/** Environment variable read by startSandbox when no timeScale is given. */
export const TIME_SCALE_ENV = 'KLIVE_SANDBOX_TIME_SCALE';

/** Reads and checks a time scale (flag or environment value). */
export function parseTimeScale(raw: string, source: string): number {
  const scale = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(scale) || scale < 1 || scale > 3600) {
    throw new Error(
      `${source} must be a number from 1 to 3600 (sandbox seconds per real second, e.g. 60 makes the 120 s expiries take 2 s), got "${raw}"`,
    );
  }
  return scale;
}

export function timeScaleFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env[TIME_SCALE_ENV];
  return raw === undefined || raw === '' ? 1 : parseTimeScale(raw, TIME_SCALE_ENV);
}
