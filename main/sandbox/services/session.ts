// Owns the session service (kaltura.md 3.7) and how the sandbox issues a KS (issueKs): session.start with a
// partner's admin secret, emitting a KS v2 capped at the partner's ksMaxExpirySeconds; session.get for the current
// KS; session.startWidgetSession, the anonymous viewer's KS that the Kaltura Player asks for first
// (kaltura-playback.md 1b, 4.3).
import crypto from 'node:crypto';
import { generateKsV2 } from '../../core/ks.js';
import { SandboxApiError } from '../errors.js';
import type { ActionContext, ServiceDef } from '../dispatch/types.js';
import type { PartnerRecord } from '../model/types.js';
import { optEnum, optInt, optString, reqInt, reqString } from '../wire/params.js';

export const DEFAULT_KS_EXPIRY_SECONDS = 86400;

function secretsEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}

/**
 * How the sandbox issues every KS (session.start, startWidgetSession, user.loginByLoginId/loginByKs): a v2 KS signed
 * with the partner's admin secret, lasting what was asked (a day when not, or not positive) but never longer than the
 * partner's ksMaxExpirySeconds, and handed to the sandbox (onKsIssued) so it never reaches a log.
 */
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

export const sessionService: ServiceDef = {
  start: {
    access: 'none',
    run(ctx) {
      const secret = reqString(ctx.params, 'secret');
      const partnerId = reqInt(ctx.params, 'partnerId');
      const userId = optString(ctx.params, 'userId') ?? '';
      const type = (optEnum(ctx.params, 'type', [0, 2], 'KalturaSessionType') ?? 0) as 0 | 2;
      const requestedExpiry = optInt(ctx.params, 'expiry') ?? DEFAULT_KS_EXPIRY_SECONDS;
      const privileges = optString(ctx.params, 'privileges') ?? '';
      const partner = ctx.store.partner(partnerId);
      if (!partner) throw new SandboxApiError('SERVICE_FORBIDDEN_CONTENT_BLOCKED');
      const adminSecret = ctx.store.adminSecret(partnerId);
      if (!adminSecret || !secretsEqual(secret, adminSecret))
        throw new SandboxApiError('START_SESSION_ERROR', [partnerId]);
      return issueKs(ctx, {
        secret: adminSecret,
        partner,
        userId,
        type,
        privileges,
        requestedExpirySeconds: requestedExpiry,
      });
    },
  },
  startwidgetsession: {
    access: 'none',
    run(ctx) {
      // every partner has the widget "_<partnerId>" (Kaltura creates it with the partner)
      const widgetId = reqString(ctx.params, 'widgetId');
      const match = /^_(-?\d+)$/.exec(widgetId);
      const partner = match ? ctx.store.partner(Number(match[1])) : undefined;
      const secret = partner ? ctx.store.adminSecret(partner.id) : undefined;
      if (!partner || !secret) throw new SandboxApiError('INVALID_WIDGET_ID', [widgetId]);
      const requestedExpiry = optInt(ctx.params, 'expiry') ?? DEFAULT_KS_EXPIRY_SECONDS;
      // SessionService::startWidgetSession: a USER session of user 0 that may only view
      const ks = issueKs(ctx, {
        secret,
        partner,
        userId: '0',
        type: 0,
        privileges: 'view:*,widget:1',
        requestedExpirySeconds: requestedExpiry,
      });
      return { partnerId: partner.id, ks, userId: 0, objectType: 'KalturaStartWidgetSessionResponse' };
    },
  },
  get: {
    access: 'any',
    run(ctx) {
      return {
        ks: ctx.session.ks,
        sessionType: ctx.session.sessionType,
        partnerId: ctx.session.ksPartnerId,
        userId: ctx.session.userId,
        privileges: ctx.session.privileges,
        objectType: 'KalturaSessionInfo',
      };
    },
  },
};
