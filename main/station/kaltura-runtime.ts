// Owns which Kaltura the station talks to, from the settings: the built-in sandbox (started on loopback,
// its media-server secret used for the KS) or a real Kaltura account (admin secret from the secret store).
// Rebuilt when the settings change; everything else reaches Kaltura through `api`, which always targets
// the current configuration, so a stream accepted before a switch never talks to a half-built client.
import type { KalturaApi } from '../kaltura/api.js';
import { KalturaModeError } from '../kaltura/errors.js';
import { createKalturaStack, type KalturaStack } from '../kaltura/stack.js';
import type { CallInfo } from '../kaltura/client.js';
import type { Logger } from '../log/logger.js';
import { startSandbox, type SandboxHandle } from '../sandbox/index.js';
import type { SecretStore } from '../config/secret-store.js';
import { ADMIN_SECRET_NAME } from '../config/secret-store.js';
import type { KalturaSettings } from '../../shared/settings.js';
import type { KalturaStatus } from '../../shared/state.js';
import type { ConnectionTestResult } from '../../shared/bridge/contract.js';
import type { RecordingUploader } from '../recording/uploader.js';
import { kalturaRecordingUploader } from '../recording/kaltura-uploader.js';

export interface KalturaRuntimeOptions {
  dataDir: string;
  version: string;
  /** where encoders publish (the sandbox puts it in its entries' broadcasting URLs) */
  rtmpBaseUrl: () => string;
  secrets: SecretStore;
  /** the admin secret in force (start-up file or secret store); default the secret store's */
  adminSecret?: () => string | null;
  logger: Logger;
  onStatus: (status: KalturaStatus) => void;
  onCall?: (info: CallInfo) => void;
  /** tests: sandbox port (default any free port) */
  sandboxPort?: number;
}

const MEDIA_SERVER_PARTNER = -5;

export class KalturaRuntime {
  private sandboxHandle: SandboxHandle | null = null;
  private stack: KalturaStack | null = null;
  private problem: string | null = 'not started';
  private settings: KalturaSettings | null = null;
  private unsubscribe: (() => void) | null = null;

  /** The narrow API the station uses; every call goes to the configuration current at call time. */
  readonly api: KalturaApi = {
    authenticate: async (a) => this.service().authenticate(a),
    getLiveStream: async (p, e) => this.service().getLiveStream(p, e),
    serveConversionProfile: async (a) => this.service().serveConversionProfile(a),
    registerMediaServer: async (a) => this.service().registerMediaServer(a),
    unregisterMediaServer: async (a) => this.service().unregisterMediaServer(a),
    addBeacon: async (a) => this.service().addBeacon(a),
  };

  /** The recording uploader, bound to the configuration current at call time. */
  readonly uploader: RecordingUploader = {
    createUploadToken: async (a) => this.recordingUploader().createUploadToken(a),
    getUploadToken: async (a) => this.recordingUploader().getUploadToken(a),
    uploadChunk: async (a) => this.recordingUploader().uploadChunk(a),
    appendRecording: async (a) => this.recordingUploader().appendRecording(a),
    setRecordedContent: async (a) => {
      const uploader = this.recordingUploader();
      if (!uploader.setRecordedContent) throw new Error('setRecordedContent is not available');
      return uploader.setRecordedContent(a);
    },
  };

  constructor(private readonly o: KalturaRuntimeOptions) {}

  get sandbox(): SandboxHandle | null {
    return this.sandboxHandle;
  }

  get configured(): boolean {
    return this.stack !== null;
  }

  /** Why no Kaltura is usable right now (null when one is). */
  get configurationProblem(): string | null {
    return this.problem;
  }

  status(): KalturaStatus {
    if (this.stack) return this.stack.status();
    const s = this.settings;
    return {
      mode: s?.mode ?? 'sandbox',
      serviceUrl: s?.mode === 'sandbox' ? (this.sandboxHandle?.serviceUrl ?? '') : (s?.serviceUrl ?? ''),
      partnerId: s?.partnerId ?? MEDIA_SERVER_PARTNER,
      ks: { state: 'error', validUntilMs: null, lastRenewalAtMs: null, lastError: this.problem },
      api: { reachable: null, lastOkAtMs: null, lastError: this.problem, lastLatencyMs: null },
    };
  }

  /** (Re)builds the Kaltura side for these settings; never throws: a problem is kept and shown. */
  async configure(settings: KalturaSettings): Promise<void> {
    this.teardownStack();
    this.settings = settings;
    try {
      if (settings.mode === 'sandbox') {
        if (!this.sandboxHandle) {
          this.sandboxHandle = await startSandbox({ dataDir: this.o.dataDir, host: '127.0.0.1', port: this.o.sandboxPort ?? 0, rtmpBaseUrl: this.o.rtmpBaseUrl(), logger: this.o.logger });
        }
        const secret = this.sandboxHandle.adminSecret(MEDIA_SERVER_PARTNER);
        if (!secret) throw new Error('the sandbox has no media-server partner secret; delete DATA/sandbox to re-seed it');
        this.buildStack({ ...settings, partnerId: MEDIA_SERVER_PARTNER }, secret, this.sandboxHandle.serviceUrl);
      } else {
        await this.closeSandbox();
        const secret = this.o.adminSecret ? this.o.adminSecret() : this.o.secrets.get(ADMIN_SECRET_NAME);
        if (!secret) throw new Error(`no Kaltura admin secret is stored: enter the admin secret of partner ${settings.partnerId} in Settings`);
        this.buildStack(settings, secret, undefined);
      }
      this.problem = null;
    } catch (e) {
      this.problem = this.o.logger.redactor.redact((e as Error).message);
      this.o.logger.error(`Kaltura is not usable: ${this.problem}`);
    }
    this.o.onStatus(this.status());
  }

  async testConnection(): Promise<ConnectionTestResult> {
    if (!this.stack) return { ok: false, message: `Kaltura is not configured: ${this.problem ?? 'unknown problem'}`, latencyMs: null };
    const status = await this.stack.ks.renewNow();
    if (status.state === 'error' || status.state === 'expired') {
      return { ok: false, message: `could not make a KS: ${status.lastError ?? status.state}`, latencyMs: null };
    }
    return this.stack.service.testConnection();
  }

  async renewKs(): Promise<KalturaStatus['ks']> {
    if (!this.stack) return this.status().ks;
    return this.stack.ks.renewNow();
  }

  async stop(): Promise<void> {
    this.teardownStack();
    await this.closeSandbox();
  }

  private buildStack(settings: KalturaSettings, secret: string, serviceUrlOverride: string | undefined): void {
    const stack = createKalturaStack({
      settings,
      adminSecret: secret,
      version: this.o.version,
      logger: this.o.logger.child('kaltura'),
      ...(serviceUrlOverride ? { serviceUrlOverride } : {}),
      ...(this.o.onCall ? { onCall: this.o.onCall } : {}),
    });
    this.stack = stack;
    this.unsubscribe = stack.onChange((status) => this.o.onStatus(status));
    stack.start();
  }

  private teardownStack(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.stack?.stop();
    this.stack = null;
  }

  private async closeSandbox(): Promise<void> {
    const handle = this.sandboxHandle;
    this.sandboxHandle = null;
    await handle?.close();
  }

  private service(): KalturaStack['service'] {
    if (!this.stack) throw new KalturaModeError(`Kaltura is not configured: ${this.problem ?? 'open Settings'}`);
    return this.stack.service;
  }

  private recordingUploader(): RecordingUploader {
    const stack = this.stack;
    if (!stack) throw new KalturaModeError(`Kaltura is not configured: ${this.problem ?? 'open Settings'}`);
    return kalturaRecordingUploader({ client: stack.client, impersonationFor: (partnerId) => stack.service.impersonationFor(partnerId) });
  }
}
