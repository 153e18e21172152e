// FFmpeg supervision with a fake spawner and a manual clock: backoff, watchdog, stop escalation, generations.
import { describe, expect, it } from 'vitest';
import { FfmpegSupervisor, type SupervisorOptions, type SupervisorState } from '../../../main/transcode/supervisor.js';
import type { MediaFeed } from '../../../main/media/flv-feed.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { silentLogger } from '../../../main/log/logger.js';
import type { ProgressSample } from '../../../main/transcode/progress.js';
import type { RecordingSink } from '../../helpers/feed-sink.js';
import type { FakeChild } from '../../helpers/fake-spawner.js';
import { fakeSpawner } from '../../helpers/fake-spawner.js';

function setup(overrides: Partial<SupervisorOptions> = {}) {
  const clock = new ManualClock();
  const spawner = fakeSpawner(1000);
  const children = spawner.children;
  const states: SupervisorState[] = [];
  const samples: Array<{ sample: ProgressSample; generation: number }> = [];
  const ended: number[] = [];
  const gaveUp: string[] = [];
  const supervisor = new FfmpegSupervisor({
    bin: '/usr/bin/ffmpeg',
    argsForRun: (run) => (run === 0 ? ['first'] : ['restart', String(run)]),
    spawner,
    clock,
    logger: silentLogger(),
    events: {
      state: (s) => states.push(s),
      progress: (sample, generation) => samples.push({ sample, generation }),
      inputEnded: (g) => ended.push(g),
      gaveUp: (reason) => gaveUp.push(reason),
    },
    watchdogMs: 10_000,
    startupTimeoutMs: 20_000,
    backoffInitialMs: 1_000,
    backoffMaxMs: 8_000,
    stableRunMs: 30_000,
    stopTimeoutMs: 5_000,
    ...overrides,
  });
  const last = (): FakeChild => spawner.last();
  return { clock, children, supervisor, states, samples, ended, gaveUp, last };
}

/** a feed that records which sinks are attached and writes each new one its name */
function recordingFeed() {
  const attached: RecordingSink[] = [];
  let attaches = 0;
  const feed: MediaFeed = {
    attach(sink) {
      const s = sink as RecordingSink;
      attached.push(s);
      s.write(Buffer.from(`start ${++attaches}`));
      return () => attached.splice(attached.indexOf(s), 1);
    },
  };
  return { feed, attached };
}

describe('FfmpegSupervisor', () => {
  it('goes starting -> running on the first progress block and passes samples with the generation', () => {
    const { supervisor, last, samples } = setup();
    supervisor.start();
    expect(supervisor.getState()).toMatchObject({ wanted: 'run', observed: 'starting', generation: 1, pid: 1000 });
    last().progress(10);
    expect(supervisor.getState().observed).toBe('running');
    expect(samples).toEqual([{ sample: expect.objectContaining({ frame: 10 }), generation: 1 }]);
  });

  it('restarts a failed FFmpeg with capped exponential backoff, continuing the playlists, and resets after a stable run', () => {
    const { supervisor, children, clock, last } = setup();
    supervisor.start();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      last().exit(1);
      expect(supervisor.getState().observed).toBe('failed');
      const before = children.length;
      let waited = 0;
      while (children.length === before) {
        clock.advance(250);
        waited += 250;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(children.map((c) => c.args[0])).toEqual(['first', 'restart', 'restart', 'restart', 'restart', 'restart']);
    expect(supervisor.getState().restarts).toBe(5);
    // a stable run (progress for >= 30 s) resets the backoff
    for (let t = 0; t <= 31; t++) {
      last().progress(t * 15);
      clock.advance(1_000);
    }
    last().exit(1);
    const before = children.length;
    clock.advance(999);
    expect(children.length).toBe(before);
    clock.advance(1);
    expect(children.length).toBe(before + 1);
  });

  it('watchdog: no progress for 10 s -> stalled, SIGKILL of the group, then a restart', () => {
    const { supervisor, clock, children, last } = setup();
    supervisor.start();
    last().progress(1);
    clock.advance(9_999);
    expect(last().signals).toEqual([]);
    clock.advance(1);
    expect(supervisor.getState().observed).toBe('stalled');
    expect(last().signals).toEqual(['SIGKILL']);
    expect(supervisor.getState().lastError).toMatch(/stopped making progress for 10 s/);
    last().exit(null, 'SIGKILL');
    clock.advance(1_000);
    expect(children).toHaveLength(2);
    expect(supervisor.getState().observed).toBe('starting');
  });

  it('startup timeout: no first progress within 20 s counts as a stall', () => {
    const { supervisor, clock, last } = setup();
    supervisor.start();
    clock.advance(19_999);
    expect(last().signals).toEqual([]);
    clock.advance(1);
    expect(last().signals).toEqual(['SIGKILL']);
    expect(supervisor.getState().lastError).toMatch(/no progress within 20 s of starting/);
  });

  it('stop: q first, SIGINT after 5 s, SIGKILL after 10 s; resolves on exit; no restart', async () => {
    const { supervisor, clock, children, last } = setup();
    supervisor.start();
    last().progress(1);
    const stopped = supervisor.stop();
    expect(last().stdin).toEqual(['q']);
    clock.advance(5_000);
    expect(last().signals).toEqual(['SIGINT']);
    clock.advance(5_000);
    expect(last().signals).toEqual(['SIGINT', 'SIGKILL']);
    last().exit(null, 'SIGKILL');
    await stopped;
    expect(supervisor.getState()).toMatchObject({ wanted: 'stop', observed: 'exited', pid: null });
    clock.advance(60_000);
    expect(children).toHaveLength(1);
  });

  it('stop that FFmpeg honours with q sends no signal', async () => {
    const { supervisor, clock, last } = setup();
    supervisor.start();
    const stopped = supervisor.stop();
    last().exit(0);
    await stopped;
    clock.advance(20_000);
    expect(last().signals).toEqual([]);
  });

  it('stop during a pending restart cancels it', () => {
    const { supervisor, clock, children, last } = setup();
    supervisor.start();
    last().exit(1);
    void supervisor.stop();
    clock.advance(60_000);
    expect(children).toHaveLength(1);
    expect(supervisor.getState().observed).toBe('exited');
  });

  it('a clean exit while running means the input ended: no restart, inputEnded fired', () => {
    const { supervisor, clock, children, ended, last } = setup();
    supervisor.start();
    last().progress(1);
    last().exit(0);
    clock.advance(60_000);
    expect(children).toHaveLength(1);
    expect(ended).toEqual([1]);
    expect(supervisor.getState()).toMatchObject({ wanted: 'stop', observed: 'exited' });
  });

  it('ignores output and exits of a replaced generation', () => {
    const { supervisor, clock, children, samples } = setup();
    supervisor.start();
    const old = children[0] as FakeChild;
    old.exit(1);
    clock.advance(1_000);
    expect(supervisor.getState().generation).toBe(2);
    old.progress(99);
    old.stderr('late noise\n');
    old.exit(1);
    expect(samples).toEqual([]);
    expect(supervisor.getState()).toMatchObject({ observed: 'starting', generation: 2, stderrTail: [] });
  });

  it('keeps the stderr tail bounded and puts its end into the error', () => {
    const { supervisor, last } = setup({ stderrLines: 3 });
    supervisor.start();
    last().stderr('one\ntwo\nthree\nfour\n[rtmp] Connection refu');
    last().stderr('sed\n');
    expect(supervisor.getState().stderrTail).toEqual(['three', 'four', '[rtmp] Connection refused']);
    last().exit(1);
    expect(supervisor.getState().lastError).toMatch(
      /^FFmpeg exited with code 1 after 0 s: three \| four \| \[rtmp\] Connection refused$/,
    );
  });

  it('gives up after maxConsecutiveFailures', () => {
    const { supervisor, clock, children, gaveUp, last } = setup({ maxConsecutiveFailures: 2 });
    supervisor.start();
    last().exit(1);
    clock.advance(1_000);
    last().exit(1);
    clock.advance(60_000);
    expect(children).toHaveLength(2);
    expect(gaveUp).toHaveLength(1);
    expect(supervisor.getState()).toMatchObject({ wanted: 'stop', observed: 'failed' });
  });

  it('without a feed FFmpeg opens its own input: no fd 3 is asked for', () => {
    const { supervisor, last } = setup();
    supervisor.start();
    expect(last().options).toEqual({});
    expect(last().feedSink).toBeNull();
  });

  describe('with a feed', () => {
    it('attaches every run to its own fd 3 and detaches it when that run exits', () => {
      const { feed, attached } = recordingFeed();
      const { supervisor, clock, children, last } = setup({ feed });
      supervisor.start();
      const first = last();
      expect(first.options).toEqual({ feed: true });
      expect(attached).toEqual([first.feedSink]);
      expect(first.feedSink?.writes.map(String)).toEqual(['start 1']);
      first.exit(1);
      expect(attached).toEqual([]);
      clock.advance(1_000);
      expect(children).toHaveLength(2);
      // the restarted FFmpeg gets its own pipe, fed from the start (the feed's header and GOP)
      expect(attached).toEqual([last().feedSink]);
      expect(last().feedSink?.writes.map(String)).toEqual(['start 2']);
    });

    it('stop ends the input (the end of a feed finishes FFmpeg like q) and sends q', async () => {
      const { feed, attached } = recordingFeed();
      const { supervisor, last } = setup({ feed });
      supervisor.start();
      last().progress(1);
      const stopped = supervisor.stop();
      expect(attached).toEqual([]);
      expect(last().feedSink?.ended).toBe(true);
      expect(last().stdin).toEqual(['q']);
      last().exit(0);
      await stopped;
      expect(supervisor.getState()).toMatchObject({ wanted: 'stop', observed: 'exited' });
    });

    it('a run that ends because the feed ended (publisher left) is the input ending, not a failure', () => {
      const { feed } = recordingFeed();
      const { supervisor, clock, children, ended, last } = setup({ feed });
      supervisor.start();
      last().progress(1);
      last().feedSink?.end();
      last().exit(0);
      clock.advance(60_000);
      expect(children).toHaveLength(1);
      expect(ended).toEqual([1]);
    });
  });

  describe('replace (a new plan, issue 21)', () => {
    it('discard kills the run and starts the next at once: no backoff, no restart counted, no failure', () => {
      const { supervisor, children, last } = setup();
      supervisor.start();
      last().progress(1);
      supervisor.replace('discard');
      expect(last().signals).toEqual(['SIGKILL']);
      last().exit(null, 'SIGKILL');
      expect(children.map((c) => c.args[0])).toEqual(['first', 'restart']);
      expect(supervisor.getState()).toMatchObject({
        observed: 'starting',
        restarts: 0,
        consecutiveFailures: 0,
        lastError: null,
      });
    });

    it('finish quits with q and ends the input; its clean exit is not the input ending', () => {
      const { feed } = recordingFeed();
      const { supervisor, children, ended, last } = setup({ feed });
      supervisor.start();
      last().progress(1);
      supervisor.replace('finish');
      expect(last().stdin).toEqual(['q']);
      expect(last().feedSink?.ended).toBe(true);
      last().exit(0);
      expect(ended).toEqual([]);
      expect(children).toHaveLength(2);
      expect(supervisor.getState()).toMatchObject({ wanted: 'run', restarts: 0 });
    });

    it('a stop during a replacement stops: nothing new is spawned', async () => {
      const { supervisor, children, last } = setup();
      supervisor.start();
      supervisor.replace('discard');
      const stopped = supervisor.stop();
      last().exit(null, 'SIGKILL');
      await stopped;
      expect(children).toHaveLength(1);
      expect(supervisor.getState()).toMatchObject({ wanted: 'stop', observed: 'exited' });
    });
  });
});
