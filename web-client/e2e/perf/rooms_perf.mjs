// Issue 18's browser figures, run by hand (not a test): a4pd on a large workspace, Debian's
// Chromium, the same server and run for the whole-state client ("before": localStorage
// a4p.view = full) and the light one ("after"). Prints one `a4p-figure` JSON line per figure.
//
//   node e2e/perf/rooms_perf.mjs [--data DIR] [--comments 50000] [--threads 10] [--busy 2000]
//                                [--pages 5] [--runs 3] [--views full,light,audit] [--releases 6]
//                                [--user gbr.delegate] [--pick] [--web-root DIR --label L]
//
// --data DIR keeps the workspace (made on the first run: the demo, then --comments comments
// on one pledge and --busy on each of --threads - 1 other pledges, through POST /api/commands)
// and reuses it later. A directory made otherwise (tests/load's a4p_make_workspace, 1,000,000
// events) is used when it holds `.perf-made`, a JSON list of the busy pledges' ids (the
// busiest first), or with --pick, which writes that list: the --threads pledges with the most
// comments in --user's skeleton. A4P_DEMO_PASSWORD then gives its password, --user a member. Figures: the welcome snapshot's bytes; sign-in to the overview drawn;
// a pledge with --comments comments opened until its first comments are on screen; each of
// --pages "load earlier" pages until drawn; the JS heap (after a forced GC) after opening
// --threads busy threads one after the other. The view `audit` (issue 13): the auditor's
// timeline, from the scrubber's release to the page drawn (`#render-time`, as the audit e2e
// reads it), over --releases points on the overview and on the busiest pledge, and the split
// the client logs (state read, render, paint). --user signs in someone else for the member
// figures (a user of --data's workspace). A4PD_BIN picks the server (default the release
// build); the web client must be built (`npm run build`). --web-root serves another build of
// the client (e.g. one from before issue 18, made with `vite build --outDir`), --label names it.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { api_token, demo_password, launch_browser, release_scrubber, start_server, wait_live } from '../harness.mjs';

const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const data_dir = arg('data', join(tmpdir(), 'a4p-rooms-perf'));
const n_comments = Number(arg('comments', 50_000));
const n_threads = Number(arg('threads', 10));
const n_busy = Number(arg('busy', 2_000));
const n_pages = Number(arg('pages', 5));
const n_runs = Number(arg('runs', 3));
const views = arg('views', 'full,light,audit').split(',');
const n_releases = Number(arg('releases', 6));
const member = arg('user', 'gbr.delegate');
const label = arg('label', 'this client');
const other_root = arg('web-root', null);
const unlimited = ['--rate', '1000000', '--burst', '1000000', '--rate-bytes', '1000000000', '--burst-bytes', '1000000000'];

const figure = (o) => console.log(`a4p-figure ${JSON.stringify(o)}`);
const ms = (t0) => Math.round(performance.now() - t0);

/** Posts `n` comments on `target`, `parallel` at a time. */
async function post_many(url, token, target, n, parallel = 16) {
  let next = 0;
  const body = (i) => `Comment ${i} on ${target}: ` + 'a realistic length of text for a comment in a busy thread. '.repeat(3);
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const r = await fetch(`${url}/api/commands`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ type: 'command', id: `perf-${target}-${i}`, name: 'comment.post', args: { target, body: body(i) } }),
      });
      if (r.status !== 200) throw new Error(`comment ${i} on ${target}: ${r.status} ${await r.text()}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

async function make_workspace(url) {
  const token = await api_token(url, member);
  const st = await (await fetch(`${url}/api/state`, { headers: { Authorization: `Bearer ${token}` } })).json();
  const pledges = Object.keys(st.pledges).slice(0, n_threads);
  const t0 = performance.now();
  await post_many(url, token, `pledge:${pledges[0]}`, n_comments);
  for (const p of pledges.slice(1)) await post_many(url, token, `pledge:${p}`, n_busy);
  console.log(`made: ${n_comments} comments on ${pledges[0]}, ${n_busy} on each of ${pledges.slice(1).join(' ')} in ${ms(t0)} ms`);
  return pledges;
}

async function heap_mb(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return Math.round((usedSize / 1048576) * 10) / 10;
}

/** A fresh context signed in as --user with the view asked for; prints each figure as
 * it is measured (tagged with `tag`), so a slow client still gives the figures it reached. */
async function one_run(browser, url, view, pledges, tag) {
  const say = (o) => figure({ ...tag, view, ...o });
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const frames = [];
  // A gzip snapshot (ADR 0213) is a binary frame: kept inflated, its bytes on the wire beside.
  let wire_snapshot_bytes = null;
  page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      if (typeof f.payload === 'string') return frames.push(f.payload);
      wire_snapshot_bytes = f.payload.length;
      frames.push(gunzipSync(f.payload).toString('utf8'));
    }),
  );
  await page.goto('/#/');
  await page.evaluate((v) => localStorage.setItem('a4p.view', v), view);
  await page.reload();
  await page.locator('#username').fill(member);
  await page.locator('#password').fill(demo_password);
  const t_sign_in = performance.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await wait_live(page, 300_000);
  await page.locator('#themes-h').waitFor({ timeout: 300_000 });
  const sign_in_ms = ms(t_sign_in);
  const snapshot = frames.find((f) => f.includes('"type":"snapshot"'));
  const snapshot_bytes = snapshot ? Buffer.byteLength(snapshot) : null;
  say({ snapshot_bytes, snapshot_wire_bytes: wire_snapshot_bytes ?? snapshot_bytes, sign_in_ms, heap_mb_overview: await heap_mb(page) });

  // The busiest thread: first comments on screen.
  const t_open = performance.now();
  await page.evaluate((h) => (location.hash = h), `#/pledge/${pledges[0]}`);
  await page.locator('section.comments li.comment').first().waitFor({ timeout: 300_000 });
  say({ first_comments_ms: ms(t_open), rows_in_dom: await page.locator('section.comments li.comment').count() });

  // Load earlier, page by page (light only: the whole state has every comment already).
  const load_earlier_ms = [];
  for (let i = 0; i < n_pages; i++) {
    const button = page.getByRole('button', { name: 'Load earlier comments' });
    if ((await button.count()) === 0) break;
    const earlier_pages = () => frames.filter((f) => f.includes('"type":"page"') && f.includes('"from":')).length;
    const before = earlier_pages();
    const t = performance.now();
    await button.click();
    // Drawn: the earlier page has arrived and two frames have been painted since.
    while (earlier_pages() === before) {
      if (performance.now() - t > 60_000) throw new Error('no earlier page within 60 s');
      await new Promise((r) => setTimeout(r, 2));
    }
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    load_earlier_ms.push(ms(t));
  }
  if (load_earlier_ms.length) say({ load_earlier_ms });

  // Ten busy threads, one after the other, then the heap.
  const t_threads = performance.now();
  for (const p of pledges.slice(0, n_threads)) {
    await page.evaluate((h) => (location.hash = h), `#/pledge/${p}`);
    await page.locator('section.comments li.comment').first().waitFor({ timeout: 300_000 });
  }
  say({ threads_opened: n_threads, threads_ms: ms(t_threads), heap_mb_after_threads: await heap_mb(page) });
  await context.close();
}

/** The auditor's timeline: release of the scrubber to the page drawn, at --releases points
 * spread over the log, on the overview and on the busiest pledge (its thread's first page). */
async function audit_run(browser, url, pledges, head, tag) {
  const say = (o) => figure({ ...tag, view: 'audit', ...o });
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const split = [];
  page.on('console', (m) => m.text().startsWith('a4p-audit:') && split.push(m.text().slice(11)));
  await page.goto('/#/');
  await page.locator('#username').fill('un.auditor');
  await page.locator('#password').fill(demo_password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await wait_live(page, 300_000);
  const drawn = (seq) => page.locator(`.past[data-seq="${seq}"][aria-busy="false"]`).waitFor({ timeout: 300_000 });
  for (const [i, where] of ['', `/pledge/${pledges[0]}`].entries()) {
    const t_open = performance.now();
    await page.evaluate((h) => (location.hash = h), `#/audit/at/${head}${where}`);
    await drawn(head);
    const open_ms = ms(t_open);
    const times = [];
    split.length = 0;
    for (let k = 1; k <= n_releases; k++) {
      const seq = Math.max(1, Math.round((head * (k + i * 0.5)) / (n_releases + 1)));
      await page.evaluate(() => document.getElementById('render-time')?.setAttribute('data-ms', ''));
      await release_scrubber(page, seq);
      await drawn(seq);
      const got = page.locator('#render-time:not([data-ms=""])');
      await got.waitFor({ timeout: 300_000 });
      times.push(Math.round(Number(await got.getAttribute('data-ms'))));
    }
    const sorted = [...times].sort((a, b) => a - b);
    say({ page: where ? 'pledge' : 'overview', open_at_head_ms: open_ms, release_to_render_ms: times, median_ms: sorted[Math.floor(sorted.length / 2)], split: [...split] });
  }
  say({ heap_mb_after_timeline: await heap_mb(page) });
  await context.close();
}

/** The `n_threads` pledges with the most comments (the light skeleton's thread counts). */
async function busiest(url) {
  const st = await (await fetch(`${url}/api/state?view=light`, { headers: { Authorization: `Bearer ${await api_token(url, member)}` } })).json();
  return Object.values(st.pledges)
    .sort((a, b) => (b.thread?.count ?? 0) - (a.thread?.count ?? 0))
    .slice(0, n_threads)
    .map((p) => p.id);
}

const pick = process.argv.includes('--pick');
const fresh = !pick && !existsSync(join(data_dir, '.perf-made'));
mkdirSync(data_dir, { recursive: true });
const server = await start_server({ data_dir, demo: fresh, extra_args: unlimited, timeout_ms: 300_000, ...(other_root ? { root: other_root } : {}) });
let browser;
try {
  let pledges;
  if (fresh || pick) {
    pledges = fresh ? await make_workspace(server.url) : await busiest(server.url);
    writeFileSync(join(data_dir, '.perf-made'), JSON.stringify(pledges));
  } else {
    pledges = JSON.parse((await import('node:fs')).readFileSync(join(data_dir, '.perf-made'), 'utf8'));
  }
  const head = (await fetch(`${server.url}/api/events?after=0&limit=1`, { headers: { Authorization: `Bearer ${await api_token(server.url, member)}` } })).headers.get('X-A4P-Head');
  console.log(`workspace: ${data_dir}, head seq ${head}`);
  browser = await launch_browser();
  for (let run = 0; run < n_runs; run++)
    for (const view of views) {
      try {
        if (view === 'audit') await audit_run(browser, server.url, pledges, Number(head), { run, label, head: Number(head) });
        else await one_run(browser, server.url, view, pledges, { run, label, head: Number(head) });
      } catch (e) {
        figure({ run, label, view, failed: String(e.message ?? e).split('\n')[0] });
      }
    }
} finally {
  await browser?.close().catch(() => {});
  await server.stop().catch(() => {});
}
