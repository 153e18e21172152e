// Owns HTTP to api_v3 (kaltura.md 2): one POST per call over global fetch with a timeout, multirequest,
// multipart uploads, the GET path-pair form of serve, error decoding, bounded retries of idempotent calls
// on transport failures, and one KS regeneration + retry on INVALID_KS. No KS or secret reaches an error.
import { KalturaApiError, KalturaTransportError, isKalturaApiError } from './errors.js';
import { Redactor } from '../log/redact.js';
import type { Logger } from '../log/logger.js';
import {
  dropNulls,
  invalidResponse,
  isApiException,
  parseJsonBody,
  serveErrorFromHeaders,
  toApiError,
  type Params,
} from './wire.js';

export interface CallInfo {
  /** service.action, e.g. livestream.authenticate */
  call: string;
  durationMs: number;
  outcome: 'ok' | 'api-error' | 'transport-error';
  /** the Kaltura code of an api-error, the failure kind of a transport-error */
  code?: string;
  /** a transport-error's message (no secrets): for the API status line */
  message?: string;
}

export interface RetryPolicy {
  /** total attempts for idempotent calls, including the first */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 5_000 };
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface KalturaClientOptions {
  /** e.g. https://www.kaltura.com or http://127.0.0.1:PORT (no /api_v3) */
  serviceUrl: string;
  /** `klive-station:VERSION` */
  clientTag: string;
  /** the current KS, or null when there is none (calls then go without one) */
  getKs: () => string | null;
  /** called once on INVALID_KS before the single retry; resolves when a fresh KS is available */
  regenerateKs?: () => Promise<unknown> | unknown;
  timeoutMs?: number;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  nowMs?: () => number;
  onCall?: (info: CallInfo) => void;
  logger?: Logger;
  /** scrubs error texts; defaults to the logger's (which knows the registered secrets) */
  redactor?: Redactor;
}

export interface CallOptions {
  /** impersonated partner (kaltura.md 2.4); omitted when null/undefined */
  partnerId?: number | null;
  /** whether a transport failure may be retried (the call has no harmful side effect when repeated) */
  idempotent: boolean;
  /** use this KS instead of the current one, with no regeneration on INVALID_KS (checking a fresh KS) */
  ks?: string;
  /** at least this long per attempt (uploads: the configured timeout is sized for small calls) */
  minTimeoutMs?: number;
}

export interface MultiRequestItem {
  service: string;
  action: string;
  params?: Params;
}

export type MultiResult = { ok: true; value: unknown } | { ok: false; error: KalturaApiError };

export interface UploadPart {
  data: Uint8Array;
  fileName: string;
  contentType?: string;
}

export function kalturaClientTag(version: string): string {
  return `klive-station:${version}`;
}

function normaliseServiceUrl(serviceUrl: string): string {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    throw new Error(`Kaltura service URL "${serviceUrl}" is not a URL: set it to e.g. https://www.kaltura.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Kaltura service URL must start with http:// or https://, got "${url.protocol}"`);
  }
  if (url.search || url.hash)
    throw new Error('Kaltura service URL must not carry a query or fragment: use e.g. https://www.kaltura.com');
  return url
    .toString()
    .replace(/\/+$/, '')
    .replace(/\/api_v3$/, '');
}

/** A path-pair segment: `/` and `+` must be escaped, `=` (KS padding) is kept readable as Kaltura's clients do. */
function pathSegment(value: string): string {
  return encodeURIComponent(value).replace(/%3D/g, '=');
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isRetryableTransport(error: unknown): boolean {
  if (!(error instanceof KalturaTransportError)) return false;
  if (error.kind === 'network' || error.kind === 'timeout') return true;
  return (
    error.kind === 'http' &&
    error.httpStatus !== null &&
    (error.httpStatus >= 500 || error.httpStatus === 429 || error.httpStatus === 408)
  );
}

export class KalturaClient {
  readonly serviceUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly nowMs: () => number;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly redactor: Redactor;

  constructor(private readonly options: KalturaClientOptions) {
    this.serviceUrl = normaliseServiceUrl(options.serviceUrl);
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? defaultSleep;
    this.nowMs = options.nowMs ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.redactor = options.redactor ?? options.logger?.redactor ?? new Redactor();
  }

  /** service.action with a JSON bag; resolves with the decoded result, rejects with KalturaApiError/KalturaTransportError. */
  call(service: string, action: string, params: Params, options: CallOptions): Promise<unknown> {
    const callName = `${service}.${action}`.toLowerCase();
    const url = `${this.serviceUrl}/api_v3/service/${encodeURIComponent(service)}/action/${encodeURIComponent(action)}`;
    return this.withRetries(callName, options, async (ks) => {
      const body = JSON.stringify(dropNulls({ ...params, ...this.common(ks, options.partnerId) }));
      return this.decodeJson(
        callName,
        await this.send(
          callName,
          url,
          { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body },
          ks,
        ),
      );
    });
  }

  /**
   * One multirequest; each item's result or exception is returned in order. References such as
   * `{1:result:id}` (1-based ordinal of the executed request) are passed through to the server.
   */
  multirequest(items: readonly MultiRequestItem[], options: CallOptions): Promise<MultiResult[]> {
    if (items.length === 0) return Promise.reject(new Error('multirequest needs at least one request'));
    const callName = `multirequest(${items.map((i) => `${i.service}.${i.action}`.toLowerCase()).join(',')})`;
    const url = `${this.serviceUrl}/api_v3/service/multirequest`;
    return this.withRetries(callName, options, async (ks) => {
      const bag: Params = { ...this.common(ks, options.partnerId) };
      items.forEach((item, index) => {
        bag[String(index)] = { ...item.params, service: item.service, action: item.action };
      });
      const raw = this.decodeJson(
        callName,
        await this.send(
          callName,
          url,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify(dropNulls(bag)),
          },
          ks,
        ),
      );
      if (!Array.isArray(raw)) throw invalidResponse(callName, 'a multirequest answer must be a JSON array');
      const results: MultiResult[] = raw.map((value) =>
        isApiException(value)
          ? { ok: false, error: toApiError(value, callName, (t) => this.scrub(t, ks)) }
          : { ok: true, value },
      );
      // a KS problem fails every item: surface it once so the KS is regenerated and the batch retried
      const first = results[0];
      if (first && !first.ok && first.error.code === 'INVALID_KS') throw first.error;
      return results;
    });
  }

  /** multipart/form-data: the JSON param bag in a field named `json`, the file in `fileData` (uploadToken.upload). */
  upload(service: string, action: string, params: Params, file: UploadPart, options: CallOptions): Promise<unknown> {
    const callName = `${service}.${action}`.toLowerCase();
    const url = `${this.serviceUrl}/api_v3/service/${encodeURIComponent(service)}/action/${encodeURIComponent(action)}`;
    return this.withRetries(callName, options, async (ks) => {
      const form = new FormData();
      form.append('json', JSON.stringify(dropNulls({ ...params, ...this.common(ks, options.partnerId) })));
      form.append(
        'fileData',
        new Blob([new Uint8Array(file.data)], { type: file.contentType ?? 'application/octet-stream' }),
        file.fileName,
      );
      return this.decodeJson(
        callName,
        await this.send(
          callName,
          url,
          { method: 'POST', headers: { Accept: 'application/json' }, body: form },
          ks,
          options.minTimeoutMs,
        ),
      );
    });
  }

  /**
   * A "file" action fetched with GET and path pairs (kaltura.md 5.1), e.g. wowza_liveConversionProfile.serve.
   * Pairs are [name, value]; `ks` is appended last. Returns the body text; an empty body with `X-Kaltura:
   * error-CODE` (or a JSON exception) is a KalturaApiError.
   */
  getFile(
    service: string,
    action: string,
    pairs: ReadonlyArray<readonly [string, string]>,
    options: { idempotent: boolean; ks?: string },
  ): Promise<string> {
    const callName = `${service}.${action}`.toLowerCase();
    return this.withRetries(callName, options, async (ks) => {
      const all = ks ? [...pairs, ['ks', ks] as const] : pairs;
      const path = all.map(([k, v]) => `/${pathSegment(k)}/${pathSegment(v)}`).join('');
      const url = `${this.serviceUrl}/api_v3/index.php/service/${encodeURIComponent(service)}/action/${encodeURIComponent(action)}${path}`;
      const response = await this.send(callName, url, { method: 'GET' }, ks);
      const headerError = serveErrorFromHeaders(response.headers, callName, (t) => this.scrub(t, ks));
      if (headerError && response.text.trim() === '') throw headerError;
      if (/json/i.test(response.contentType)) {
        const raw = parseJsonBody(response.text, callName);
        if (isApiException(raw)) throw toApiError(raw, callName, (t) => this.scrub(t, ks));
      }
      if (headerError) throw headerError;
      if (response.text.trim() === '')
        throw invalidResponse(callName, 'an empty body without an X-Kaltura error header');
      return response.text;
    });
  }

  private common(ks: string | null, partnerId: number | null | undefined): Params {
    const common: Params = { format: 1, ks, clientTag: this.options.clientTag };
    // only when impersonating: session.start's own partnerId argument must survive the merge
    if (partnerId !== null && partnerId !== undefined) common.partnerId = partnerId;
    return common;
  }

  private scrub(text: string, ks: string | null): string {
    let out = text;
    if (ks) out = out.split(ks).join('<redacted>');
    return this.redactor.redact(out);
  }

  private decodeJson(callName: string, response: { text: string; ks: string | null }): unknown {
    const raw = parseJsonBody(response.text, callName);
    if (isApiException(raw)) throw toApiError(raw, callName, (t) => this.scrub(t, response.ks));
    return raw;
  }

  private async withRetries<T>(
    callName: string,
    options: { idempotent: boolean; ks?: string },
    attempt: (ks: string | null) => Promise<T>,
  ): Promise<T> {
    const { idempotent } = options;
    let ksRegenerated = options.ks !== undefined;
    let transportAttempts = 0;
    for (;;) {
      const ks = options.ks ?? this.options.getKs();
      const startedMs = this.nowMs();
      try {
        const result = await attempt(ks);
        this.report({ call: callName, durationMs: this.nowMs() - startedMs, outcome: 'ok' });
        return result;
      } catch (error) {
        const durationMs = this.nowMs() - startedMs;
        if (error instanceof KalturaApiError)
          this.report({ call: callName, durationMs, outcome: 'api-error', code: error.code });
        else if (error instanceof KalturaTransportError)
          this.report({
            call: callName,
            durationMs,
            outcome: 'transport-error',
            code: error.kind,
            message: error.message,
          });
        if (isKalturaApiError(error, 'INVALID_KS') && !ksRegenerated && this.options.regenerateKs) {
          ksRegenerated = true;
          this.options.logger?.warn('Kaltura rejected the KS; regenerating it and retrying once', {
            call: callName,
            reason: error.message,
          });
          await this.options.regenerateKs();
          continue;
        }
        transportAttempts++;
        if (idempotent && isRetryableTransport(error) && transportAttempts < this.retry.maxAttempts) {
          const delayMs = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (transportAttempts - 1));
          this.options.logger?.debug('Kaltura call failed; retrying', {
            call: callName,
            delayMs,
            error: (error as Error).message,
          });
          await this.sleep(delayMs);
          continue;
        }
        throw error;
      }
    }
  }

  private report(info: CallInfo): void {
    try {
      this.options.onCall?.(info);
    } catch {
      // an observer must never break a call
    }
  }

  private async send(
    callName: string,
    url: string,
    init: RequestInit,
    ks: string | null,
    minTimeoutMs = 0,
  ): Promise<{ text: string; contentType: string; headers: Headers; ks: string | null }> {
    const timeoutMs = Math.max(this.timeoutMs, minTimeoutMs);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const origin = new URL(url).origin;
    try {
      const response = await this.fetchFn(url, { ...init, signal: controller.signal });
      const text = await response.text();
      const contentType = response.headers.get('content-type') ?? '';
      if (!response.ok) {
        if (/json/i.test(contentType)) {
          let raw: unknown = null;
          try {
            raw = JSON.parse(text) as unknown;
          } catch {
            // not an exception body: fall through to the HTTP error
          }
          if (isApiException(raw)) throw toApiError(raw, callName, (t) => this.scrub(t, ks));
        }
        throw new KalturaTransportError(
          'http',
          `Kaltura ${callName} answered HTTP ${response.status} from ${origin}: check the service URL and that the server is up`,
          callName,
          response.status,
        );
      }
      return { text, contentType, headers: response.headers, ks };
    } catch (error) {
      if (error instanceof KalturaApiError || error instanceof KalturaTransportError) throw error;
      if (controller.signal.aborted) {
        throw new KalturaTransportError(
          'timeout',
          `Kaltura ${callName} got no answer from ${origin} within ${timeoutMs} ms: check the network or raise the request timeout`,
          callName,
        );
      }
      const cause = (error as { cause?: { code?: unknown } }).cause;
      const code = cause && typeof cause.code === 'string' ? ` (${cause.code})` : '';
      throw new KalturaTransportError(
        'network',
        `Kaltura ${callName} could not reach ${origin}${code}: check the service URL and the network`,
        callName,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
