// Owns where a stream's ladder comes from: Kaltura's conversion profile for ENTRY_N (serve, with the probe's
// extraParams as the Wowza module sends them), read into a `Ladder` through kaltura/. The transcode session is
// handed the ladder as data; a Kaltura refusal or an unreadable profile fails the stream once, in words.
import type { Ladder } from '../../shared/ladder.js';
import type { InputProbe } from '../../shared/state.js';
import type { KalturaApi } from '../core/kaltura-api.js';
import { isKalturaApiError, KalturaTransportError } from '../core/kaltura-errors.js';
import { LadderError, parseServeLadder } from '../kaltura/serve-ladder.js';
import { serveExtraParams } from '../kaltura/serve-ladder-params.js';

export type LadderFetch =
  { ok: true; ladder: Ladder; warnings: string[] } | { ok: false; reason: string; kalturaCode: string | null };

export interface LadderRequest {
  partnerId: number;
  /** ENTRY_N as published: Kaltura answers with the ladder of the ingest it names */
  streamName: string;
  /** the stream's probe when it is asked (null: none yet), sent as serve's extraParams */
  probe: InputProbe | null;
}

/** serve -> Ladder. Never throws for what Kaltura answered: a refusal comes back as `ok: false` with the reason. */
export async function fetchLadder(
  kaltura: Pick<KalturaApi, 'serveConversionProfile'>,
  req: LadderRequest,
): Promise<LadderFetch> {
  let xml: string;
  try {
    xml = await kaltura.serveConversionProfile({
      partnerId: req.partnerId,
      streamName: req.streamName,
      extraParams: serveExtraParams(req.probe),
    });
  } catch (e) {
    const code = isKalturaApiError(e) ? e.code : null;
    const why = e instanceof KalturaTransportError || isKalturaApiError(e) ? e.message : String(e);
    return {
      ok: false,
      reason: `Kaltura did not give the ladder for ${req.streamName}${code ? ` (${code})` : ''}: ${why}`,
      kalturaCode: code,
    };
  }
  try {
    return { ok: true, ...parseServeLadder(xml) };
  } catch (e) {
    if (e instanceof LadderError)
      return { ok: false, reason: `ladder refused for ${req.streamName}: ${e.message}`, kalturaCode: null };
    throw e;
  }
}
