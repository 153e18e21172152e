// Kaltura's official npm client (kaltura-client 21.20.0, CommonJS, untyped) as the sandbox tests use it:
// a narrow typing (also per test: officialClient), a client per sandbox, and the three callers a station meets (media server -5, the
// eCDN partner's own admin session, a partner admin).
import { createRequire } from 'node:module';
import { generateKsV2 } from '../../../main/core/ks.js';
import type { SandboxHandle } from '../../../main/sandbox/index.js';

export interface KRequest {
  execute(client: KClient): Promise<unknown>;
  add(other: KRequest): KRequest;
}
export interface KClient {
  setKs(ks: string): void;
  setPartnerId(partnerId: number): void;
}
type Action = (...args: unknown[]) => KRequest;
interface KalturaModule {
  Configuration: new () => {
    serviceUrl: string;
    timeout: number;
    setLogger(logger: { log(m: string): void; debug(m: string): void }): void;
  };
  Client: new (config: { serviceUrl: string }) => KClient;
  services: Record<string, Record<string, Action>>;
  objects: Record<string, new (props: Record<string, unknown>) => object>;
}
export interface ListResult {
  objects: Record<string, unknown>[];
  totalCount: number;
}

export const kaltura = createRequire(import.meta.url)('kaltura-client') as KalturaModule;

/** services.x.y, failing loudly when the client lacks it (a typo must not pass as undefined). */
export function call(service: string, action: string, ...args: unknown[]): KRequest {
  const fn = kaltura.services[service]?.[action];
  if (!fn) throw new Error(`kaltura-client has no ${service}.${action}`);
  return fn(...args);
}

/**
 * The client's services and objects typed by the names a test uses, so `svc.liveStream.get!(...)` reads as in
 * Kaltura's docs and a name outside the list does not compile.
 */
export function officialClient<S extends string, O extends string = never>(): {
  services: Record<S, Record<string, Action>>;
  objects: Record<O, new (props: Record<string, unknown>) => object>;
} {
  return kaltura as unknown as {
    services: Record<S, Record<string, Action>>;
    objects: Record<O, new (props: Record<string, unknown>) => object>;
  };
}

export function make(objectName: string, props: Record<string, unknown> = {}): object {
  const Ctor = kaltura.objects[objectName];
  if (!Ctor) throw new Error(`kaltura-client has no object ${objectName}`);
  return new Ctor(props);
}

export function client(sandbox: SandboxHandle): KClient {
  const config = new kaltura.Configuration();
  config.serviceUrl = sandbox.serviceUrl;
  config.timeout = 20_000;
  // the client's default logger prints every request (KS included) to stdout
  config.setLogger({ log: () => undefined, debug: () => undefined });
  return new kaltura.Client(config);
}

/** A partner's admin session from session.start, with no user (what an eCDN station uses). */
export async function adminClient(sandbox: SandboxHandle, partnerId = 102): Promise<KClient> {
  const c = client(sandbox);
  c.setKs((await call('session', 'start', sandbox.adminSecret(partnerId), '', 2, partnerId).execute(c)) as string);
  return c;
}

/** The SaaS media server: a locally generated -5 KS (kaltura.md 3.6) impersonating the partner. */
export function mediaServerClient(sandbox: SandboxHandle, partnerId = 102, nowMs = Date.now()): KClient {
  const c = client(sandbox);
  c.setKs(
    generateKsV2({
      secret: sandbox.adminSecret(-5) as string,
      partnerId: -5,
      userId: 'MediaServer',
      type: 2,
      privileges: 'disableentitlement,sessionkey:kalturaWowzaPermanentSessionKey',
      expiresAtSeconds: Math.floor(nowMs / 1000) + 86400,
    }),
  );
  c.setPartnerId(partnerId);
  return c;
}
