// Proves the import boundaries of ARCHITECTURE.md are enforced by lint, not by convention.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/net.js';

const eslint = new ESLint({ cwd: REPO_ROOT });

async function messagesFor(filePath: string, code: string, rule = 'no-restricted-imports'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === rule).map((m) => m.message);
}

const floors = (filePath: string, code: string) => messagesFor(`${REPO_ROOT}/${filePath}`, code, 'local/floors');

describe('import boundaries', () => {
  it('refuses a renderer import of main', async () => {
    const messages = await messagesFor(
      `${REPO_ROOT}/renderer/src/bad.ts`,
      "import { Station } from '../../main/station/station.js';\nexport const s = Station;\n",
    );
    expect(messages.join('\n')).toMatch(/renderer must not import main/);
  });

  it('refuses electron outside main/electron', async () => {
    const messages = await messagesFor(
      `${REPO_ROOT}/main/station/bad.ts`,
      "import { app } from 'electron';\nexport const a = app;\n",
    );
    expect(messages.join('\n')).toMatch(/Only main\/electron may import electron/);
  });

  it('allows electron inside main/electron', async () => {
    expect(
      await messagesFor(`${REPO_ROOT}/main/electron/ok.ts`, "import { app } from 'electron';\nexport const a = app;\n"),
    ).toEqual([]);
  });

  it('refuses child_process in main outside main/process (main/electron included), and allows it there', async () => {
    for (const [file, code] of [
      ['main/recording/bad.ts', "import { spawn } from 'node:child_process';\nexport const s = spawn;\n"],
      ['main/transcode/bad.ts', "import { execFile } from 'child_process';\nexport const e = execFile;\n"],
      [
        'main/electron/bad.ts',
        "import type { ChildProcess } from 'node:child_process';\nexport type C = ChildProcess;\n",
      ],
    ] as const) {
      const messages = await messagesFor(`${REPO_ROOT}/${file}`, code);
      expect(messages.join('\n'), file).toMatch(/Only main\/process starts processes/);
    }
    expect(
      await messagesFor(
        `${REPO_ROOT}/main/process/ok.ts`,
        "import { spawn } from 'node:child_process';\nexport const s = spawn;\n",
      ),
    ).toEqual([]);
    // main/process is still kept from electron and React
    const electron = await messagesFor(
      `${REPO_ROOT}/main/process/bad.ts`,
      "import { app } from 'electron';\nexport const a = app;\n",
    );
    expect(electron.join('\n')).toMatch(/Only main\/electron may import electron/);
  });

  it('refuses shared importing main or node modules', async () => {
    const fromMain = await messagesFor(
      `${REPO_ROOT}/shared/bad.ts`,
      "import { Station } from '../main/station/station.js';\nexport const s = Station;\n",
    );
    expect(fromMain.join('\n')).toMatch(/shared must not import main/);
    const fromNode = await messagesFor(
      `${REPO_ROOT}/shared/bad.ts`,
      "import fs from 'node:fs';\nexport const f = fs;\n",
    );
    expect(fromNode.join('\n')).toMatch(/shared imports nothing app-specific/);
  });

  it('allows shared to import zod', async () => {
    expect(
      await messagesFor(`${REPO_ROOT}/shared/ok.ts`, "import { z } from 'zod';\nexport const s = z.string();\n"),
    ).toEqual([]);
  });

  it('refuses a main folder importing a floor above, and a feature importing another (ARCHITECTURE.md floors)', async () => {
    const up = await floors(
      'main/kaltura/bad.ts',
      "import { Station } from '../station/station.js';\nexport const s = Station;\n",
    );
    expect(up.join('\n')).toMatch(/main\/kaltura\/ \(floor 2\) must not import main\/station\/ \(floor 3\)/);
    const sideways = await floors(
      'main/transcode/bad.ts',
      "import { x } from '../recording/x.js';\nexport const y = x;\n",
    );
    expect(sideways.join('\n')).toMatch(
      /main\/transcode\/ must not import main\/recording\/: features \(floor 2\) do not import each other/,
    );
    const ground = await floors('main/core/bad.ts', "export { x } from '../log/logger.js';\n");
    expect(ground.join('\n')).toMatch(/main\/core\/ \(floor 0\)/);
  });

  it('allows a main folder to import lower floors and itself, and floor-1 folders each other', async () => {
    expect(
      await floors(
        'main/process/ok.ts',
        "import type { FeedSink } from '../media/flv-feed.js';\nexport type S = FeedSink;\n",
      ),
    ).toEqual([]);
    expect(
      await floors(
        'main/station/ok.ts',
        "import { c } from '../core/clock.js';\nimport { k } from '../kaltura/ks.js';\nimport { s } from './station.js';\nexport const all = [c, k, s];\n",
      ),
    ).toEqual([]);
  });

  it('names a main folder that has no floor', async () => {
    const messages = await floors('main/newthing/a.ts', "import { c } from '../core/clock.js';\nexport const x = c;\n");
    expect(messages.join('\n')).toMatch(/main\/newthing\/ has no floor/);
  });
});
