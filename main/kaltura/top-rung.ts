// Owns the top transcoded rung of an entry's conversion profile, as Kaltura serves it: what Send to OBS checks
// OBS's own output against. Null with a passthrough rung (OBS's stream is then played as sent) or when serve fails.
import type { KalturaApi } from '../core/kaltura-api.js';
import { parseServeLadder } from './serve-ladder.js';

export interface ServedTopRung {
  width: number | null;
  height: number | null;
  videoBitrateBps: number | null;
}

export async function servedTopRung(
  api: Pick<KalturaApi, 'serveConversionProfile'>,
  partnerId: number,
  entryId: string,
): Promise<ServedTopRung | null> {
  try {
    const xml = await api.serveConversionProfile({ partnerId, streamName: `${entryId}_1`, extraParams: {} });
    const { ladder } = parseServeLadder(xml);
    if (ladder.renditions.some((r) => r.video?.codec === 'copy')) return null;
    const rungs = ladder.renditions.flatMap((r) => (r.video && r.video.codec === 'h264' ? [r.video] : []));
    const top = rungs.sort((a, b) => (b.bitrateBps ?? 0) - (a.bitrateBps ?? 0))[0];
    return top ? { width: top.width, height: top.height, videoBitrateBps: top.bitrateBps } : null;
  } catch {
    return null;
  }
}
