// Owns user.loginByLoginId (kaltura-producer.md 3): a KMC login (login id + password, plus a TOTP code when
// the login requires 2FA) answers a KS of the chosen partner, with Kaltura's errors for each way it fails;
// user.loginByKs switches a login's KS to another of its partners (KMC's partner switch).
import { SandboxApiError } from '../errors.js';
import type { ServiceDef } from '../dispatch/types.js';
import { passwordsEqual } from '../model/logins.js';
import { verifyTotp } from '../model/totp.js';
import { optInt, optString, reqInt, reqString } from '../wire/params.js';

import { DEFAULT_KS_EXPIRY_SECONDS as DEFAULT_EXPIRY_SECONDS, issueKs } from './session.js';

export const userService: ServiceDef = {
  loginbyloginid: {
    access: 'none',
    run(ctx) {
      const loginId = reqString(ctx.params, 'loginId');
      const password = reqString(ctx.params, 'password');
      // session.start and this share the `partnerId` name: here it picks one of the login's partners
      const partnerId = optInt(ctx.params, 'partnerId');
      const requestedExpiry = optInt(ctx.params, 'expiry') ?? DEFAULT_EXPIRY_SECONDS;
      const privileges = optString(ctx.params, 'privileges') ?? '*';
      const otp = optString(ctx.params, 'otp');
      const login = ctx.logins.find(loginId);
      if (!login) throw new SandboxApiError('LOGIN_DATA_NOT_FOUND');
      if (!passwordsEqual(password, login.password)) throw new SandboxApiError('USER_WRONG_PASSWORD');
      if (login.otpSecret) {
        if (otp === null || otp.trim() === '') throw new SandboxApiError('MISSING_OTP');
        if (!verifyTotp(login.otpSecret, otp.trim(), ctx.now())) throw new SandboxApiError('INVALID_OTP');
      }
      const chosen = partnerId ?? login.partnerIds[0];
      if (chosen === undefined || !login.partnerIds.includes(chosen)) throw new SandboxApiError('USER_NOT_FOUND');
      const partner = ctx.store.partner(chosen);
      const secret = ctx.store.adminSecret(chosen);
      if (!partner || !secret) throw new SandboxApiError('INVALID_PARTNER_ID', [chosen]);
      return issueKs(ctx, {
        secret,
        partner,
        userId: login.loginId,
        type: login.isAdmin ? 2 : 0,
        privileges,
        requestedExpirySeconds: requestedExpiry,
      });
    },
  },
  // KMC's partner switch: a login's KS gets a KS of another partner the same login belongs to, no password
  loginbyks: {
    access: 'any',
    run(ctx) {
      const requested = reqInt(ctx.params, 'requestedPartnerId');
      const login = ctx.logins.find(ctx.session.userId);
      if (!login) throw new SandboxApiError('LOGIN_DATA_NOT_FOUND');
      const partner = ctx.store.partner(requested);
      const secret = ctx.store.adminSecret(requested);
      if (!partner || !secret || requested < 0) throw new SandboxApiError('UNKNOWN_PARTNER_ID', [requested]);
      if (!login.partnerIds.includes(requested)) throw new SandboxApiError('ADMIN_KUSER_NOT_FOUND');
      const ks = issueKs(ctx, {
        secret,
        partner,
        userId: login.loginId,
        type: login.isAdmin ? 2 : 0,
        privileges: ctx.session.privileges || '*',
        requestedExpirySeconds: DEFAULT_EXPIRY_SECONDS,
      });
      return { ks, userId: login.loginId, partnerId: requested, objectType: 'KalturaSessionResponse' };
    },
  },
};
