// Headless Chromium against a real cunjing server (see server.mjs): login through the page as an assistant on a
// phone-sized screen and as a clerk on a desktop, the error shown for a wrong password, the English switch, and
// the TOTP step for the roles that require it. Each test uses a fresh browser profile.
// Dev only: E2E_BASE_URL=http://127.0.0.1:PORT runs against an already running server (TOTP tests skipped).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, totp } from './server.mjs';

const PASSWORD = 'Cunjing@2026';
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const T = 10000; // per-expectation timeout

let server = null;
let base = process.env.E2E_BASE_URL || null;

before(async () => {
  if (!base) {
    server = await startServer();
    base = server.url;
  }
});

after(async () => {
  if (server) await server.stop();
});

// Runs fn(page, dir) in a fresh persistent profile; fails on uncaught page errors and CSP violations.
async function withBrowser(viewport, fn) {
  const dir = mkdtempSync(join(tmpdir(), 'cunjing-e2e-chromium-'));
  const problems = [];
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS, viewport, locale: 'zh-CN',
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(T);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to (apply|execute|load|connect)/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
    await fn(page, dir);
    assert.deepEqual(problems, [], 'no script errors or CSP violations');
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function openLogin(page) {
  await page.goto(`${base}/`);
  await page.getByRole('heading', { name: '用户登录' }).waitFor();
}

async function fillLogin(page, username, password) {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

async function visibleText(locator) {
  await locator.first().waitFor({ state: 'visible', timeout: T });
  return (await locator.first().innerText()).trim();
}

test('assistant logs in on a phone, sees their village and the demo banner, logs out', async () => {
  await withBrowser(PHONE, async (page, dir) => {
    await openLogin(page);
    assert.equal(await visibleText(page.locator('#demo-banner')), '演示系统 - 数据均为虚构');

    await fillLogin(page, 'yangjianzi', PASSWORD);
    const hero = page.locator('.hero-title');
    await page.waitForFunction(() => /良信村/.test(document.querySelector('.hero-title')?.textContent || ''), null, { timeout: T });
    assert.match(await visibleText(hero), /良信村/);
    assert.equal(await visibleText(page.locator('#demo-banner')), '演示系统 - 数据均为虚构');
    assert.match(await visibleText(page.locator('header .user-role')), /^警务助理$/);

    // phone layout: bottom tab bar with big targets, no sidebar, nothing wider than the screen
    const nav = page.getByRole('navigation', { name: '主导航' });
    assert.ok(await nav.evaluate((n) => n.classList.contains('tabbar')), 'assistant gets the bottom tab bar');
    for (const name of ['首页', '我的村', '我的']) {
      const box = await nav.getByRole('link', { name, exact: true }).boundingBox();
      assert.ok(box && box.height >= 44 && box.width >= 44, `tab ${name} is a large touch target`);
    }
    assert.ok(await page.getByRole('link', { name: /我的村/ }).first().isVisible());
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);

    const shot = join(dir, 'assistant-home.png');
    await page.screenshot({ path: shot });
    assert.ok(statSync(shot).size > 5000, 'screenshot written');
    if (process.env.E2E_SHOTS) await page.screenshot({ path: join(process.env.E2E_SHOTS, 'assistant-home.png') });

    // the village page shows the village and its division code
    await page.locator('.tiles').getByRole('link', { name: /我的村/ }).click();
    await page.getByRole('heading', { name: '我的村', level: 1 }).waitFor();
    await page.locator('.facts').getByText(/良信村/).first().waitFor();

    await page.getByRole('button', { name: '退出登录' }).first().click();
    await page.getByRole('heading', { name: '用户登录' }).waitFor();
    assert.match(await visibleText(page.getByRole('status').filter({ hasText: '退出' })), /您已安全退出/);
    // the session is really gone: a reload stays on the login page
    await page.reload();
    await page.getByRole('heading', { name: '用户登录' }).waitFor();
    assert.equal(await page.locator('.hero-title').count(), 0);
  });
});

test('clerk logs in on a desktop and sees the station home with 蒲庙', async () => {
  await withBrowser(DESKTOP, async (page) => {
    await openLogin(page);
    await fillLogin(page, 'clerk_pumiao', PASSWORD);
    const nav = page.getByRole('navigation', { name: '主导航' });
    await nav.waitFor();
    assert.ok(await nav.evaluate((n) => n.classList.contains('sidebar')), 'desk roles get the sidebar');
    for (const name of ['首页', '辖区', '警务助理', '账户安全']) {
      assert.ok(await nav.getByRole('link', { name, exact: true }).isVisible(), `sidebar has ${name}`);
    }
    assert.match(await visibleText(page.locator('header .user-role')), /^户籍窗口$/);
    await page.locator('.scope-value').filter({ hasText: '蒲庙' }).first().waitFor();
    assert.match(await page.locator('.scope-line').innerText(), /蒲庙/);
    // the summary counts the villages of the scope
    const villages = page.locator('.stat').filter({ has: page.locator('.stat-label', { hasText: /^村$/ }) });
    const n = Number((await visibleText(villages.locator('.stat-value'))).replace(/\D+/g, ''));
    assert.ok(n > 0, `villages counted in scope (${n})`);
    assert.equal(await visibleText(page.locator('#demo-banner')), '演示系统 - 数据均为虚构');
    if (process.env.E2E_SHOTS) await page.screenshot({ path: join(process.env.E2E_SHOTS, 'clerk-home.png') });

    // area tree and assistants register are reachable and show data of the scope
    await nav.getByRole('link', { name: '辖区', exact: true }).click();
    await page.locator('.tree-name').filter({ hasText: '蒲庙' }).first().waitFor();
    await nav.getByRole('link', { name: '警务助理', exact: true }).click();
    await page.locator('#panel-register tbody tr').first().waitFor();
    assert.ok(await page.locator('#panel-register tbody tr').count() > 0, 'assistants register has rows');
  });
});

test('a wrong password shows the error message and stays on the login page', async () => {
  await withBrowser(PHONE, async (page) => {
    await openLogin(page);
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
    await fillLogin(page, 'officer_pumiao1', 'Wrong-password-1');
    const res = await answer;
    assert.equal(res.status(), 401);
    assert.equal((await res.json()).error.code, 'invalid_credentials');
    const alert = page.getByRole('alert').filter({ hasText: '用户名或密码错误' });
    assert.match(await visibleText(alert), /用户名或密码错误/);
    assert.ok(await page.getByRole('heading', { name: '用户登录' }).isVisible());
    assert.equal(await page.getByLabel('密码', { exact: true }).inputValue(), '', 'password field cleared');
  });
});

test('the English switch changes the login page and is remembered', async () => {
  await withBrowser(PHONE, async (page) => {
    await openLogin(page);
    await page.getByRole('button', { name: '切换为英文' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.ok(await page.getByLabel('Username').isVisible());
    assert.ok(await page.getByLabel('Password', { exact: true }).isVisible());
    assert.equal(await visibleText(page.locator('#demo-banner')), 'Demo system - all data is fictitious');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.getByText('用户登录').count(), 0, 'no Chinese heading left');
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('button', { name: 'Switch to Chinese' }).click();
    await page.getByRole('heading', { name: '用户登录' }).waitFor();
  });
});

for (const [username, heading, rowCheck] of [
  ['admin', '用户管理', '警务助理'], // the demo has 81 assistants: some are on the first page
  ['auditor', '审计日志', null],
]) {
  test(`${username} passes the TOTP step and lands on ${heading}`, { skip: process.env.E2E_BASE_URL ? 'needs demo TOTP secrets' : false }, async () => {
    const secret = server.totpSecrets[username];
    assert.ok(secret, `cunjing demo printed an otpauth:// line for ${username} (got: ${Object.keys(server.totpSecrets).join(', ') || 'none'})`);
    await withBrowser(DESKTOP, async (page) => {
      await openLogin(page);
      await fillLogin(page, username, PASSWORD);
      await page.getByRole('heading', { name: '两步验证' }).waitFor();
      await page.getByLabel('动态码').fill(totp(secret));
      await page.getByRole('button', { name: '验证并登录' }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      if (rowCheck) await page.locator('tbody tr').filter({ hasText: rowCheck }).first().waitFor();
      else await page.locator('tbody tr').first().waitFor(); // at least the logins of this run are in the log
      if (process.env.E2E_SHOTS) await page.screenshot({ path: join(process.env.E2E_SHOTS, `${username}.png`) });
    });
  });
}
