// By hand, not under ctest: the timeline's release-to-render on a larger log. Starts
// `a4pd --demo` (rate limits lifted), has `a4p_load` write comments for DURATION seconds, then
// releases the auditor's scrubber at five points on the overview and on a pledge and prints
// the page's own timing lines (state read, render, paint).
//   cmake --build --preset release --target a4pd a4p_load
//   node e2e/scale_timeline.mjs [DURATION=10]
// A4PD_BIN and A4P_LOAD_BIN name the binaries (defaults: ../build/release/...).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { demo_password, fresh_data_dir, go, launch_browser, open_as, release_scrubber, remove_dir, start_server } from './harness.mjs';

const load_bin = resolve(process.env.A4P_LOAD_BIN ?? '../build/release/tests/load/a4p_load');
const duration = process.argv[2] ?? '10';
const data_dir = fresh_data_dir();
const server = await start_server({ data_dir, extra_args: ['--rate', '1000000', '--burst', '1000000'] });
const browser = await launch_browser();
try {
  const args = ['--port', String(server.port), '--password', demo_password, '--clients', '3', '--writers', '3'];
  const load = spawnSync(load_bin, [...args, '--rate', '0', '--duration', duration, '--no-baseline'], { encoding: 'utf8' });
  console.log(load.stdout.split('\n').filter((l) => /^a4pd:|verdict/.test(l)).join('\n'));
  const { page } = await open_as(browser, server.url, 'un.auditor');
  const lines = [];
  page.on('console', (m) => /a4p-audit/.test(m.text()) && lines.push(m.text()));
  const head = await page.evaluate(async () => Number((await fetch('/api/events?after=0&limit=1')).headers.get('X-A4P-Head')));
  const bytes = await page.evaluate(async (h) => (await (await fetch(`/api/state?at=${h}`)).text()).length, head);
  console.log(`head ${head}, /api/state at the head: ${(bytes / 1e6).toFixed(1)} MB`);
  for (const hash of [`#/audit/at/${head}`, `#/audit/at/${head}/pledge/P1`]) {
    await go(page, hash);
    await page.locator(`.past[data-seq="${head}"]`).waitFor({ timeout: 120_000 });
    for (const f of [0.2, 0.4, 0.6, 0.8, 0.95]) {
      const seq = Math.round(head * f);
      await release_scrubber(page, seq);
      await page.locator(`.past[data-seq="${seq}"][aria-busy="false"]`).waitFor({ timeout: 120_000 });
      await page.waitForTimeout(400);
    }
  }
  console.log(lines.join('\n'));
} finally {
  await browser.close();
  await server.stop();
  remove_dir(data_dir);
}
