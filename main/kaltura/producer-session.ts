// Owns a producer's Kaltura session: signing in (KMC login with optional 2FA code and partner choice, or
// partner id + admin secret), switching a login to another of its partners (user.loginByKs, no password), what the account can do, renewal (secret sign-in) or expiry (a login cannot be
// renewed without the password: the UI asks again), and sign-out, which forgets the KS, the secret and the
// partner's admin secret read for the media-server role. Nothing here leaves main; errors are in words.
import { KalturaClient, kalturaClientTag } from './client.js';
import { KalturaApiError, KalturaTransportError } from './errors.js';
import {
  partnerGet,
  partnerListForUser,
  permissionGetCurrent,
  producerSessionStart,
  userLoginByKs,
  userLoginByLoginId,
} from './producer-actions.js';
import type { Logger } from '../log/logger.js';
import type { Capability, ProducerSignInRequest, ProducerStatus } from '../../shared/producer.js';

export interface ProducerTarget {
  serviceUrl: string;
  /** KMC base URL for entry links; null for the sandbox */
  kmcUrl: string | null;
}

export interface ProducerSessionOptions {
  version: string;
  logger: Logger;
  nowMs?: () => number;
  /** KS lifetime asked for at sign-in */
  ksExpirySeconds?: number;
  /** a secret sign-in renews its KS when this fraction of its life has passed */
  renewAtFraction?: number;
  /** per-call timeout of the producer's client */
  requestTimeoutMs?: number;
}

interface Current {
  target: ProducerTarget;
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

const DEFAULT_EXPIRY_SECONDS = 86_400;

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

export class ProducerSession {
  private current: Current | null = null;
  private problem: string | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private adminSecretStored = false;
  private readonly nowMs: () => number;

  constructor(private readonly o: ProducerSessionOptions) {
    this.nowMs = o.nowMs ?? Date.now;
  }

  /** The producer's client for the signed-in Kaltura; throws in words when there is no session. */
  client(expected: ProducerTarget): KalturaClient {
    const c = this.current;
    if (!c) throw new Error(this.problem ?? 'Not signed in to Kaltura: sign in on the Kaltura entries screen first.');
    if (c.target.serviceUrl !== expected.serviceUrl) {
      this.signOut('The station now talks to another Kaltura (Settings changed): sign in again.');
      throw new Error(this.problem as string);
    }
    if (this.nowMs() >= c.expiresAtMs) {
      this.signOut('Your Kaltura session has ended: sign in again.');
      throw new Error(this.problem as string);
    }
    return this.makeClient(c.target, () => c.ks);
  }

  get partnerId(): number | null {
    return this.current?.partnerId ?? null;
  }

  get target(): ProducerTarget | null {
    return this.current?.target ?? null;
  }

  /** The partner's admin secret read at sign-in (admin logins only); null otherwise. */
  partnerAdminSecret(): string | null {
    return this.current?.partnerAdminSecret ?? null;
  }

  markAdminSecretStored(stored: boolean): void {
    this.adminSecretStored = stored;
  }

  async signIn(
    target: ProducerTarget,
    req: ProducerSignInRequest,
    adminSecretNeeded: boolean,
  ): Promise<ProducerStatus> {
    this.signOut(null);
    const expirySeconds = this.o.ksExpirySeconds ?? DEFAULT_EXPIRY_SECONDS;
    const bare = this.makeClient(target, () => null);
    if (req.method === 'login') this.o.logger.redactor.addSecret(req.password);
    else this.o.logger.redactor.addSecret(req.adminSecret);
    try {
      const ks =
        req.method === 'login'
          ? await userLoginByLoginId(bare, {
              loginId: req.loginId,
              password: req.password,
              expirySeconds,
              ...(req.partnerId !== undefined ? { partnerId: req.partnerId } : {}),
              ...(req.otp ? { otp: req.otp } : {}),
            })
          : await producerSessionStart(bare, { secret: req.adminSecret, partnerId: req.partnerId, expirySeconds });
      return await this.establish(
        target,
        {
          method: req.method,
          ks,
          fallbackPartnerId: req.partnerId ?? 0,
          loginId: req.method === 'login' ? req.loginId : '',
          secret: req.method === 'secret' ? req.adminSecret : null,
          expiresAtMs: this.nowMs() + expirySeconds * 1000,
        },
        adminSecretNeeded,
      );
    } catch (error) {
      this.problem = this.o.logger.redactor.redact(describeProducerError(error));
      throw new Error(this.problem);
    }
  }

  /**
   * KMC's partner switch for a login that belongs to several partners: user.loginByKs with the KS main holds
   * anyway, so no password is asked again. A failed switch keeps the current session and says why.
   */
  async switchPartner(target: ProducerTarget, partnerId: number, adminSecretNeeded: boolean): Promise<ProducerStatus> {
    const c = this.current;
    if (!c) throw new Error(this.problem ?? 'Not signed in to Kaltura: sign in on the Kaltura entries screen first.');
    if (c.method !== 'login')
      throw new Error(
        `A partner id + admin secret session belongs to partner ${c.partnerId} only: sign in with partner ${partnerId}'s id and admin secret instead.`,
      );
    if (!c.partners.some((p) => p.id === partnerId)) {
      throw new Error(
        `This login has no user in partner ${partnerId}: pick one of its partners (${c.partners.map((p) => p.id).join(', ')}).`,
      );
    }
    if (partnerId === c.partnerId) return this.status(adminSecretNeeded);
    try {
      const switched = await userLoginByKs(
        this.makeClient(c.target, () => c.ks),
        partnerId,
      );
      // the new session lasts no longer than the login it came from: sign in again when that one ends
      return await this.establish(
        target,
        {
          method: 'login',
          ks: switched.ks,
          fallbackPartnerId: partnerId,
          loginId: switched.userId || c.userId,
          secret: null,
          expiresAtMs: c.expiresAtMs,
        },
        adminSecretNeeded,
      );
    } catch (error) {
      throw new Error(
        this.o.logger.redactor.redact(`Could not switch to partner ${partnerId}: ${describeProducerError(error)}`),
      );
    }
  }

  private async establish(
    target: ProducerTarget,
    s: {
      method: 'login' | 'secret';
      ks: string;
      fallbackPartnerId: number;
      loginId: string;
      secret: string | null;
      expiresAtMs: number;
    },
    adminSecretNeeded: boolean,
  ): Promise<ProducerStatus> {
    const { ks } = s;
    this.o.logger.redactor.addSecret(ks);
    const client = this.makeClient(target, () => ks);
    const info = await client.call('session', 'get', {}, { idempotent: true }).catch(() => null);
    const infoObj = (info ?? {}) as { partnerId?: unknown; userId?: unknown };
    const partnerId = typeof infoObj.partnerId === 'number' ? infoObj.partnerId : s.fallbackPartnerId;
    const partner = await partnerGet(client, partnerId).catch(() => ({
      id: partnerId,
      name: `Partner ${partnerId}`,
      adminSecret: null,
    }));
    if (partner.adminSecret) this.o.logger.redactor.addSecret(partner.adminSecret);
    const partners =
      s.method === 'login'
        ? await partnerListForUser(client).catch(() => [{ id: partnerId, name: partner.name }])
        : [{ id: partnerId, name: partner.name }];
    const capabilities = await this.capabilities(client);
    this.signOut(null);
    this.current = {
      target,
      method: s.method,
      ks,
      partnerId,
      partnerName: partner.name,
      userId: typeof infoObj.userId === 'string' ? infoObj.userId : s.loginId,
      partners,
      expiresAtMs: s.expiresAtMs,
      capabilities,
      partnerAdminSecret: partner.adminSecret ?? s.secret,
      secret: s.secret,
    };
    this.adminSecretStored = false;
    this.problem = null;
    this.scheduleRenewal();
    this.o.logger.info(`producer signed in to Kaltura partner ${partnerId} (${s.method})`);
    return this.status(adminSecretNeeded);
  }

  signOut(problem: string | null): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
    if (this.current) this.o.logger.info('producer signed out of Kaltura');
    this.current = null;
    this.adminSecretStored = false;
    this.problem = problem;
  }

  status(adminSecretNeeded: boolean): ProducerStatus {
    const c = this.current;
    if (c && this.nowMs() >= c.expiresAtMs) this.signOut('Your Kaltura session has ended: sign in again.');
    const now = this.current;
    if (!now) {
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
        problem: this.problem,
      };
    }
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
      adminSecret: !adminSecretNeeded
        ? 'not-needed'
        : this.adminSecretStored
          ? 'stored'
          : now.partnerAdminSecret
            ? 'available'
            : 'not-readable',
      problem: null,
    };
  }

  stop(): void {
    this.signOut(null);
  }

  private makeClient(target: ProducerTarget, getKs: () => string | null): KalturaClient {
    return new KalturaClient({
      serviceUrl: target.serviceUrl,
      clientTag: kalturaClientTag(this.o.version),
      getKs,
      logger: this.o.logger,
      ...(this.o.requestTimeoutMs ? { timeoutMs: this.o.requestTimeoutMs } : {}),
    });
  }

  private async capabilities(client: KalturaClient): Promise<Capability[]> {
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

  private scheduleRenewal(): void {
    const c = this.current;
    if (!c || !c.secret) return;
    const lifeMs = c.expiresAtMs - this.nowMs();
    const delayMs = Math.max(1000, Math.min(lifeMs * (this.o.renewAtFraction ?? 0.9), 2 ** 31 - 1));
    this.renewTimer = setTimeout(() => void this.renew(), delayMs);
    this.renewTimer.unref?.();
  }

  private async renew(): Promise<void> {
    const c = this.current;
    if (!c || !c.secret) return;
    const expirySeconds = this.o.ksExpirySeconds ?? DEFAULT_EXPIRY_SECONDS;
    try {
      const ks = await producerSessionStart(
        this.makeClient(c.target, () => null),
        { secret: c.secret, partnerId: c.partnerId, expirySeconds },
      );
      this.o.logger.redactor.addSecret(ks);
      if (this.current !== c) return;
      c.ks = ks;
      c.expiresAtMs = this.nowMs() + expirySeconds * 1000;
      this.scheduleRenewal();
    } catch (error) {
      if (this.current !== c) return;
      this.o.logger.warn(`could not renew the producer's Kaltura session: ${describeProducerError(error)}`);
      // keep the old KS while it lasts; try again in a minute
      this.renewTimer = setTimeout(() => void this.renew(), 60_000);
      this.renewTimer.unref?.();
    }
  }
}
