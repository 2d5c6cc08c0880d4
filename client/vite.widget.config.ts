import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The widget, built apart from the page so that its files stand alone under /widget.js and /widget/:
 * `--mode loader` builds widget.js (one classic script, IIFE), the default mode the panel (an ES module
 * with its chunks, loaded by the loader on first open).
 */
export default defineConfig(({ mode }) =>
  mode === 'loader'
    ? {
        root: import.meta.dirname,
        publicDir: false,
        build: {
          outDir: 'dist',
          emptyOutDir: false,
          target: 'es2022',
          lib: {
            entry: resolve(import.meta.dirname, 'src/widget/loader.ts'),
            formats: ['iife'],
            name: 'EchoTuneWidget',
            fileName: () => 'widget.js',
          },
        },
      }
    : {
        root: import.meta.dirname,
        publicDir: false,
        build: {
          outDir: 'dist/widget',
          emptyOutDir: true,
          target: 'es2022',
          modulePreload: false,
          rollupOptions: {
            input: resolve(import.meta.dirname, 'src/widget/panel.ts'),
            preserveEntrySignatures: 'exports-only',
            output: { format: 'es', entryFileNames: 'panel.js', chunkFileNames: '[name]-[hash].js' },
          },
        },
      },
);
