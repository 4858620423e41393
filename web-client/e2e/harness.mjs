// End-to-end harness: starts the real a4pd (fresh data dir, demo data, ephemeral port),
// launches Debian's Chromium through playwright-core (no browser download), and offers
// sign-in, axe-core scanning and screenshots. Used by the *.e2e.test.mjs files (node:test).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const client_root = resolve(here, '..');
const require = createRequire(import.meta.url);

export const demo_password = process.env.A4P_DEMO_PASSWORD ?? 'e2e-demo-password';
export const a4pd_bin = resolve(client_root, process.env.A4PD_BIN ?? '../build/release/server/a4pd');
export const web_root = resolve(client_root, 'dist');
export const screenshot_dir = resolve(client_root, process.env.A4P_SCREENSHOTS ?? '../artifacts/screenshots');
export const chromium_path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starts a4pd and resolves once it printed "listening on http://HOST:PORT". */
export function start_server({ data_dir, listen = '127.0.0.1:0', demo = true, timeout_ms = 30_000, extra_args = [], root = web_root }) {
  const args = ['--data', data_dir, '--listen', listen, '--web-root', root, ...extra_args];
  if (demo) args.push('--demo', '--demo-password', demo_password);
  const proc = spawn(a4pd_bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => {
    err += d;
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  return new Promise((resolve_, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`a4pd did not report listening within ${timeout_ms} ms\nstdout:\n${out}\nstderr:\n${err}`));
    }, timeout_ms);
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    const on_early_exit = (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`a4pd exited early (${code ?? sig})\nstdout:\n${out}\nstderr:\n${err}`));
    };
    proc.on('exit', on_early_exit);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (https?):\/\/([^\s:]+):(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.removeListener('exit', on_early_exit);
        const port = Number(m[3]);
        resolve_({
          proc,
          port,
          url: `${m[1]}://${m[2]}:${port}`,
          stderr: () => err,
          /** SIGKILL, as a crash would: nothing gets a chance to flush. */
          kill: () =>
            new Promise((r) => {
              if (proc.exitCode !== null || proc.signalCode !== null) return r();
              proc.once('exit', () => r());
              proc.kill('SIGKILL');
            }),
          stop: () =>
            new Promise((r) => {
              if (proc.exitCode !== null || proc.signalCode !== null) return r();
              const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
              proc.once('exit', () => {
                clearTimeout(t);
                r();
              });
              proc.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

export function fresh_data_dir() {
  return mkdtempSync(join(tmpdir(), 'a4p-e2e-'));
}

export function remove_dir(d) {
  try {
    rmSync(d, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
}

export function preflight() {
  const problems = [];
  if (!existsSync(a4pd_bin)) problems.push(`a4pd not found at ${a4pd_bin} (set A4PD_BIN)`);
  if (!existsSync(join(web_root, 'index.html'))) problems.push(`no built client at ${web_root} (run npm run build)`);
  if (!existsSync(chromium_path)) problems.push(`no Chromium at ${chromium_path}`);
  return problems;
}

export function launch_browser() {
  return chromium.launch({
    executablePath: chromium_path,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A new browser context signed in as `user`, on `hash` once the workspace is live.
 * `context_options` adds to Playwright's context options (e.g. ignoreHTTPSErrors behind a
 * proxy with a self-signed certificate); `prepare(page)` runs before the page first loads.
 */
export async function open_as(browser, base_url, user, hash = '#/', context_options = {}, prepare = null) {
  const context = await browser.newContext({
    baseURL: base_url,
    viewport: { width: 1280, height: 900 },
    ...context_options,
  });
  const page = await context.newPage();
  if (prepare) await prepare(page); // before the first load (e.g. to record or route WebSocket frames)
  page.on('pageerror', (e) => console.error(`[${user}] page error: ${e.message}`));
  await page.goto('/#/');
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(demo_password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await wait_live(page);
  if (hash !== '#/') await go(page, hash);
  return { context, page };
}

/** A session token for `user` (demo password), for `Authorization: Bearer` REST calls. */
export async function api_token(base_url, user) {
  const r = await fetch(`${base_url}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password: demo_password }),
  });
  assert.equal(r.status, 200, `sign-in of ${user}`);
  return (await r.json()).token;
}

/** The hash of the first open discussion in `theme`, read from the theme page. */
export async function first_open_discussion(page, theme) {
  await go(page, `#/theme/${theme}`);
  const links = page.locator('section[aria-labelledby="disc-h"] li');
  await links.first().waitFor();
  const n = await links.count();
  for (let i = 0; i < n; i++) {
    const li = links.nth(i);
    if ((await li.textContent())?.includes('(open,')) return li.locator('a').getAttribute('href');
  }
  throw new Error(`no open discussion in theme ${theme}`);
}

/** Posts `body` with the open discussion's comment form. */
export async function post_comment(page, body) {
  await page.getByLabel('Your comment').fill(body);
  await page.getByRole('button', { name: 'Post comment' }).click();
}

/** The last comment whose text contains `text`. */
export function comment_with(page, text) {
  return page.locator('li.comment', { hasText: text }).last();
}

export async function wait_live(page, timeout = 20_000) {
  await page.locator('#connection-status[data-status="live"]').waitFor({ timeout });
}

export async function go(page, hash) {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.locator('#page-title').waitFor();
}

let axe_text = null;
function axe_source() {
  axe_text ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axe_text;
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function axe_serious(page) {
  // Evaluated over the DevTools protocol, not added as an inline <script>: a4pd's CSP
  // (script-src 'self', nothing inline) stays on for the page under test.
  await page.evaluate(axe_source());
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page, name) {
  mkdirSync(screenshot_dir, { recursive: true });
  const path = join(screenshot_dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Polls `fn` (sync or async) until it returns truthy or the time runs out. */
export async function eventually(fn, { timeout = 15_000, interval = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Fails with the serious and critical axe-core violations of the page, if any. */
export async function assert_no_serious_axe(page, view) {
  const v = await axe_serious(page);
  assert.deepEqual(v, [], `axe found serious/critical violations in ${view}:\n${JSON.stringify(v, null, 2)}`);
}

/** A suite's start: preflight, a fresh data directory, a4pd with the demo, Chromium. */
export async function start_suite() {
  const problems = preflight();
  if (problems.length) throw new Error(`e2e preflight failed:\n- ${problems.join('\n- ')}`);
  const data_dir = fresh_data_dir();
  const server = await start_server({ data_dir });
  const browser = await launch_browser();
  return { data_dir, server, browser };
}

/** A suite's end: its browser contexts, the browser, a4pd, the data directory. */
export async function stop_suite({ contexts, browser, server, data_dir }) {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close().catch(() => {});
  await server?.stop().catch(() => {});
  if (data_dir) remove_dir(data_dir);
}

/** Moves the audit timeline's scrubber to `seq` and releases it (input, then change). */
export function release_scrubber(page, seq) {
  return page.evaluate((v) => {
    const r = document.getElementById('scrubber');
    r.value = String(v);
    r.dispatchEvent(new Event('input', { bubbles: true }));
    r.dispatchEvent(new Event('change', { bubbles: true }));
  }, seq);
}
