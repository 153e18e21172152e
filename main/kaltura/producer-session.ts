// Owns a producer's Kaltura session: signing in (KMC login with optional 2FA code and partner choice, or
// partner id + admin secret), switching a login to another of its partners (user.loginByKs, no password), what the account can do, renewal (secret sign-in) or expiry (a login cannot be
// renewed without the password: the UI asks again), and sign-out, which forgets the KS, the secret and the
// partner's admin secret read for the media-server role. Nothing here leaves main; errors are in words.
import { KalturaClient, kalturaClientTag } from './client.js';
import {
  partnerGet,
  partnerListForUser,
  producerSessionStart,
  userLoginByKs,
  userLoginByLoginId,
} from './producer-actions.js';
import { describeProducerError, producerCapabilities, signedInStatus, signedOutStatus } from './producer-status.js';
import type { SignedIn } from './producer-status.js';
import type { Logger } from '../log/logger.js';
import type { ProducerSignInRequest, ProducerStatus } from '../../shared/producer.js';

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

type Current = SignedIn;

const DEFAULT_EXPIRY_SECONDS = 86_400;

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
    const capabilities = await producerCapabilities(client);
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
    if (!now) return signedOutStatus(this.problem);
    return signedInStatus(now, !adminSecretNeeded ? 'not-needed' : this.adminSecretStored ? 'stored' : null);
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
