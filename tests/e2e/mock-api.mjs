// Development aid only (not a test): serves web/ with the server's CSP and a small in-memory imitation of the
// /api/v1 contract (login with TOTP step, me, areas, units, assistants, users, audit), so the pages can be
// looked at before or without the C server. Run: node tests/e2e/mock-api.mjs [port]  (binds 127.0.0.1 only)
// Logins: any demo username with password Cunjing@2026; admin/auditor/reviewer ask for TOTP, accept 123456.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const webRoot = path.resolve(here, '../../web');
const csvPath = path.resolve(here, '../../../shared/domain/yongning-divisions.csv');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png' };

// areas from the shared division file (hamlets get synthetic codes)
const areas = [];
{
  const lines = fs.readFileSync(csvPath, 'utf8').trim().split('\n').slice(1);
  let n = 0;
  for (const line of lines) {
    const [code, level, name, parent] = line.split(',');
    n += 1;
    areas.push({ id: `a${code || `nv${n}`}`, code: code || `NV${String(n).padStart(4, '0')}`, name, level, parent_id: parent ? `a${parent}` : null });
  }
}
const byId = new Map(areas.map((a) => [a.id, a]));
const under = (id, rootId) => { for (let a = byId.get(id); a; a = byId.get(a.parent_id)) if (a.id === rootId) return true; return false; };

const units = [
  { id: 'u1', code: 'YN', name: '邕宁分局', kind: 'bureau', area_ids: ['a450109000000'] },
  { id: 'u2', code: 'PM', name: '蒲庙派出所', kind: 'station', area_ids: ['a450109100000'] },
  { id: 'u3', code: 'NL', name: '那楼派出所', kind: 'station', area_ids: ['a450109101000'] },
  { id: 'u4', code: 'RK', name: '人口管理大队', kind: 'brigade', area_ids: ['a450109000000'] },
];
let users = [
  ['yangjianzi', '杨建子', 'assistant', ['a450109100211'], null],
  ['clerk_pumiao', '黄丽萍', 'clerk', [], 'u2'],
  ['officer_pumiao1', '韦志强', 'officer', ['a450109100211', 'a450109100207'], 'u2'],
  ['chief_pumiao', '李国栋', 'station_chief', [], 'u2'],
  ['bureau', '陈建华', 'bureau', [], 'u1'],
  ['town_pumiao', '农秀兰', 'township', ['a450109100000'], null],
  ['admin', '系统管理员', 'admin', ['a450109000000'], null],
  ['auditor', '审计员甲', 'auditor', [], null],
  ['reviewer', '覃海燕', 'reviewer', [], 'u4'],
].map(([username, name, role, area_ids, unit_id], i) => ({
  id: `usr${i + 1}`, username, name, role, area_ids: area_ids.length ? area_ids : (unit_id ? units.find((u) => u.id === unit_id).area_ids : []),
  unit_id, disabled: false, totp_enabled: ['admin', 'auditor', 'reviewer'].includes(role), version: 1,
}));
const villages = areas.filter((a) => a.level === 'village' || a.level === 'community');
const assistants = villages.filter((_, i) => i % 7 !== 3).map((v, i) => ({
  id: `as${i}`, user_id: v.id === 'a450109100211' ? 'usr1' : `x${i}`, name: v.id === 'a450109100211' ? '杨建子' : `助理${i + 1}（演示）`,
  village_id: v.id, village_name: v.name, employer_id: v.parent_id, employer_name: byId.get(v.parent_id).name,
  station_id: 'u2', station_name: v.parent_id === 'a450109100000' ? '蒲庙派出所' : '那楼派出所', officer_ids: ['usr3'],
  phone: `1387710${String(1000 + i).slice(-4)}`, contract_start: '2025-01-01', contract_end: '2027-12-31',
}));
const audit = Array.from({ length: 120 }, (_, i) => ({
  seq: 120 - i, at: new Date(Date.now() - i * 3600e3).toISOString(), user: ['clerk_pumiao', 'admin', 'yangjianzi'][i % 3],
  role: ['clerk', 'admin', 'assistant'][i % 3], ip: '127.0.0.1', action: ['auth.login', 'user.update', 'areas.list'][i % 3],
  object: i % 3 === 1 ? 'user/usr3' : '', result: i % 5 === 0 ? 'denied' : 'ok', request_id: crypto.randomBytes(8).toString('hex'),
}));
const sessions = new Map();
const fails = new Map();

function send(res, status, body, headers = {}) {
  const h = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', ...headers };
  if (body === null) { res.writeHead(status, h); res.end(); return; }
  res.writeHead(status, { ...h, 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
const err = (res, status, code, message, field, headers) => send(res, status, { error: { code, message, field }, request_id: crypto.randomBytes(8).toString('hex') }, headers);
const pub = (u) => ({ id: u.id, username: u.username, name: u.name, role: u.role, area_ids: u.area_ids, unit_id: u.unit_id });
const inScope = (u, a) => u.area_ids.some((r) => under(a.id, r));
function page(items, q) {
  const limit = Math.min(Number(q.get('limit') || 20), 100);
  const start = Number(q.get('cursor') || 0);
  return { items: items.slice(start, start + limit), next_cursor: start + limit < items.length ? String(start + limit) : null };
}

async function api(req, res, url) {
  const p = url.pathname.slice('/api/v1'.length);
  const q = url.searchParams;
  let body = {};
  if (req.method !== 'GET') {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    try { body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {}; } catch { return err(res, 400, 'invalid_json', 'invalid JSON'); }
  }
  await new Promise((r) => setTimeout(r, 120));
  if (p === '/info') return send(res, 200, { name: 'cunjing', version: '0.1.0', demo: true });
  if (p === '/auth/login' && req.method === 'POST') {
    const u = users.find((x) => x.username === body.username);
    const n = fails.get(body.username) || 0;
    if (n >= 5) return err(res, 423, 'locked', 'account locked', null, { 'Retry-After': '840' });
    if (!u || u.disabled || body.password !== 'Cunjing@2026') { fails.set(body.username, n + 1); return err(res, 401, 'invalid_credentials', 'invalid username or password'); }
    if (u.totp_enabled && body.totp !== '123456') return err(res, 401, 'totp_required', 'TOTP code required');
    const token = crypto.randomBytes(16).toString('hex'); const csrf = crypto.randomBytes(16).toString('hex');
    sessions.set(token, { user: u, csrf });
    return send(res, 200, { token, csrf_token: csrf, user: pub(u) }, { 'Set-Cookie': `cunjing_session=${token}; HttpOnly; SameSite=Strict; Path=/` });
  }
  const cookie = /cunjing_session=([0-9a-f]+)/.exec(req.headers.cookie || '');
  const s = cookie && sessions.get(cookie[1]);
  if (!s) return err(res, 401, 'unauthenticated', 'authentication required');
  if (req.method !== 'GET' && req.headers['x-csrf-token'] !== s.csrf) return err(res, 403, 'csrf', 'missing or wrong CSRF token');
  const me = s.user;
  if (p === '/me' && req.method === 'GET') return send(res, 200, { user: pub(me), csrf_token: s.csrf });
  if (p === '/auth/logout') { sessions.delete(cookie[1]); return send(res, 204, null); }
  if (p === '/me/password') {
    const np = body.new_password || '';
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(np)).length;
    if (body.current_password !== 'Cunjing@2026') return err(res, 422, 'invalid_field', 'current password is wrong', 'current_password');
    if (np.length < 10 || classes < 3) return err(res, 422, 'invalid_field', '新密码至少 10 位，且包含大写字母、小写字母、数字、符号中的三类', 'new_password');
    return send(res, 204, null);
  }
  if (p === '/me/totp' && req.method === 'POST') return send(res, 200, { otpauth_uri: `otpauth://totp/cunjing:${me.username}?secret=JBSWY3DPEHPK3PXP&issuer=cunjing` });
  if (p === '/me/totp/confirm') return body.totp === '123456' ? send(res, 204, null) : err(res, 422, 'invalid_field', 'wrong code', 'totp');
  if (p === '/me/totp' && req.method === 'DELETE') return body.totp === '123456' ? send(res, 204, null) : err(res, 422, 'invalid_field', 'wrong code', 'totp');
  if (p === '/areas') {
    const parent = q.get('parent_id');
    if (!parent) {
      const tops = areas.filter((a) => me.area_ids.includes(a.id));
      return send(res, 200, page(tops, q));
    }
    const pa = byId.get(parent);
    if (!pa || !inScope(me, pa)) return err(res, 404, 'not_found', 'no such area');
    return send(res, 200, page(areas.filter((a) => a.parent_id === parent), q));
  }
  if (p === '/units') return send(res, 200, { items: units, next_cursor: null });
  if (p === '/assistants') {
    if (['admin', 'auditor'].includes(me.role) && me.role === 'auditor') return err(res, 403, 'forbidden', 'forbidden');
    const list = me.role === 'assistant' ? assistants.filter((a) => a.user_id === me.id) : assistants.filter((a) => inScope(me, byId.get(a.village_id)));
    return send(res, 200, page(list, q));
  }
  if (p === '/assistants/coverage') {
    const have = new Set(assistants.map((a) => a.village_id));
    return send(res, 200, page(villages.filter((v) => !have.has(v.id) && inScope(me, v)), q));
  }
  if (p === '/users') {
    if (me.role !== 'admin') return err(res, 403, 'forbidden', 'forbidden');
    if (req.method === 'GET') return send(res, 200, page(users, q));
    if (users.some((u) => u.username === body.username)) return err(res, 422, 'invalid_field', 'username already exists', 'username');
    const u = { id: `usr${users.length + 1}`, username: body.username, name: body.name, role: body.role, area_ids: body.area_ids || [], unit_id: body.unit_id || null, disabled: false, totp_enabled: false, version: 1 };
    users.push(u);
    const out = { ...u };
    if (['admin', 'auditor', 'reviewer'].includes(u.role)) out.otpauth_uri = `otpauth://totp/cunjing:${u.username}?secret=KRSXG5CTMVRXEZLU&issuer=cunjing`;
    return send(res, 201, out);
  }
  const m = /^\/users\/([^/]+)$/.exec(p);
  if (m && req.method === 'PATCH') {
    if (me.role !== 'admin') return err(res, 403, 'forbidden', 'forbidden');
    const u = users.find((x) => x.id === m[1]);
    if (!u) return err(res, 404, 'not_found', 'no such user');
    if (body.version !== u.version) return send(res, 409, { error: { code: 'version_conflict', message: 'stale version', current: u }, request_id: 'r' });
    for (const k of ['name', 'role', 'area_ids', 'unit_id', 'disabled']) if (k in body) u[k] = body[k];
    u.version += 1;
    return send(res, 200, u);
  }
  if (p === '/audit') {
    if (me.role !== 'auditor') return err(res, 403, 'forbidden', 'forbidden');
    let list = audit;
    if (q.get('user')) list = list.filter((r) => r.user === q.get('user'));
    if (q.get('action')) list = list.filter((r) => r.action === q.get('action'));
    return send(res, 200, page(list, q));
  }
  return err(res, 404, 'not_found', 'no such endpoint');
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname.startsWith('/api/')) return api(req, res, url);
  let file = path.normalize(path.join(webRoot, url.pathname === '/' ? '/index.html' : url.pathname));
  if (!file.startsWith(webRoot) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(webRoot, 'index.html');
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' });
  fs.createReadStream(file).pipe(res);
});
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
