// Owns the client's retry rules: bounded retries with capped exponential backoff of idempotent calls on transport
// failures (network, timeout, HTTP 5xx/429/408), one KS regeneration + retry on INVALID_KS, and the per-attempt
// CallInfo report (an observer that throws never breaks a call).
import { KalturaApiError, KalturaTransportError, isKalturaApiError } from '../core/kaltura-errors.js';
import type { Logger } from '../log/logger.js';

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

export interface RetryContext {
  retry: RetryPolicy;
  getKs: () => string | null;
  regenerateKs?: () => Promise<unknown> | unknown;
  sleep: (ms: number) => Promise<void>;
  nowMs: () => number;
  onCall?: (info: CallInfo) => void;
  logger?: Logger;
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

function report(context: RetryContext, info: CallInfo): void {
  try {
    context.onCall?.(info);
  } catch {
    // an observer must never break a call
  }
}

/** Runs `attempt` with the current KS (or options.ks, which is never regenerated) under the retry rules. */
export async function withRetries<T>(
  context: RetryContext,
  callName: string,
  options: { idempotent: boolean; ks?: string },
  attempt: (ks: string | null) => Promise<T>,
): Promise<T> {
  const { idempotent } = options;
  let ksRegenerated = options.ks !== undefined;
  let transportAttempts = 0;
  for (;;) {
    const ks = options.ks ?? context.getKs();
    const startedMs = context.nowMs();
    try {
      const result = await attempt(ks);
      report(context, { call: callName, durationMs: context.nowMs() - startedMs, outcome: 'ok' });
      return result;
    } catch (error) {
      const durationMs = context.nowMs() - startedMs;
      if (error instanceof KalturaApiError)
        report(context, { call: callName, durationMs, outcome: 'api-error', code: error.code });
      else if (error instanceof KalturaTransportError)
        report(context, {
          call: callName,
          durationMs,
          outcome: 'transport-error',
          code: error.kind,
          message: error.message,
        });
      if (isKalturaApiError(error, 'INVALID_KS') && !ksRegenerated && context.regenerateKs) {
        ksRegenerated = true;
        context.logger?.warn('Kaltura rejected the KS; regenerating it and retrying once', {
          call: callName,
          reason: error.message,
        });
        await context.regenerateKs();
        continue;
      }
      transportAttempts++;
      if (idempotent && isRetryableTransport(error) && transportAttempts < context.retry.maxAttempts) {
        const delayMs = Math.min(context.retry.maxDelayMs, context.retry.baseDelayMs * 2 ** (transportAttempts - 1));
        context.logger?.debug('Kaltura call failed; retrying', {
          call: callName,
          delayMs,
          error: (error as Error).message,
        });
        await context.sleep(delayMs);
        continue;
      }
      throw error;
    }
  }
}
