// Live events (GET /api/v1/events, Server-Sent Events): one EventSource per signed-in page, a small pub/sub for the
// views, and toast notices in a polite live region. The browser reconnects by itself and sends Last-Event-ID, so
// nothing is lost while the network drops.
import { h } from './dom.js';
import { t } from './i18n.js';
import { icons } from './icons.js';

const EVENTS = ['bulletin', 'lead', 'lead_assessed', 'application_status', 'inbox', 'dispute', 'intel_assessed'];
const TOAST_MS = 9000;
const MAX_TOASTS = 3;

let source = null;
let user = null;
const subs = new Map(); // event name ('*' = all) -> Set of fn(data, name)
let region = null;

function regionEl() {
  if (region && document.body.contains(region)) return region;
  region = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite', 'aria-label': t('live.region') });
  document.body.append(region);
  return region;
}

// Opens the stream once per session; calling it again is harmless.
export function startLive(u) {
  if (source || !u || typeof EventSource !== 'function') return;
  user = u;
  source = new EventSource('/api/v1/events');
  for (const name of EVENTS) {
    source.addEventListener(name, (ev) => {
      let data = null;
      try { data = JSON.parse(ev.data); } catch (_) { return; }
      if (data && typeof data === 'object') dispatch(name, data);
    });
  }
}

export function stopLive() {
  if (source) source.close();
  source = null;
  user = null;
  if (region) { region.remove(); region = null; }
}

export function isLive() { return Boolean(source); }

// subscribe('bulletin', fn) -> unsubscribe function. Views subscribe on render and unsubscribe on leaving.
export function subscribe(name, fn) {
  if (!subs.has(name)) subs.set(name, new Set());
  subs.get(name).add(fn);
  return () => { const s = subs.get(name); if (s) s.delete(fn); };
}

// A subscription that ends by itself when the route changes (the view that made it is gone).
export function subscribeWhileHere(name, fn) {
  const off = subscribe(name, fn);
  const hash = location.hash;
  const onHash = () => { if (location.hash !== hash) { off(); window.removeEventListener('hashchange', onHash); } };
  window.addEventListener('hashchange', onHash);
  return off;
}

function dispatch(name, data) {
  for (const key of [name, '*']) {
    const set = subs.get(key);
    if (!set) continue;
    for (const fn of [...set]) {
      try { fn(data, name); } catch (_) { /* one view's failure does not stop the others */ }
    }
  }
  notify(name, data);
}

function notify(name, data) {
  if (!user) return;
  const id = data.id ? encodeURIComponent(data.id) : '';
  switch (name) {
    case 'bulletin':
      toast(t('live.bulletin', { title: data.title || '' }), id ? `#/bulletins/${id}` : '#/bulletins', 'bulletin');
      break;
    case 'lead':
      if (user.role !== 'assistant') toast(t('live.lead', { title: data.title || '' }), data.bulletin_id ? `#/bulletins/${encodeURIComponent(data.bulletin_id)}` : null, 'lead');
      break;
    case 'lead_assessed':
      if (user.role === 'assistant') {
        toast(t(data.status === 'useful' ? 'live.assessed.useful' : 'live.assessed.not_useful'),
          data.bulletin_id ? `#/bulletins/${encodeURIComponent(data.bulletin_id)}` : '#/leads', data.status === 'useful' ? 'ok' : 'lead');
      }
      break;
    case 'application_status':
      if (data.status === 'returned') toast(t('live.returned', { title: data.title || data.number || '' }), id ? `#/hb/${id}` : null, 'warn');
      break;
    default: break;
  }
}

// A notice at the top of the screen; it goes by itself, or by its close button, or when followed.
export function toast(text, href, kind = '') {
  const box = regionEl();
  const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': t('live.close') }, '×');
  const body = href
    ? h('a', { class: 'toast-body', href }, h('span', { class: 'toast-icon', svg: icons.bell }), h('span', { class: 'toast-text' }, text), h('span', { class: 'toast-open' }, t('live.open')))
    : h('span', { class: 'toast-body' }, h('span', { class: 'toast-icon', svg: icons.bell }), h('span', { class: 'toast-text' }, text));
  const el = h('div', { class: `toast ${kind ? `toast-${kind}` : ''}`.trim() }, body, close);
  const remove = () => { clearTimeout(timer); el.remove(); };
  const timer = setTimeout(remove, TOAST_MS);
  close.addEventListener('click', remove);
  if (href) body.addEventListener('click', remove);
  box.prepend(el);
  while (box.children.length > MAX_TOASTS) box.lastElementChild.remove();
  return el;
}

// ---- read markers for bulletins (per user, in this browser) ----
function seenKey() { return user ? `cunjing.seen.${user.id}` : null; }
export function seenBulletins() {
  const k = seenKey();
  if (!k) return new Set();
  try { return new Set(JSON.parse(localStorage.getItem(k) || '[]')); } catch (_) { return new Set(); }
}
export function markSeen(id) {
  const k = seenKey();
  if (!k || !id) return;
  const s = seenBulletins();
  if (s.has(id)) return;
  s.add(id);
  try { localStorage.setItem(k, JSON.stringify([...s].slice(-500))); } catch (_) { /* ignore */ }
}
// The first time this browser sees the list, everything in it counts as read: only what comes later is "new".
export function initSeen(ids) {
  const k = seenKey();
  if (!k) return;
  try {
    if (localStorage.getItem(k) === null) localStorage.setItem(k, JSON.stringify(ids.slice(0, 500)));
  } catch (_) { /* ignore */ }
}
