// Builds the renderer into dist/renderer; the headless station and the Electron window load the same files.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ mode }) => ({
  root,
  base: './',
  plugins: [react()],
  // without this, `vite build` here shipped React's development build (620 kB, dev warnings) unless
  // NODE_ENV=production was exported: pin it to the build mode
  define: { 'process.env.NODE_ENV': JSON.stringify(mode === 'development' ? 'development' : 'production') },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // hls.js is a lazy chunk of ~580 kB: loaded only when a preview opens
    chunkSizeWarningLimit: 700,
  },
}));
