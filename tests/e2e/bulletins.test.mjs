// Case bulletins and leads through the pages (issue 6, "Chromium"): the assistant yangjianzi keeps the 协查通报 feed
// open on a 360x740 phone; chief_pumiao, on a 1280x800 desktop in another browser context, publishes a bulletin to
// 蒲庙镇 with the area picker; the assistant's open page shows it without a reload (live event, with a notice and
// the unread marker); the assistant sends a lead; the chief opens the bulletin and marks the lead 有用; the
// assistant's page shows 有用 through the live event. Fails on page errors and CSP violations.
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
  await page.waitForTimeout(300); // let the toast and highlight animations settle
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

test('bulletin: chief publishes, the assistant\'s open feed shows it live, lead sent, chief marks it 有用', async () => {
  const started = Date.now();
  const title = `协查：电动车被盗 ${started % 100000}`;
  const phone = await open(PHONE);
  const desk = await open(DESKTOP);
  const a = phone.page;
  const c = desk.page;

  // The assistant opens the feed from the tab bar and leaves it open.
  await login(a, 'yangjianzi');
  await a.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '协查' }).click();
  await a.getByRole('heading', { name: '协查通报', level: 1 }).waitFor();
  await a.locator('.bl-feed .loading').waitFor({ state: 'detached' });
  await a.evaluate(() => { window.e2eNoReload = true; });
  await shot(a, 'bl-01-phone-feed-empty.png');

  // The chief composes a bulletin to 蒲庙镇 on the tree.
  await login(c, 'chief_pumiao');
  await c.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '协查通报' }).click();
  await c.getByRole('link', { name: '发布协查通报' }).click();
  await c.getByRole('heading', { name: '发布协查通报', level: 1 }).waitFor();
  await c.getByLabel('标题', { exact: true }).fill(title);
  await c.getByLabel('通报内容').fill('11月20日晚，蒲庙镇某小区一辆红色电动车被盗。请留意夜间推行电动车的两名年轻男子，有线索请及时反馈。');
  await c.getByRole('checkbox', { name: '蒲庙镇' }).check();
  await c.locator('.area-chosen .chip', { hasText: '蒲庙镇' }).waitFor();
  await shot(c, 'bl-02-desk-compose.png');
  await c.getByRole('button', { name: '发布通报' }).click();
  await c.getByRole('heading', { name: title, level: 1 }).waitFor();
  await c.getByText('暂未收到线索。').waitFor();

  // Without a reload the assistant's feed shows it at the top, with the unread marker and a notice.
  const cardLink = a.locator('.bl-cards .bl-card', { hasText: title });
  await cardLink.waitFor({ timeout: 5000 });
  assert.equal(await a.locator('.bl-cards .bl-card').first().locator('.bl-card-title').innerText(), title, 'the new bulletin is at the top');
  assert.equal(await cardLink.locator('.bl-new').count(), 1, 'unread marker');
  await a.locator('.toast', { hasText: title }).waitFor();
  assert.equal(await a.evaluate(() => window.e2eNoReload), true, 'the page was not reloaded');
  await shot(a, 'bl-03-phone-feed-live.png');

  // The assistant opens it and sends a lead.
  await cardLink.click();
  await a.getByRole('heading', { name: title, level: 1 }).waitFor();
  await a.getByText('您尚未对本通报提交线索。').waitFor();
  await a.getByLabel('线索内容').fill('前天夜里11点左右，在村口看见两名年轻男子推着一辆红色电动车往邕宁方向走。');
  await a.getByRole('button', { name: '提交线索' }).click();
  await a.getByText('线索已提交，民警评估后会通知您。').waitFor();
  const myLead = a.locator('.leads .lead', { hasText: '两名年轻男子推着' });
  await myLead.locator('.lead-status', { hasText: '待评估' }).waitFor();
  await shot(a, 'bl-04-phone-lead-sent.png');

  // The chief's open bulletin gets the lead (live) - reload-free here too, but opening it again must show it anyway.
  const lead = c.locator('.leads-desk .lead', { hasText: '两名年轻男子推着' });
  try { await lead.waitFor({ timeout: 4000 }); } catch (_) { await c.reload(); await lead.waitFor(); }
  await lead.getByLabel(/的线索的评估意见/).fill('已核实，与监控相符');
  await lead.getByRole('button', { name: '有用', exact: true }).click();
  await lead.locator('.lead-status', { hasText: '有用' }).waitFor();
  await lead.getByText('已核实，与监控相符').waitFor();
  await shot(c, 'bl-05-desk-assessed.png');

  // The assistant sees 有用 on the open page (live event), with the note.
  await myLead.locator('.lead-status', { hasText: '有用' }).waitFor({ timeout: 5000 });
  await myLead.getByText('已核实，与监控相符').waitFor();
  await a.locator('.toast', { hasText: '有用' }).waitFor();
  await shot(a, 'bl-06-phone-assessed.png');

  // ... and in 我的线索.
  await a.getByRole('link', { name: '返回协查通报' }).click();
  await a.getByRole('link', { name: '我的线索' }).click();
  await a.locator('.leads-mine .lead', { hasText: '两名年轻男子推着' }).locator('.lead-status', { hasText: '有用' }).waitFor();
  await shot(a, 'bl-07-phone-my-leads.png');

  assert.deepEqual(phone.problems, [], 'no page errors or CSP violations on the phone');
  assert.deepEqual(desk.problems, [], 'no page errors or CSP violations on the desktop');
  await phone.context.close();
  await desk.context.close();
  assert.ok(Date.now() - started < 60000, `took ${Date.now() - started} ms`);
});
