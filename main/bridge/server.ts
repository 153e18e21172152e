// Owns the transport-independent bridge: looks a request up in the shared contract, validates its
// payload, refuses mutations from untrusted callers, calls the integrator's handler, checks the
// response (dev/test) and fans validated events out to every transport (IPC and WebSocket).
import type { z } from 'zod';
import {
  events as eventDefs,
  requests as requestDefs,
  type EventName,
  type EventPayload,
  type RequestName,
  type RequestPayload,
  type ResponsePayload,
} from '../../shared/bridge/contract.js';
import type { Redactor } from '../log/redact.js';
import type { Logger } from '../log/logger.js';
import { BridgeErrorCode, BridgeRequestError } from '../../shared/bridge/errors.js';
import type { BridgeHost, CallerContext } from './host.js';

export type BridgeHandlers = {
  [N in RequestName]: (payload: RequestPayload<N>, caller: CallerContext) => Promise<ResponsePayload<N>>;
};

type BridgeListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface BridgeHostOptions {
  /** check handler responses and event payloads against the contract (default: `validatesOutgoing(process.env)`) */
  validateOutgoing?: boolean;
  redactor?: Redactor;
  logger?: Logger;
}

export interface StationBridgeHost extends BridgeHost {
  /** sends a validated event to every subscriber (transports) */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  /**
   * Runs `start` while the host has at least one subscriber (its result stops it): a source of events does no
   * work while no window or browser is connected. Returns the function that removes it for good.
   */
  whileListened(start: () => () => void): () => void;
}

/** "kaltura.ksExpirySeconds: Too small: expected number to be >=20; limit: ..." for every issue. */
function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(payload)'}: ${i.message}`)
    .join('; ');
}

/**
 * Whether main checks its own answers and events against the contract when not told: under test and in
 * development (NODE_ENV test / development), where a mistake should fail loudly at its source. Not in a live
 * station: the renderer checks everything it receives in any case, and checking an entry's state change (6 kB,
 * 4 renditions) costs about 37 µs, twice its JSON.stringify (measured on the 2-core CI machine), on every change.
 */
export function validatesOutgoing(env: NodeJS.ProcessEnv): boolean {
  return env.NODE_ENV === 'test' || env.NODE_ENV === 'development';
}

function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(requestDefs, name);
}

export function createBridgeHost(handlers: BridgeHandlers, options: BridgeHostOptions = {}): StationBridgeHost {
  const listeners = new Set<BridgeListener>();
  const sources = new Map<() => () => void, (() => void) | null>();
  const startSources = (): void => {
    for (const [start, stop] of sources) if (!stop) sources.set(start, start());
  };
  const stopSources = (): void => {
    for (const [start, stop] of sources) {
      stop?.();
      sources.set(start, null);
    }
  };
  const validate = options.validateOutgoing ?? validatesOutgoing(process.env);
  const redact = (text: string): string => options.redactor?.redact(text) ?? text;

  return {
    async handle(name: string, payload: unknown, caller: CallerContext): Promise<unknown> {
      if (!isRequestName(name)) {
        throw new BridgeRequestError(
          BridgeErrorCode.unknown_request,
          `unknown request "${String(name).slice(0, 100)}"; the station knows: ${Object.keys(requestDefs).join(', ')}`,
        );
      }
      const def = requestDefs[name];
      if (def.mutates && !caller.trusted) {
        throw new BridgeRequestError(
          BridgeErrorCode.forbidden,
          `"${name}" changes the station and needs the access token: open the UI from the station computer, or use the token printed at start / stored in the data dir (access-token)`,
        );
      }
      const parsed = (def.request as z.ZodType).safeParse(payload ?? {});
      if (!parsed.success)
        throw new BridgeRequestError(
          BridgeErrorCode.invalid_payload,
          `invalid payload for "${name}": ${formatIssues(parsed.error)}`,
        );
      const handler = handlers[name] as (p: unknown, c: CallerContext) => Promise<unknown>;
      let result: unknown;
      try {
        result = await handler(parsed.data, caller);
      } catch (e) {
        if (e instanceof BridgeRequestError) throw e;
        const message = redact(e instanceof Error ? e.message : String(e));
        options.logger?.warn('bridge request failed', { request: name, error: message });
        throw new BridgeRequestError(BridgeErrorCode.failed, `${name} failed: ${message}`);
      }
      if (validate) {
        const checked = (def.response as z.ZodType).safeParse(result);
        if (!checked.success) {
          options.logger?.error('bridge handler returned a response outside the contract', {
            request: name,
            issues: formatIssues(checked.error),
          });
          throw new BridgeRequestError(
            BridgeErrorCode.failed,
            `${name} returned a response outside the contract: ${formatIssues(checked.error)}`,
          );
        }
      }
      return result;
    },

    subscribe(listener: BridgeListener): () => void {
      listeners.add(listener);
      if (listeners.size === 1) startSources();
      return () => {
        if (listeners.delete(listener) && listeners.size === 0) stopSources();
      };
    },

    whileListened(start: () => () => void): () => void {
      sources.set(start, listeners.size > 0 ? start() : null);
      return () => {
        sources.get(start)?.();
        sources.delete(start);
      };
    },

    emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
      // nothing leaves without a listener: checking the contract then would only cost CPU on every state change
      if (listeners.size === 0) return;
      if (validate) {
        const checked = (eventDefs[name].payload as z.ZodType).safeParse(payload);
        if (!checked.success) {
          options.logger?.error('dropped an event outside the contract', {
            event: name,
            issues: formatIssues(checked.error),
          });
          return;
        }
      }
      for (const l of listeners) {
        try {
          l(name, payload);
        } catch (e) {
          options.logger?.warn('bridge listener failed', { event: name, error: (e as Error).message });
        }
      }
    },
  };
}
