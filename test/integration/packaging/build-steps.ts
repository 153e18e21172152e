// Runs the project's build steps for the packaging tests: tsc + vite (npm run build) and the preload
// bundle, each bounded in time, failing with the tool's own output.
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../../helpers/net.js';

export function run(cmd: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(cmd, args, {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  if (result.error || result.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output.slice(-4000)}`,
    );
  }
  return output;
}

/** The command the integrator adds as "build:preload" (see the report): the sandboxed preload as one CJS file. */
export const PRELOAD_BUILD_ARGS = ['vite', 'build', '--config', 'build/preload.vite.config.ts'];

export function buildPreload(): void {
  run('npx', PRELOAD_BUILD_ARGS, 120_000);
}

export function buildAll(): void {
  run('npm', ['run', 'build'], 240_000);
  buildPreload();
}
