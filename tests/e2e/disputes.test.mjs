// Disputes through the pages (issue 5, "Chromium"): the assistant yangjianzi, on a 360x740 phone, opens 矛盾纠纷
// from a home tile (the tab bar stays as it is), records a high-risk dispute with two parties, then a mediation
// session on its detail page (status 调解中, the session in the timeline); officer_pumiao4 (the community officer
// of 良信村), on a 1280x800 desktop in another browser context, gets the high-risk notice, finds the dispute in
// 矛盾纠纷 of the sidebar with the 高风险 filter, opens it and closes it as 已化解 with an agreement and witnesses; the
// assistant's page then shows 已化解 and the 回访 form. Fails on page errors and CSP violations.
// Dev only: E2E_BASE_URL=http://127.0.0.1:PORT runs against a running demo server; E2E_SHOTS=DIR keeps screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const PASSWORD = 'Cunjing@2026';
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const T = 10000;
const SHOTS = process.env.E2E_SHOTS || null;

let server = null;
let base = process.env.E2E_BASE_URL || null;
let browser = null;

before(async () => {
  if (!base) {
    server = await startServer();
    base = server.url;
  }
  // launch() starts with a fresh temporary profile (user-data-dir) each time.
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function open(viewport) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (apply|execute|load|connect)/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  return { context, page, problems };
}

async function login(page, username) {
  await page.goto(`${base}/#/login`);
  await page.getByRole('heading', { name: '用户登录' }).waitFor();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('header .user-name').waitFor();
}

async function shot(page, name) {
  if (!SHOTS) return;
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

test('dispute: the assistant records it and a mediation session on the phone, the officer closes it as 已化解', async () => {
  const started = Date.now();
  const title = `集体水利用地被占用 ${started % 100000}`;
  const phone = await open(PHONE);
  const desk = await open(DESKTOP);
  const a = phone.page;
  const o = desk.page;

  // The officer signs in first, so the high-risk notice reaches an open page.
  await login(o, 'officer_pumiao4');
  const sidebar = o.getByRole('navigation', { name: '主导航' });
  await sidebar.getByRole('link', { name: '矛盾纠纷' }).waitFor();
  assert.equal(await sidebar.getByRole('link', { name: '治安信息' }).count(), 1);
  assert.equal(await sidebar.getByRole('link', { name: '帮扶帮教' }).count(), 1);

  // The assistant: home shows the 待办 section and the tiles; the tab bar keeps its seven tabs.
  await login(a, 'yangjianzi');
  await a.getByRole('heading', { name: '待办' }).waitFor();
  const tabs = a.getByRole('navigation', { name: '主导航' }).getByRole('link');
  assert.equal(await tabs.count(), 7);
  assert.equal(await a.getByText('重点人口').count(), 0);
  await a.locator('.due-box .loading').waitFor({ state: 'detached' });
  await shot(a, 'dp-01-phone-home.png');
  await a.getByRole('link', { name: /矛盾纠纷/ }).first().click();
  await a.getByRole('heading', { name: '矛盾纠纷', level: 1 }).waitFor();
  await a.getByRole('link', { name: '登记纠纷' }).click();
  await a.getByRole('heading', { name: '登记纠纷', level: 1 }).waitFor();

  // The form: category, summary, risk level, village (the assistant's own), two parties.
  await a.getByLabel('纠纷类别').selectOption({ label: '山林土地纠纷' });
  await a.getByLabel('具体情形（可选）').selectOption({ label: '水利设施及用地' });
  await a.getByLabel('纠纷简述').fill(title);
  await a.locator('label.seg-opt', { hasText: '高风险' }).click();
  await a.getByLabel('基本情况').fill('村民甲占用集体水利用地耕种，邻居乙提出异议，双方多次争吵。');
  assert.match(await a.getByLabel('村（社区）').inputValue(), /\w+/);
  const parties = a.locator('.party-edit');
  assert.equal(await parties.count(), 2);
  await parties.nth(0).getByLabel('姓名').fill('黄甲');
  await parties.nth(0).getByLabel('手机号（可选）').fill('13907711234');
  await parties.nth(1).getByLabel('姓名').fill('韦乙');
  await shot(a, 'dp-02-phone-form.png');
  await a.getByRole('button', { name: '提交登记' }).click();

  // The detail page: 待调解, 高风险, the parties, the timeline with its first entry.
  await a.getByRole('heading', { name: title, level: 1 }).waitFor();
  await a.getByText('纠纷已登记。').waitFor();
  const head = a.locator('.detail-sub');
  await head.getByText('待调解').waitFor();
  await head.getByText('高风险').waitFor();
  await a.locator('.parties').getByText('黄甲').waitFor();
  await a.locator('.dp-timeline').getByText('登记纠纷').waitFor();
  const disputeUrl = a.url();

  // The officer's open page gets the high-risk notice.
  await o.locator('.toast', { hasText: title }).waitFor();
  await shot(o, 'dp-03-desk-toast.png');

  // A mediation session from the phone.
  const session = a.locator('form.dp-session-form');
  await session.getByLabel('调解人').fill('杨建字，梁秀兰');
  await session.getByLabel('调解情况').fill('向双方讲解《土地管理法》有关规定，双方同意下周再协商。');
  await session.locator('label.seg-opt', { hasText: '继续调解' }).click();
  await shot(a, 'dp-04-phone-session-form.png');
  await session.getByRole('button', { name: '保存调解记录' }).click();
  await a.getByText('调解记录已保存。').waitFor();
  await head.getByText('调解中').waitFor();
  const tl = a.locator('.dp-timeline');
  await tl.locator('.tl-session').getByText('继续调解').waitFor();
  await tl.getByText('调解人：杨建字、梁秀兰').waitFor();
  await shot(a, 'dp-05-phone-mediating.png');

  // The officer: 矛盾纠纷 in the sidebar, filter 高风险, open the dispute, close it as 已化解.
  await sidebar.getByRole('link', { name: '矛盾纠纷' }).click();
  await o.getByRole('heading', { name: '矛盾纠纷', level: 1 }).waitFor();
  await o.locator('.filter-risk').getByRole('link', { name: '高风险' }).click();
  const row = o.getByRole('row').filter({ hasText: title });
  await row.getByText('调解中').waitFor();
  await shot(o, 'dp-06-desk-list.png');
  await row.getByRole('link', { name: title }).click();
  await o.getByRole('heading', { name: title, level: 1 }).waitFor();
  await o.locator('.dp-timeline').getByText('继续调解').waitFor();
  const close = o.locator('form.dp-close-form');
  await close.locator('label.seg-opt', { hasText: '已化解' }).click();
  await close.getByLabel('协议内容').fill('黄甲于本月底前将所占水利用地交还村集体，双方不再追究。');
  await close.getByLabel('见证人').fill('村民代表莫某 韦某');
  await shot(o, 'dp-07-desk-close-form.png');
  await close.getByRole('button', { name: '确认结案' }).click();
  await o.getByText('纠纷已结案。').waitFor();
  await o.locator('.detail-sub').getByText('已化解').waitFor();
  await o.locator('.dp-timeline .tl-close').getByText('结案').waitFor();
  await o.getByText('村民代表莫某、韦某').first().waitFor();
  assert.equal(await o.locator('form.dp-close-form').count(), 0);
  await shot(o, 'dp-08-desk-closed.png');

  // The assistant's page, reloaded: 已化解, the follow-up (回访) form instead of the session form.
  await a.goto(disputeUrl.replace(/\?.*$/, ''));
  await a.getByRole('heading', { name: title, level: 1 }).waitFor();
  await a.locator('.detail-sub').getByText('已化解').waitFor();
  await a.getByRole('button', { name: '保存回访' }).waitFor();
  assert.equal(await a.locator('form.dp-session-form').count(), 0);
  await shot(a, 'dp-09-phone-resolved.png');

  assert.deepEqual(phone.problems, []);
  assert.deepEqual(desk.problems, []);
  await phone.context.close();
  await desk.context.close();
  assert.ok(Date.now() - started < 60000, `took ${Date.now() - started} ms`);
});
