// Owns the call forms of api_v3 (kaltura.md 2): one JSON POST per call, multirequest, multipart uploads, the GET
// path-pair form of serve, and decoding their answers. One HTTP exchange is client-http.ts; retries of idempotent
// calls and the one KS regeneration on INVALID_KS are client-retry.ts. No KS or secret reaches an error.
import type { KalturaApiError } from '../core/kaltura-errors.js';
import { normaliseServiceUrl, pathSegment, sendRequest, type HttpAnswer } from './client-http.js';
import { DEFAULT_RETRY, withRetries, type CallInfo, type RetryContext, type RetryPolicy } from './client-retry.js';
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

export class KalturaClient {
  readonly serviceUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retryContext: RetryContext;
  private readonly redactor: Redactor;

  constructor(private readonly options: KalturaClientOptions) {
    this.serviceUrl = normaliseServiceUrl(options.serviceUrl);
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retryContext = {
      retry: options.retry ?? DEFAULT_RETRY,
      getKs: options.getKs,
      ...(options.regenerateKs ? { regenerateKs: options.regenerateKs } : {}),
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      nowMs: options.nowMs ?? Date.now,
      ...(options.onCall ? { onCall: options.onCall } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    };
    this.redactor = options.redactor ?? options.logger?.redactor ?? new Redactor();
  }

  /** service.action with a JSON bag; resolves with the decoded result, rejects with KalturaApiError/KalturaTransportError. */
  call(service: string, action: string, params: Params, options: CallOptions): Promise<unknown> {
    const callName = `${service}.${action}`.toLowerCase();
    const url = `${this.serviceUrl}/api_v3/service/${encodeURIComponent(service)}/action/${encodeURIComponent(action)}`;
    return withRetries(this.retryContext, callName, options, async (ks) => {
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
    return withRetries(this.retryContext, callName, options, async (ks) => {
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
    return withRetries(this.retryContext, callName, options, async (ks) => {
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
    return withRetries(this.retryContext, callName, options, async (ks) => {
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

  private send(
    callName: string,
    url: string,
    init: RequestInit,
    ks: string | null,
    minTimeoutMs = 0,
  ): Promise<HttpAnswer> {
    const timeoutMs = Math.max(this.timeoutMs, minTimeoutMs);
    return sendRequest(this.fetchFn, { callName, url, init, ks, timeoutMs }, (t) => this.scrub(t, ks));
  }
}
