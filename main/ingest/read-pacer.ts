// Owns how often an accepted publisher's socket is read. Every read wakes the station (a turn of the event loop,
// syscalls, a write to each FFmpeg reader), and an encoder spreads each frame over several TCP segments: read on
// every arrival, one stream costs 100+ wakeups a second. Pausing the socket between batches leaves the bytes in the
// kernel's receive buffer. A pause is sized from the stream's measured rate so that a batch stays within half the
// receive window the connection has shown it has: the encoder is never slowed down.
//
// Until a connection shows more, that is half the smallest window a system opens a connection with (Linux: 128 KiB
// buffer, ~52-64 KiB window), 32 KiB: a 3 Mbps stream is read ~12 times a second. A single read(2) that returns N
// bytes proves the window holds at least N (the sender cannot have more outstanding than it), so the budget is half
// the largest read seen. Now and then, while the budget is what limits the pause, one pause is made long enough to
// gather twice a 1.5x larger budget: if the window takes it, the read proves it and the budget grows; if not, the
// encoder waited once for at most that pause (well under what encoders buffer: OBS drops frames after 700 ms) and
// the next try waits twice as long. Linux grows a connection's window as it is read in larger batches, so a
// 3 Mbps stream ends up read ~5 times a second. Pauses end on the wall-clock grid of their step, so the batches of
// all streams and the station's per-second work share their wakeups; a single pause may reach 1.5 steps
// (delayToGridMs), which still fits the window, and on average a pause is one step.
import { delayToGridMs } from '../core/clock.js';

export interface ReadPacerOptions {
  /** longest pause in ms; 0 turns pacing off */
  maxPauseMs: number;
  /** no pauses for this long after the stream was accepted, so its first segments are not delayed */
  startAfterMs: number;
  /** bytes a batch may gather before the connection proved a larger window (default 32 KiB: half the smallest one) */
  batchBytes?: number;
  /** most a batch may gather however large the window (default 128 KiB: half the paced reader's buffer) */
  maxBatchBytes?: number;
}

export const DEFAULT_BATCH_BYTES = 32 * 1024;
export const DEFAULT_MAX_BATCH_BYTES = 128 * 1024;
/** a probe asks the window for twice a budget this much larger than the current one */
const PROBE_GROWTH = 1.5;
/** time between probes while they succeed; each failed one doubles it, up to PROBE_BACKOFF_MAX_MS */
export const PROBE_EVERY_MS = 5_000;
const PROBE_BACKOFF_MAX_MS = 300_000;
/**
 * pause lengths: fine enough that a stream's pause is never much shorter than its rate allows, and few enough
 * that streams of similar rates share their wakeups (most divide a second or two)
 */
const GRID_STEPS_MS = [10, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 125, 150, 175, 200, 250, 500, 1000];
const RATE_WINDOW_MS = 1000;
/** a partial window this long already says the rate went up (shorter ones mostly see a key frame's burst) */
const MIN_PARTIAL_WINDOW_MS = 500;

export class ReadPacer {
  private readonly minBatchBytes: number;
  private readonly maxBatchBytes: number;
  private windowStartMs: number;
  private windowBytes = 0;
  /** bytes per ms over the last full window; null until one was measured */
  private lastRate: number | null = null;
  /** the most one read returned: the receive window is at least this large */
  private largestReadBytes = 0;
  private probeEveryMs = PROBE_EVERY_MS;
  private nextProbeAtMs: number;
  /** the budget before the probe pause now running; null when none runs */
  private probeFromBytes: number | null = null;

  constructor(
    private readonly options: ReadPacerOptions,
    private readonly acceptedAtMs: number,
  ) {
    this.minBatchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
    this.maxBatchBytes = Math.max(this.minBatchBytes, options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES);
    this.windowStartMs = acceptedAtMs;
    this.nextProbeAtMs = acceptedAtMs + options.startAfterMs + PROBE_EVERY_MS;
  }

  /** bytes a batch may gather now: half the largest read, within [batchBytes, maxBatchBytes] */
  batchBytes(): number {
    return Math.min(this.maxBatchBytes, Math.max(this.minBatchBytes, Math.floor(this.largestReadBytes / 2)));
  }

  /** `bytes` were just returned by one read of the socket. */
  onRead(bytes: number, nowMs: number): void {
    if (bytes > this.largestReadBytes) this.largestReadBytes = bytes;
    if (this.probeFromBytes !== null) {
      const grew = this.batchBytes() > this.probeFromBytes;
      this.probeEveryMs = grew ? PROBE_EVERY_MS : Math.min(PROBE_BACKOFF_MAX_MS, this.probeEveryMs * 2);
      this.nextProbeAtMs = nowMs + this.probeEveryMs;
      this.probeFromBytes = null;
    }
    const elapsedMs = nowMs - this.windowStartMs;
    if (elapsedMs >= RATE_WINDOW_MS) {
      this.lastRate = (this.windowBytes + bytes) / elapsedMs;
      this.windowStartMs = nowMs;
      this.windowBytes = 0;
      return;
    }
    this.windowBytes += bytes;
  }

  /**
   * How long to leave the socket paused now, in ms (to the next point of its grid step); 0 = keep reading.
   * `canProbe`: the next read returns everything queued (read(2) into a large buffer), so it can prove a window.
   */
  pauseMs(nowMs: number, canProbe = false): number {
    const step = this.stepMs(nowMs);
    if (step === 0) return 0;
    const probe = canProbe ? this.probePauseMs(nowMs, step) : 0;
    return probe > 0 ? probe : delayToGridMs(nowMs, step);
  }

  /** the longest grid step that gathers at most batchBytes() at the measured rate; 0 = no pacing (yet) */
  stepMs(nowMs: number): number {
    if (this.options.maxPauseMs <= 0 || nowMs - this.acceptedAtMs < this.options.startAfterMs) return 0;
    const rate = this.rateBytesPerMs(nowMs);
    if (rate === null) return 0;
    const limit = Math.min(this.options.maxPauseMs, rate > 0 ? this.batchBytes() / rate : Infinity);
    let step = 0;
    for (const s of GRID_STEPS_MS) if (s <= limit) step = s;
    return step;
  }

  /** A pause that gathers twice a larger budget, when one is due and the budget is what limits the pause; else 0. */
  private probePauseMs(nowMs: number, stepMs: number): number {
    const budget = this.batchBytes();
    const rate = this.rateBytesPerMs(nowMs);
    if (
      nowMs < this.nextProbeAtMs ||
      this.probeFromBytes !== null ||
      budget >= this.maxBatchBytes ||
      rate === null ||
      rate <= 0
    )
      return 0;
    if (stepMs >= this.options.maxPauseMs || budget / rate >= this.options.maxPauseMs) return 0;
    const target = Math.min(this.maxBatchBytes, budget * PROBE_GROWTH);
    const pauseMs = Math.min(2 * this.options.maxPauseMs, Math.ceil((2 * target) / rate));
    if (pauseMs <= stepMs) return 0;
    this.probeFromBytes = budget;
    return pauseMs;
  }

  /** the higher of the last full window's rate and the current window's so far: a rising rate shortens pauses at once */
  private rateBytesPerMs(nowMs: number): number | null {
    const elapsedMs = nowMs - this.windowStartMs;
    const current = elapsedMs >= MIN_PARTIAL_WINDOW_MS ? this.windowBytes / elapsedMs : null;
    if (this.lastRate === null) return current;
    return current === null ? this.lastRate : Math.max(this.lastRate, current);
  }
}
