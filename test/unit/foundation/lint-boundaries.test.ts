// Proves the import boundaries of ARCHITECTURE.md are enforced by lint, not by convention.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/net.js';

const eslint = new ESLint({ cwd: REPO_ROOT });

async function messagesFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

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
});
