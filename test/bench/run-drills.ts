// Owns `npm run drills`: runs every fault drill (test/integration/drills) at the full windows the issues
// name, or at the CI lengths with `--quick`, then collects each drill's figures and outcome into one table,
// printed and written to bench-results/drills.json. Each drill's test timeout follows its window
// (drill-windows.ts), so a full-length run cannot time out where the quick one passes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DRILL_WINDOWS, type DrillFigure } from '../integration/drills/drill-windows.js';

interface Options {
  quick: boolean;
  only: string | null;
  out: string;
}

interface DrillRow extends DrillFigure {
  file: string;
  test: string;
  status: string;
  durationSeconds: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, only: null, out: path.join(process.cwd(), 'bench-results', 'drills.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') options.quick = true;
    else if (a === '--only') options.only = argv[++i] ?? null;
    else if (a === '--out') options.out = path.resolve(argv[++i] ?? options.out);
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: npm run drills [-- --quick] [--only NAME] [--out FILE]\n' +
          '  full windows: ' +
          Object.values(DRILL_WINDOWS)
            .map((w) => `${w.env}=${w.fullSeconds}`)
            .join(' ') +
          '\n' +
          '  --quick: the CI lengths (' +
          Object.values(DRILL_WINDOWS)
            .map((w) => `${w.quickSeconds} s`)
            .join(', ') +
          ')\n' +
          '  --only NAME: drills whose file name contains NAME (e.g. ks-lifetime)',
      );
      process.exit(0);
    } else {
      console.error(`unknown argument ${a}; see npm run drills -- --help`);
      process.exit(2);
    }
  }
  return options;
}

interface VitestJson {
  testResults?: Array<{
    name: string;
    assertionResults?: Array<{
      fullName?: string;
      title?: string;
      status: string;
      duration?: number;
      failureMessages?: string[];
    }>;
  }>;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'klive-drills-'));
  const figuresFile = path.join(work, 'figures.jsonl');
  const reportFile = path.join(work, 'vitest.json');
  const env: NodeJS.ProcessEnv = { ...process.env, KLIVE_DRILL_RESULTS: figuresFile };
  const windows: Record<string, number> = {};
  for (const w of Object.values(DRILL_WINDOWS)) {
    const seconds = options.quick ? w.quickSeconds : w.fullSeconds;
    env[w.env] = String(seconds);
    windows[w.env] = seconds;
  }
  const target = `test/integration/drills/${options.only ?? ''}`;
  console.log(
    `drills: ${options.quick ? 'quick (CI) lengths' : 'full windows'}: ${Object.entries(windows)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  const startedAt = new Date();
  const vitest = path.join(process.cwd(), 'node_modules', '.bin', 'vitest');
  const run = spawnSync(
    vitest,
    [
      'run',
      '--project',
      'integration',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reportFile}`,
      target,
    ],
    { env, stdio: 'inherit' },
  );
  const durationSeconds = (Date.now() - startedAt.getTime()) / 1000;

  const figures = fs.existsSync(figuresFile)
    ? fs
        .readFileSync(figuresFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as DrillFigure & { atMs: number })
    : [];
  const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as VitestJson) : {};
  const rows: DrillRow[] = [];
  for (const file of report.testResults ?? []) {
    const base = path.basename(file.name).replace(/\.test\.ts$/, '');
    for (const test of file.assertionResults ?? []) {
      const figure = figures.find((f) => f.drill === base);
      rows.push({
        file: base,
        test: test.fullName ?? test.title ?? '',
        status: test.status,
        durationSeconds: Math.round((test.duration ?? 0) / 100) / 10,
        drill: base,
        windowSeconds: figure?.windowSeconds ?? null,
        summary: figure?.summary ?? test.failureMessages?.[0]?.split('\n')[0] ?? '',
        figures: figure?.figures ?? {},
      });
    }
  }
  const result = {
    mode: options.quick ? 'quick' : 'full',
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round(durationSeconds),
    windows,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', node: process.version },
    exitCode: run.status,
    drills: rows,
  };
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
  fs.rmSync(work, { recursive: true, force: true });

  console.log(`\n| drill | window | result | time | figure |\n|---|---|---|---|---|`);
  for (const row of rows) {
    console.log(
      `| ${row.drill} | ${row.windowSeconds === null ? '-' : `${row.windowSeconds} s`} | ${row.status} | ${row.durationSeconds} s | ${row.summary} |`,
    );
  }
  console.log(`\nwritten to ${path.relative(process.cwd(), options.out)} (${Math.round(durationSeconds)} s)`);
  process.exit(run.status ?? 1);
}

main();
