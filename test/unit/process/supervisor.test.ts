// The station's one process supervisor with a fake Spawner and a manual Clock: the polite quit and its escalation
// to SIGKILL of the process group, pid records, restart policies, the exited hook a recorder collects its output in,
// and a restart brought forward.
import { describe, expect, it } from 'vitest';
import { ProcessSupervisor, type ProcessSupervisorOptions, type RunExit } from '../../../main/process/supervisor.js';
import type { ProcessObserved } from '../../../main/process/transitions.js';
import { silentLogger } from '../../../main/log/logger.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { fakeSpawner } from '../../helpers/fake-spawner.js';
import type { RecordingSink } from '../../helpers/feed-sink.js';

function setup(overrides: Partial<ProcessSupervisorOptions> = {}) {
  const clock = new ManualClock();
  const spawner = fakeSpawner(4000);
  const observed: ProcessObserved[] = [];
  const pidLog: string[] = [];
  const supervisor = new ProcessSupervisor({
    name: 'FFmpeg',
    bin: '/usr/bin/ffmpeg',
    argsForRun: (run) => ['run', String(run)],
    spawner,
    clock,
    logger: silentLogger(),
    restart: { initialDelayMs: 1_000, maxDelayMs: 8_000, cleanExit: 'restart' },
    pids: { add: (pid, label) => pidLog.push(`add ${pid} ${label}`), remove: (pid) => pidLog.push(`remove ${pid}`) },
    pidLabel: 'recording 0_abc',
    ...overrides,
    events: { state: (s) => observed.push(s.observed), ...overrides.events },
  });
  return { clock, spawner, supervisor, observed, pidLog };
}

describe('ProcessSupervisor', () => {
  it('without a watchdog a run is running once spawned, and its pid is recorded while it runs', () => {
    const { supervisor, spawner, observed, pidLog } = setup();
    supervisor.start();
    expect(observed).toEqual(['starting', 'running']);
    expect(supervisor.getState()).toMatchObject({ wanted: 'run', observed: 'running', pid: 4000, generation: 1 });
    expect(pidLog).toEqual(['add 4000 recording 0_abc']);
    spawner.last().exit(1);
    expect(pidLog).toEqual(['add 4000 recording 0_abc', 'remove 4000']);
  });

  it('stop: q, then SIGKILL of the group after the grace; stopping until it is gone; no restart', async () => {
    const { supervisor, spawner, clock, observed } = setup();
    supervisor.start();
    const stopped = supervisor.stop();
    const child = spawner.last();
    expect(child.stdin).toEqual(['q']);
    expect(supervisor.getState().observed).toBe('stopping');
    clock.advance(4_999);
    expect(child.signals).toEqual([]);
    clock.advance(1);
    expect(child.signals).toEqual(['SIGKILL']);
    child.exit(null, 'SIGKILL');
    await stopped;
    expect(observed).toEqual(['starting', 'running', 'stopping', 'exited']);
    expect(supervisor.getState()).toMatchObject({ wanted: 'stop', observed: 'exited', pid: null });
    clock.advance(60_000);
    expect(spawner.children).toHaveLength(1);
  });

  it('a quit by signal and a longer escalation are data', async () => {
    const { supervisor, spawner, clock } = setup({
      stop: {
        quit: { signal: 'SIGTERM' },
        escalation: [
          { afterMs: 2_000, signal: 'SIGINT' },
          { afterMs: 3_000, signal: 'SIGKILL' },
        ],
      },
    });
    supervisor.start();
    const stopped = supervisor.stop();
    const child = spawner.last();
    expect(child.stdin).toEqual([]);
    expect(child.signals).toEqual(['SIGTERM']);
    clock.advance(3_000);
    expect(child.signals).toEqual(['SIGTERM', 'SIGINT', 'SIGKILL']);
    child.exit(null, 'SIGKILL');
    await stopped;
  });

  it('a process that quits in time gets no signal; the quit ends its feed first', async () => {
    const attached: RecordingSink[] = [];
    const feed = {
      attach: (sink: unknown) => {
        attached.push(sink as RecordingSink);
        return () => attached.splice(0);
      },
    };
    const { supervisor, spawner, clock } = setup({ feed });
    supervisor.start();
    const child = spawner.last();
    expect(child.options).toEqual({ feed: true });
    child.onWrite = () => {
      // the feed ended before 'q' was written
      expect(child.feedSink?.ended).toBe(true);
      child.exit(0);
    };
    await supervisor.stop();
    clock.advance(60_000);
    expect(child.signals).toEqual([]);
    expect(attached).toEqual([]);
  });

  it("cleanExit 'restart' restarts a run that ended with code 0; 'end' means the input ended", () => {
    const restarting = setup();
    restarting.supervisor.start();
    restarting.spawner.last().exit(0);
    expect(restarting.supervisor.getState()).toMatchObject({ wanted: 'run', observed: 'failed' });
    restarting.clock.advance(1_000);
    expect(restarting.spawner.children).toHaveLength(2);

    const ended: number[] = [];
    const ending = setup({ restart: { cleanExit: 'end' }, events: { inputEnded: (g) => ended.push(g) } });
    ending.supervisor.start();
    ending.spawner.last().exit(0);
    expect(ended).toEqual([1]);
    expect(ending.supervisor.getState()).toMatchObject({ wanted: 'stop', observed: 'exited' });
  });

  it('a binary that cannot be started says so and what to fix, and is retried with backoff', () => {
    const { supervisor, spawner, clock } = setup({ spawnFailureHint: 'check the FFmpeg path in Settings' });
    supervisor.start();
    spawner.last().fail('ENOENT');
    expect(supervisor.getState()).toMatchObject({
      observed: 'failed',
      lastError: 'FFmpeg could not be started (ENOENT): check the FFmpeg path in Settings',
    });
    clock.advance(1_000);
    expect(spawner.children).toHaveLength(2);
  });

  describe('the exited hook (a recorder collecting what the run wrote)', () => {
    it('is awaited before the restart and before stop resolves', async () => {
      let finishCollecting: () => void = () => undefined;
      const exits: RunExit[] = [];
      const { supervisor, spawner, clock } = setup({
        events: {
          exited: (exit) => {
            exits.push(exit);
            return new Promise<void>((resolve) => (finishCollecting = resolve));
          },
        },
      });
      supervisor.start();
      spawner.last().stderr('Connection reset\n');
      spawner.last().exit(1);
      expect(exits).toEqual([
        { generation: 1, runIndex: 0, code: 1, signal: null, spawnError: null, stderrTail: ['Connection reset'] },
      ]);
      clock.advance(60_000);
      // still collecting: no decision yet, no restart
      expect(supervisor.getState().observed).toBe('running');
      expect(spawner.children).toHaveLength(1);
      supervisor.start();
      expect(spawner.children).toHaveLength(1);
      finishCollecting();
      await Promise.resolve();
      await Promise.resolve();
      expect(supervisor.getState().observed).toBe('failed');
      clock.advance(1_000);
      expect(spawner.children).toHaveLength(2);

      let stopResolved = false;
      const stopped = supervisor.stop().then(() => (stopResolved = true));
      spawner.last().exit(0);
      await Promise.resolve();
      expect(stopResolved).toBe(false);
      finishCollecting();
      await stopped;
      expect(supervisor.getState()).toMatchObject({ wanted: 'stop', observed: 'exited' });
    });
  });

  it('restartNow: a pending restart happens at once and the backoff starts over', () => {
    const { supervisor, spawner, clock } = setup();
    supervisor.start();
    for (let i = 0; i < 3; i++) {
      spawner.last().exit(1);
      clock.advance(8_000);
    }
    spawner.last().exit(1);
    expect(supervisor.getState()).toMatchObject({ observed: 'failed', consecutiveFailures: 4 });
    supervisor.restartNow();
    expect(spawner.children).toHaveLength(5);
    expect(supervisor.getState()).toMatchObject({ observed: 'running', restarts: 4 });
    spawner.last().exit(1);
    clock.advance(999);
    expect(spawner.children).toHaveLength(5);
    clock.advance(1);
    expect(spawner.children).toHaveLength(6);
  });

  it("replace('finish') quits and kills the group after the first step's grace; the next run starts at once", () => {
    const { supervisor, spawner, clock } = setup();
    supervisor.start();
    const first = spawner.last();
    supervisor.replace('finish');
    expect(first.stdin).toEqual(['q']);
    clock.advance(5_000);
    expect(first.signals).toEqual(['SIGKILL']);
    first.exit(null, 'SIGKILL');
    expect(spawner.children.map((c) => c.args)).toEqual([
      ['run', '0'],
      ['run', '1'],
    ]);
    expect(supervisor.getState()).toMatchObject({ observed: 'running', restarts: 0, consecutiveFailures: 0 });
  });

  it('refuses a stop policy that could leave the process behind', () => {
    expect(() =>
      setup({ stop: { quit: { stdin: 'q' }, escalation: [{ afterMs: 1_000, signal: 'SIGTERM' }] } }),
    ).toThrow(/must end its escalation with SIGKILL/);
  });
});
