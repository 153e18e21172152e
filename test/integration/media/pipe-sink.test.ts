// The feed's pipe writer on a real child pipe: write(2) while the pipe takes it, the stream's queue once it is full,
// and every byte arrives once and in order; a write after the reader left is dropped, not thrown.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pipeSink } from '../../../main/media/pipe-sink.js';
import { tempDir } from '../../helpers/net.js';

describe('pipeSink', () => {
  it('keeps order across the synchronous writes and the queue of a full pipe', async () => {
    const out = path.join(tempDir('klive-pipe-'), 'out.bin');
    // the reader starts late: the pipe fills and the rest waits in the stream's queue
    const child = spawn('bash', ['-c', `sleep 0.5; cat <&3 > '${out}'`], {
      stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
    });
    const pipe = child.stdio[3] as Writable;
    const sink = pipeSink(pipe);
    const chunks: Buffer[] = [];
    for (let i = 0; i < 64; i++) {
      const chunk = Buffer.alloc(32 * 1024 + i, i);
      chunks.push(chunk);
      sink.write(chunk);
    }
    // more than a pipe holds: part of it is queued in Node, and that is what writableLength reports
    expect(sink.writableLength).toBeGreaterThan(0);
    sink.end();
    await new Promise<void>((resolve) => child.on('exit', () => resolve()));
    expect(fs.readFileSync(out).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('drops writes once the reader is gone', async () => {
    const child = spawn('true', [], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    const pipe = child.stdio[3] as Writable;
    pipe.on('error', () => undefined);
    await new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const sink = pipeSink(pipe);
    expect(() => sink.write(Buffer.alloc(1024))).not.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(() => sink.write(Buffer.alloc(1024))).not.toThrow();
    expect(sink.destroyed).toBe(true);
  });
});
