// Vite builds the client into dist/ (served by a4pd --web-root) and runs the Vitest unit tests.
// Preact's JSX goes through Vite's own transformer (automatic runtime, import source preact);
// no React plugin is used.
import { defineConfig, type Plugin } from 'vitest/config';
import { en } from './src/i18n/locales/en.ts';
import { fr } from './src/i18n/locales/fr.ts';
import { es } from './src/i18n/locales/es.ts';
import { ru } from './src/i18n/locales/ru.ts';
import { zh } from './src/i18n/locales/zh.ts';
import { ar } from './src/i18n/locales/ar.ts';

/** dist/public-meta.json: the words a4pd needs to give each /public page its <title>, meta
 * description and Open Graph tags in the URL's language (server/public_page.cpp), taken from
 * the same catalogues as the client's, so the two never disagree. Only messages whose
 * arguments are plain `{name}` are allowed here (a4pd fills them in without an ICU library). */
function public_meta(): Plugin {
  const wanted = (k: string) =>
    /^public\.(site_name|.*_title|.*_description|nav_orgs|nav_data|not_found_body)$/.test(k) ||
    k === 'common.not_found' ||
    k.startsWith('status.') ||
    /^theme\.[a-z-]+$/.test(k);
  return {
    name: 'a4p-public-meta',
    apply: 'build',
    generateBundle() {
      const out: Record<string, Record<string, string>> = {};
      for (const [l, msgs] of Object.entries({ en, fr, es, ru, zh, ar })) {
        out[l] = {};
        for (const [k, v] of Object.entries(msgs as Record<string, string>)) {
          if (!wanted(k)) continue;
          if (/\{\s*\w+\s*,/.test(v) || /'/.test(v)) throw new Error(`public-meta: ${l} ${k} is not a plain message: ${v}`);
          out[l][k] = v;
        }
      }
      this.emitFile({ type: 'asset', fileName: 'public-meta.json', source: JSON.stringify(out) });
    },
  };
}

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [public_meta()],
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
