// Owns `npm run bench`: runs every bench on this machine (loopback only, bounded), prints a table and
// writes bench-results/latest.json. `--quick` runs fewer repetitions, shorter holds and capacity steps 20/30.
// playable and cpu run once per FFmpeg of --ffmpeg (default: Debian's on PATH, then the bundled 2018 build).
// Figures are printed, never asserted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchAuth, benchPlayable, type AuthResult, type PlayableResult } from './bench-latency.js';
import { benchCpuRatio, type CpuRatioResult } from './bench-cpu.js';
import { benchPacing, kib, type PacingResult } from './bench-pacing.js';
import { benchCapacity, type CapacityResult } from './bench-capacity.js';
import { benchLongGop, type LongGopResult } from './bench-longgop.js';
import { benchRenderer, type RendererResult } from './bench-renderer.js';
import { benchFfmpeg, makeSourceFile, tempDir, type BenchFfmpeg } from './harness.js';
import { fmt } from './stats.js';

interface Plan {
  mode: 'quick' | 'default';
  authRuns: number;
  playableRuns: number;
  longGopRuns: number;
  longGopHoldSeconds: number;
  cpuRuns: number;
  cpuWarmupSeconds: number;
  cpuWindows: number;
  cpuWindowSeconds: number;
  pacingMbps: number[];
  pacingWindowSeconds: number;
  capacitySteps: number[];
  holdSeconds: number;
  memorySteps: number[];
  rendererWindowSeconds: number;
}

const PLANS: Record<Plan['mode'], Plan> = {
  quick: {
    mode: 'quick',
    authRuns: 6,
    playableRuns: 2,
    longGopRuns: 1,
    longGopHoldSeconds: 20,
    cpuRuns: 1,
    cpuWarmupSeconds: 15,
    cpuWindows: 2,
    cpuWindowSeconds: 8,
    pacingMbps: [8],
    pacingWindowSeconds: 8,
    capacitySteps: [20, 30],
    holdSeconds: 8,
    memorySteps: [1, 5, 20],
    rendererWindowSeconds: 5,
  },
  default: {
    mode: 'default',
    authRuns: 10,
    playableRuns: 3,
    longGopRuns: 2,
    longGopHoldSeconds: 40,
    cpuRuns: 2,
    cpuWarmupSeconds: 20,
    cpuWindows: 3,
    cpuWindowSeconds: 12,
    pacingMbps: [3, 8, 16],
    pacingWindowSeconds: 12,
    capacitySteps: [25, 50, 60, 70],
    holdSeconds: 60,
    memorySteps: [1, 5, 20],
    rendererWindowSeconds: 10,
  },
};

interface Results {
  mode: Plan['mode'];
  /** the FFmpeg of every section (system: Debian's on PATH) */
  ffmpeg?: string;
  startedAt: string;
  durationSeconds: number;
  machine: { cpus: number; model: string; memGiB: number; node: string };
  auth?: AuthResult;
  playable?: PlayableResult;
  longGop?: LongGopResult;
  cpuRatio?: CpuRatioResult;
  pacing?: PacingResult;
  capacity?: CapacityResult;
  renderer?: RendererResult;
  /** playable and cpu again with another FFmpeg (--ffmpeg system,bundled): the bundled 2018 build beside Debian's */
  otherFfmpeg?: { label: string; playable?: PlayableResult; cpuRatio?: CpuRatioResult };
  errors: Record<string, string>;
}

function parseArgs(argv: string[]): { plan: Plan; only: Set<string> | null; out: string; ffmpegs: BenchFfmpeg[] } {
  let mode: Plan['mode'] = 'default';
  let only: Set<string> | null = null;
  let ffmpegs = 'system,bundled';
  let authRuns: number | null = null;
  let out = path.join(process.cwd(), 'bench-results', 'latest.json');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') mode = 'quick';
    else if (a === '--only') only = new Set((argv[++i] ?? '').split(','));
    else if (a === '--out') out = path.resolve(argv[++i] ?? out);
    else if (a === '--auth-runs') authRuns = positiveInt(a, argv[++i]);
    else if (a === '--ffmpeg') ffmpegs = argv[++i] ?? ffmpegs;
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: npm run bench [-- --quick] [--only auth,playable,longgop,cpu,pacing,capacity,renderer] [--auth-runs N] [--ffmpeg system,bundled] [--out FILE]',
      );
      console.log(
        '  --ffmpeg: playable and cpu run once per FFmpeg (default system,bundled); the other sections use the first',
      );
      process.exit(0);
    } else {
      console.error(
        `unknown bench option "${a}": use --quick, --only auth,playable,longgop,cpu,pacing,capacity,renderer, --auth-runs N, or --out FILE`,
      );
      process.exit(2);
    }
  }
  const plan = { ...PLANS[mode], authRuns: authRuns ?? PLANS[mode].authRuns };
  return { plan, only, out, ffmpegs: ffmpegs.split(',').filter(Boolean).map(benchFfmpeg) };
}

function positiveInt(option: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${option} needs a whole number of runs of 1 or more, got "${value ?? ''}"`);
    process.exit(2);
  }
  return n;
}

async function section<T>(
  name: string,
  enabled: boolean,
  results: Results,
  run: () => Promise<T>,
): Promise<T | undefined> {
  if (!enabled) return undefined;
  const t0 = Date.now();
  console.log(`\n[bench] ${name} ...`);
  try {
    const r = await run();
    console.log(`[bench] ${name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return r;
  } catch (e) {
    results.errors[name] = (e as Error).message;
    console.error(`[bench] ${name} failed: ${(e as Error).message}`);
    return undefined;
  }
}

function table(r: Results): string {
  const rows: Array<[string, string]> = [];
  const n = (x: number | undefined, d = 1): string => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));
  if (r.auth) {
    rows.push(['Auth decision, cold (ms, connect -> Publish.Start)', fmt(r.auth.coldMs)]);
    rows.push(['Auth decision, cached (ms, 2nd publish < 10 s)', fmt(r.auth.cachedMs)]);
    rows.push(['  of which publish command -> answer (ms)', fmt(r.auth.cachedPublishToAnswerMs, 2)]);
    const bySteps = (s: AuthResult['cachedStepsMs']): string =>
      [s.tcp, s.handshake, s.connect, s.createStream, s.publish].map((x) => x.median.toFixed(2)).join(' / ');
    rows.push(['  by step: tcp / handshake / connect / createStream / publish (ms)', bySteps(r.auth.cachedStepsMs)]);
    rows.push(['  floor: same client, a server answering at once (ms)', fmt(r.auth.floorMs)]);
    rows.push([
      "  the station's share: cached - floor, medians (ms)",
      n(r.auth.cachedMs.median - r.auth.floorMs.median, 2),
    ]);
    rows.push(['  floor by step (ms)', bySteps(r.auth.floorStepsMs)]);
    const enc = r.auth.encoder;
    if ('unavailable' in enc) rows.push(['Auth decision, blocking C client', `not measured: ${enc.unavailable}`]);
    else {
      rows.push(['Auth decision, cached, blocking C client as encoders wait (ms)', fmt(enc.cachedMs)]);
      rows.push(['  by step: tcp / handshake / connect / createStream / publish (ms)', bySteps(enc.cachedStepsMs)]);
      rows.push(['  floor: the C client, a server answering at once (ms)', fmt(enc.floorMs)]);
      rows.push([
        "  the station's share: cached - floor, medians (ms)",
        n(enc.cachedMs.median - enc.floorMs.median, 2),
      ]);
      rows.push(['  floor by step (ms)', bySteps(enc.floorStepsMs)]);
    }
  }
  if (r.longGop) {
    const g = r.longGop;
    rows.push([
      `Long GOP (${g.gopFrames} frames at ${g.fps} fps): publish -> master.m3u8 (s)`,
      fmt(g.masterSeconds, 2),
    ]);
    g.renditions.forEach((run, i) =>
      rows.push([
        `  run ${i + 1}: max segment per rendition (s)`,
        `${run.map((x) => `${x.name} ${x.maxSeconds.toFixed(2)}`).join(', ')}; aligned ${g.aligned[i] ? 'yes' : 'NO'}, playable ${g.playable[i] ? 'yes' : 'NO'}`,
      ]),
    );
  }
  const ffmpegRows = (label: string, playable?: PlayableResult, cpu?: CpuRatioResult): void => {
    if (playable) {
      rows.push([
        `${label}Publish -> master.m3u8, ${playable.renditions} renditions (s)`,
        fmt(playable.masterSeconds, 2),
      ]);
      rows.push([
        `${label}Publish -> first segment listed in every rendition (s)`,
        fmt(playable.allRenditionsSeconds, 2),
      ]);
    }
    if (!cpu) return;
    const c = cpu;
    rows.push([`${label}Station CPU-s per ${c.windowSeconds} s window (Node + FFmpeg)`, fmt(c.stationCpuSeconds, 2)]);
    rows.push(['  of which Node', `${fmt(c.nodeCpuSeconds, 3)}; ${fmt(c.nodeSwitchesPerSecond, 0)} wakeups/s`]);
    rows.push(['  of which FFmpeg', fmt(c.stationFfmpegCpuSeconds, 2)]);
    rows.push([`Same FFmpeg argv alone on the file, same windows`, fmt(c.ffmpegAloneCpuSeconds, 2)]);
    rows.push([`${label}CPU ratio station / FFmpeg alone`, fmt(c.ratio, 3)]);
    rows.push(['  FFmpeg on the feed / FFmpeg on the file', fmt(c.ffmpegRatio, 3)]);
    rows.push(['  publisher speed (1 = real time)', fmt(c.publisherSpeed, 2)]);
  };
  ffmpegRows(r.otherFfmpeg ? `[${r.ffmpeg ?? 'system'} FFmpeg] ` : '', r.playable, r.cpuRatio);
  if (r.otherFfmpeg) ffmpegRows(`[${r.otherFfmpeg.label} FFmpeg] `, r.otherFfmpeg.playable, r.otherFfmpeg.cpuRatio);
  if (r.pacing) {
    for (const p of r.pacing.steps) {
      rows.push([
        `Paced ingest at ${p.mbps} Mbps (${r.pacing.windowSeconds} s)`,
        `publisher ${p.publisherRealtime === null ? 'n/a' : p.publisherRealtime.toFixed(3)}x real time, backlog max ${kib(p.backlogMaxBytes)} (growth ${kib(p.backlogGrowthBytes)}); Node ${n(p.nodeCorePercent, 2)} % of a core, ${n(p.nodeSwitchesPerSecond, 0)} wakeups/s`,
      ]);
    }
  }
  if (r.capacity) {
    const c = r.capacity;
    rows.push(['Main-process RSS idle (MiB)', n(c.idleMainRssMiB)]);
    for (const m of c.memory) rows.push([`Main-process RSS, ${m.streams} live (MiB)`, n(m.mainRssMiB)]);
    for (const s of c.steps) {
      rows.push([
        `Passthrough ${s.streams} streams, ${s.holdSeconds} s hold`,
        `${s.ok ? 'held' : `fell behind: ${s.problem ?? ''}`}; ${n(s.stationCores, 2)} cores, Node ${n(s.mainCores, 2)} (${n((s.stationCores / s.streams) * 100, 2)} % of a core/stream), main RSS ${n(s.mainRssPerStreamMiB, 2)} MiB/stream, tree ${n(s.treeRssPerStreamMiB, 1)} MiB/stream, slowest publisher ${s.slowestPublisherSpeed ?? 'n/a'}x`,
      ]);
    }
    rows.push([
      'Passthrough capacity (largest step held)',
      `${c.capacity}${c.steps.every((s) => s.ok) ? ' (every step held; the limit is higher)' : ''}`,
    ]);
  }
  if (r.renderer) {
    rows.push([
      `Renderer event -> DOM (ms, ${r.renderer.rows} rows, ${r.renderer.eventToDomMs.n}/${r.renderer.events} events changed the DOM)`,
      fmt(r.renderer.eventToDomMs, 1),
    ]);
    rows.push(['Renderer frame time (ms, rAF deltas)', fmt(r.renderer.frameMs, 1)]);
    if (r.renderer.note) rows.push(['Renderer note', r.renderer.note]);
  }
  for (const [k, v] of Object.entries(r.errors)) rows.push([`${k} FAILED`, v]);
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

async function main(): Promise<void> {
  const { plan, only, out, ffmpegs } = parseArgs(process.argv.slice(2));
  const [first, second] = ffmpegs;
  if (!first) throw new Error('--ffmpeg names no FFmpeg: use system, bundled or system,bundled');
  const on = (name: string): boolean => only === null || only.has(name);
  const t0 = Date.now();
  const results: Results = {
    mode: plan.mode,
    ffmpeg: first.label,
    startedAt: new Date(t0).toISOString(),
    durationSeconds: 0,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      memGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
      node: process.version,
    },
    errors: {},
  };
  const work = tempDir('klive-bench-src-');
  const source360 = path.join(work, 'src-360p-1mbps.flv');
  makeSourceFile(source360, { width: 640, height: 360, fps: 30, kbps: 1000, seconds: 20 });
  try {
    results.auth = await section('auth', on('auth'), results, () => benchAuth(plan.authRuns));
    results.playable = await section('playable', on('playable'), results, () =>
      benchPlayable(plan.playableRuns, first.env),
    );
    results.longGop = await section('longgop', on('longgop'), results, () =>
      benchLongGop(plan.longGopRuns, plan.longGopHoldSeconds, (l) => console.log(l)),
    );
    // the issue's target is stated for a 720p30 input into the default ladder
    const source720 = path.join(work, 'src-720p30-3mbps.flv');
    if (on('cpu')) makeSourceFile(source720, { width: 1280, height: 720, fps: 30, kbps: 3000, seconds: 30 });
    const cpu = (ff: BenchFfmpeg) =>
      benchCpuRatio(
        plan.cpuRuns,
        plan.cpuWarmupSeconds,
        plan.cpuWindows,
        plan.cpuWindowSeconds,
        source720,
        (l) => console.log(`${l} [${ff.label} FFmpeg]`),
        ff.env,
      );
    results.cpuRatio = await section('cpu', on('cpu'), results, () => cpu(first));
    if (second && (on('playable') || on('cpu'))) {
      results.otherFfmpeg = {
        label: second.label,
        playable: await section(`playable (${second.label} FFmpeg)`, on('playable'), results, () =>
          benchPlayable(plan.playableRuns, second.env),
        ),
        cpuRatio: await section(`cpu (${second.label} FFmpeg)`, on('cpu'), results, () => cpu(second)),
      };
    }
    results.pacing = await section('pacing', on('pacing'), results, () =>
      benchPacing(plan.pacingMbps, plan.pacingWindowSeconds, work, (l) => console.log(l)),
    );
    const wantRenderer = on('renderer');
    if (on('capacity') || wantRenderer) {
      results.capacity = await section('capacity', true, results, () =>
        benchCapacity(
          on('capacity') ? plan.capacitySteps : [],
          plan.holdSeconds,
          plan.memorySteps,
          source360,
          (l) => console.log(l),
          async (n, httpUrl) => {
            if (n !== 20 || !wantRenderer) return;
            results.renderer = await section('renderer', true, results, () =>
              benchRenderer(httpUrl, plan.rendererWindowSeconds, 20),
            );
          },
        ),
      );
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  results.durationSeconds = Math.round((Date.now() - t0) / 1000);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(
    `\nkLive Station bench (${plan.mode}, ${results.machine.cpus} x ${results.machine.model}, ${results.durationSeconds} s): median ±half-range (n runs)\n`,
  );
  console.log(table(results));
  console.log(`\nwrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
