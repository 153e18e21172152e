// Owns one HTTP exchange with api_v3 for the client: the service URL's normal form, path-pair escaping of
// file actions, and a fetch with a timeout whose failures become KalturaTransportError (origin only, no secrets)
// or, for an error status carrying a Kaltura exception, KalturaApiError.
import { KalturaApiError, KalturaTransportError } from '../core/kaltura-errors.js';
import { isApiException, toApiError } from './wire.js';

export interface HttpAnswer {
  text: string;
  contentType: string;
  headers: Headers;
  ks: string | null;
}

export function normaliseServiceUrl(serviceUrl: string): string {
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
export function pathSegment(value: string): string {
  return encodeURIComponent(value).replace(/%3D/g, '=');
}

/** One request; `scrub` removes the KS and secrets from Kaltura's own error texts. */
export async function sendRequest(
  fetchFn: typeof fetch,
  request: { callName: string; url: string; init: RequestInit; ks: string | null; timeoutMs: number },
  scrub: (text: string) => string,
): Promise<HttpAnswer> {
  const { callName, url, init, ks, timeoutMs } = request;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const origin = new URL(url).origin;
  try {
    const response = await fetchFn(url, { ...init, signal: controller.signal });
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
        if (isApiException(raw)) throw toApiError(raw, callName, scrub);
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
