// Owns the stream lifecycle as a pure transition function: which event moves a stream from which
// state to which, so the registry never invents a transition and the table is tested on its own.
import type { StreamLifecycle } from '../../shared/state.js';

export type LifecycleEvent =
  /** connect/publish seen, authenticate in flight */
  | 'authenticating'
  /** Kaltura accepted the stream (also a resumed publish) */
  | 'accepted'
  /** Kaltura (or URL validation) refused the stream */
  | 'refused'
  /** the first HLS segments are ready */
  | 'playable'
  /** the publisher's connection closed; wait a grace period for it to come back */
  | 'disconnected'
  /** the grace period ran out, or the station stopped the stream */
  | 'ended'
  /** the transcoder gave up (FFmpeg failed for good) */
  | 'failed';

export interface LifecyclePoint {
  state: StreamLifecycle;
  sinceMs: number;
}

const TABLE: Record<StreamLifecycle, Partial<Record<LifecycleEvent, StreamLifecycle>>> = {
  authenticating: { accepted: 'live', refused: 'refused', disconnected: 'ended', ended: 'ended', failed: 'failed' },
  live: { playable: 'playable', disconnected: 'reconnecting', ended: 'ended', failed: 'failed' },
  playable: { disconnected: 'reconnecting', ended: 'ended', failed: 'failed' },
  reconnecting: {
    authenticating: 'authenticating',
    accepted: 'live',
    refused: 'refused',
    ended: 'ended',
    failed: 'failed',
  },
  ended: { authenticating: 'authenticating', accepted: 'live', refused: 'refused' },
  refused: { authenticating: 'authenticating', accepted: 'live', refused: 'refused' },
  failed: { authenticating: 'authenticating', accepted: 'live', disconnected: 'ended', ended: 'ended' },
};

/** The state after `event`, or null when the event does not apply in `current` (the caller ignores it). */
export function nextLifecycle(current: StreamLifecycle | null, event: LifecycleEvent): StreamLifecycle | null {
  if (current === null) {
    if (event === 'authenticating') return 'authenticating';
    if (event === 'accepted') return 'live';
    if (event === 'refused') return 'refused';
    return null;
  }
  return TABLE[current][event] ?? null;
}

/** Applies an event at atMs; returns the same point when nothing changes (a refused-again keeps its new time). */
export function applyLifecycle(
  point: LifecyclePoint | null,
  event: LifecycleEvent,
  atMs: number,
): LifecyclePoint | null {
  const next = nextLifecycle(point?.state ?? null, event);
  if (next === null) return point;
  if (point && next === point.state && event !== 'refused') return point;
  return { state: next, sinceMs: atMs };
}

/** States in which the stream is over and only kept so the UI can say what happened. */
export function isFinished(state: StreamLifecycle): boolean {
  return state === 'ended' || state === 'refused' || state === 'failed';
}

/** States in which media is (expected to be) flowing. */
export function isOnAir(state: StreamLifecycle): boolean {
  return state === 'live' || state === 'playable';
}
