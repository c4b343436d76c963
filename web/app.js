// Entry point: boot, hash router, the two layouts (phone for assistants, desktop sidebar for the others).
import { h, clear } from './dom.js';
import { t, getLang, setLang, applyLang } from './i18n.js';
import { get, post, setCsrf, setUnauthenticatedHandler } from './api.js';
import { session, resetCaches } from './state.js';
import { icons } from './icons.js';
import { roleLabel, errorBox, showError } from './ui.js';
import { renderLogin } from './views/login.js';
import * as homeView from './views/home.js';
import * as villageView from './views/village.js';
import * as areasView from './views/areas.js';
import * as assistantsView from './views/assistants.js';
import * as usersView from './views/users.js';
import * as auditView from './views/audit.js';
import * as accountView from './views/account.js';

const VIEWS = {
  home: homeView, village: villageView, areas: areasView, assistants: assistantsView,
  users: usersView, audit: auditView, account: accountView,
};

// [route, label key, icon]
const NAVS = {
  assistant: [['home', 'nav.home', 'home'], ['village', 'nav.village', 'village'], ['account', 'nav.account', 'account']],
  desk: [['home', 'nav.home', 'home'], ['areas', 'nav.areas', 'areas'], ['assistants', 'nav.assistants', 'people'], ['account', 'nav.account.desk', 'lock']],
  admin: [['users', 'nav.users', 'users'], ['areas', 'nav.areas', 'areas'], ['account', 'nav.account.desk', 'lock']],
  auditor: [['audit', 'nav.audit', 'audit'], ['account', 'nav.account.desk', 'lock']],
};

function navFor(role) {
  if (role === 'assistant') return NAVS.assistant;
  if (role === 'admin') return NAVS.admin;
  if (role === 'auditor') return NAVS.auditor;
  return NAVS.desk;
}

const root = document.getElementById('app');
const banner = document.getElementById('demo-banner');
let loginNotice = null; // {kind: 'error'|'ok', key} shown once on the login page

function currentRoute() {
  return location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
}

export function navigate(name) {
  if (currentRoute() === name) route(); else location.hash = `#/${name}`;
}

function renderBanner() {
  const demo = Boolean(session.info && session.info.demo === true);
  banner.hidden = !demo;
  banner.textContent = demo ? t('demo.banner') : '';
}

function langButton(extraClass = '') {
  const other = getLang() === 'zh' ? 'en' : 'zh';
  return h('button', {
    type: 'button', class: `btn-lang ${extraClass}`.trim(), lang: other === 'en' ? 'en' : 'zh-CN',
    'aria-label': t('lang.switch.label'),
    onclick: () => { setLang(other); renderBanner(); route(); },
  }, h('span', { class: 'icon', svg: icons.globe }), h('span', { class: 'btn-lang-text' }, t('lang.switch')));
}

export async function logout() {
  try { await post('/auth/logout', undefined, { noAuthRedirect: true }); } catch (_) { /* the session ends locally anyway */ }
  endSession({ kind: 'ok', key: 'login.loggedout' });
}

function endSession(notice) {
  session.user = null;
  resetCaches();
  setCsrf(null);
  loginNotice = notice;
  if (currentRoute() !== 'login') location.hash = '#/login'; else route();
}

setUnauthenticatedHandler(() => {
  if (session.user) endSession({ kind: 'error', key: 'login.expired' });
});

function onLoggedIn(data) {
  session.user = data.user;
  setCsrf(data.csrf_token);
  resetCaches();
  loginNotice = null;
  const first = navFor(session.user.role)[0][0];
  if (currentRoute() === first) route(); else location.hash = `#/${first}`;
}

function header(phone) {
  const u = session.user;
  return h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: `#/${navFor(u.role)[0][0]}` },
      h('span', { class: 'brand-mark', svg: icons.shield }),
      h('span', { class: 'brand-text' },
        h('span', { class: 'brand-name' }, t('app.name')),
        phone ? null : h('span', { class: 'brand-sub' }, t('app.subtitle')))),
    h('div', { class: 'topbar-right' },
      h('div', { class: 'user-chip', 'aria-label': `${t('header.user')}: ${u.name} ${roleLabel(u.role)}` },
        h('span', { class: 'user-name' }, u.name),
        h('span', { class: 'user-role' }, roleLabel(u.role))),
      langButton('on-dark'),
      h('button', { type: 'button', class: 'btn-logout', 'aria-label': t('header.logout.label'), onclick: logout },
        h('span', { class: 'icon', svg: icons.logout }),
        h('span', { class: 'btn-logout-text' }, t('header.logout')))));
}

function navList(nav, active, cls) {
  return h('nav', { class: cls, 'aria-label': t('nav.main') },
    h('ul', null, nav.map(([name, key, icon]) => h('li', null,
      h('a', { href: `#/${name}`, class: name === active ? 'active' : '', 'aria-current': name === active ? 'page' : null },
        h('span', { class: 'icon', svg: icons[icon] }),
        h('span', { class: 'nav-label' }, t(key)))))));
}

async function route() {
  applyLang();
  renderBanner();
  const name = currentRoute();
  if (!session.user) {
    if (name !== 'login') { history.replaceState(null, '', '#/login'); }
    const notice = loginNotice;
    loginNotice = null;
    renderLogin(root, { notice, langButton, onLoggedIn });
    return;
  }
  const nav = navFor(session.user.role);
  const allowed = nav.map((n) => n[0]);
  if (!allowed.includes(name)) { location.replace(`#/${allowed[0]}`); return; }
  const phone = session.user.role === 'assistant';
  const main = h('main', { id: 'main', class: 'main' });
  clear(root);
  root.className = phone ? 'layout-phone' : 'layout-desk';
  if (phone) {
    root.append(header(true), main, navList(nav, name, 'tabbar'));
  } else {
    root.append(header(false), h('div', { class: 'shell' }, navList(nav, name, 'sidebar'), main));
  }
  const ctx = { user: session.user, navigate, logout, phone };
  try {
    await VIEWS[name].render(main, ctx);
  } catch (err) {
    const box = errorBox();
    main.append(box);
    showError(box, err);
  }
  const title = main.querySelector('h1');
  if (title && root.contains(title)) title.focus({ preventScroll: true });
}

async function boot() {
  applyLang();
  const [info, me] = await Promise.allSettled([
    get('/info', null, { noAuthRedirect: true }),
    get('/me', null, { noAuthRedirect: true }),
  ]);
  session.info = info.status === 'fulfilled' ? info.value : null;
  if (me.status === 'fulfilled' && me.value && me.value.user) {
    session.user = me.value.user;
    setCsrf(me.value.csrf_token);
  } else if (me.status === 'rejected' && me.reason && me.reason.status !== 401) {
    loginNotice = { kind: 'error', err: me.reason };
  }
  window.addEventListener('hashchange', route);
  await route();
  document.body.classList.add('ready');
}

boot();
