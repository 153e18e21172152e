// Builds the renderer into dist/renderer; the headless station and the Electron window load the same files.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // hls.js is a lazy chunk of ~580 kB: loaded only when a preview opens
    chunkSizeWarningLimit: 700,
  },
});
