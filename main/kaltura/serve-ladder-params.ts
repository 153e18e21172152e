// Owns the extraParams of wowza_liveConversionProfile.serve, built from the ingest's onMetaData the way Kaltura's
// Wowza module sent them (kaltura.md 5.1): values as strings ("1280.0"), codec id strings upper-cased, rates in kbps.
import type { InputProbe } from '../../shared/state.js';

/** Java's Double.toString for the values Wowza sent: 1280 -> "1280.0", 29.97 -> "29.97" */
export function javaDouble(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

function declaredNumber(probe: InputProbe, key: string): number | null {
  const v = probe.declared[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** 'H.264' -> 'H264', 'aac' -> 'AAC' */
function codecIdString(name: string | null): string | null {
  return name ? name.replace(/[.\s]/g, '').toUpperCase() : null;
}

export function serveExtraParams(probe: InputProbe | null): Record<string, string> {
  if (!probe) return {};
  const params: Record<string, string> = {};
  const put = (key: string, value: number | null): void => {
    if (value !== null && Number.isFinite(value) && value > 0) params[key] = javaDouble(value);
  };
  put(
    'audiodatarate',
    declaredNumber(probe, 'audiodatarate') ?? (probe.audioBitrateBps ? Math.round(probe.audioBitrateBps / 1000) : null),
  );
  put(
    'videodatarate',
    declaredNumber(probe, 'videodatarate') ?? (probe.videoBitrateBps ? Math.round(probe.videoBitrateBps / 1000) : null),
  );
  put('width', probe.width ?? declaredNumber(probe, 'width'));
  put('height', probe.height ?? declaredNumber(probe, 'height'));
  put('framerate', declaredNumber(probe, 'framerate') ?? probe.frameRateFps);
  const video = codecIdString(probe.videoCodec);
  const audio = codecIdString(probe.audioCodec);
  if (video) params['videocodecidstring'] = video;
  if (audio) params['audiocodecidstring'] = audio;
  return params;
}
