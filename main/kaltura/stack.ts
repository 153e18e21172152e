// Owns wiring the Kaltura layer from the settings: KS supervisor -> client (KS, regeneration, call observer)
// -> mode-aware service, plus the KalturaStatus the station publishes. The admin secret is passed in, never stored.
import os from 'node:os';
import { ApiHealth } from './api-health.js';
import { KalturaClient, kalturaClientTag } from './client.js';
import { type CallInfo, type RetryPolicy } from './client-retry.js';
import { KsSupervisor } from './ks-supervisor.js';
import { KalturaService } from './service.js';
import { sessionGet } from './actions.js';
import { systemClock, type Clock } from '../core/clock.js';
import { Redactor } from '../log/redact.js';
import type { Logger } from '../log/logger.js';
import type { KalturaSettings } from '../../shared/settings.js';
import type { KalturaStatus } from '../../shared/state.js';

export interface KalturaStackOptions {
  settings: KalturaSettings;
  /** the admin secret of settings.partnerId (from the OS secret store) */
  adminSecret: string;
  /** the station version, for clientTag `klive-station:VERSION` */
  version: string;
  /** sandbox mode: the local sandbox's URL replaces settings.serviceUrl */
  serviceUrlOverride?: string;
  clock?: Clock;
  logger?: Logger;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  retry?: RetryPolicy;
  /** check each fresh KS with session.get (default true) */
  verifyKs?: boolean;
  /** extra observer of every HTTP attempt (metrics) */
  onCall?: (info: CallInfo) => void;
}

export interface KalturaStack {
  service: KalturaService;
  client: KalturaClient;
  ks: KsSupervisor;
  api: ApiHealth;
  /** KalturaStatus for the live state */
  status(): KalturaStatus;
  /** fires when the KS or API reachability changes */
  onChange(listener: (status: KalturaStatus) => void): () => void;
  start(): void;
  stop(): void;
}

export function createKalturaStack(options: KalturaStackOptions): KalturaStack {
  const { settings } = options;
  const clock = options.clock ?? systemClock();
  const serviceUrl = options.serviceUrlOverride ?? settings.serviceUrl;
  if (serviceUrl.trim() === '') {
    throw new Error(
      settings.mode === 'sandbox'
        ? 'sandbox mode needs the sandbox URL: start the sandbox before the Kaltura layer'
        : 'kaltura.serviceUrl is empty: set it to your Kaltura server, e.g. https://www.kaltura.com',
    );
  }
  if (options.adminSecret.trim() === '') {
    throw new Error(
      `no Kaltura admin secret is stored: enter the admin secret of partner ${settings.partnerId} in the settings`,
    );
  }
  const redactor = options.logger?.redactor ?? new Redactor();
  redactor.addSecret(options.adminSecret);
  const api = new ApiHealth(() => clock.nowMs());
  let client: KalturaClient | null = null;
  const requireClient = (): KalturaClient => {
    if (!client) throw new Error('Kaltura client not built yet');
    return client;
  };
  const ks = new KsSupervisor({
    secret: options.adminSecret,
    partnerId: settings.partnerId,
    // eCDN: an admin session of the partner with no user, as session.start(adminSecret, '', ADMIN) makes it;
    // a user's roles might not include MEDIA_SERVER_PARTNER_LEVEL, the admin-session role does (producer §0)
    userId: settings.mode === 'ecdn' ? '' : 'MediaServer',
    privileges: settings.ksPrivileges,
    expirySeconds: settings.ksExpirySeconds,
    renewAtFraction: settings.ksRenewAtFraction,
    clock,
    ...(options.logger ? { logger: options.logger.child('ks') } : {}),
    ...(options.verifyKs === false
      ? {}
      : { verify: async (fresh: string) => void (await sessionGet(requireClient(), fresh)) }),
  });
  client = new KalturaClient({
    serviceUrl,
    clientTag: kalturaClientTag(options.version),
    getKs: () => ks.currentKs(),
    redactor,
    regenerateKs: () => ks.renewNow(),
    timeoutMs: settings.requestTimeoutMs,
    nowMs: () => clock.nowMs(),
    onCall: (info) => {
      api.observe(info);
      options.onCall?.(info);
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.logger ? { logger: options.logger.child('api') } : {}),
  });
  const service = new KalturaService({
    mode: settings.mode,
    partnerId: settings.partnerId,
    hostname: settings.hostname.trim() === '' ? os.hostname() : settings.hostname.trim(),
    client,
    redactor,
  });
  const status = (): KalturaStatus => ({
    mode: settings.mode,
    serviceUrl,
    partnerId: settings.partnerId,
    ks: ks.status(),
    api: api.status(),
  });
  const listeners = new Set<(status: KalturaStatus) => void>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener(status());
  };
  let unsubscribe: Array<() => void> = [];
  return {
    service,
    client,
    ks,
    api,
    status,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      unsubscribe = [ks.onChange(notify), api.onChange(notify)];
      ks.start();
    },
    stop() {
      ks.stop();
      for (const u of unsubscribe) u();
      unsubscribe = [];
    },
  };
}
