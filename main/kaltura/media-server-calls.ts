// Owns a media-server call's answer to MEDIA_SERVER_NOT_FOUND: register the station's server node once more and
// run the call again, once; a second refusal carries the node's reason (hostname, why, the fix).
import { KalturaApiError } from '../core/kaltura-errors.js';
import type { Logger } from '../log/logger.js';
import type { ServerNodeState } from '../../shared/state.js';

/** What a media-server call needs of the keeper: its state, and one more registration on demand. */
export interface NodeForCalls {
  state(): ServerNodeState;
  reregister(): Promise<ServerNodeState>;
}

/**
 * Runs a media-server call (authenticate, registerMediaServer); on MEDIA_SERVER_NOT_FOUND registers the node once
 * more and runs the call again, once. If the node is still not registered, or Kaltura still does not find it, the
 * call fails with `refuse(error, state)`, which carries the node's reason. `waitMs` bounds the re-registration.
 */
export async function callWithNode<T>(
  node: NodeForCalls | null,
  call: () => Promise<T>,
  refuse: (error: KalturaApiError, state: ServerNodeState | null) => Error,
  waitMs = 8_000,
  logger?: Logger,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!node || !(error instanceof KalturaApiError) || error.code !== 'MEDIA_SERVER_NOT_FOUND') throw error;
    logger?.warn('Kaltura answered MEDIA_SERVER_NOT_FOUND; registering the server node again', { call: error.call });
    let timer: NodeJS.Timeout | undefined;
    const state = await Promise.race([
      node.reregister(),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs))),
    ]).finally(() => clearTimeout(timer));
    if (state?.status !== 'registered') throw refuse(error, state ?? node.state());
    try {
      return await call();
    } catch (again) {
      if (again instanceof KalturaApiError && again.code === 'MEDIA_SERVER_NOT_FOUND')
        throw refuse(again, node.state());
      throw again;
    }
  }
}

/** The refusal of a publish Kaltura does not know the station for: the hostname and why, with the fix. */
export function mediaServerNotFound(error: KalturaApiError, state: ServerNodeState | null): KalturaApiError {
  const why =
    state?.status === 'refused' && state.reason
      ? state.reason
      : 'it was registered again and Kaltura still does not find it: check in the Admin Console that the node is not disabled or deleted';
  return new KalturaApiError(
    'MEDIA_SERVER_NOT_FOUND',
    `Kaltura does not know this station as a media server (${state?.hostname ?? 'no hostname'}): ${why}`,
    error.args,
    error.call,
  );
}
