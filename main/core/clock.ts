// Owns the station's one notion of time: a narrow Clock (wall-clock now, cancellable one-shot timers) that tests
// replace with a manual one (test/helpers/manual-clock.ts), and what is built on it: the shared wakeup grid and
// abortable sleeps.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  nowMs(): number;
  /** runs fn once after delayMs; the handle cancels it */
  setTimer(fn: () => void, delayMs: number): TimerHandle;
}

export function systemClock(): Clock {
  return {
    nowMs: () => Date.now(),
    setTimer(fn, delayMs) {
      const t = setTimeout(fn, delayMs);
      t.unref?.();
      return { cancel: () => clearTimeout(t) };
    },
  };
}

/**
 * Delay from `nowMs` to the next multiple of `periodMs` on the wall clock that is at least half a period away.
 * Periodic work scheduled this way (every stream's meters and probes, the monitor, the publishers' read batches)
 * falls on the same instants, so one wakeup of the process serves all of it instead of one wakeup per timer: on a
 * laptop (and in a VM) a wakeup costs more than the work it does. The half period keeps a timer that fired a
 * millisecond early (timers run on the monotonic clock, this on the wall clock) from firing again at once.
 */
export function delayToGridMs(nowMs: number, periodMs: number): number {
  if (!(periodMs > 0)) return 0;
  const delay = periodMs - (nowMs % periodMs);
  return delay < periodMs / 2 ? delay + periodMs : delay;
}

/** resolves after delayMs on the clock, or rejects with an AbortError as soon as signal aborts (the timer is cancelled) */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = (): void => {
      timer.cancel();
      reject(abortError());
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(): Error {
  const e = new Error('aborted');
  e.name = 'AbortError';
  return e;
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** Settles with p, or rejects with an AbortError as soon as signal aborts (p is left to settle unobserved). */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      p.catch(() => undefined);
      reject(abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
