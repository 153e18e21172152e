// Owns which Kaltura the station talks to, from the settings: the built-in sandbox (started on loopback,
// its media-server secret used for the KS) or a real Kaltura account (admin secret from the secret store).
// Rebuilt when the settings change; everything else reaches Kaltura through `api`, which always targets
// the current configuration, so a stream accepted before a switch never talks to a half-built client.
import type { AuthenticateArgs, KalturaApi, LiveStreamEntry } from '../core/kaltura-api.js';
import { KalturaModeError } from '../core/kaltura-errors.js';
import { ServerNodeKeeper } from '../kaltura/server-node.js';
import { callWithNode, mediaServerNotFound } from '../kaltura/media-server-calls.js';
import { serverNodeApi, type ServerNodeSpec } from '../kaltura/server-node-actions.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { createKalturaStack, type KalturaStack } from '../kaltura/stack.js';
import type { CallInfo } from '../kaltura/client-retry.js';
import type { Logger } from '../log/logger.js';
import { startSandbox, type SandboxHandle } from '../sandbox/index.js';
import type { SecretStore } from '../config/secret-store.js';
import { ADMIN_SECRET_NAME } from '../config/secret-store.js';
import type { KalturaSettings } from '../../shared/settings.js';
import type { KalturaStatus } from '../../shared/state.js';
import type { ConnectionTestResult } from '../../shared/bridge/contract.js';
import type { RecordingUploader } from '../recording/uploader.js';
import { kalturaRecordingUploader } from './recording-uploader.js';

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
  /** where viewers reach the station's HLS (its HTTP URL), for the server node's playback address */
  playbackUrl: () => string;
  clock?: Clock;
  /** tests: server-node heartbeat (default 60 s, at most 60 s) */
  heartbeatIntervalMs?: number;
}

/** A publish waits at most this long for a server-node registration in flight before authenticating. */
const NODE_WAIT_MS = 8_000;

const MEDIA_SERVER_PARTNER = -5;

export class KalturaRuntime {
  private sandboxHandle: SandboxHandle | null = null;
  private stack: KalturaStack | null = null;
  private problem: string | null = 'not started';
  private settings: KalturaSettings | null = null;
  private unsubscribe: (() => void) | null = null;
  private node: ServerNodeKeeper | null = null;

  /** The narrow API the station uses; every call goes to the configuration current at call time. */
  readonly api: KalturaApi = {
    authenticate: async (a) => this.authenticate(a),
    getLiveStream: async (p, e) => this.service().getLiveStream(p, e),
    serveConversionProfile: async (a) => this.service().serveConversionProfile(a),
    registerMediaServer: async (a) =>
      callWithNode(
        this.node,
        () => this.service().registerMediaServer(a),
        (e) => e,
        NODE_WAIT_MS,
        this.o.logger,
      ),
    unregisterMediaServer: async (a) => this.service().unregisterMediaServer(a),
    addBeacon: async (a) => this.service().addBeacon(a),
  };

  /** The recording uploader, bound to the configuration current at call time. */
  readonly uploader: RecordingUploader = {
    createUploadToken: async (a) => this.recordingUploader().createUploadToken(a),
    getUploadToken: async (a) => this.recordingUploader().getUploadToken(a),
    uploadChunk: async (a) => this.recordingUploader().uploadChunk(a),
    resolveLiveAsset: async (a) => this.recordingUploader().resolveLiveAsset(a),
    appendRecording: async (a) => this.recordingUploader().appendRecording(a),
    setRecordedContent: async (a) => this.recordingUploader().setRecordedContent(a),
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
    const serverNode = this.node ? { serverNode: this.node.state() } : {};
    if (this.stack) return { ...this.stack.status(), ...serverNode };
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
    await this.teardownStack();
    this.settings = settings;
    try {
      if (settings.mode === 'sandbox') {
        if (!this.sandboxHandle) {
          this.sandboxHandle = await startSandbox({
            dataDir: this.o.dataDir,
            host: '127.0.0.1',
            port: this.o.sandboxPort ?? 0,
            rtmpBaseUrl: this.o.rtmpBaseUrl(),
            logger: this.o.logger,
          });
        }
        const secret = this.sandboxHandle.adminSecret(MEDIA_SERVER_PARTNER);
        if (!secret)
          throw new Error('the sandbox has no media-server partner secret; delete DATA/sandbox to re-seed it');
        this.buildStack({ ...settings, partnerId: MEDIA_SERVER_PARTNER }, secret, this.sandboxHandle.serviceUrl);
      } else {
        await this.closeSandbox();
        const secret = this.o.adminSecret ? this.o.adminSecret() : this.o.secrets.get(ADMIN_SECRET_NAME);
        if (!secret)
          throw new Error(
            `no Kaltura admin secret is stored: enter the admin secret of partner ${settings.partnerId} in Settings`,
          );
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
    if (!this.stack)
      return { ok: false, message: `Kaltura is not configured: ${this.problem ?? 'unknown problem'}`, latencyMs: null };
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
    await this.teardownStack();
    await this.closeSandbox();
  }

  /** This station's server node as Kaltura sees it (null before Kaltura is configured). */
  serverNode(): ServerNodeKeeper | null {
    return this.node;
  }

  /**
   * authenticate with the node registered first (a publish at start waits for the registration in flight);
   * MEDIA_SERVER_NOT_FOUND registers the node again once and retries, then refuses with the reason.
   */
  private async authenticate(a: AuthenticateArgs): Promise<LiveStreamEntry> {
    const node = this.node;
    if (node) await withTimeout(node.settled(), NODE_WAIT_MS);
    return callWithNode(node, () => this.service().authenticate(a), mediaServerNotFound, NODE_WAIT_MS, this.o.logger);
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
    const node = new ServerNodeKeeper({
      api: serverNodeApi(stack.client),
      spec: () => this.nodeSpec(settings.hostname),
      clock: this.o.clock ?? systemClock(),
      logger: this.o.logger.child('server-node'),
      ...(this.o.heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: this.o.heartbeatIntervalMs } : {}),
    });
    this.node = node;
    const unsubscribeStack = stack.onChange(() => this.o.onStatus(this.status()));
    const unsubscribeNode = node.onChange(() => this.o.onStatus(this.status()));
    this.unsubscribe = () => {
      unsubscribeStack();
      unsubscribeNode();
    };
    stack.start();
    node.start();
  }

  /** The node's description of this station: its hostname and where it serves HLS. */
  private nodeSpec(hostName: string): ServerNodeSpec {
    const url = new URL(this.o.playbackUrl());
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    const port = url.port ? Number(url.port) : protocol === 'https' ? 443 : 80;
    return {
      hostName,
      applicationName: 'kLive',
      playbackHost: url.hostname.replace(/^\[|\]$/g, ''),
      playbackPort: port,
      playbackProtocol: protocol,
      description: `kLive Station ${this.o.version}`,
    };
  }

  /** Takes the node out of service (markOffline) before the KS and client go away. */
  private async teardownStack(): Promise<void> {
    const node = this.node;
    this.node = null;
    await node?.stop();
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
    return kalturaRecordingUploader({
      client: stack.client,
      impersonationFor: (partnerId) => stack.service.impersonationFor(partnerId),
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
