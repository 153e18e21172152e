// Owns the vocabulary of refused publishes: a typed reason, Kaltura's alert code (kaltura.md 7) and a
// human message that names the problem and the fix. Messages never carry the stream token.
import { KalturaApiError, KalturaModeError, KalturaTransportError } from '../core/kaltura-errors.js';
import { describeUrlRefusal, type UrlRefusal } from './broadcast-url.js';

export type RefusalReason =
  | 'bad-url'
  | 'bad-stream-name'
  | 'entry-mismatch'
  | 'wrong-token'
  | 'too-many-tokens'
  | 'unknown-entry'
  | 'already-broadcasting'
  | 'quota-exceeded'
  | 'partner-blocked'
  | 'partner-not-allowed'
  | 'media-server-not-found'
  | 'not-permitted'
  | 'kaltura-unreachable'
  | 'kaltura-error'
  | 'stream-busy'
  | 'server-busy';

/** Kaltura alert codes: 111 invalid token, 112 incorrect stream name, 113 entry not found, 115/118 quota, 126 already broadcasting, -1 other. */
export type AlertCode = 111 | 112 | 113 | 115 | 118 | 126 | -1;

export interface Refusal {
  reason: RefusalReason;
  alertCode: AlertCode;
  /** Kaltura's error code when Kaltura refused, e.g. LIVE_STREAM_INVALID_TOKEN */
  kalturaCode: string | null;
  message: string;
}

export function refusalFromUrl(r: UrlRefusal): Refusal {
  const message = describeUrlRefusal(r);
  if (r.kind === 'bad-stream-name') return { reason: 'bad-stream-name', alertCode: 112, kalturaCode: null, message };
  if (r.kind === 'entry-mismatch') return { reason: 'entry-mismatch', alertCode: 112, kalturaCode: null, message };
  return { reason: 'bad-url', alertCode: -1, kalturaCode: null, message };
}

/** Maps whatever `authenticate` threw to a refusal; the error text itself is not trusted to be token-free. */
export function refusalFromAuthError(error: unknown, entryId: string): Refusal {
  if (error instanceof KalturaApiError) {
    const code = error.code;
    const k = (reason: RefusalReason, alertCode: AlertCode, message: string): Refusal => ({
      reason,
      alertCode,
      kalturaCode: code,
      message,
    });
    switch (code) {
      case 'LIVE_STREAM_INVALID_TOKEN':
        return k(
          'wrong-token',
          111,
          `Kaltura refused the token (t) for entry ${entryId}: copy the broadcast URL again from the entry's live settings`,
        );
      case 'ENTRY_ID_NOT_FOUND':
      case 'INVALID_ENTRY_ID':
        return k(
          'unknown-entry',
          113,
          `Kaltura does not know entry ${entryId} (deleted, or another partner): check e= and p= in the broadcast URL`,
        );
      case 'LIVE_STREAM_ALREADY_BROADCASTING':
        return k(
          'already-broadcasting',
          126,
          `entry ${entryId} is already broadcasting from another media server with this server index: stop the other encoder or use the backup URL`,
        );
      case 'LIVE_STREAM_EXCEEDED_MAX_PASSTHRU':
        return k(
          'quota-exceeded',
          115,
          `the partner's limit of concurrent passthrough live streams is reached (entry ${entryId}; Kaltura alert 115): stop another live entry or ask your Kaltura account manager to raise the limit`,
        );
      case 'LIVE_STREAM_EXCEEDED_MAX_TRANSCODED':
        return k(
          'quota-exceeded',
          118,
          `the partner's limit of concurrent transcoded live streams is reached (entry ${entryId}; Kaltura alert 118): stop another live entry or ask your Kaltura account manager to raise the limit`,
        );
      case 'MEDIA_SERVER_NOT_FOUND':
        // the station's own text (kaltura-runtime): the hostname and why the node is missing; no token in it
        return k('media-server-not-found', -1, error.message);
      case 'SERVICE_FORBIDDEN':
        return k(
          'not-permitted',
          -1,
          `Kaltura does not let this station authenticate entry ${entryId} (SERVICE_FORBIDDEN): in eCDN mode the partner needs the Hybrid eCDN feature (ask your Kaltura account manager); in SaaS/on-prem mode the media-server partner -5 is accepted only from the Kaltura operator's own network`,
        );
      default:
        if (code.startsWith('SERVICE_FORBIDDEN')) {
          return k(
            'partner-blocked',
            -1,
            `Kaltura blocks this partner's content (${code}) for entry ${entryId}: contact the account manager`,
          );
        }
        return k(
          'kaltura-error',
          -1,
          `Kaltura refused entry ${entryId} with ${code}: check the entry in the KMC and retry`,
        );
    }
  }
  if (error instanceof KalturaModeError) {
    return {
      reason: 'partner-not-allowed',
      alertCode: -1,
      kalturaCode: null,
      message: `entry ${entryId} belongs to a partner this station does not serve in eCDN mode: publish to the partner's own station`,
    };
  }
  if (error instanceof KalturaTransportError) {
    return {
      reason: 'kaltura-unreachable',
      alertCode: -1,
      kalturaCode: null,
      message: `Kaltura could not be reached to authenticate entry ${entryId} (${error.kind}): check the network and the service URL; the encoder will retry`,
    };
  }
  return {
    reason: 'kaltura-error',
    alertCode: -1,
    kalturaCode: null,
    message: `authenticating entry ${entryId} failed unexpectedly: see the station log`,
  };
}
