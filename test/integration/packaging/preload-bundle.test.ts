// The built preload must run where a sandboxed preload runs: CommonJS, with require() limited to
// 'electron'. Loads dist/preload/preload.cjs in a fresh VM context with exactly that and checks the
// exposed surface against the shared contract.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { events, requests } from '../../../shared/bridge/contract.js';
import { REPO_ROOT } from '../../helpers/net.js';
import { buildPreload } from './build-steps.js';

const bundle = path.join(REPO_ROOT, 'dist', 'preload', 'preload.cjs');

describe('preload bundle', () => {
  beforeAll(() => buildPreload(), 180_000);

  it('is self-contained CJS that exposes exactly the contract as window.klive', async () => {
    const code = fs.readFileSync(bundle, 'utf8');
    expect(code).not.toMatch(/^\s*import\s/m);
    const exposed: Array<[string, Record<string, Record<string, unknown>>]> = [];
    const invoked: Array<[string, unknown]> = [];
    const requested: string[] = [];
    const fakeElectron = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: Record<string, Record<string, unknown>>) => exposed.push([key, api]),
      },
      ipcRenderer: {
        invoke: async (channel: string, payload: unknown) => {
          invoked.push([channel, payload]);
          return { ok: true, payload: 'pong' };
        },
        on: () => undefined,
        removeListener: () => undefined,
      },
    };
    const sandboxRequire = (name: string): unknown => {
      requested.push(name);
      if (name === 'electron') return fakeElectron;
      throw new Error(`a sandboxed preload cannot require "${name}"`);
    };
    const module = { exports: {} };
    vm.runInNewContext(
      code,
      { require: sandboxRequire, module, exports: module.exports, console },
      { filename: 'preload.cjs', timeout: 10_000 },
    );
    expect([...new Set(requested)]).toEqual(['electron']);
    expect(exposed).toHaveLength(1);
    const [key, api] = exposed[0] as [string, Record<string, Record<string, unknown>>];
    expect(key).toBe('klive');
    expect(Object.keys(api).sort()).toEqual(['on', 'request']);
    expect(Object.keys(api.request as object).sort()).toEqual(Object.keys(requests).sort());
    expect(Object.keys(api.on as object).sort()).toEqual(Object.keys(events).sort());
    const first = Object.keys(requests)[0] as string;
    await expect((api.request?.[first] as (p: unknown) => Promise<unknown>)({})).resolves.toBe('pong');
    expect(invoked).toEqual([[`klive:request:${first}`, {}]]);
  });
});
