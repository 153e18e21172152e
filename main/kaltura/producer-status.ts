// Owns what a producer's session says about itself: Kaltura's sign-in and permission errors in words that say
// what to do, the account's features (FEATURE_LIVE_STREAM, _HYBRID_ECDN, _SERVER_NODE) read from
// permission.getCurrentPermissions, and the ProducerStatus projection (never the KS or a secret).
import type { KalturaClient } from './client.js';
import { KalturaApiError, KalturaTransportError } from '../core/kaltura-errors.js';
import { permissionGetCurrent } from './producer-actions.js';
import type { Capability, ProducerStatus } from '../../shared/producer.js';

/** A signed-in producer session, as ProducerSession holds it (main only). */
export interface SignedIn {
  target: { serviceUrl: string; kmcUrl: string | null };
  method: 'login' | 'secret';
  ks: string;
  partnerId: number;
  partnerName: string;
  userId: string;
  partners: { id: number; name: string }[];
  expiresAtMs: number;
  capabilities: Capability[];
  /** read with the admin KS for the media-server role; kept only until sign-out */
  partnerAdminSecret: string | null;
  /** a secret sign-in keeps its secret to renew the KS */
  secret: string | null;
}

/** Kaltura's sign-in and permission errors, in words that say what to do. */
export function describeProducerError(error: unknown): string {
  if (error instanceof KalturaApiError) {
    switch (error.code) {
      case 'LOGIN_DATA_NOT_FOUND':
        return 'No Kaltura login has this email (LOGIN_DATA_NOT_FOUND): check the address you sign in to KMC with, or sign in with partner id and admin secret.';
      case 'USER_WRONG_PASSWORD':
        return 'Wrong password for this login (USER_WRONG_PASSWORD): type it again; Kaltura blocks a login after several wrong attempts.';
      case 'MISSING_OTP':
        return 'This account uses two-factor authentication (MISSING_OTP): enter the 6-digit code from your authenticator app.';
      case 'INVALID_OTP':
        return 'The two-factor code was not accepted (INVALID_OTP): enter the current 6-digit code from your authenticator app; codes change every 30 seconds.';
      case 'LOGIN_BLOCKED':
        return 'Kaltura has blocked this login after too many attempts (LOGIN_BLOCKED): wait, or reset the password in KMC.';
      case 'PASSWORD_EXPIRED':
        return 'The password has expired (PASSWORD_EXPIRED): set a new one in KMC, then sign in here.';
      case 'DIRECT_LOGIN_BLOCKED':
        return 'This account signs in through single sign-on only (DIRECT_LOGIN_BLOCKED): sign in with partner id and admin secret instead.';
      case 'USER_NOT_FOUND':
      case 'INVALID_PARTNER_ID':
        return `This login has no user in that partner (${error.code}): pick one of its partners.`;
      case 'START_SESSION_ERROR':
        return 'Kaltura refused this partner id and admin secret (START_SESSION_ERROR): copy both from KMC → Settings → Integration Settings.';
      case 'ENTRY_ID_NOT_FOUND':
        return `Kaltura has no such entry (ENTRY_ID_NOT_FOUND: ${error.message}): it was deleted or belongs to another partner; refresh the list.`;
      case 'CONVERSION_PROFILE_ID_NOT_FOUND':
        return `Kaltura has no such conversion profile (CONVERSION_PROFILE_ID_NOT_FOUND: ${error.message}): pick one of the partner's live profiles.`;
      case 'INVALID_ENUM_VALUE':
      case 'PROPERTY_VALIDATION_CANNOT_BE_NULL':
      case 'PROPERTY_VALIDATION_MIN_LENGTH':
      case 'PROPERTY_VALIDATION_MAX_LENGTH':
        return `Kaltura refused the value (${error.code}): ${error.message}.`;
      case 'SERVICE_FORBIDDEN':
        return `The account may not use this (SERVICE_FORBIDDEN: ${error.message}): ask Kaltura to enable live streaming (FEATURE_LIVE_STREAM) for the partner.`;
      default:
        return `Kaltura answered ${error.code}: ${error.message}`;
    }
  }
  if (error instanceof KalturaTransportError) return error.message;
  return (error as Error).message;
}

/** The account's features; null = unknown (the permissions could not be read). */
export async function producerCapabilities(client: KalturaClient): Promise<Capability[]> {
  const permissions = await permissionGetCurrent(client).catch(() => null);
  const has = (name: string): boolean | null => (permissions === null ? null : permissions.includes(name));
  const live = has('FEATURE_LIVE_STREAM');
  const ecdn = has('FEATURE_HYBRID_ECDN');
  const serverNode = has('FEATURE_SERVER_NODE');
  return [
    {
      name: 'FEATURE_LIVE_STREAM',
      available: live,
      text:
        live === false
          ? 'Live streaming is not enabled for this partner: ask Kaltura to enable "Live streaming" (FEATURE_LIVE_STREAM).'
          : 'Live streaming: list, create and stream to live entries.',
    },
    {
      name: 'FEATURE_HYBRID_ECDN',
      available: ecdn,
      text:
        ecdn === false
          ? 'Hybrid eCDN is not enabled: ask Kaltura to enable "Hybrid eCDN" (FEATURE_HYBRID_ECDN) so this station may serve as the partner\'s own media server.'
          : "Hybrid eCDN: the station may serve as the partner's own media server.",
    },
    {
      name: 'FEATURE_SERVER_NODE',
      available: serverNode,
      text:
        serverNode === false
          ? 'The partner may not register server nodes: ask Kaltura to enable "Server-Node" (FEATURE_SERVER_NODE) so the station can register as the partner\'s media server.'
          : "Server nodes: the station can register itself as the partner's media server.",
    },
  ];
}

/** The status when no one is signed in; `problem` says why (a refusal, an ended session), or null. */
export function signedOutStatus(problem: string | null): ProducerStatus {
  return {
    signedIn: false,
    serviceUrl: '',
    kmcUrl: null,
    method: null,
    partnerId: null,
    partnerName: null,
    userId: null,
    partners: [],
    expiresAtMs: null,
    renewable: false,
    capabilities: [],
    adminSecret: 'not-readable',
    problem,
  };
}

/** adminSecret: 'not-needed' / 'stored' when the caller knows; null = from what the session could read. */
export function signedInStatus(now: SignedIn, adminSecret: 'not-needed' | 'stored' | null): ProducerStatus {
  return {
    signedIn: true,
    serviceUrl: now.target.serviceUrl,
    kmcUrl: now.target.kmcUrl,
    method: now.method,
    partnerId: now.partnerId,
    partnerName: now.partnerName,
    userId: now.userId,
    partners: now.partners,
    expiresAtMs: now.expiresAtMs,
    renewable: now.secret !== null,
    capabilities: now.capabilities,
    adminSecret: adminSecret ?? (now.partnerAdminSecret ? 'available' : 'not-readable'),
    problem: null,
  };
}
