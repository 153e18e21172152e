// Bundles the sandboxed preload (main/electron/preload.ts + the shared contract + zod) into one
// CommonJS file, dist/preload/preload.cjs: a sandboxed preload can only require('electron') and a few
// built-ins, never ESM or node_modules. Run: vite build --config build/preload.vite.config.ts
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  configFile: false,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/preload', import.meta.url)),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL('../main/electron/preload.ts', import.meta.url)),
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rollupOptions: {
      external: ['electron'],
    },
  },
});
