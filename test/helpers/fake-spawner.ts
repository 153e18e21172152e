// A Spawner (main/process/spawner.ts) whose children are driven by the test: what they were given (argv, stdin,
// signals to their group, fd 3), and their output and exit when the test says so.
import type { ChildHandle, SpawnOptions, Spawner } from '../../main/process/spawner.js';
import { RecordingSink } from './feed-sink.js';

export class FakeChild implements ChildHandle {
  stdin: string[] = [];
  signals: string[] = [];
  readonly feedSink: RecordingSink | null;
  /** what writing to stdin does, e.g. exit(0) on 'q' like FFmpeg */
  onWrite: ((text: string) => void) | null = null;
  exited = false;
  private out: Array<(c: string) => void> = [];
  private err: Array<(c: string) => void> = [];
  private errors: Array<(e: Error) => void> = [];
  private exits: Array<(code: number | null, signal: string | null) => void> = [];
  constructor(
    readonly pid: number | null,
    readonly args: string[],
    readonly options: SpawnOptions = {},
  ) {
    this.feedSink = options.feed ? new RecordingSink() : null;
  }
  writeStdin(text: string): void {
    this.stdin.push(text);
    this.onWrite?.(text);
  }
  onStdout(fn: (c: string) => void): void {
    this.out.push(fn);
  }
  onStderr(fn: (c: string) => void): void {
    this.err.push(fn);
  }
  onExit(fn: (code: number | null, signal: string | null) => void): void {
    this.exits.push(fn);
  }
  onError(fn: (e: Error) => void): void {
    this.errors.push(fn);
  }
  killGroup(signal: NodeJS.Signals): void {
    this.signals.push(signal);
  }
  progress(frame: number): void {
    for (const fn of this.out) fn(`frame=${frame}\nfps=15\nspeed=1.0x\nprogress=continue\n`);
  }
  stdout(text: string): void {
    for (const fn of this.out) fn(text);
  }
  stderr(text: string): void {
    for (const fn of this.err) fn(text);
  }
  /** a spawn that failed (ENOENT): the error, then an exit without code or signal */
  fail(code: string): void {
    const error = Object.assign(new Error(`spawn ${code}`), { code });
    for (const fn of this.errors) fn(error);
    this.exit(null);
  }
  exit(code: number | null, signal: string | null = null): void {
    this.exited = true;
    for (const fn of this.exits) fn(code, signal);
  }
}

export interface FakeSpawnerOptions {
  /** pids count up from firstPid by this much; 0: every run has the same pid */
  pidStep?: number;
  /** sets up each new child, e.g. how it answers stdin */
  onSpawn?(child: FakeChild): void;
}

/** every child it spawned, in order */
export function fakeSpawner(
  firstPid = 1000,
  options: FakeSpawnerOptions = {},
): Spawner & { children: FakeChild[]; last(): FakeChild } {
  const children: FakeChild[] = [];
  return {
    children,
    spawn(_bin, args, spawnOptions) {
      const child = new FakeChild(firstPid + children.length * (options.pidStep ?? 1), args, spawnOptions);
      children.push(child);
      options.onSpawn?.(child);
      return child;
    },
    last() {
      const c = children[children.length - 1];
      if (!c) throw new Error('nothing was spawned');
      return c;
    },
  };
}
