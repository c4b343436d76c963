// Entry point: boot, hash router, the two layouts (phone for assistants, desktop sidebar for the others).
import { h, clear, setServerZone } from './dom.js';
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
import * as householdView from './views/household.js';
import * as inboxView from './views/inbox.js';
import * as lookupView from './views/lookup.js';
import * as casesView from './views/cases.js';
import * as bulletinsView from './views/bulletins.js';
import * as leadsView from './views/leads.js';
import * as patrolsView from './views/patrols.js';
import * as dashboardView from './views/dashboard.js';
import * as disputesView from './views/disputes.js';
import * as intelView from './views/intel.js';
import * as visitsView from './views/visits.js';
import { policeIcons } from './icons-police.js';
import { startLive, stopLive, subscribe as subscribeLive } from './live.js';
import * as offline from './offline/ui.js';
import * as outboxView from './views/outbox.js';

Object.assign(icons, policeIcons, disputesView.grassIcons);

const VIEWS = {
  home: homeView, village: villageView, areas: areasView, assistants: assistantsView,
  users: usersView, audit: auditView, account: accountView, hb: householdView, inbox: inboxView,
  cases: casesView, bulletins: bulletinsView, leads: leadsView, patrols: patrolsView, dashboard: dashboardView,
  disputes: disputesView, intel: intelView, visits: visitsView, outbox: outboxView,
};

// Pages anyone may open, signed in or not.
const PUBLIC = { lookup: lookupView };

// [route, label key, icon]
const NAVS = {
  assistant: [['home', 'nav.home', 'home'], ['hb', 'nav.hb', 'form'], ['inbox', 'nav.inbox', 'bell'], ['village', 'nav.village', 'village'], ['account', 'nav.account', 'account']],
  desk: [['home', 'nav.home', 'home'], ['hb', 'nav.hb.read', 'household'], ['areas', 'nav.areas', 'areas'], ['assistants', 'nav.assistants', 'people'], ['account', 'nav.account.desk', 'lock']],
  admin: [['users', 'nav.users', 'users'], ['areas', 'nav.areas', 'areas'], ['account', 'nav.account.desk', 'lock']],
  auditor: [['audit', 'nav.audit', 'audit'], ['account', 'nav.account.desk', 'lock']],
};

// Police pages (cases, bulletins, patrols), inserted after 户籍. 我的线索 (leads) is reached from the bulletin feed.
const POLICE_NAV = {
  assistant: [['bulletins', 'nav.bulletins', 'bulletin'], ['patrols', 'nav.patrols', 'patrol']],
  officer: [['cases', 'nav.cases', 'case'], ['bulletins', 'nav.bulletins.desk', 'bulletin'], ['patrols', 'nav.patrols.desk', 'patrol']],
  township: [['patrols', 'nav.patrols.desk', 'patrol']],
};
POLICE_NAV.station_chief = POLICE_NAV.officer;
POLICE_NAV.bureau = POLICE_NAV.officer;
// Grassroots pages (disputes, security information, help and education): sidebar entries after the police ones;
// the assistant reaches them from the home tiles (the tab bar is full), with 首页 marked as the active tab.
const GRASS_NAV = {
  officer: [['disputes', 'nav.disputes', 'dispute'], ['intel', 'nav.intel', 'intel'], ['visits', 'nav.visits', 'care']],
  township: [['disputes', 'nav.disputes', 'dispute']],
};
GRASS_NAV.station_chief = GRASS_NAV.officer;
GRASS_NAV.bureau = GRASS_NAV.officer;
const GRASS_ROUTES = ['disputes', 'intel', 'visits'];
const EXTRA_ROUTES = { assistant: ['leads', ...GRASS_ROUTES, 'outbox'] };

function withGrass(role, nav) {
  const extra = GRASS_NAV[role];
  if (!extra) return nav;
  let i = nav.findIndex((n) => n[0] === 'areas');
  if (i < 0) i = nav.findIndex((n) => n[0] === 'account');
  if (i < 0) i = nav.length;
  return [...nav.slice(0, i), ...extra, ...nav.slice(i)];
}

function withPolice(role, nav) {
  const extra = POLICE_NAV[role];
  if (!extra) return nav;
  const at = nav.findIndex((n) => n[0] === 'hb');
  const i = at >= 0 ? at + 1 : 1;
  return [...nav.slice(0, i), ...extra, ...nav.slice(i)];
}

function navFor(role) { return withDashboard(role, withGrass(role, withPolice(role, baseNavFor(role)))); }

// 数据看板 (statistics): the home page of bureau and township users, the second entry for stations and officers.
const DASHBOARD_FIRST = new Set(['bureau', 'township']);
const DASHBOARD_AFTER_HOME = new Set(['station_chief', 'officer']);
function withDashboard(role, nav) {
  const entry = ['dashboard', 'nav.dashboard', 'chart'];
  if (DASHBOARD_FIRST.has(role)) return [entry, ...nav];
  if (!DASHBOARD_AFTER_HOME.has(role)) return nav;
  const i = nav.findIndex((n) => n[0] === 'home') + 1;
  return [...nav.slice(0, i), entry, ...nav.slice(i)];
}

function baseNavFor(role) {
  if (role === 'assistant') return NAVS.assistant;
  if (role === 'admin') return NAVS.admin;
  if (role === 'auditor') return NAVS.auditor;
  if (role === 'clerk' || role === 'reviewer') return NAVS.desk.map((n) => (n[0] === 'hb' ? ['hb', 'nav.hb.desk', 'household'] : n));
  return NAVS.desk;
}

// Roles with an inbox: reachable from the tab bar (assistant) or the header bell (desk roles), but not a sidebar entry.
const INBOX_ROLES = new Set(['assistant', 'officer', 'clerk', 'reviewer', 'station_chief', 'bureau', 'township']);
let unread = 0;

function badgeText(n) { return n > 99 ? '99+' : String(n); }

// Fetches the unread count and updates every badge on the page (tab bar, header bell).
async function refreshBadge() {
  if (!session.user || !INBOX_ROLES.has(session.user.role)) return;
  try { unread = await inboxView.unreadCount(); } catch (_) { return; }
  for (const b of document.querySelectorAll('.badge-unread')) {
    b.textContent = unread ? badgeText(unread) : '';
    b.hidden = !unread;
  }
  for (const a of document.querySelectorAll('[data-inbox-link]')) {
    a.setAttribute('aria-label', unread ? `${t('nav.inbox')} (${t('inbox.unread', { n: unread })})` : t('nav.inbox'));
  }
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
  // The phone's outbox: unsent records are sent first or discarded only on the assistant's explicit confirmation.
  if (!(await offline.beforeLogout())) return;
  await offline.wipe();
  try { await post('/auth/logout', undefined, { noAuthRedirect: true }); } catch (_) { /* the session ends locally anyway */ }
  endSession({ kind: 'ok', key: 'login.loggedout' });
}

function endSession(notice) {
  stopLive();
  session.user = null;
  resetCaches();
  setCsrf(null);
  loginNotice = notice;
  if (currentRoute() !== 'login') location.hash = '#/login'; else route();
}

setUnauthenticatedHandler(() => {
  if (session.user) endSession({ kind: 'error', key: 'login.expired' });
});
// The outbox met an expired session: log in again; everything stays on the phone meanwhile.
offline.outbox.setAuthHandler(() => { if (session.user) endSession({ kind: 'error', key: 'login.expired' }); });

// A live inbox item or application change updates the unread badges at once.
subscribeLive('inbox', () => refreshBadge());

function onLoggedIn(data) {
  session.user = data.user;
  setCsrf(data.csrf_token);
  resetCaches();
  loginNotice = null;
  offline.outbox.resume();
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
      !phone && INBOX_ROLES.has(u.role) ? h('a', { class: 'btn-inbox', href: '#/inbox', 'data-inbox-link': '', 'aria-label': t('nav.inbox'), title: t('nav.inbox') },
        h('span', { class: 'icon', svg: icons.bell }),
        h('span', { class: 'badge badge-unread', hidden: !unread }, badgeText(unread))) : null,
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
      h('a', {
        href: `#/${name}`, class: name === active ? 'active' : '', 'aria-current': name === active ? 'page' : null,
        'data-inbox-link': name === 'inbox' ? '' : null,
      },
      h('span', { class: 'icon', svg: icons[icon] }, name === 'inbox' ? h('span', { class: 'badge badge-unread', hidden: !unread }, badgeText(unread)) : null),
      h('span', { class: 'nav-label' }, t(key)))))));
}

async function route() {
  applyLang();
  renderBanner();
  const name = currentRoute();
  if (PUBLIC[name]) {
    clear(root);
    root.className = 'layout-public';
    try { await PUBLIC[name].render(root, { langButton, user: session.user }); } catch (err) { const box = errorBox(); root.append(box); showError(box, err); }
    return;
  }
  if (!session.user) {
    if (name !== 'login') { history.replaceState(null, '', '#/login'); }
    const notice = loginNotice;
    loginNotice = null;
    renderLogin(root, { notice, langButton, onLoggedIn });
    return;
  }
  const nav = navFor(session.user.role);
  const allowed = nav.map((n) => n[0]);
  if (INBOX_ROLES.has(session.user.role) && !allowed.includes('inbox')) allowed.push('inbox');
  for (const r of EXTRA_ROUTES[session.user.role] || []) if (!allowed.includes(r)) allowed.push(r);
  if (!allowed.includes(name)) { location.replace(`#/${allowed[0]}`); return; }
  const phone = session.user.role === 'assistant';
  if (phone && await offline.gate(root, session.user, route)) return;
  const main = h('main', { id: 'main', class: 'main' });
  clear(root);
  root.className = phone ? 'layout-phone' : 'layout-desk';
  if (phone) {
    root.append(header(true), main, navList(nav, GRASS_ROUTES.includes(name) ? 'home' : name, 'tabbar'));
  } else {
    root.append(header(false), h('div', { class: 'shell' }, navList(nav, name, 'sidebar'), main));
  }
  if (phone) offline.decorate(main, session.user);
  const ctx = { user: session.user, navigate, logout, phone, refreshBadge };
  refreshBadge();
  startLive(session.user);
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
  if (session.info) setServerZone(session.info.time_zone);
  if (me.status === 'fulfilled' && me.value && me.value.user) {
    session.user = me.value.user;
    setCsrf(me.value.csrf_token);
  } else if (me.status === 'rejected' && me.reason && me.reason.status === 0 && await offline.store.meta()) {
    // No connection after a reload: unlock the phone's store with the PIN; the user of the last online visit.
    const cached = await offline.offlineBoot(root);
    if (cached && cached.user) { session.user = cached.user; if (cached.csrf_token && !sessionStorage.getItem('cunjing.csrf')) setCsrf(cached.csrf_token); }
  } else if (me.status === 'rejected' && me.reason && me.reason.status !== 401) {
    loginNotice = { kind: 'error', err: me.reason };
  }
  window.addEventListener('hashchange', route);
  await route();
  document.body.classList.add('ready');
}

offline.registerServiceWorker();
boot();
