// The bureau dashboard (issue 7, "Chromium"): a few records are seeded through the API (disputes, security
// information, an activity, as the assistant yangjianzi; the chief assesses one report valid), then bureau opens
// 数据看板 on a 1280x800 desktop: the summary cards show numbers, the ECharts charts render (canvas elements of
// non-zero size inside the chart containers), a click on 蒲庙镇 in the comparison list drills down to its villages
// (their names appear), and a click on a bar of the comparison chart drills down too. Fails on page errors and on
// CSP violations (securitypolicyviolation events and console reports).
// Dev only: E2E_BASE_URL=http://127.0.0.1:PORT runs against a running demo server; E2E_SHOTS=DIR keeps screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const PASSWORD = 'Cunjing@2026';
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const DESKTOP = { width: 1280, height: 800 };
const T = 15000;
const SHOTS = process.env.E2E_SHOTS || null;

let server = null;
let base = process.env.E2E_BASE_URL || null;
let browser = null;

// A signed-in API session for seeding (cookie + CSRF header), outside the browser.
async function apiSession(username) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, `login ${username}: ${JSON.stringify(body)}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  async function call(method, path, data) {
    const r = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': body.csrf_token },
      body: data === undefined ? undefined : JSON.stringify(data),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  return { user: body.user, call };
}

const pad = (n) => String(n).padStart(2, '0');
// A time earlier this year (or this month when it is January), so that the default period (本年) holds it.
function earlier(monthsBack, day, hour) {
  const now = new Date();
  const m = Math.max(0, now.getMonth() - monthsBack);
  const d = new Date(now.getFullYear(), m, Math.min(day, m === now.getMonth() ? now.getDate() : 28), hour, 0, 0);
  if (d > now) d.setTime(now.getTime() - 3600 * 1000);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:00:00${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

async function seed() {
  const a = await apiSession('yangjianzi');
  const chief = await apiSession('chief_pumiao');
  const village = a.user.area_ids[0];
  for (let k = 0; k < 3; k += 1) {
    const at = earlier(k, 3 + k, 10);
    const d = await a.call('POST', '/disputes', {
      category: 'DC02', title: `邻里排水纠纷 ${k + 1}`, village_id: village, risk_level: 'low', occurred_at: at, reported_at: at,
      parties: [{ name: '张某', role: 'applicant' }, { name: '李某', role: 'respondent' }],
    });
    if (k < 2) await a.call('POST', `/disputes/${d.id}/close`, { result: 'resolved', agreement: '双方达成一致' });
  }
  const at = earlier(1, 5, 20);
  const intel = await a.call('POST', '/intel-reports', { category: 'IC04', content: '村东头夜间有人聚众赌博', village_id: village, occurred_at: at, reported_at: at });
  await chief.call('POST', `/intel-reports/${intel.id}/assess`, { valid: true, note: '属实' });
  await a.call('POST', '/activities', { kind: 'help_education', village_id: village, held_at: earlier(0, 2, 9), topic: '帮教谈话', people_count: 1 });
}

before(async () => {
  if (!base) {
    server = await startServer();
    base = server.url;
  }
  await seed();
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
  // securitypolicyviolation events, including those of ECharts' own DOM work, collected in the page.
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
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
  await page.waitForTimeout(500); // let the chart animations settle
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

// Every chart container holds a canvas of non-zero size.
async function chartsRendered(page, selector, min) {
  await page.waitForFunction(([sel, n]) => {
    const boxes = [...document.querySelectorAll(sel)];
    if (boxes.length < n) return false;
    return boxes.every((b) => {
      const c = b.querySelector('canvas');
      return c && c.width > 0 && c.height > 0 && c.getBoundingClientRect().width > 0 && c.getBoundingClientRect().height > 0;
    });
  }, [selector, min], { timeout: T });
}

test('bureau dashboard: cards and charts render, a township drills down to its villages, no CSP violations', async () => {
  const started = Date.now();
  const { context, page, problems } = await open(DESKTOP);
  await login(page, 'bureau');

  // 数据看板 is the bureau's home page.
  await page.waitForURL(/#\/dashboard/);
  await page.getByRole('heading', { name: '数据看板', level: 1 }).waitFor();
  const nav = page.getByRole('navigation', { name: '主导航' });
  assert.equal(await nav.getByRole('link').first().innerText(), '数据看板', 'first sidebar entry');
  await page.locator('.db-crumb-current', { hasText: '邕宁区' }).waitFor();

  // Summary cards with numbers: 排查化解纠纷 counts the seeded disputes (2 resolved of 3), 调解率 a percentage.
  const disputesCard = page.locator('.kpi[data-kpi="disputes"]');
  await disputesCard.waitFor();
  assert.equal(await page.locator('.db-cards .kpi').count(), 8, 'eight summary cards');
  for (const n of await page.locator('.db-cards .kpi-num').allInnerTexts()) assert.match(n, /^([+-]?[\d,.]+%?|—)$/, `card value ${n}`);
  assert.equal(await disputesCard.locator('.kpi-num').innerText(), '2');
  assert.match(await disputesCard.locator('.kpi-sub').innerText(), /排查 3 起/);
  assert.equal(await page.locator('.kpi[data-kpi="rate"] .kpi-num').innerText(), '66.7%');
  assert.equal(await page.locator('.kpi[data-kpi="intel"] .kpi-num').innerText(), '1');

  // Charts: the two trends, the comparison, the heat view and the gauge, each a canvas of non-zero size.
  await chartsRendered(page, '.chart-trend', 2);
  await chartsRendered(page, '.chart-cmp', 1);
  await chartsRendered(page, '.chart-heat', 1);
  await chartsRendered(page, '.chart-gauge', 1);
  // The comparison lists the five townships; the scorecard has yangjianzi's row.
  const towns = page.locator('.db-cmp-table .db-drill');
  await towns.first().waitFor();
  assert.deepEqual((await towns.allInnerTexts()).map((s) => s.trim()).sort(), ['中和镇', '新江镇', '百济镇', '那楼镇', '蒲庙镇'].sort());
  await page.locator('.db-sc-table tbody tr', { hasText: '杨建字' }).waitFor();
  await shot(page, 'db-01-bureau-county.png');

  // Drill down: 蒲庙镇 in the list next to the chart -> its villages.
  await page.getByRole('button', { name: '查看 蒲庙镇' }).click();
  await page.locator('.db-crumb-current', { hasText: '蒲庙镇' }).waitFor();
  await page.getByRole('heading', { name: '村（社区）对比' }).waitFor();
  await page.locator('.db-cmp-table .db-drill', { hasText: '良信村' }).waitFor();
  await page.locator('.db-cmp-table .db-drill', { hasText: '红星社区' }).waitFor();
  assert.ok(await page.locator('.db-cmp-table .db-drill').count() > 10, 'the villages of 蒲庙镇');
  assert.match(page.url(), /area=/, 'the area is kept in the address');
  await chartsRendered(page, '.chart-cmp', 1);
  assert.equal(await page.locator('.kpi[data-kpi="disputes"] .kpi-num').innerText(), '2', '良信村 lies in 蒲庙镇');
  await shot(page, 'db-02-bureau-town.png');

  // Back up to the district through the breadcrumb, then drill with a click on the bar of 蒲庙镇 in the chart.
  await page.locator('.db-crumbs').getByRole('button', { name: '邕宁区' }).click();
  await page.locator('.db-crumb-current', { hasText: '邕宁区' }).waitFor();
  await chartsRendered(page, '.chart-cmp', 1);
  await page.waitForTimeout(600); // the bars grow in (animation)
  // The bars are sorted ascending from the bottom: 蒲庙镇 (the only township with records) is the top bar.
  const barAt = await page.evaluate(() => {
    const chart = window.echarts.getInstanceByDom(document.querySelector('.chart-cmp'));
    const names = chart.getOption().yAxis[0].data;
    const i = names.indexOf('蒲庙镇');
    const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [1, i]);
    return { x, y, i };
  });
  assert.ok(barAt.i >= 0, 'the chart has a bar for 蒲庙镇');
  // locator.click scrolls the chart into view and checks that nothing covers the point.
  await page.locator('.chart-cmp canvas').first().click({ position: { x: barAt.x - 2, y: barAt.y } });
  await page.locator('.db-crumb-current', { hasText: '蒲庙镇' }).waitFor();
  await page.locator('.db-cmp-table .db-drill', { hasText: '良信村' }).waitFor();

  // A village: its figures and the links to its records.
  await page.locator('.db-cmp-table .db-drill', { hasText: '良信村' }).click();
  await page.locator('.db-crumb-current', { hasText: '良信村' }).waitFor();
  await page.getByRole('heading', { name: '本村记录' }).waitFor();
  await shot(page, 'db-03-bureau-village.png');

  const violations = await page.evaluate(() => window.cspViolations);
  assert.deepEqual(violations, [], 'no CSP violations');
  assert.deepEqual(problems, [], 'no page errors or CSP reports');
  await context.close();
  assert.ok(Date.now() - started < 60000, `took ${Date.now() - started} ms`);
});
