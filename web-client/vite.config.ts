// Vite builds the client into dist/ (served by a4pd --web-root) and runs the Vitest unit tests.
// Preact's JSX goes through Vite's own transformer (automatic runtime, import source preact);
// no React plugin is used.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // Nothing is inlined as a data: URI (a4pd's CSP allows fonts and images from 'self' only):
  // the Noto font subsets stay files that a4pd serves.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', assetsInlineLimit: 0 },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
