// Owns one run of a supervised process: the spawned child in its own process group, its fd-3 feed, its pid record
// while it lives, its stderr lines, and the polite quit with its escalation to signals of the group. The supervisor
// (supervisor.ts) decides; a run does what it is told and reports back, tagged with its generation.
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { MediaFeed } from '../media/flv-feed.js';
import { LineRing } from './line-ring.js';
import type { PidRecords } from './pid-registry.js';
import type { StopPolicy, StopStep } from './restart-policy.js';
import type { ChildHandle, Spawner } from './spawner.js';

export interface RunReports {
  stdout(chunk: string): void;
  /** the spawn failed (ENOENT, EACCES); the exit follows */
  error(error: NodeJS.ErrnoException): void;
  exit(code: number | null, signal: string | null): void;
}

export interface RunSetup {
  name: string;
  bin: string;
  args: string[];
  generation: number;
  feed?: MediaFeed;
  spawner: Spawner;
  clock: Clock;
  logger: Logger;
  pids?: PidRecords;
  pidLabel: string;
  /** how many stderr lines the run keeps */
  stderrLines: number;
  reports: RunReports;
}

export class ProcessRun {
  readonly child: ChildHandle;
  private endFeedOfRun: (() => void) | null = null;
  private stopTimers: TimerHandle[] = [];
  private readonly stderr: LineRing;

  constructor(private readonly setup: RunSetup) {
    const { feed, reports, generation } = setup;
    const stderr = new LineRing(setup.stderrLines);
    this.stderr = stderr;
    const child = setup.spawner.spawn(setup.bin, setup.args, feed ? { feed: true } : {});
    this.child = child;
    const sink = child.feedSink;
    if (feed && sink) {
      const detach = feed.attach(sink);
      this.endFeedOfRun = () => {
        detach();
        if (!sink.destroyed) sink.end();
      };
    }
    // always read stdout: an unread pipe fills up and blocks the child
    child.onStdout((chunk) => reports.stdout(chunk));
    const tag = setup.name.toLowerCase();
    child.onStderr((chunk) => {
      for (const line of stderr.push(chunk)) setup.logger.debug(tag, { line, generation });
    });
    child.onError((error) => reports.error(error));
    child.onExit((code, signal) => {
      this.endFeed();
      for (const t of this.stopTimers) t.cancel();
      this.stopTimers = [];
      if (child.pid !== null) setup.pids?.remove(child.pid);
      reports.exit(code, signal);
    });
    if (child.pid !== null) setup.pids?.add(child.pid, setup.pidLabel);
  }

  get pid(): number | null {
    return this.child.pid;
  }

  /** the last complete lines of its stderr (a replaced run's late output stays here) */
  stderrTail(): string[] {
    return this.stderr.lines();
  }

  /** signals the run's whole process group */
  kill(signal: NodeJS.Signals): void {
    this.child.killGroup(signal);
  }

  /** The polite quit (the feed's end first: it finishes FFmpeg as cleanly as 'q'), then the escalation steps. */
  quit(quit: StopPolicy['quit'], steps: readonly StopStep[]): void {
    this.endFeed();
    const { clock, logger, name, generation } = this.setup;
    // armed first: the exit (which cancels them) may come before the quit returns
    for (const step of steps)
      this.stopTimers.push(
        clock.setTimer(() => {
          logger.warn(
            `${name} still runs ${step.afterMs} ms after it was asked to quit; sending ${step.signal} to its process group`,
            { generation },
          );
          this.kill(step.signal);
        }, step.afterMs),
      );
    if ('stdin' in quit) this.child.writeStdin(quit.stdin);
    else this.kill(quit.signal);
  }

  private endFeed(): void {
    this.endFeedOfRun?.();
    this.endFeedOfRun = null;
  }
}
