// Owns how the sandbox issues a KS (session.start, session.startWidgetSession, user.loginByLoginId/loginByKs): a
// v2 KS signed with the partner's admin secret, lasting what was asked (a day when not, or not positive) but never
// longer than the partner's ksMaxExpirySeconds, and handed to the sandbox (onKsIssued) so it never reaches a log.
import { generateKsV2 } from '../../kaltura/ks.js';
import type { ActionContext } from '../dispatch/types.js';
import type { PartnerRecord } from '../model/types.js';

export const DEFAULT_KS_EXPIRY_SECONDS = 86400;

export function issueKs(
  ctx: ActionContext,
  a: {
    secret: string;
    partner: Readonly<PartnerRecord>;
    userId: string;
    type: 0 | 2;
    privileges: string;
    requestedExpirySeconds: number;
  },
): string {
  const expirySeconds = Math.min(
    a.requestedExpirySeconds > 0 ? a.requestedExpirySeconds : DEFAULT_KS_EXPIRY_SECONDS,
    a.partner.ksMaxExpirySeconds,
  );
  const ks = generateKsV2({
    secret: a.secret,
    partnerId: a.partner.id,
    userId: a.userId,
    type: a.type,
    privileges: a.privileges,
    expiresAtSeconds: Math.floor(ctx.now() / 1000) + expirySeconds,
  });
  ctx.onKsIssued(ks);
  return ks;
}
