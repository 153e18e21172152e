// Owns how often an accepted publisher's socket is read. Every read wakes the station (a turn of the event loop,
// syscalls, a write to each FFmpeg reader), and an encoder spreads each frame over several TCP segments: read on
// every arrival, one stream costs 100+ wakeups a second. Pausing the socket between batches leaves the bytes in the
// kernel's receive buffer. A pause is sized from the stream's measured rate so that a batch stays well inside the
// smallest receive window a system opens a connection with (Linux: 128 KiB buffer, 64 KiB window): the encoder is
// never slowed down, a 1 Mbps stream is read a few times a second and a 20 Mbps one every ~10 ms. Pauses end on the
// wall-clock grid of their step, so the batches of all streams and the station's per-second work share their
// wakeups; a single pause may reach 1.5 steps (delayToGridMs), which still fits the window, and on average a
// pause is one step.
import { delayToGridMs } from '../station/clock.js';

export interface ReadPacerOptions {
  /** longest pause in ms; 0 turns pacing off */
  maxPauseMs: number;
  /** no pauses for this long after the stream was accepted, so its first segments are not delayed */
  startAfterMs: number;
  /** bytes a batch may gather at the measured rate (default 32 KiB: half the smallest receive window) */
  batchBytes?: number;
}

export const DEFAULT_BATCH_BYTES = 32 * 1024;
/**
 * pause lengths: fine enough that a stream's pause is never much shorter than its rate allows, and few enough
 * that streams of similar rates share their wakeups (most divide a second or two)
 */
const GRID_STEPS_MS = [10, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 125, 150, 175, 200, 250, 500, 1000];
const RATE_WINDOW_MS = 1000;
/** a partial window this long already says the rate went up (shorter ones mostly see a key frame's burst) */
const MIN_PARTIAL_WINDOW_MS = 500;

export class ReadPacer {
  private readonly batchBytes: number;
  private windowStartMs: number;
  private windowBytes = 0;
  /** bytes per ms over the last full window; null until one was measured */
  private lastRate: number | null = null;

  constructor(
    private readonly options: ReadPacerOptions,
    private readonly acceptedAtMs: number,
  ) {
    this.batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
    this.windowStartMs = acceptedAtMs;
  }

  /** `bytes` were just read from the socket. */
  onRead(bytes: number, nowMs: number): void {
    const elapsedMs = nowMs - this.windowStartMs;
    if (elapsedMs >= RATE_WINDOW_MS) {
      this.lastRate = (this.windowBytes + bytes) / elapsedMs;
      this.windowStartMs = nowMs;
      this.windowBytes = 0;
      return;
    }
    this.windowBytes += bytes;
  }

  /** How long to leave the socket paused now, in ms (to the next point of its grid step); 0 = keep reading. */
  pauseMs(nowMs: number): number {
    const step = this.stepMs(nowMs);
    return step === 0 ? 0 : delayToGridMs(nowMs, step);
  }

  /** the longest grid step that gathers at most batchBytes at the measured rate; 0 = no pacing (yet) */
  stepMs(nowMs: number): number {
    if (this.options.maxPauseMs <= 0 || nowMs - this.acceptedAtMs < this.options.startAfterMs) return 0;
    const rate = this.rateBytesPerMs(nowMs);
    if (rate === null) return 0;
    const limit = Math.min(this.options.maxPauseMs, rate > 0 ? this.batchBytes / rate : Infinity);
    let step = 0;
    for (const s of GRID_STEPS_MS) if (s <= limit) step = s;
    return step;
  }

  /** the higher of the last full window's rate and the current window's so far: a rising rate shortens pauses at once */
  private rateBytesPerMs(nowMs: number): number | null {
    const elapsedMs = nowMs - this.windowStartMs;
    const current = elapsedMs >= MIN_PARTIAL_WINDOW_MS ? this.windowBytes / elapsedMs : null;
    if (this.lastRate === null) return current;
    return current === null ? this.lastRate : Math.max(this.lastRate, current);
  }
}
