// runOnce with a fake Spawner and a manual Clock: the timeout kills the process group, output is capped, a binary
// that cannot be started is reported, and the result says how a run ended.
import { describe, expect, it } from 'vitest';
import { howItEnded, runOnce, succeeded } from '../../../main/process/run-once.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { fakeSpawner } from '../../helpers/fake-spawner.js';

describe('runOnce', () => {
  it('captures stdout and stderr apart and resolves at the exit, asking the spawner to wait for all output', async () => {
    const spawner = fakeSpawner();
    const done = runOnce('/usr/bin/ffmpeg', ['-version'], { timeoutMs: 10_000, spawner, clock: new ManualClock() });
    const child = spawner.last();
    expect(child.args).toEqual(['-version']);
    expect(child.options).toEqual({ waitForOutput: true });
    child.stdout('ffmpeg version 5.1\n');
    child.stderr('a warning\n');
    child.exit(0);
    const result = await done;
    expect(result).toEqual({
      code: 0,
      signal: null,
      stdout: 'ffmpeg version 5.1\n',
      stderr: 'a warning\n',
      timedOut: false,
      truncated: false,
      error: null,
    });
    expect(succeeded(result)).toBe(true);
  });

  it('kills the whole process group at the timeout and says so', async () => {
    const spawner = fakeSpawner();
    const clock = new ManualClock();
    const done = runOnce('/usr/bin/ffmpeg', ['-f', 'lavfi'], { timeoutMs: 15_000, spawner, clock });
    const child = spawner.last();
    clock.advance(14_999);
    expect(child.signals).toEqual([]);
    clock.advance(1);
    expect(child.signals).toEqual(['SIGKILL']);
    child.exit(null, 'SIGKILL');
    const result = await done;
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(succeeded(result)).toBe(false);
    expect(howItEnded(result, 15_000)).toBe('timed out after 15000 ms');
  });

  it('keeps at most maxOutputChars of each stream and marks the result truncated', async () => {
    const spawner = fakeSpawner();
    const done = runOnce('/usr/bin/ffmpeg', ['-h', 'long'], {
      timeoutMs: 1000,
      maxOutputChars: 10,
      spawner,
      clock: new ManualClock(),
    });
    const child = spawner.last();
    child.stdout('0123456');
    child.stdout('789abcdef');
    child.stdout('more');
    child.stderr('short');
    child.exit(0);
    const result = await done;
    expect(result).toMatchObject({ stdout: '0123456789', stderr: 'short', truncated: true });
  });

  it('a binary that cannot be started: the error, with its code', async () => {
    const spawner = fakeSpawner();
    const done = runOnce('/nope/ffmpeg', ['-version'], { timeoutMs: 1000, spawner, clock: new ManualClock() });
    spawner.last().fail('ENOENT');
    const result = await done;
    expect(result.error?.code).toBe('ENOENT');
    expect(succeeded(result)).toBe(false);
    expect(howItEnded(result, 1000)).toBe('could not be started (ENOENT)');
    expect(howItEnded({ ...result, error: null, code: 1 }, 1000)).toBe('exited with code 1');
  });
});
