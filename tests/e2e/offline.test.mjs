// The assistant's phone app offline (issue 8), in Chromium at 360x740 against a real server: the first online visit
// installs the service worker and sets the PIN; offline, an application with two photos and a dispute go into the
// outbox; a reload (still offline) opens the app from the service worker and unlocks the encrypted store with the
// PIN: the outbox still holds them; back online it drains, and the server has exactly one of each with both photos.
// Then the server is killed right after it answered the first record of the outbox and restarted on the same
// database: nothing lost, nothing doubled. Offline again, a security information report, an activity with a photo
// and a mediation session (posted to the nested /disputes/{id}/sessions) wait in the outbox; back online the
// server has exactly one of each. Last, a stale edit of an application shows the conflict page with both
// versions. Fails on page errors and CSP violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { BIN } from './server.mjs';

const PASSWORD = 'Cunjing@2026';
const PIN = '246810';
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const T = 15000;
const ID_NUMBER = '450109198503151234';

let dir = null;
let db = null;
let port = 0;
let base = null;
let child = null;
let browser = null;

function freePort() {
  return new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
}
async function serverUp() {
  child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.resume();
  await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => { out += d; if (/listening on/.test(out)) { clearTimeout(timer); resolve(); } });
    child.once('exit', (c) => { clearTimeout(timer); reject(new Error(`server exited ${c}: ${out}`)); });
  });
}
async function serverKill() {
  const p = child;
  child = null;
  if (!p || p.exitCode !== null) return;
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await gone;
}

function crc32(buf) {
  let crc = 0xffffffff;
  for (const b of buf) { crc ^= b; for (let k = 0; k < 8; k += 1) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1; }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(w, hgt, shade) {
  const row = w * 3 + 1;
  const raw = Buffer.alloc(row * hgt);
  for (let y = 0; y < hgt; y += 1) for (let x = 0; x < w; x += 1) { const o = y * row + 1 + x * 3; raw[o] = shade; raw[o + 1] = (x * 7) & 255; raw[o + 2] = (y * 5) & 255; }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(hgt, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

async function apiSession(username) {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  const body = await res.json();
  assert.equal(res.status, 200, `login ${username}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return async function call(method, path, data) {
    const r = await fetch(`${base}/api/v1${path}`, { method, headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': body.csrf_token }, body: data === undefined ? undefined : JSON.stringify(data) });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}
async function all(call, path) {
  const out = [];
  let cursor = '';
  for (let i = 0; i < 20; i += 1) {
    const d = await call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...d.items);
    if (!d.next_cursor) break;
    cursor = d.next_cursor;
  }
  return out;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cunjing-e2e-off-'));
  db = `sqlite:${join(dir, 'c.db')}`;
  execFileSync(BIN, ['init', '--db', db], { stdio: 'ignore' });
  execFileSync(BIN, ['demo', '--db', db], { stdio: 'ignore' });
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await serverUp();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
});

after(async () => {
  if (browser) await browser.close();
  await serverKill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function waitDrained(p, timeout = 40000) {
  const end = Date.now() + timeout;
  for (;;) {
    const n = await p.locator('.outbox-item').count();
    const sent = await p.locator('.outbox-item[data-state="sent"]').count();
    if (n > 0 && n === sent) return;
    if (Date.now() > end) throw new Error(`outbox not drained: ${sent}/${n}`);
    await p.waitForTimeout(250);
  }
}

// A phone: a fresh browser context (its own IndexedDB and service worker) with the page's errors collected.
async function phone() {
  const problems = [];
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
  const p = await ctx.newPage();
  p.setDefaultTimeout(T);
  p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  p.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text()); });
  return { ctx, p, problems };
}

// Fills the login form shown on p as the demo assistant.
async function logIn(p) {
  await p.getByLabel('用户名').fill('yangjianzi');
  await p.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await p.getByRole('button', { name: '登录', exact: true }).click();
  await p.locator('header .user-name').waitFor();
}

// Sets the phone's PIN from the banner's link.
async function setPin(p) {
  await p.locator('.offline-pin a').click();
  await p.getByRole('heading', { name: '设置本机 PIN' }).waitFor();
  await p.getByLabel('PIN', { exact: true }).fill(PIN);
  await p.getByLabel('再次输入 PIN').fill(PIN);
  await p.getByRole('button', { name: '设置 PIN' }).click();
  await p.getByText('已设置 PIN').waitFor();
}

async function serviceWorkerControls(p) {
  for (let i = 0; i < 60 && !(await p.evaluate(() => Boolean(navigator.serviceWorker.controller))); i += 1) await p.waitForTimeout(250);
}

test('offline outbox: reload, PIN, drain, kill the server, conflict', { timeout: 120000 }, async () => {
  const { ctx, p, problems } = await phone();
  const api = await apiSession('yangjianzi');
  const types = (await api('GET', '/household-business-types')).items;
  const creatable = (ty) => Array.isArray(ty.approval_chain) && ty.approval_chain[0] === 'assistant' && ty.assistant_preaccept !== 'no';
  const reqOf = (ty) => ty.materials.filter((m) => m.required && !m.on_site);
  const type = types.find((ty) => creatable(ty) && reqOf(ty).length === 2);
  assert.ok(type, 'a type with two required photos');
  const required = type.materials.filter((m) => m.required && !m.on_site);
  const name = '韦离线';
  const title = `离线登记的纠纷 ${Date.now()}`;

  // ---- online: log in, the service worker takes the page, set the PIN, open the two forms once ----
  await p.goto(`${base}/#/login`);
  await logIn(p);
  await setPin(p);
  await serviceWorkerControls(p);
  const manifest = await (await fetch(`${base}/manifest.webmanifest`)).json();
  assert.ok(manifest.icons.some((i) => i.sizes === '512x512'), 'installable: manifest with icons');
  await p.goto(`${base}/#/hb/new`);
  await p.locator('label.type-option').first().waitFor();
  await p.goto(`${base}/#/disputes/new`);
  await p.getByLabel('纠纷类别').locator('option').nth(1).waitFor({ state: 'attached' });
  // the prefetched lists reach the encrypted store (waited for, not slept on: the machine may be loaded)
  const cachedKeys = () => p.evaluate(() => new Promise((res) => {
    const r = indexedDB.open('cunjing-offline');
    r.onsuccess = () => {
      try {
        const k = r.result.transaction('cache', 'readonly').objectStore('cache').getAllKeys();
        k.onsuccess = () => { res(k.result.map(String)); r.result.close(); };
        k.onerror = () => { res([]); r.result.close(); };
      } catch (_) { res([]); r.result.close(); }
    };
    r.onerror = () => res([]);
  }));
  for (let i = 0; ; i += 1) {
    const keys = await cachedKeys();
    if (keys.some((k) => k.includes('household-business-types')) && keys.some((k) => k.includes('categor'))) break;
    assert.ok(i < 120, `lists not cached for offline use: ${keys.join(', ')}`);
    await p.waitForTimeout(250);
  }

  // ---- offline: an application with two photos, a dispute with a photo ----
  await ctx.setOffline(true);
  await p.goto(`${base}/#/hb/new`);
  await p.locator(`label.type-option input[value="${type.code}"]`).check();
  await p.getByRole('button', { name: '下一步' }).click();
  await p.getByLabel('申请人姓名').fill(name);
  await p.getByLabel('公民身份号码').fill(ID_NUMBER);
  await p.getByLabel('联系电话').fill('13907710009');
  await p.getByRole('button', { name: '下一步' }).click();
  await p.getByLabel('现住址').fill('良信村 5 组');
  await p.getByRole('button', { name: '下一步' }).click();
  await p.getByRole('heading', { name: '材料拍照', level: 2 }).waitFor();
  for (const [i, m] of required.entries()) {
    const file = join(dir, `${m.kind}.png`);
    writeFileSync(file, png(i === 0 ? 2400 : 400, i === 0 ? 1600 : 300, 60 + i * 80));
    await p.locator(`#cap-${m.kind}`).setInputFiles(file);
    await p.locator(`li.material[data-kind="${m.kind}"] .thumb img[src^="blob:"]`).waitFor();
  }
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.locator('.outbox-item').first().waitFor();

  await p.goto(`${base}/#/disputes/new`);
  await p.getByLabel('纠纷类别').selectOption({ index: 1 });
  await p.getByLabel('纠纷简述').fill(title);
  await p.getByLabel('基本情况').fill('离线时登记。');
  const parties = p.locator('.party-edit');
  await parties.nth(0).getByLabel('姓名').fill('黄甲');
  await parties.nth(1).getByLabel('姓名').fill('韦乙');
  const dpPhoto = join(dir, 'dp.png');
  writeFileSync(dpPhoto, png(640, 480, 200));
  await p.locator('#dp-new-photo').setInputFiles(dpPhoto);
  await p.getByRole('button', { name: '提交登记' }).click();
  await p.locator('.outbox-item').first().waitFor();
  // application: create + 2 photos + submit; dispute: create + photo
  assert.equal(await p.locator('.outbox-item').count(), 6);

  // ---- reload, still offline: the shell comes from the service worker, the PIN unlocks the outbox ----
  await p.reload();
  await p.getByRole('heading', { name: '输入 PIN 解锁' }).waitFor();
  await p.getByLabel('PIN', { exact: true }).fill('000000');
  await p.getByRole('button', { name: '解锁' }).click();
  await p.getByText('PIN 不正确').waitFor();
  await p.getByLabel('PIN', { exact: true }).fill(PIN);
  await p.getByRole('button', { name: '解锁' }).click();
  await p.locator('.outbox-item').first().waitFor();
  assert.equal(await p.locator('.outbox-item').count(), 6, 'the outbox survived the reload');
  assert.equal(await p.locator('.outbox-item[data-state="sent"]').count(), 0);
  assert.match(await p.locator('.outbox-error').first().textContent(), /网络不通|将自动重试/);
  await p.goto(`${base}/#/hb`);
  await p.locator('.offline-stale').waitFor();

  // ---- online: the outbox drains by itself ----
  await p.goto(`${base}/#/outbox`);
  await ctx.setOffline(false);
  await waitDrained(p);
  const apps = (await all(api, '/household-applications')).filter((a) => a.applicant && a.applicant.name === name);
  assert.equal(apps.length, 1, 'exactly one application');
  const app = await api('GET', `/household-applications/${apps[0].id}`);
  assert.equal(app.status, 'submitted');
  assert.equal(app.attachments.length, 2, 'both photos');
  const large = app.attachments.find((a) => a.kind === required[0].kind);
  assert.ok(large, 'the large photo arrived under its material kind');
  assert.equal(large.content_type, 'image/jpeg', 'the large photo was downscaled on the phone');
  const dps = (await all(api, '/disputes')).filter((d) => d.title === title);
  assert.equal(dps.length, 1, 'exactly one dispute');
  assert.equal((await api('GET', `/disputes/${dps[0].id}`)).attachments.length, 1);

  // ---- kill the server in the middle of the outbox, restart it on the same database ----
  await p.locator('.outbox-groups').waitFor();
  await ctx.setOffline(true);
  const title2 = `断电时的纠纷 ${Date.now()}`;
  await p.goto(`${base}/#/disputes/new`);
  await p.getByLabel('纠纷类别').selectOption({ index: 1 });
  await p.getByLabel('纠纷简述').fill(title2);
  await p.getByLabel('基本情况').fill('发送途中服务器重启。');
  await parties.nth(0).getByLabel('姓名').fill('黄丙');
  await parties.nth(1).getByLabel('姓名').fill('韦丁');
  await p.locator('#dp-new-photo').setInputFiles(dpPhoto);
  await p.locator('#dp-new-photo').setInputFiles(join(dir, `${required[1].kind}.png`));
  await p.getByRole('button', { name: '提交登记' }).click();
  await p.locator('.outbox-item').first().waitFor();
  const answered = p.waitForResponse((r) => r.url().endsWith('/api/v1/disputes') && r.request().method() === 'POST');
  await ctx.setOffline(false);
  await answered;
  await serverKill();
  await p.waitForTimeout(500);
  await serverUp();
  await p.getByRole('button', { name: '立即发送' }).click();
  await waitDrained(p);
  const dps2 = (await all(api, '/disputes')).filter((d) => d.title === title2);
  assert.equal(dps2.length, 1, 'nothing doubled');
  assert.equal((await api('GET', `/disputes/${dps2[0].id}`)).attachments.length, 2, 'nothing lost');

  // ---- offline: a security information report, an activity with a photo, a mediation session (nested URL) ----
  // Each form is opened once online; its lists reach the encrypted store (waited for).
  const intelText = `离线上报的治安信息 ${Date.now()}`;
  const topic = `离线登记的走访 ${Date.now()}`;
  const sessionNote = `离线记录的调解 ${Date.now()}`;
  await p.goto(`${base}/#/intel/new`);
  await p.getByLabel('信息类别').locator('option').nth(1).waitFor({ state: 'attached' });
  await p.goto(`${base}/#/visits/new`);
  await p.getByLabel('村（社区）').locator('option').first().waitFor({ state: 'attached' });
  await p.goto(`${base}/#/disputes/${dps2[0].id}`);
  await p.locator('.dp-close-form').waitFor();
  await p.goto(`${base}/#/disputes/${dps[0].id}`);
  await p.locator('.dp-session-form').waitFor();
  for (let i = 0; ; i += 1) {
    const keys = await cachedKeys();
    if (['intel-categories', 'key-persons', `/disputes/${dps[0].id}`, `/disputes/${dps2[0].id}`].every((k) => keys.some((x) => x.includes(k)))) break;
    assert.ok(i < 120, `forms' lists not cached for offline use: ${keys.join(', ')}`);
    await p.waitForTimeout(250);
  }
  const waiting = p.locator('.outbox-item[data-state="waiting"]');
  await ctx.setOffline(true);

  await p.goto(`${base}/#/intel/new`);
  await p.getByLabel('信息类别').selectOption({ index: 1 });
  await p.getByLabel('信息内容').fill(intelText);
  await p.getByLabel('地点（可选）').fill('良信村路口');
  await p.getByRole('button', { name: '上报', exact: true }).click();
  await p.waitForURL(/#\/outbox\?saved=1$/);
  await waiting.nth(0).waitFor();
  assert.equal(await waiting.count(), 1, 'the report waits in the outbox');

  await p.goto(`${base}/#/visits/new`);
  await p.getByLabel('主题').fill(topic);
  await p.getByLabel('参加人数').fill('12');
  await p.getByLabel('情况记录').fill('离线时登记的走访。');
  const vsPhoto = join(dir, 'vs.png');
  writeFileSync(vsPhoto, png(800, 600, 120));
  await p.locator('#vs-new-photo').setInputFiles(vsPhoto);
  await p.locator('.photo-picker img[src^="blob:"]').waitFor();
  await p.getByRole('button', { name: '保存记录' }).click();
  await p.waitForURL(/#\/outbox\?saved=1$/);
  await waiting.nth(2).waitFor();
  assert.equal(await waiting.count(), 3, 'the activity and its photo wait too');

  await p.goto(`${base}/#/disputes/${dps[0].id}`);
  const sessionForm = p.locator('.dp-session-form');
  await sessionForm.getByLabel('调解情况').fill(sessionNote);
  await sessionForm.getByRole('button', { name: '保存调解记录' }).click();
  await p.waitForURL(/#\/outbox\?saved=1$/);
  await waiting.nth(3).waitFor();
  assert.equal(await waiting.count(), 4, 'the session waits too');

  await p.goto(`${base}/#/disputes/${dps2[0].id}`);
  const closeForm = p.locator('.dp-close-form');
  await closeForm.getByLabel('未化解').check();
  await closeForm.getByRole('button', { name: '确认结案' }).click();
  await p.waitForURL(/#\/outbox\?saved=1$/);
  await waiting.nth(4).waitFor();
  assert.equal(await waiting.count(), 5, 'the close waits too');

  await ctx.setOffline(false);
  await waitDrained(p);
  const reports = (await all(api, '/intel-reports')).filter((r) => r.content === intelText);
  assert.equal(reports.length, 1, 'exactly one security information report');
  const acts = (await all(api, '/activities')).filter((a) => a.topic === topic);
  assert.equal(acts.length, 1, 'exactly one activity');
  assert.equal((await api('GET', `/activities/${acts[0].id}`)).attachments.length, 1, 'the activity photo arrived');
  const sessions = ((await api('GET', `/disputes/${dps[0].id}`)).timeline || []).filter((e) => e.kind === 'session' && e.data && e.data.notes === sessionNote);
  assert.equal(sessions.length, 1, 'exactly one mediation session');
  const closed = await api('GET', `/disputes/${dps2[0].id}`);
  assert.equal(closed.status, 'unresolved', 'the close made offline reached the server');
  assert.equal((closed.timeline || []).filter((e) => e.kind === 'close').length, 1, 'closed once');

  // ---- a stale edit: the conflict page with both versions ----
  const draft = await api('POST', '/household-applications', { business_type: type.code, village_id: app.village_id, applicant: { name: '韦冲突', id_number: ID_NUMBER, phone: '13907710010' }, details: { address: '原地址' }, client_ref: `conf-${Date.now()}` });
  await p.goto(`${base}/#/hb/${draft.id}`);
  await p.locator('.edit-summary').click();
  await api('PATCH', `/household-applications/${draft.id}`, { version: draft.version, applicant: draft.applicant, details: { address: '别人改的地址' } });
  await p.getByLabel('现住址').fill('我改的地址');
  await p.getByRole('button', { name: '保存修改' }).click();
  await p.getByRole('heading', { name: '修改冲突' }).waitFor();
  assert.match(await p.locator('.conflict-mine').textContent(), /我改的地址/);
  assert.match(await p.locator('.conflict-theirs').textContent(), /别人改的地址/);
  const now = await api('GET', `/household-applications/${draft.id}`);
  assert.equal(now.details.address, '别人改的地址', 'never overwritten silently');

  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a record saved offline before any PIN asks for the PIN at once, then survives a reload', { timeout: 90000 }, async () => {
  const { ctx, p, problems } = await phone();
  const api = await apiSession('yangjianzi');
  await p.goto(`${base}/#/login`);
  await logIn(p);
  await serviceWorkerControls(p);
  await p.goto(`${base}/#/intel/new`);
  await p.getByLabel('信息类别').locator('option').nth(1).waitFor({ state: 'attached' });

  // offline, no PIN on this phone yet: saving asks for the PIN, with no way to put it off
  await ctx.setOffline(true);
  const text = `没有 PIN 时记下的信息 ${Date.now()}`;
  await p.getByLabel('信息类别').selectOption({ index: 1 });
  await p.getByLabel('信息内容').fill(text);
  await p.getByRole('button', { name: '上报', exact: true }).click();
  await p.getByRole('heading', { name: '设置本机 PIN' }).waitFor();
  await p.locator('.pin-required').waitFor();
  assert.equal(await p.getByRole('button', { name: '以后再说' }).count(), 0, 'the PIN cannot be postponed now');
  await p.getByLabel('PIN', { exact: true }).fill(PIN);
  await p.getByLabel('再次输入 PIN').fill(PIN);
  await p.getByRole('button', { name: '设置 PIN' }).click();
  await p.locator('.outbox-item').first().waitFor();

  // a reload without a connection: the record is on the phone
  await p.reload();
  await p.getByRole('heading', { name: '输入 PIN 解锁' }).waitFor();
  await p.getByLabel('PIN', { exact: true }).fill(PIN);
  await p.getByRole('button', { name: '解锁' }).click();
  await p.locator('.outbox-item').first().waitFor();
  assert.equal(await p.locator('.outbox-item').count(), 1, 'the record survived the reload');

  await ctx.setOffline(false);
  await waitDrained(p);
  const reports = (await all(api, '/intel-reports')).filter((r) => r.content === text);
  assert.equal(reports.length, 1, 'exactly one report');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('an expired session: log in again before the outbox is sent; logout never drops unsent records silently', { timeout: 90000 }, async () => {
  const { ctx, p, problems } = await phone();
  const api = await apiSession('yangjianzi');
  const report = async (text) => {
    await p.goto(`${base}/#/intel/new`);
    await p.getByLabel('信息类别').selectOption({ index: 1 });
    await p.getByLabel('信息内容').fill(text);
    await p.getByRole('button', { name: '上报', exact: true }).click();
    await p.waitForURL(/#\/outbox\?saved=1$/);
    await p.locator('.outbox-item[data-state="waiting"]').first().waitFor();
  };
  await p.goto(`${base}/#/login`);
  await logIn(p);
  await setPin(p);
  await p.goto(`${base}/#/intel/new`);
  await p.getByLabel('信息类别').locator('option').nth(1).waitFor({ state: 'attached' });

  // a report made offline; meanwhile the session ends on the server (as its idle expiry would)
  await ctx.setOffline(true);
  const text = `会话过期前记下的信息 ${Date.now()}`;
  await report(text);
  const cookie = (await ctx.cookies(base)).find((c) => c.name === 'cj_session');
  assert.ok(cookie, 'the session cookie');
  const out = await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${cookie.value}` } });
  assert.ok(out.status === 200 || out.status === 204, `the session ended on the server: ${out.status}`);

  // back online: the outbox meets 401 -> the login page; the record stays on the phone, unsent
  await ctx.setOffline(false);
  await p.getByLabel('用户名').waitFor();
  assert.equal((await all(api, '/intel-reports')).filter((r) => r.content === text).length, 0, 'nothing sent without a session');
  await logIn(p);
  await p.goto(`${base}/#/outbox`);
  await waitDrained(p);
  assert.equal((await all(api, '/intel-reports')).filter((r) => r.content === text).length, 1, 'sent once after the new login');

  // logging out with an unsent record: the dialog; discarding needs the tick; cancel keeps everything
  await ctx.setOffline(true);
  await report(`退出前未发送的信息 ${Date.now()}`);
  await p.locator('.btn-logout').click();
  await p.getByRole('heading', { name: '还有未发送的记录' }).waitFor();
  assert.ok(await p.getByRole('button', { name: '删除未发送的记录并退出' }).isDisabled(), 'discarding needs the explicit tick');
  await p.getByRole('button', { name: '取消' }).click();
  await p.locator('header .user-name').waitFor();
  assert.equal(await p.locator('.outbox-item[data-state="waiting"]').count(), 1, 'the record is still there');
  assert.deepEqual(problems, []);
  await ctx.close();
});
