// Owns the station's two Kaltura modes (kaltura.md 2.4, 3.6) behind the KalturaApi interface:
// media-server partner (saas/onprem/sandbox: a KS of partner -5 or the configured media-server partner,
// every call impersonating the stream's partner p) and eCDN (the KS is the partner's own; other partners refused).
import type {
  AuthenticateArgs,
  EntryServerNodeInfo,
  KalturaLiveApi,
  LiveStreamEntry,
  RegisterMediaServerArgs,
  ServeConversionProfileArgs,
  UnregisterMediaServerArgs,
} from '../core/kaltura-api.js';
import { KalturaApiError, KalturaModeError, KalturaTransportError } from '../core/kaltura-errors.js';
import type { KalturaClient } from './client.js';
import {
  LIVE_ENTRY_STATUS,
  beaconAdd,
  entryServerNodeList,
  liveStreamAuthenticate,
  liveStreamGet,
  liveStreamIsLive,
  liveStreamRegisterMediaServer,
  liveStreamUnregisterMediaServer,
  serveConversionProfile,
  sessionGet,
} from './actions.js';
import type { Impersonate } from './types.js';
import type { KalturaMode } from '../../shared/settings.js';
import { Redactor } from '../log/redact.js';

/** The media-server partner (kaltura.md 2.4): its KS may act for any partner on the liveStream media-server actions. */
export const MEDIA_SERVER_PARTNER_ID = -5;

export interface KalturaServiceOptions {
  mode: KalturaMode;
  /** the KS's partner: -5 (or the configured media-server partner) in saas/onprem/sandbox, the own partner in ecdn */
  partnerId: number;
  /** the server-node hostname sent to authenticate/registerMediaServer */
  hostname: string;
  client: KalturaClient;
  /** RTMP application name sent to registerMediaServer */
  applicationName?: string;
  /** masks secrets in beacon privateData (the logger's redactor knows the admin secret) */
  redactor?: Redactor;
}

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  latencyMs: number | null;
}

export class KalturaService implements KalturaLiveApi {
  private readonly client: KalturaClient;
  private readonly applicationName: string;
  private readonly redactor: Redactor;

  constructor(private readonly options: KalturaServiceOptions) {
    if (!Number.isSafeInteger(options.partnerId))
      throw new Error(`Kaltura partnerId must be an integer, got ${String(options.partnerId)}`);
    if (options.hostname.trim() === '')
      throw new Error(
        'Kaltura hostname is empty: set kaltura.hostname to the registered server-node name of this station',
      );
    this.client = options.client;
    this.applicationName = options.applicationName ?? 'kLive';
    this.redactor = options.redactor ?? new Redactor();
  }

  get isEcdn(): boolean {
    return this.options.mode === 'ecdn';
  }

  /**
   * The partnerId to impersonate for a stream of partner p, or a KalturaModeError when the mode refuses it.
   * media-server mode: p itself (null for -5: no impersonation); eCDN: only the station's own partner, not impersonated.
   */
  impersonationFor(partnerId: number): Impersonate {
    if (!Number.isSafeInteger(partnerId))
      throw new KalturaModeError(
        `stream partner "${String(partnerId)}" is not a number: the broadcast URL needs p=<partner id>`,
      );
    if (this.isEcdn) {
      if (partnerId !== this.options.partnerId) {
        throw new KalturaModeError(
          `stream partner ${partnerId} is not this station's partner ${this.options.partnerId}; in eCDN mode the station serves only its own partner: publish with a broadcast URL of partner ${this.options.partnerId}, or switch the station to SaaS mode with the media-server secret`,
        );
      }
      return null;
    }
    return partnerId === MEDIA_SERVER_PARTNER_ID ? null : partnerId;
  }

  async authenticate(args: AuthenticateArgs): Promise<LiveStreamEntry> {
    let partnerId = args.partnerId;
    if (partnerId === MEDIA_SERVER_PARTNER_ID && !this.isEcdn) {
      // host-form URLs carry no partner: learn it from the entry first, as the Wowza module did
      partnerId = (await liveStreamGet(this.client, args.entryId, null)).partnerId;
    }
    return liveStreamAuthenticate(
      this.client,
      {
        entryId: args.entryId,
        token: args.token,
        hostname: this.options.hostname,
        mediaServerIndex: args.mediaServerIndex,
        applicationName: this.applicationName,
      },
      this.impersonationFor(partnerId),
    );
  }

  getLiveStream(partnerId: number, entryId: string): Promise<LiveStreamEntry> {
    return this.run(() => liveStreamGet(this.client, entryId, this.impersonationFor(partnerId)));
  }

  serveConversionProfile(args: ServeConversionProfileArgs): Promise<string> {
    return this.run(() =>
      serveConversionProfile(
        this.client,
        { streamName: args.streamName, extraParams: args.extraParams },
        this.impersonationFor(args.partnerId),
      ),
    );
  }

  registerMediaServer(args: RegisterMediaServerArgs): Promise<LiveStreamEntry> {
    return this.run(() =>
      liveStreamRegisterMediaServer(
        this.client,
        {
          entryId: args.entryId,
          hostname: this.options.hostname,
          mediaServerIndex: args.mediaServerIndex,
          applicationName: this.applicationName,
          liveEntryStatus: LIVE_ENTRY_STATUS[args.status],
          ...(args.shouldCreateRecordedEntry === undefined
            ? {}
            : { shouldCreateRecordedEntry: args.shouldCreateRecordedEntry }),
        },
        this.impersonationFor(args.partnerId),
      ),
    );
  }

  async unregisterMediaServer(args: UnregisterMediaServerArgs): Promise<void> {
    await this.run(() =>
      liveStreamUnregisterMediaServer(
        this.client,
        { entryId: args.entryId, hostname: this.options.hostname, mediaServerIndex: args.mediaServerIndex },
        this.impersonationFor(args.partnerId),
      ),
    );
  }

  /** privateData is redacted once more here: the original module leaked the stream token through beacons. */
  addBeacon(args: { partnerId: number; entryId: string; eventType: string; privateData: string }): Promise<void> {
    const privateData = this.redactor.redact(args.privateData);
    return this.run(() =>
      beaconAdd(
        this.client,
        { entryId: args.entryId, eventType: args.eventType, privateData },
        this.impersonationFor(args.partnerId),
      ),
    );
  }

  isLive(args: { partnerId: number; entryId: string }): Promise<boolean> {
    return this.run(() => liveStreamIsLive(this.client, args.entryId, this.impersonationFor(args.partnerId)));
  }

  listEntryServerNodes(args: { partnerId: number; entryId: string }): Promise<EntryServerNodeInfo[]> {
    return this.run(async () => {
      const list = await entryServerNodeList(
        this.client,
        { entryId: args.entryId },
        this.impersonationFor(args.partnerId),
      );
      return list.objects.map((n) => ({
        id: n.id,
        entryId: n.entryId,
        serverNodeId: n.serverNodeId,
        status: n.status,
        serverType: n.serverType,
        updatedAt: n.updatedAt,
      }));
    });
  }

  /** One session.get with the current KS: says whether the API answers and accepts the KS, and how fast. */
  async testConnection(nowMs: () => number = Date.now): Promise<ConnectionTestResult> {
    const startedMs = nowMs();
    try {
      const info = await sessionGet(this.client);
      return {
        ok: true,
        message: `Kaltura accepted the station's KS (partner ${info.partnerId})`,
        latencyMs: nowMs() - startedMs,
      };
    } catch (error) {
      const latencyMs = error instanceof KalturaApiError ? nowMs() - startedMs : null;
      if (
        error instanceof KalturaApiError &&
        (error.code === 'INVALID_KS' || error.code === 'SERVICE_FORBIDDEN' || error.code === 'MISSING_KS')
      ) {
        return {
          ok: false,
          message: `Kaltura refused the station's KS (${error.code}): check the admin secret and the partner id`,
          latencyMs,
        };
      }
      if (error instanceof KalturaApiError)
        return { ok: false, message: `Kaltura answered ${error.code}: ${error.message}`, latencyMs };
      if (error instanceof KalturaTransportError) return { ok: false, message: error.message, latencyMs };
      return { ok: false, message: (error as Error).message, latencyMs };
    }
  }

  /** Mode errors are thrown synchronously by impersonationFor; this turns them into rejections. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return fn();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
}
