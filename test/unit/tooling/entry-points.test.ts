// core/baseline-code.ts sets V8's flags for functions compiled after it runs: each entry point must import it before
// anything else, or the modules imported ahead of it would keep their interpreted code.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

function firstImport(file: string): string | undefined {
  const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return /^import\s+(?:[^'"]*from\s+)?['"]([^'"]+)['"]/m.exec(source)?.[1];
}

describe('entry points', () => {
  it.each([
    ['main/cli.ts', './core/baseline-code.js'],
    ['main/electron/main.ts', '../core/baseline-code.js'],
  ])('%s imports baseline-code first', (file, spec) => {
    expect(firstImport(file)).toBe(spec);
  });
});
