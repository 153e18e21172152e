// runOnce with real processes: all output is read before it resolves, and a timeout ends the whole process group
// (a child the process started included), not just the process.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runOnce } from '../../../main/process/run-once.js';
import { waitFor } from '../../helpers/net.js';

describe('runOnce (real processes)', () => {
  it('reads output to its end', async () => {
    const result = await runOnce('/bin/sh', ['-c', 'seq 1 20000; echo done >&2'], {
      timeoutMs: 20_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(20_000);
    expect(result.stderr).toBe('done\n');
  });

  it('kills the process group at the timeout', async () => {
    const result = await runOnce('/bin/sh', ['-c', 'trap "" INT TERM; sleep 600 & echo $!; wait'], {
      timeoutMs: 500,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(result.timedOut).toBe(true);
    const sleeper = Number(result.stdout.trim());
    expect(sleeper).toBeGreaterThan(1);
    await waitFor(() => !fs.existsSync(`/proc/${sleeper}`), {
      timeoutMs: 5000,
      what: 'the child of the timed-out process to be gone',
    });
  });
});
