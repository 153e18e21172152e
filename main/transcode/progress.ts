// Owns the reading of FFmpeg's `-progress pipe:1` output: a pure parser from lines to typed samples
// (one per `progress=continue|end` block). With several outputs only the aggregates are meaningful (media.md 2.2).

export interface ProgressSample {
  frame: number | null;
  fps: number | null;
  /** realtime factor, 1.0 = keeping up */
  speed: number | null;
  dropFrames: number | null;
  dupFrames: number | null;
  outTimeUs: number | null;
  /** per output stream quantizer, key "file_stream" e.g. "0_1" */
  streamQ: Record<string, number>;
  /** true on the last block (`progress=end`) */
  end: boolean;
}

/**
 * Incremental parser: feed chunks of stdout as they arrive; complete samples come back in order.
 * Keeps a partial line and a partial block between calls.
 */
export class ProgressParser {
  private buffer = '';
  private block: Map<string, string> = new Map();

  push(chunk: string): ProgressSample[] {
    this.buffer += chunk;
    const samples: ProgressSample[] = [];
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      const sample = this.line(line);
      if (sample) samples.push(sample);
      newline = this.buffer.indexOf('\n');
    }
    // a runaway line without newline is not progress output: do not grow without bound
    if (this.buffer.length > 64 * 1024) this.buffer = '';
    return samples;
  }

  private line(line: string): ProgressSample | null {
    const eq = line.indexOf('=');
    if (eq <= 0) return null;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key !== 'progress') {
      this.block.set(key, value);
      return null;
    }
    const sample = toSample(this.block, value === 'end');
    this.block = new Map();
    return sample;
  }
}

/** All samples of a complete recorded output (tests, diagnostics). */
export function parseProgress(text: string): ProgressSample[] {
  const parser = new ProgressParser();
  return parser.push(text.endsWith('\n') ? text : text + '\n');
}

function toSample(block: Map<string, string>, end: boolean): ProgressSample {
  const streamQ: Record<string, number> = {};
  for (const [key, value] of block) {
    const m = /^stream_(\d+_\d+)_q$/.exec(key);
    const q = num(value);
    if (m && q !== null) streamQ[m[1] as string] = q;
  }
  const speedText = block.get('speed');
  return {
    frame: int(block.get('frame')),
    fps: num(block.get('fps')),
    speed: speedText === undefined ? null : num(speedText.replace(/x$/, '')),
    dropFrames: int(block.get('drop_frames')),
    dupFrames: int(block.get('dup_frames')),
    outTimeUs: int(block.get('out_time_us')),
    streamQ,
    end,
  };
}

function num(value: string | undefined): number | null {
  if (value === undefined || value === '' || value === 'N/A') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function int(value: string | undefined): number | null {
  const n = num(value);
  return n === null ? null : Math.trunc(n);
}
