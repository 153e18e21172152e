// Owns the two failure types of every Kaltura call: an API exception (Kaltura answered, with a code)
// and a transport failure (no usable answer: HTTP status, timeout, connection). Messages carry no secrets.

export class KalturaApiError extends Error {
  constructor(
    /** Kaltura's code, e.g. LIVE_STREAM_INVALID_TOKEN, INVALID_KS, ENTRY_ID_NOT_FOUND */
    readonly code: string,
    message: string,
    readonly args: Record<string, string> = {},
    /** service.action that failed */
    readonly call: string = '',
  ) {
    super(message);
    this.name = 'KalturaApiError';
  }
}

export type TransportFailure = 'http' | 'timeout' | 'network' | 'invalid-response';

export class KalturaTransportError extends Error {
  constructor(
    readonly kind: TransportFailure,
    message: string,
    readonly call: string = '',
    readonly httpStatus: number | null = null,
  ) {
    super(message);
    this.name = 'KalturaTransportError';
  }
}

/** A stream the station's mode does not allow (eCDN: partner p is not this station's partner). */
export class KalturaModeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KalturaModeError';
  }
}

export function isKalturaApiError(e: unknown, code?: string): e is KalturaApiError {
  return e instanceof KalturaApiError && (code === undefined || e.code === code);
}
