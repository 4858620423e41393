// End-to-end tests of the audit view and the attribution report against a real a4pd in
// Debian's Chromium: the timeline shows the past (an old title, no later comment), entity
// history shows a target change with its author and both values, "verify now" reports ok,
// and names the changed seq in a copy of the log tampered with one byte (Debian's ldb),
// an export downloaded from the browser is complete and its chain re-checks here (and with
// the Python verifier when the repo has one), the report's totals match a hand count made
// here from /api/state, members are refused, axe finds nothing serious, 390 px works.
// The release-to-render time of the timeline is printed as a figure (`a4p-figure` lines).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  assert_no_serious_axe,
  eventually,
  fresh_data_dir,
  go,
  open_as,
  release_scrubber,
  remove_dir,
  screenshot,
  start_server,
  start_suite,
  stop_suite,
} from './harness.mjs';

const T = { timeout: 120_000 };
const uniq = () => Math.random().toString(36).slice(2, 8);
const repo_root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

let server;
let browser;
let data_dir;
const contexts = [];

async function as(user, hash) {
  const r = await open_as(browser, server.url, user, hash);
  contexts.push(r.context);
  return r.page;
}

/** The log's head as the server reports it (through the page's own session). */
const head_of = (page) =>
  page.evaluate(async () => Number((await fetch('/api/events?after=0&limit=1')).headers.get('X-A4P-Head')));


async function my_first_pledge(page) {
  await go(page, '#/mine');
  const link = page.locator('main table a').first();
  await link.waitFor();
  return (await link.getAttribute('href')).replace('#/pledge/', '');
}

/** Waits for the audit page at `seq` to show the workspace as it was then. */
async function past_at(page, seq) {
  await page.locator(`#asof-banner[data-seq="${seq}"]`).waitFor();
  await page.locator(`.past[data-seq="${seq}"][aria-busy="false"]`).waitFor();
}

// An independent check of PROTOCOL.md section 6, written here from the document.
function canonical(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
    .join(',')}}`;
}
const sha = (s) => createHash('sha256').update(s, 'utf8').digest('hex');
function check_chain(lines) {
  let prev = '0'.repeat(64);
  for (const [i, e] of lines.entries()) {
    assert.equal(e.seq, i + 1, 'seqs run 1..N without a gap');
    if (!e.withheld) {
      const { actor, data_hash, entity, name, seq, ts } = e;
      assert.equal(sha(prev + canonical({ actor, data_hash, entity, name, seq, ts })), e.hash, `hash at seq ${e.seq}`);
      if (!e.redacted) assert.equal(sha(canonical(e.data)), data_hash, `data_hash at seq ${e.seq}`);
    }
    prev = e.hash;
  }
  return prev;
}

describe('audit view and attribution report against a real a4pd', { concurrency: false }, () => {
  before(async () => {
    ({ data_dir, server, browser } = await start_suite());
  });

  after(() => stop_suite({ contexts, browser, server, data_dir }));

  test('members see no audit entry and the route refuses them', T, async () => {
    const gbr = await as('gbr.delegate');
    assert.equal(await gbr.getByRole('link', { name: 'Audit' }).count(), 0);
    await go(gbr, '#/audit/at/1/chain');
    await gbr.locator('#audit-refused').waitFor();
    assert.equal(await gbr.locator('#verify-now').count(), 0);
    const aud = await as('un.auditor');
    await aud.getByRole('link', { name: 'Audit' }).click();
    // The bare route is replaced by the head's seq, so the page can be cited.
    await eventually(async () => /^#\/audit\/at\/\d+$/.test(await aud.evaluate(() => location.hash)), {
      what: 'the head seq in the URL',
    });
    // A date in the URL resolves to the last seq at or before the end of that day (UTC).
    const now = await head_of(aud);
    const today = new Date().toISOString().slice(0, 10);
    await go(aud, `#/audit/on/${today}`);
    await aud.locator(`#asof-banner[data-seq="${now}"]`).waitFor();
    assert.match(await aud.locator('#asof-banner').textContent(), new RegExp(`resolved from ${today}`));
    await go(aud, '#/audit/on/2000-01-01/chain');
    await aud.locator('#asof-banner[data-seq="0"]').waitFor();
  });

  test('timeline at a past seq shows the old title and hides a later comment; release to render is timed', T, async () => {
    const gbr = await as('gbr.delegate');
    const pid = await my_first_pledge(gbr);
    await go(gbr, `#/pledge/${pid}`);
    const old_title = await gbr.locator('#page-title').textContent();
    const before = await head_of(gbr);
    const new_title = `Renamed in audit test ${uniq()}`;
    await gbr.locator('#edit-pledge-button').click();
    await gbr.locator('#ep-title').fill(new_title);
    await gbr.getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => (await gbr.locator('#page-title').textContent()) === new_title, { what: 'new title' });
    const comment = `Posted after seq ${before}: ${uniq()}`;
    await gbr.getByLabel('Your comment').fill(comment);
    await gbr.getByRole('button', { name: 'Post comment' }).click();
    await gbr.locator('li.comment', { hasText: comment }).waitFor();
    const now = await head_of(gbr);
    assert.ok(now >= before + 2);

    const aud = await as('un.auditor', `#/audit/at/${before}/pledge/${pid}`);
    await past_at(aud, before);
    assert.equal(await aud.locator('#page-title').textContent(), old_title);
    assert.equal(await aud.locator('li.comment', { hasText: comment }).count(), 0, 'the later comment is not there');
    assert.match(await aud.locator('#asof-banner').textContent(), new RegExp(`As of .+ UTC, seq ${before}\\b`));
    // Read-only: no edit, report or comment controls even where the live view has them.
    assert.equal(await aud.locator('#edit-pledge-button, #report-form, .comment-form').count(), 0);
    await screenshot(aud, '20-audit-timeline-past');
    await assert_no_serious_axe(aud, 'audit timeline (past pledge)');

    // The scrubber: release at the head shows the new title and the comment.
    const release_at = (seq) => release_scrubber(aud, seq);
    await release_at(now);
    await past_at(aud, now);
    assert.equal(await aud.locator('#page-title').textContent(), new_title);
    await aud.locator('li.comment', { hasText: comment }).waitFor();
    assert.equal(await aud.evaluate(() => location.hash), `#/audit/at/${now}/pledge/${pid}`);

    // Figures: release to render over 12 points of the log, on the overview and the pledge.
    const times = [];
    for (const [i, page] of ['overview', 'pledge'].entries()) {
      await go(aud, page === 'overview' ? `#/audit/at/${now}` : `#/audit/at/${now}/pledge/${pid}`);
      await past_at(aud, now);
      for (let k = 1; k <= 6; k++) {
        const seq = Math.max(1, Math.round((now * (k + i * 0.5)) / 7));
        await aud.evaluate(() => document.getElementById('render-time')?.setAttribute('data-ms', ''));
        await release_at(seq);
        await past_at(aud, seq);
        const ms = Number(await eventually(() => aud.locator('#render-time').getAttribute('data-ms'), { what: 'render time' }));
        times.push(ms);
      }
    }
    times.sort((a, b) => a - b);
    const p = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    console.log(
      `a4p-figure timeline release-to-render (demo log, ${now} events, ${times.length} releases): ` +
        `median ${p(0.5).toFixed(1)} ms, p90 ${p(0.9).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`,
    );
    // The target is 300 ms (issue 13); the bound here is looser because this machine is shared
    // with builds, and a figure is recorded from a quieter run (web-client/README.md).
    assert.ok(p(0.5) < 1000, `median release-to-render ${p(0.5)} ms`);
  });

  test('entity history shows a target change with its author and both values', T, async () => {
    const gbr = await as('gbr.delegate');
    const pid = await my_first_pledge(gbr);
    await go(gbr, `#/pledge/${pid}`);
    await gbr.locator('#edit-pledge-button').click();
    const old_target = await gbr.locator('#ep-ot').inputValue();
    const new_target = `${uniq()} trained by 2030`;
    await gbr.locator('#ep-ot').fill(new_target);
    await gbr.getByRole('button', { name: 'Save changes' }).click();
    await gbr.locator('#edit-pledge-button').waitFor();
    const now = await head_of(gbr);

    const aud = await as('un.auditor', `#/audit/at/${now}/pledge/${pid}`);
    await past_at(aud, now);
    await aud.getByRole('link', { name: /History of pledge/ }).click();
    await aud.locator('#history-list').waitFor();
    assert.equal(await aud.evaluate(() => location.hash), `#/audit/at/${now}/history/${encodeURIComponent(`pledge:${pid}`)}`);
    const entry = aud.locator(`li.history-entry[data-seq="${now}"]`);
    await entry.waitFor();
    assert.equal(await entry.getAttribute('data-name'), 'pledge.updated');
    assert.equal(await entry.locator('.who-user').textContent(), 'gbr.delegate');
    assert.equal(await entry.locator('.who-org').textContent(), 'United Kingdom');
    const row = entry.locator('tr[data-field="output"]');
    assert.ok((await row.locator('.diff-from').textContent()).includes(old_target), 'before: the old target');
    assert.ok((await row.locator('.diff-to').textContent()).includes(new_target), 'after: the new target');
    // The history before that seq does not list the change.
    await go(aud, `#/audit/at/${now - 1}/history/${encodeURIComponent(`pledge:${pid}`)}`);
    await aud.locator('#history-list').waitFor();
    assert.equal(await aud.locator(`li.history-entry[data-seq="${now}"]`).count(), 0);
    await screenshot(aud, '21-audit-history');
    await assert_no_serious_axe(aud, 'entity history');
  });

  test('verify now reports the chain intact at the head', T, async () => {
    const aud = await as('un.auditor');
    const now = await head_of(aud);
    await go(aud, `#/audit/at/${now}/chain`);
    await aud.locator('#server-chain[data-ok="true"]').waitFor();
    await aud.locator('#verify-now').click();
    const result = aud.locator('#verify-result');
    await result.waitFor({ timeout: 30_000 });
    assert.equal(await result.getAttribute('data-ok'), 'true');
    assert.equal(await result.getAttribute('data-seq'), String(now));
    const server_verify = await aud.evaluate(async () => (await fetch('/api/audit/verify')).json());
    assert.ok((await result.textContent()).includes(server_verify.hash), 'the head hash is shown');
    await screenshot(aud, '22-audit-chain');
    await assert_no_serious_axe(aud, 'chain status');
  });

  test('verify now reports the right seq after a one-byte tamper of a copy of the log', T, async () => {
    // A log with a comment posted through the browser; a4pd started on it once more, so that the
    // comment lies before the point a4pd verified on start (it refuses to start on a chain that
    // breaks after that point: storage/FORMAT.md, "Repair").
    const original = fresh_data_dir();
    const copy_root = fresh_data_dir();
    const copy = join(copy_root, 'db');
    let tampered = null;
    try {
      const first = await start_server({ data_dir: original });
      const member = await open_as(browser, first.url, 'gbr.delegate');
      const marker = `Tamper target ${uniq()}`;
      await go(member.page, `#/pledge/${await my_first_pledge(member.page)}`);
      await member.page.getByLabel('Your comment').fill(marker);
      await member.page.getByRole('button', { name: 'Post comment' }).click();
      await member.page.locator('li.comment', { hasText: marker }).waitFor();
      await member.page.getByLabel('Your comment').fill('A later comment, left as it is');
      await member.page.getByRole('button', { name: 'Post comment' }).click();
      await member.page.locator('li.comment', { hasText: 'A later comment' }).waitFor();
      const seq = await member.page.evaluate(async (m) => {
        const body = await (await fetch('/api/events?after=0&limit=10000&name=comment.posted')).text();
        return body
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l))
          .find((e) => e.data?.body === m)?.seq;
      }, marker);
      assert.ok(Number.isInteger(seq), 'the comment event was found');
      await member.context.close();
      await first.stop();
      await (await start_server({ data_dir: original, demo: false })).stop();

      // The copy, with one byte of the comment's body changed in the stored event, as an
      // attacker with the disk would do it: Debian's ldb (rocksdb-tools), RocksDB's own tool.
      cpSync(original, copy, { recursive: true });
      const ldb = (...args) => {
        const r = spawnSync('ldb', [`--db=${copy}`, '--column_family=events', '--key_hex', '--value_hex', ...args], { encoding: 'utf8' });
        assert.equal(r.status, 0, `ldb ${args[0]}: ${r.stderr}`);
        return r.stdout.trim();
      };
      const key = `0x${seq.toString(16).padStart(16, '0')}`;
      const stored = Buffer.from(ldb('get', key).replace(/^0x/i, ''), 'hex').toString('utf8');
      assert.ok(stored.includes(marker), 'the stored event holds the comment');
      const changed = stored.replace(marker, `X${marker.slice(1)}`);
      assert.equal(Buffer.byteLength(changed), Buffer.byteLength(stored), 'one byte changed, none added');
      ldb('put', key, `0x${Buffer.from(changed, 'utf8').toString('hex')}`);

      tampered = await start_server({ data_dir: copy, demo: false });
      const { context, page } = await open_as(browser, tampered.url, 'un.auditor');
      contexts.push(context);
      const now = await head_of(page);
      assert.ok(seq < now, 'the changed event is not the last one');
      await go(page, `#/audit/at/${now}/chain`);
      await page.locator('#verify-now').click();
      const result = page.locator('#verify-result');
      await result.waitFor({ timeout: 30_000 });
      assert.equal(await result.getAttribute('data-ok'), 'false', await result.textContent());
      assert.equal(await result.getAttribute('data-seq'), String(seq), 'the browser names the changed event');
      const server_says = page.locator('#server-chain');
      assert.equal(await server_says.getAttribute('data-ok'), 'false');
      assert.equal(await server_says.getAttribute('data-first-bad'), String(seq), 'the server names it too');
      await screenshot(page, '27-audit-tampered');
    } finally {
      await tampered?.stop();
      remove_dir(original);
      remove_dir(copy_root);
    }
  });

  test('an export downloaded from the browser is complete and its chain checks', T, async () => {
    const aud = await as('un.auditor');
    const now = await head_of(aud);
    await go(aud, `#/audit/at/${now}/export`);
    const [jsonl] = await Promise.all([aud.waitForEvent('download'), aud.locator('#export-jsonl').click()]);
    const path = await jsonl.path();
    const text = readFileSync(path, 'utf8');
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, now, 'one line per event up to the head');
    const hash = check_chain(lines);
    const server_verify = await aud.evaluate(async () => (await fetch('/api/audit/verify')).json());
    assert.equal(hash, server_verify.hash, 'the last hash is the server’s head hash');
    await aud.locator(`#export-status [data-events="${now}"]`).waitFor();

    const [csv] = await Promise.all([aud.waitForEvent('download'), aud.locator('#export-csv').click()]);
    const rows = readFileSync(await csv.path(), 'utf8').trimEnd().split('\r\n');
    assert.equal(rows[0], 'seq,ts,actor_user,actor_org,name,entity,withheld,redacted,data_hash,hash,data');
    assert.equal(rows.length, now + 1);
    assert.ok(rows[now].startsWith(`${now},`));
    assert.ok(rows[now].includes(hash));

    // The independent Python verifier (issue 13 item 4), once the repository has one.
    const py = ['tools/verify_export.py', 'tools/a4p_verify.py', 'tools/audit/verify_export.py']
      .map((p) => resolve(repo_root, p))
      .find((p) => existsSync(p));
    if (py) {
      const r = spawnSync('python3', [py, path], { encoding: 'utf8' });
      assert.equal(r.status, 0, `python verifier: ${r.stdout}\n${r.stderr}`);
    } else console.log('a4p-note: no Python verifier in the repository yet; the chain was checked by this test alone');
    await screenshot(aud, '23-audit-export');
    await assert_no_serious_axe(aud, 'export');
  });

  test('the attribution report’s totals match a hand count over the demo data', T, async () => {
    // The demo has no impact note: one report with an impact note on preexisting work, so that
    // neither total is trivially 0% or 100%.
    const nld = await as('nld.delegate');
    await go(nld, `#/pledge/${await my_first_pledge(nld)}`);
    const note = `Impact seen ${uniq()}`;
    await nld.locator('#rp-progress').fill('55');
    await nld.locator('#rp-note').fill(note);
    await nld.locator('#rp-impact').fill('Fewer incidents reported in the sectors covered.');
    await nld.locator('#rp-stmt').fill('Mostly work that began before A4P.');
    await nld.getByLabel('The work existed before the pledge').check();
    await nld.getByRole('button', { name: 'Submit report' }).click();
    await nld.locator('ol.reports > li', { hasText: note }).waitFor({ timeout: 10_000 });

    const sec = await as('un.secretariat', '#/impact');
    await sec.locator('#report-table').waitFor();
    const st = await sec.evaluate(async () => (await fetch('/api/state')).json());
    // Hand count: every pledge; its last report; the last report with an attribution;
    // any report with a non-blank impact note.
    let progress = 0;
    let pre = 0;
    let no_impact = 0;
    let n = 0;
    for (const p of Object.values(st.pledges)) {
      n += 1;
      let last = null;
      let att = null;
      let impact = false;
      for (const r of p.reports) {
        last = r;
        if (r.attribution) att = r.attribution;
        if (r.impact_note && r.impact_note.trim()) impact = true;
      }
      const pr = last ? last.progress : 0;
      progress += pr;
      if (att && att.preexisting) pre += pr;
      if (!impact) no_impact += 1;
    }
    assert.ok(n > 5 && progress > 0, 'the demo has pledges with progress');
    assert.ok(pre > 0 && pre < progress && no_impact > 0 && no_impact < n, 'both totals are non-trivial');
    const pct = (a, b) => `${Math.round((a / b) * 100)}%`;
    const total = (k) => sec.locator(`#totals-all [data-total="${k}"]`).textContent();
    assert.equal(await total('pledges'), String(n));
    assert.ok((await total('share_preexisting')).startsWith(`${pct(pre, progress)} (${pre} of ${progress} `));
    assert.ok((await total('share_no_impact')).startsWith(`${pct(no_impact, n)} (${no_impact} of ${n})`));
    assert.equal(await sec.locator('#report-table tbody tr').count(), n);
    await screenshot(sec, '24-impact-report');
    await assert_no_serious_axe(sec, 'attribution report');
    // A filter narrows rows and totals alike.
    await sec.locator('#f-theme').selectOption('politics');
    const in_theme = Object.values(st.pledges).filter((p) => p.theme === 'politics').length;
    await eventually(async () => (await sec.locator('#report-table tbody tr').count()) === in_theme, { what: 'theme filter' });
    assert.equal(await total('pledges'), String(in_theme));
    const [csv] = await Promise.all([sec.waitForEvent('download'), sec.locator('#report-csv').click()]);
    assert.equal(readFileSync(await csv.path(), 'utf8').trimEnd().split('\r\n').length, in_theme + 1);

    // A member: its own organisation's rows, and the same totals.
    const gbr = await as('gbr.delegate', '#/impact');
    await gbr.locator('#report-table').waitFor();
    const own = Object.values(st.pledges).filter((p) => p.org === 'GBR').length;
    assert.equal(await gbr.locator('#report-table tbody tr').count(), own);
    assert.equal(await gbr.locator('#totals-all [data-total="pledges"]').textContent(), String(n));
    assert.equal(await gbr.locator('#totals-own [data-total="pledges"]').textContent(), String(own));
    // Print CSS hides the navigation and the filters.
    await gbr.emulateMedia({ media: 'print' });
    assert.equal(await gbr.locator('form.filters').isVisible(), false);
    assert.equal(await gbr.locator('#report-table').isVisible(), true);
    await gbr.emulateMedia({ media: 'screen' });
  });

  test('"as org X saw it" hides a restricted discussion X was not invited to', T, async (t) => {
    const aud = await as('un.auditor');
    // An a4pd without as_org reads ignores the parameter (200); one with them refuses this org.
    if ((await aud.evaluate(async () => (await fetch('/api/state?at=0&as_org=-.-')).status)) === 200) {
      t.skip('this a4pd has no as_org reads');
      return;
    }
    const now = await head_of(aud);
    const st = await aud.evaluate(async () => (await fetch('/api/state')).json());
    const d = Object.values(st.discussions).find((x) => x.visibility === 'restricted');
    assert.ok(d, 'the demo has a restricted discussion');
    const outsider = ['GBR', 'USA', 'CAN', 'NOR'].find((o) => o !== d.convener && !d.invitees.includes(o));
    const insider = d.invitees[0];
    const link = () => aud.getByRole('link', { name: d.title, exact: true });
    await go(aud, `#/audit/at/${now}/theme/${d.theme}`);
    await past_at(aud, now);
    assert.equal(await link().count(), 1, 'the auditor sees it');
    await aud.locator('#as-org').selectOption(outsider);
    await aud.locator(`#asof-banner[data-as-org="${outsider}"]`).waitFor();
    await aud.locator(`.past[data-as-org="${outsider}"][aria-busy="false"]`).waitFor();
    assert.match(await aud.locator('#asof-banner').textContent(), / saw it/);
    assert.equal(await link().count(), 0, `${outsider} was not invited`);
    assert.equal(await aud.evaluate(() => location.hash), `#/audit/at/${now}/as/${outsider}/theme/${d.theme}`);
    await go(aud, `#/audit/at/${now}/as/${outsider}/discussion/${d.id}`);
    await eventually(async () => (await aud.locator('#page-title').textContent()) === 'Not found', { what: 'not found' });
    await go(aud, `#/audit/at/${now}/as/${insider}/theme/${d.theme}`);
    await aud.locator(`.past[data-as-org="${insider}"][aria-busy="false"]`).waitFor();
    assert.equal(await link().count(), 1, `${insider} was invited`);
    await assert_no_serious_axe(aud, 'audit as an organisation');
  });

  test('verify now checks the signed checkpoints: signature and the hash at each seq', T, async (t) => {
    const probe = await as('un.auditor');
    if ((await probe.evaluate(async () => (await fetch('/api/audit/checkpoints')).status)) === 404) {
      t.skip('this a4pd signs no checkpoints');
      return;
    }
    // A key made here (the seed, as hex, outside the data directory) and an a4pd that signs
    // a checkpoint every 20 events of the demo.
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const key_dir = fresh_data_dir();
    const key_file = join(key_dir, 'checkpoint.key');
    writeFileSync(key_file, `${Buffer.from(privateKey.export({ format: 'jwk' }).d, 'base64url').toString('hex')}\n`, { mode: 0o600 });
    const pub_fingerprint = createHash('sha256').update(Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url')).digest('hex');
    const signed_dir = fresh_data_dir();
    const signed = await start_server({
      data_dir: signed_dir,
      extra_args: ['--checkpoint-key', key_file, '--checkpoint-minutes', '0.02'],
    });
    try {
      // The demo is written before a4pd serves; checkpoints follow new events: two comments,
      // each followed by a checkpoint (one at most every 1.2 s when there were new events).
      const member = await open_as(browser, signed.url, 'gbr.delegate');
      contexts.push(member.context);
      const { context, page } = await open_as(browser, signed.url, 'un.auditor');
      contexts.push(context);
      const signed_count = async () => (await page.evaluate(async () => (await fetch('/api/audit/checkpoints')).json())).checkpoints.length;
      await go(member.page, `#/pledge/${await my_first_pledge(member.page)}`);
      for (let i = 1; i <= 2; i++) {
        await member.page.getByLabel('Your comment').fill(`Before checkpoint ${i}`);
        await member.page.getByRole('button', { name: 'Post comment' }).click();
        await eventually(async () => (await signed_count()) >= i, { what: `checkpoint ${i}` });
      }
      const now = await head_of(page);
      await go(page, `#/audit/at/${now}/chain`);
      const latest = page.locator('#latest-checkpoint[data-seq]');
      await latest.waitFor();
      assert.ok((await latest.textContent()).includes(pub_fingerprint), 'the fingerprint of the key made here');
      await page.locator('#verify-now').click();
      const cps = page.locator('#checkpoint-result');
      await cps.waitFor({ timeout: 30_000 });
      assert.equal(await cps.getAttribute('data-ok'), 'true', await cps.textContent());
      const n = (await page.evaluate(async () => (await fetch('/api/audit/checkpoints')).json())).checkpoints.length;
      assert.ok(n >= 1 && Number(await cps.getAttribute('data-count')) === n, `${n} checkpoints, all checked`);
      assert.equal(await page.locator('#verify-result').getAttribute('data-ok'), 'true');
      await screenshot(page, '26-audit-checkpoints');
      await assert_no_serious_axe(page, 'chain status with checkpoints');
    } finally {
      await signed.stop();
      remove_dir(signed_dir);
      remove_dir(key_dir);
    }
  });

  test('audit views pass axe and fit 390 px', T, async () => {
    const aud = await as('un.auditor');
    const now = await head_of(aud);
    await aud.setViewportSize({ width: 390, height: 844 });
    for (const h of ['', '/theme/politics', '/history/pledge%3AP1', '/chain', '/export', '/impact']) {
      await go(aud, `#/audit/at/${now}${h}`);
      await aud.locator(`#asof-banner[data-seq="${now}"]`).waitFor();
      if (h === '' || h.startsWith('/theme')) await past_at(aud, now);
      const width = await aud.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 391, `${h || 'overview'} scrolls sideways at 390 px (scrollWidth ${width})`);
      await assert_no_serious_axe(aud, `audit ${h || 'overview'} at 390 px`);
    }
    await screenshot(aud, '25-audit-narrow');
  });
});
