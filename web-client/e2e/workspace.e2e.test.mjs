// End-to-end tests of the web client against a real a4pd in Debian's Chromium.
// Run with `npm run e2e` (after `npm run build`); A4PD_BIN names the server binary.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assert_no_serious_axe,
  comment_with,
  demo_password,
  eventually,
  first_open_discussion,
  go,
  open_as,
  post_comment,
  screenshot,
  start_server,
  start_suite,
  stop_suite,
  wait_live,
} from './harness.mjs';

const T = { timeout: 90_000 };
const uniq = () => Math.random().toString(36).slice(2, 8);

let server;
let browser;
let data_dir;
const contexts = [];

async function as(user, hash) {
  const r = await open_as(browser, server.url, user, hash);
  contexts.push(r.context);
  return r.page;
}

async function first_pledge_of_mine(page) {
  await go(page, '#/mine');
  const link = page.locator('main table a').first();
  await link.waitFor();
  const href = await link.getAttribute('href');
  assert.ok(href && href.startsWith('#/pledge/'), `pledge link, got ${href}`);
  return href;
}

async function save_title(page, input, title) {
  await page.locator(input).fill(title);
  await page.getByRole('button', { name: 'Save changes' }).click();
}

// The conflict view shows their title beside mine; keep mine and save the merged version.
async function keep_my_title(page, { theirs, mine, what, shot }) {
  const view = page.locator('#conflict-view');
  await view.waitFor({ timeout: 10_000 });
  await view.getByText(`Someone changed this ${what} while you were editing`).waitFor();
  assert.equal(await view.locator('tr[data-field="title"] .theirs-value').textContent(), theirs);
  assert.equal(await view.locator('tr[data-field="title"] .yours-value').textContent(), mine);
  if (shot) await screenshot(page, shot);
  await assert_no_serious_axe(page, `${what} conflict view`);
  await view.locator('tr[data-field="title"] input[value="yours"]').check();
  await page.getByRole('button', { name: 'Save merged version' }).click();
}


describe('A4P web client against a real a4pd', { concurrency: false }, () => {
  before(async () => {
    ({ data_dir, server, browser } = await start_suite());
  });

  after(() => stop_suite({ contexts, browser, server, data_dir }));

  test('sign-in view is accessible and rejects a wrong password', T, async () => {
    const context = await browser.newContext({ baseURL: server.url });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    await page.locator('#sign-in-form').waitFor();
    await screenshot(page, '01-sign-in');
    await assert_no_serious_axe(page, 'sign-in');
    await page.locator('#username').fill('gbr.delegate');
    await page.locator('#password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Unknown user name or wrong password.').waitFor();
  });

  test('the app runs under a4pd\'s CSP, which refuses inline script; the token is never stored', T, async () => {
    const context = await browser.newContext({ baseURL: server.url });
    contexts.push(context);
    const page = await context.newPage();
    const violations = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) violations.push(m.text());
    });
    const res = await page.goto('/');
    const csp = res.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    await page.locator('#username').fill('nld.delegate');
    await page.locator('#password').fill(demo_password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await wait_live(page);
    assert.deepEqual(violations, [], 'the built client needs nothing the policy forbids');
    // An injected inline script does not run.
    await page.addScriptTag({ content: 'window.__inline_ran = true;' }).catch(() => {});
    assert.equal(await page.evaluate(() => window.__inline_ran === true), false);
    // The session lives in the HttpOnly cookie only: no token in script-readable storage.
    const stored = await page.evaluate(() =>
      JSON.stringify([{ ...window.localStorage }, { ...window.sessionStorage }, document.cookie]),
    );
    assert.doesNotMatch(stored, /[0-9a-f]{64}/);
  });

  test('keyboard only: skip link, sign-in form, navigation', T, async () => {
    const context = await browser.newContext({ baseURL: server.url });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    await page.locator('#sign-in-form').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.locator('#username').focus();
    await page.keyboard.type('nld.delegate');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
    await page.keyboard.type(demo_password);
    await page.keyboard.press('Enter');
    await wait_live(page);
    await page.locator('#coverage-grid').waitFor();
    // Following a link from the keyboard moves focus to the new view's heading.
    await page.getByRole('link', { name: 'Reporting rounds' }).focus();
    await page.keyboard.press('Enter');
    await eventually(async () => (await page.evaluate(() => document.activeElement?.id)) === 'page-title', {
      what: 'focus on the new heading',
    });
    assert.equal(await page.locator('#page-title').textContent(), 'Reporting rounds');
  });

  test('each main view renders, passes axe and is screenshotted', T, async () => {
    const page = await as('gbr.delegate');
    await page.locator('#coverage-grid').waitFor();
    // The overview shows the eight themes and the coverage grid breaks down by region.
    assert.equal(await page.locator('.cards > li').count(), 8);
    assert.ok((await page.locator('#coverage-grid tbody').count()) >= 2);
    await screenshot(page, '02-overview');
    await assert_no_serious_axe(page, 'overview');
    // Charts have a table alternative.
    await page.getByRole('button', { name: 'Show as table' }).first().click();
    await page.locator('figure.chart table').first().waitFor();

    await go(page, '#/deliverables');
    await screenshot(page, '03-deliverables');
    await assert_no_serious_axe(page, 'deliverables');

    await go(page, '#/theme/politics');
    await page.locator('#gaps-h').waitFor();
    await screenshot(page, '04-theme');
    await assert_no_serious_axe(page, 'theme');

    const pledge = await first_pledge_of_mine(page);
    await screenshot(page, '05-my-pledges');
    await assert_no_serious_axe(page, 'my pledges');

    await go(page, pledge);
    await page.locator('#history-h').waitFor();
    await screenshot(page, '06-pledge');
    await assert_no_serious_axe(page, 'pledge');

    const disc = await first_open_discussion(page, 'politics');
    await go(page, disc);
    await page.locator('#presence-list').waitFor();
    await screenshot(page, '07-discussion');
    await assert_no_serious_axe(page, 'discussion');

    await go(page, '#/rounds');
    await page.locator('#round-table').waitFor();
    await screenshot(page, '08-rounds');
    await assert_no_serious_axe(page, 'rounds');

    // Responsive: a phone-sized viewport still lays out and passes the scan.
    await page.setViewportSize({ width: 390, height: 844 });
    await go(page, '#/');
    await page.locator('#coverage-grid').waitFor();
    await screenshot(page, '14-overview-narrow');
    await assert_no_serious_axe(page, 'overview (narrow)');
    for (const h of ['#/', '#/deliverables', '#/theme/politics', pledge, disc, '#/rounds', '#/mine']) {
      await go(page, h);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 391, `${h} scrolls sideways at 390 px (scrollWidth ${width})`);
    }
  });

  test('two users see each other’s comment and pledge edit live', T, async () => {
    const gbr = await as('gbr.delegate');
    const nld = await as('nld.delegate');
    const disc = await first_open_discussion(gbr, 'politics');
    await go(gbr, disc);
    await go(nld, disc);
    // Presence: each sees the other in the room.
    await eventually(async () => (await nld.locator('#presence-list').textContent())?.includes('gbr.delegate'), {
      what: 'gbr.delegate in nld presence',
    });
    const text = `Live from London ${uniq()}`;
    await post_comment(gbr, text);
    await comment_with(nld, text).waitFor({ timeout: 10_000 });
    const reply = `Reply from The Hague ${uniq()}`;
    await comment_with(nld, text).getByRole('button', { name: 'Reply' }).click();
    await nld.getByLabel('Reply to gbr.delegate').fill(reply);
    await nld.getByRole('button', { name: 'Post reply' }).click();
    await comment_with(gbr, reply).waitFor({ timeout: 10_000 });
    // The author edits; the other sees the new text, marked edited. Others get no Edit button.
    assert.equal(await comment_with(nld, text).locator('.comment-actions').first().getByRole('button', { name: 'Edit' }).count(), 0);
    await comment_with(gbr, text).locator('.comment-actions').first().getByRole('button', { name: 'Edit' }).click();
    const edited = `${text} (edited)`;
    await gbr.getByLabel('Edit your comment').fill(edited);
    await gbr.getByRole('button', { name: 'Save comment' }).click();
    await nld.locator('li.comment .comment-body', { hasText: edited }).waitFor({ timeout: 10_000 });

    const pledge = await first_pledge_of_mine(gbr);
    await go(gbr, pledge);
    await go(nld, pledge);
    const title = `Edited live ${uniq()}`;
    await gbr.locator('#edit-pledge-button').click();
    await gbr.locator('#ep-title').fill(title);
    await gbr.getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => (await nld.locator('#page-title').textContent()) === title, {
      what: 'the edited title in the other browser',
    });
    // Only the pledge's own organisation gets the edit control.
    assert.equal(await nld.locator('#edit-pledge-button').count(), 0);
    await screenshot(nld, '09-pledge-live-edit');
  });

  test('a champion convenes, G10 gives an opinion, the chair locks and closes; all live', T, async () => {
    const gbr = await as('gbr.delegate', '#/theme/politics');
    const nld = await as('nld.delegate', '#/theme/politics');
    const bgd = await as('bgd.delegate');
    const title = `Convened in test ${uniq()}`;
    await gbr.getByLabel('Discussion title').fill(title);
    await gbr.getByLabel('Agenda').fill('One item: <b>not bold</b>');
    await gbr.getByRole('button', { name: 'Convene' }).click();
    await eventually(async () => (await gbr.locator('#page-title').textContent()) === title, { what: 'the new room' });
    const room = await gbr.evaluate(() => location.hash);
    // The other member sees it appear on the theme page without reloading.
    await nld.getByRole('link', { name: title }).waitFor({ timeout: 10_000 });
    assert.equal(await nld.getByRole('button', { name: 'Convene' }).count(), 0, 'not a champion of politics');
    await go(nld, room);
    assert.equal(await nld.getByRole('button', { name: 'Lock discussion' }).count(), 0, 'not the convener');
    await go(bgd, room);
    await bgd.getByLabel('Concerns').check();
    await bgd.getByLabel('Opinion', { exact: true }).fill('Troop contributors first.');
    await bgd.getByRole('button', { name: 'Give opinion' }).click();
    await nld.locator('.opinions li', { hasText: 'Troop contributors first.' }).waitFor({ timeout: 10_000 });
    await gbr.getByRole('button', { name: 'Lock discussion' }).click();
    await eventually(async () => (await nld.locator('#discussion-state').textContent()) === 'locked', { what: 'locked in nld' });
    assert.equal(await nld.getByLabel('Your comment').count(), 0, 'no comment form in a locked room');
    await gbr.getByRole('button', { name: 'Close with outcome…' }).click();
    await gbr.getByLabel('Outcome').fill('Agreed to draft principles.');
    await gbr.getByRole('button', { name: 'Close discussion' }).click();
    await nld.getByText('Agreed to draft principles.').waitFor({ timeout: 10_000 });
    assert.equal(await nld.locator('#discussion-state').textContent(), 'closed');
  });

  test('a progress report (after a rejected one) appears in the history', T, async () => {
    const gbr = await as('gbr.delegate');
    const nld = await as('nld.delegate', '#/rounds');
    const pledge = await first_pledge_of_mine(gbr);
    await go(gbr, pledge);
    const note = `Report from the e2e test ${uniq()}`;
    await gbr.getByLabel('Progress (0–100 %)').fill('90');
    await gbr.getByLabel('What happened').fill(note);
    await gbr.getByLabel('How much of this is due to the pledge?').fill('Mostly ours');
    // A rejected command is shown as such and changes nothing.
    await gbr.getByLabel('Evidence links (one per line)').fill('javascript:alert(1)');
    await gbr.getByRole('button', { name: 'Submit report' }).click();
    await gbr.locator('#report-form .notice.err').waitFor({ timeout: 10_000 });
    assert.equal(await gbr.locator('ol.reports > li', { hasText: note }).count(), 0);
    await gbr.getByLabel('Evidence links (one per line)').fill('https://example.org/evidence');
    await gbr.getByRole('button', { name: 'Submit report' }).click();
    const entry = gbr.locator('ol.reports > li', { hasText: note });
    await entry.waitFor({ timeout: 10_000 });
    assert.equal(await entry.locator('a[href="https://example.org/evidence"]').count(), 1);
    await entry.getByText('Mostly ours', { exact: false }).waitFor();
    await nld.locator('#round-table').waitFor();
    await go(nld, pledge);
    await nld.locator('ol.reports > li', { hasText: note }).waitFor();
  });

  test('the Secretariat assigns a champion and the overview updates live', T, async () => {
    const sec = await as('un.secretariat', '#/theme/wps');
    const eth = await as('eth.delegate');
    const card = eth.locator('.cards > li', { hasText: 'Women, peace and security' });
    await card.waitFor();
    assert.ok((await card.textContent()).includes('Champions: none'));
    // A member sees no champion controls.
    await go(eth, '#/theme/wps');
    assert.equal(await eth.locator('#assign-champion').count(), 0);
    await go(eth, '#/');
    await sec.locator('#assign-champion-org').selectOption('ETH');
    await sec.getByRole('button', { name: 'Assign' }).click();
    await eventually(async () => (await card.textContent()).includes('Champions: ETH'), { what: 'ETH as champion on the overview' });
    // ... and eth may now convene discussions in that theme.
    await go(eth, '#/theme/wps');
    await eth.locator('#convene').waitFor();
    await sec.getByRole('button', { name: 'Withdraw Ethiopia as champion' }).click();
    await eth.locator('#convene').waitFor({ state: 'detached' });
  });

  test('a conflicting edit shows the conflict view and merges on resubmit', T, async () => {
    const a = await as('gbr.delegate');
    const b = await as('gbr.delegate');
    const pledge = await first_pledge_of_mine(a);
    await go(a, pledge);
    await go(b, pledge);
    await a.locator('#edit-pledge-button').click();
    await b.locator('#edit-pledge-button').click();
    const theirs = `Theirs ${uniq()}`;
    const mine = `Mine ${uniq()}`;
    await save_title(a, '#ep-title', theirs);
    await eventually(async () => (await b.locator('#page-title').textContent()) === theirs, { what: 'first edit in b' });
    // b still edits from the old base_version: the same field -> conflict.
    await save_title(b, '#ep-title', mine);
    await keep_my_title(b, { theirs, mine, what: 'pledge', shot: '10-conflict-view' });
    await eventually(async () => (await a.locator('#page-title').textContent()) === mine, { what: 'merged title in a' });
    assert.equal(await b.locator('#conflict-view').count(), 0);
  });

  test('the Secretariat edits a commitment and a gap, a champion an action; a conflicting action edit merges', T, async () => {
    const sec = await as('un.secretariat', '#/theme/protection');
    const nld = await as('nld.delegate', '#/theme/protection'); // champion of protection
    const gha = await as('gha.delegate', '#/theme/protection'); // not a champion
    const gap = sec.locator('li.gap', { has: sec.locator('li.action') }).first();
    await gap.waitFor();
    const gap_id = await gap.getAttribute('data-gap-id');
    // Who gets which Edit button: gaps for the Secretariat, actions also for the champion.
    await nld.locator('.edit-action-button').first().waitFor();
    await sec.locator('.edit-commitment-button').first().waitFor();
    await gha.locator('li.commitment').first().waitFor();
    assert.equal(await nld.locator('.edit-gap-button, .edit-commitment-button').count(), 0, 'a champion edits no gap or commitment');
    assert.equal(await gha.locator('.edit-gap-button, .edit-action-button, .edit-commitment-button').count(), 0, 'gha edits nothing');

    // The Secretariat renames a commitment; the champion sees the new title live.
    const commitment = sec.locator('li.commitment').first();
    const commitment_id = await commitment.getAttribute('data-commitment-id');
    await commitment.locator('.edit-commitment-button').click();
    const commitment_title = `Commitment edited ${uniq()}`;
    await sec.locator('#ec-title').fill(commitment_title);
    await assert_no_serious_axe(sec, 'commitment edit form');
    await screenshot(sec, '11-commitment-edit');
    await sec.getByRole('button', { name: 'Save changes' }).click();
    await sec.locator('#edit-commitment').waitFor({ state: 'detached', timeout: 10_000 });
    await nld.locator(`li.commitment[data-commitment-id="${commitment_id}"]`, { hasText: commitment_title }).waitFor({ timeout: 10_000 });

    await gap.locator('.edit-gap-button').click();
    const gap_title = `Gap edited <b>${uniq()}</b>`;
    await assert_no_serious_axe(sec, 'gap edit form');
    await save_title(sec, '#eg-title', gap_title);
    await sec.locator('#edit-gap').waitFor({ state: 'detached', timeout: 10_000 });
    await nld.locator(`li.gap[data-gap-id="${gap_id}"] h3`, { hasText: gap_title }).waitFor({ timeout: 10_000 });
    assert.equal(await nld.locator(`li.gap[data-gap-id="${gap_id}"] h3 b`).count(), 0, 'the title renders as text');

    const action = nld.locator(`li.gap[data-gap-id="${gap_id}"] li.action`).first();
    const action_id = await action.getAttribute('data-action-id');
    const in_sec = sec.locator(`li.action[data-action-id="${action_id}"]`);
    await action.locator('.edit-action-button').click();
    const title = `Action edited ${uniq()}`;
    await nld.locator('#ea-title').fill(title);
    await nld.locator('#ea-kind').selectOption('broad');
    await nld.locator('#ea-due').fill('2031-03-04');
    await assert_no_serious_axe(nld, 'action edit form');
    await screenshot(nld, '11-action-edit');
    await nld.getByRole('button', { name: 'Save changes' }).click();
    await in_sec.locator('p', { hasText: title }).waitFor({ timeout: 10_000 });
    const shown = await in_sec.locator('p').first().textContent();
    assert.ok(shown.includes('broad') && shown.includes('due 2031-03-04'), `kind and due in sec, got ${shown}`);

    // nld opens the form; the Secretariat changes the title meanwhile; nld saves: conflict.
    await action.locator('.edit-action-button').click();
    await in_sec.locator('.edit-action-button').click();
    const theirs = `Theirs ${uniq()}`;
    const mine = `Mine ${uniq()}`;
    await save_title(sec, '#ea-title', theirs);
    await action.locator('p', { hasText: theirs }).waitFor({ timeout: 10_000 });
    await save_title(nld, '#ea-title', mine);
    await keep_my_title(nld, { theirs, mine, what: 'action', shot: '12-action-conflict-view' });
    await in_sec.locator('p', { hasText: mine }).waitFor({ timeout: 10_000 });
    assert.equal(await nld.locator('#conflict-view').count(), 0);
  });

  test('the Secretariat hides a comment and it is redacted in the other browser', T, async () => {
    const gbr = await as('gbr.delegate');
    const sec = await as('un.secretariat');
    const disc = await first_open_discussion(gbr, 'politics');
    await go(gbr, disc);
    await go(sec, disc);
    const text = `Please hide me ${uniq()}`;
    await post_comment(gbr, text);
    const in_sec = comment_with(sec, text);
    await in_sec.waitFor({ timeout: 10_000 });
    const cid = await in_sec.getAttribute('data-comment-id');
    await in_sec.getByRole('button', { name: 'Hide' }).click();
    await sec.getByLabel('Reason for hiding').fill('off topic in test');
    await sec.getByRole('button', { name: 'Hide comment' }).click();
    const in_gbr = gbr.locator(`li.comment[data-comment-id="${cid}"]`);
    await eventually(async () => (await in_gbr.locator('.comment-body').first().textContent()) === '[comment hidden by moderator]', {
      what: 'redaction in the member browser',
    });
    assert.equal(await gbr.getByText(text).count(), 0, 'the hidden body is gone from the member view');
    // The Secretariat still sees the body, marked hidden with the reason.
    const sec_item = sec.locator(`li.comment[data-comment-id="${cid}"]`);
    await sec_item.locator('.hidden-mark', { hasText: 'off topic in test' }).waitFor();
    assert.equal(await sec_item.locator('.comment-body').first().textContent(), text);
    // An auditor, too, sees it marked hidden with the reason, and has no moderation controls.
    const aud = await as('un.auditor', disc);
    const aud_item = aud.locator(`li.comment[data-comment-id="${cid}"]`);
    await aud_item.locator('.hidden-mark', { hasText: 'off topic in test' }).waitFor();
    assert.equal(await aud_item.locator('.comment-body').first().textContent(), text);
    assert.equal(await aud.getByRole('button', { name: 'Restore' }).count(), 0);
    assert.equal(await aud.getByRole('button', { name: 'Hide' }).count(), 0);
    assert.equal(await aud.getByLabel('Your comment').count(), 0);
    // Members get no moderation controls either.
    assert.equal(await gbr.getByRole('button', { name: 'Hide' }).count(), 0);
    await screenshot(sec, '11-discussion-secretariat-hidden');
    await screenshot(gbr, '12-discussion-member-redacted');
    // A reload (fresh snapshot) keeps it redacted for the member.
    await gbr.reload();
    await wait_live(gbr);
    await gbr.locator(`li.comment[data-comment-id="${cid}"]`).waitFor();
    assert.equal(await gbr.getByText(text).count(), 0);
    // Restored: the member sees the body again (the client re-snapshots to get it back).
    await sec_item.getByRole('button', { name: 'Restore' }).click();
    await eventually(async () => (await gbr.locator(`li.comment[data-comment-id="${cid}"] .comment-body`).first().textContent()) === text, {
      what: 'the restored body in the member browser',
    });
  });

  test('a comment containing <script> renders as text', T, async () => {
    const gbr = await as('gbr.delegate');
    const nld = await as('nld.delegate');
    const disc = await first_open_discussion(gbr, 'politics');
    await go(gbr, disc);
    await go(nld, disc);
    const tag = uniq();
    const evil = `<script>window.__xss='${tag}'</script><img src=x onerror="window.__xss='${tag}'"> ${tag}`;
    await post_comment(gbr, evil);
    for (const p of [gbr, nld]) {
      const body = comment_with(p, tag).locator('.comment-body').first();
      await body.waitFor({ timeout: 10_000 });
      assert.equal(await body.textContent(), evil);
      assert.equal(await body.locator('script, img').count(), 0);
      assert.equal(await p.evaluate(() => window.__xss ?? null), null);
    }
  });

  test('a server restart mid-session recovers without loss', T, async () => {
    const gbr = await as('gbr.delegate');
    const nld = await as('nld.delegate');
    const disc = await first_open_discussion(gbr, 'politics');
    await go(gbr, disc);
    await go(nld, disc);
    const before_kill = `Before the crash ${uniq()}`;
    await post_comment(gbr, before_kill);
    await comment_with(nld, before_kill).waitFor({ timeout: 10_000 });

    const port = server.port;
    await server.kill();
    await eventually(async () => (await gbr.locator('#connection-status').getAttribute('data-status')) !== 'live', {
      what: 'the client noticing the server is gone',
    });
    const while_down = `Sent while the server was down ${uniq()}`;
    await post_comment(gbr, while_down);
    await gbr.getByText('1 change waiting to be sent').waitFor();
    // Shown at once as the user's own, not yet sent.
    await gbr.locator('li.pending-comment', { hasText: while_down }).waitFor();
    await screenshot(gbr, '13-offline-queued');

    server = await start_server({ data_dir, listen: `127.0.0.1:${port}`, demo: false });
    await wait_live(gbr, 30_000);
    await wait_live(nld, 30_000);
    await comment_with(nld, while_down).waitFor({ timeout: 15_000 });
    await comment_with(gbr, while_down).waitFor();
    await comment_with(nld, before_kill).waitFor();
    // Exactly once, even though the command may have been resent; the pending entry goes.
    await gbr.locator('li.pending-comment').waitFor({ state: 'detached' });
    assert.equal(await gbr.locator('li.comment', { hasText: while_down }).count(), 1);
    assert.equal(await nld.locator('li.comment', { hasText: while_down }).count(), 1);
    await eventually(async () => (await gbr.locator('#connection-status').textContent())?.includes('waiting') === false, {
      what: 'the outbox to drain',
    });
    // A fresh load from the restarted server has both.
    await nld.reload();
    await wait_live(nld);
    await comment_with(nld, while_down).waitFor();
    await comment_with(nld, before_kill).waitFor();
  });
});
