// The offline app around the pages: service worker registration, the PIN pages (set / unlock), the encrypted copy of
// the lists the assistant opened (marked with their fetch time), the notices (offline, stale, session expired, no
// PIN), and logging out without losing unsent records.
import './i18n.js';
import { h, formatDateTime } from '../dom.js';
import { t } from '../i18n.js';
import { get, setGetCache } from '../api.js';
import { preparePhoto } from '../household-lib.js';
import * as store from './store.js';
import * as outbox from './outbox.js';

// Lists and reference data kept for offline reading (own records, inbox, bulletins, the forms' choices).
const CACHED = /^\/(me|info|household-business-types|dispute-categories|intel-categories|key-person-categories|areas|units|household-applications|inbox|bulletins|disputes|intel-reports|activities|key-persons|leads|patrols|patrol-teams)(\/|\?|$)/;
let staleSeen = null; // {t} of the last answer served from the store during this page

setGetCache({
  async load(path) {
    if (!CACHED.test(path) || !store.isUnlocked()) return null;
    const c = await store.getJSON('cache', path);
    if (!c) return null;
    if (!/^\/(me|info)\b/.test(path)) { staleSeen = c.fetched_at; document.dispatchEvent(new CustomEvent('cunjing:stale', { detail: c.fetched_at })); }
    return c.data;
  },
  save(path, data) {
    if (!CACHED.test(path) || !store.isUnlocked() || data === null) return;
    store.putJSON('cache', path, { fetched_at: new Date().toISOString(), data }).catch(() => {});
  },
});

// ---- service worker ----
let updateReady = null;
export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).then((reg) => {
    const watch = (w) => {
      if (!w) return;
      w.addEventListener('statechange', () => { if (w.state === 'installed' && navigator.serviceWorker.controller) { updateReady = w; showUpdate(); } });
    };
    if (reg.waiting && navigator.serviceWorker.controller) { updateReady = reg.waiting; showUpdate(); }
    watch(reg.installing);
    reg.addEventListener('updatefound', () => watch(reg.installing));
  }).catch(() => { /* no offline shell, the app still works online */ });
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Only a switch the assistant asked for reloads the page (never in the middle of a form).
    if (updateAsked && !reloading) { reloading = true; location.reload(); }
  });
}
let updateAsked = false;
function showUpdate() {
  if (document.getElementById('sw-update')) return;
  const go = h('button', { type: 'button', class: 'btn btn-small btn-secondary' }, t('off.update.go'));
  go.addEventListener('click', () => { updateAsked = true; if (updateReady) updateReady.postMessage({ type: 'skipWaiting' }); });
  document.body.append(h('div', { id: 'sw-update', class: 'offline-note offline-update', role: 'status' }, h('span', null, t('off.update')), go));
}

// ---- the PIN pages ----
function pinInput(id, label, hint) {
  const input = h('input', { type: 'password', id, inputmode: 'numeric', autocomplete: 'off', pattern: '[0-9]*', maxlength: '12', class: 'input-pin' });
  return { input, el: h('div', { class: 'field' }, h('label', { for: id, class: 'field-label' }, label), input, hint ? h('p', { class: 'hint' }, hint) : null) };
}

// mode 'setup' | 'unlock'. Resolves true when the store is unlocked, false when the assistant chose "later".
// required: a record waits in memory only, so the PIN cannot be postponed.
export function pinPage(root, mode, user, required = false) {
  return new Promise((resolve) => {
    const err = h('p', { class: 'field-error', role: 'alert', id: 'pin-err' });
    const a = pinInput('pin-1', t('off.pin'), mode === 'setup' ? t('off.pin.hint') : null);
    const b = mode === 'setup' ? pinInput('pin-2', t('off.pin.again')) : null;
    const ok = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t(mode === 'setup' ? 'off.pin.set' : 'off.pin.unlock'));
    const later = mode === 'setup' && !required ? h('button', { type: 'button', class: 'btn btn-secondary btn-block' }, t('off.pin.later')) : null;
    const form = h('form', { class: 'card pin-card', novalidate: true },
      h('h1', { class: 'page-title', tabindex: '-1' }, t(mode === 'setup' ? 'off.pin.setup.title' : 'off.pin.unlock.title')),
      required ? h('p', { class: 'alert alert-warn pin-required' }, t('off.pin.required')) : null,
      h('p', { class: 'note' }, t(mode === 'setup' ? 'off.pin.setup.text' : 'off.pin.unlock.text')),
      a.el, b ? b.el : null, err, h('div', { class: 'form-actions pin-actions' }, ok, later),
      mode === 'unlock' ? h('p', { class: 'hint' }, t('off.pin.forgot')) : null);
    if (later) later.addEventListener('click', () => resolve(false));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      err.textContent = '';
      const pin = a.input.value.trim();
      if (!/^\d{6,12}$/.test(pin)) { err.textContent = t('off.pin.short'); a.input.focus(); return; }
      if (b && b.input.value.trim() !== pin) { err.textContent = t('off.pin.mismatch'); b.input.focus(); return; }
      ok.disabled = true;
      try {
        if (mode === 'setup') { await store.setup(pin, user ? user.id : null); } else if (!(await store.unlock(pin))) {
          err.textContent = t('off.pin.wrong'); a.input.value = ''; a.input.focus(); ok.disabled = false; return;
        }
        await outbox.load();
        resolve(true);
      } catch (e) { err.textContent = e.message || String(e); ok.disabled = false; }
    });
    root.replaceChildren(form);
    a.input.focus();
  });
}

let setupDeclined = false;
// Before the assistant's pages: unlock a store kept for this user. Returns true when the gate drew a page
// (the caller re-routes afterwards).
export async function gate(root, user, done) {
  if (store.isUnlocked()) return false;
  if (!(await store.isSetUp(user.id))) return false;
  root.className = 'layout-phone layout-pin';
  pinPage(root, 'unlock', user).then(() => { prefetch(); done(); });
  return true;
}

// After a reload without a connection: unlock, then the user of the last online visit.
export async function offlineBoot(root) {
  if (!(await store.meta())) return null;
  root.className = 'layout-phone layout-pin';
  await pinPage(root, 'unlock', null);
  const me = await store.getJSON('cache', '/me');
  return me && me.data ? me.data : null;
}

// The PIN setup page (#/outbox?pin=1 and the first visit of an assistant).
// known: the session's user (the page may be offline, when /me cannot be asked).
export async function setupPage(main, required = false, known = null) {
  const user = known || (await get('/me').catch(() => null) || {}).user;
  const ok = await pinPage(main, 'setup', user, required);
  if (ok && user) {
    // Who this phone's store belongs to, for a reload without a connection (the online /me of this visit came
    // before the store existed).
    await store.putJSON('cache', '/me', { fetched_at: new Date().toISOString(), data: { user } }).catch(() => {});
  }
  if (ok) { prefetch(); location.hash = '#/outbox?pin=done'; } else { setupDeclined = true; location.hash = '#/home'; }
}

// Reference data the forms need offline, fetched (and so stored) right after unlock.
export function prefetch() {
  if (!navigator.onLine || !store.isUnlocked()) return;
  for (const p of ['/me', '/household-business-types', '/dispute-categories?limit=100', '/intel-categories?limit=100', '/key-persons?limit=100', '/patrol-teams?limit=100', '/household-applications?limit=20', '/inbox?limit=20', '/bulletins?limit=20']) get(p).catch(() => {});
}

// A create form's one path, online or not (as the household and dispute forms): the record with its client_ref
// (posted to path, or /<coll>), then its photos (downscaled before they are stored on the phone, uploaded to
// /<attColl>/<id>/attachments). Resolves { sent: true, result } when everything reached the server within the
// wait, { sent: false } when it waits in the outbox (the form then opens #/outbox?saved=1). A refusal of the
// record removes its items and throws the server's error (for the form's field errors).
export async function sendThroughOutbox({ ref, coll, path = null, label = '', body, files = [], attColl = null, attKind = 'photo', onPhotos = null }) {
  const prepared = [];
  for (const f of [...files]) prepared.push(await preparePhoto(f));
  const it = await outbox.enqueue({ group: ref, client_ref: ref, kind: 'create', coll, path, label, body });
  const photos = [];
  for (const f of prepared) photos.push(await outbox.enqueue({ group: ref, kind: 'attach', coll: attColl || coll, attKind, file: f, label }));
  if (photos.length && onPhotos) onPhotos();
  const done = await outbox.settle(it, 30000);
  if (done && done.state === 'failed') {
    for (const x of outbox.group(ref)) await outbox.remove(x.seq);
    throw outbox.asError(done);
  }
  if (!done || done.state !== 'sent') return { sent: false, result: null };
  const results = [];
  for (const p of photos) results.push(await outbox.settle(p, 180000));
  return { sent: results.every((r) => r && r.state === 'sent'), result: done.result };
}

// ---- notices at the top of the assistant's pages ----
export function decorate(main, user) {
  const box = h('div', { class: 'offline-notes', 'aria-live': 'polite' });
  main.before(box);
  const draw = async () => {
    const kids = [];
    if (!navigator.onLine || (outbox.status.online === false && !navigator.onLine)) kids.push(h('p', { class: 'offline-note offline-off' }, t('off.offline')));
    if (outbox.status.authNeeded) kids.push(h('p', { class: 'offline-note offline-auth' }, t('off.auth')));
    const n = outbox.unsent().length;
    if (n) kids.push(h('p', { class: 'offline-note offline-count' }, h('a', { href: '#/outbox' }, t('off.outbox.count', { n }))));
    if (!store.isUnlocked() && !setupDeclined && !(await store.isSetUp())) {
      kids.push(h('p', { class: 'offline-note offline-pin' }, t('off.pin.banner'), ' ', h('a', { href: '#/outbox?pin=1' }, t('off.pin.banner.go'))));
    }
    if (staleSeen) kids.push(h('p', { class: 'offline-note offline-stale', role: 'status' }, t('off.stale', { t: formatDateTime(staleSeen).slice(0, 16) })));
    box.replaceChildren(...kids);
  };
  staleSeen = null;
  const off = outbox.subscribe(() => { if (!box.isConnected) { off(); return; } draw(); });
  const onStale = () => { if (!box.isConnected) { document.removeEventListener('cunjing:stale', onStale); return; } draw(); };
  document.addEventListener('cunjing:stale', onStale);
  draw();
}

// ---- logout ----
// Resolves true when the assistant may be logged out now (nothing unsent, sent first, or discarding confirmed).
export function beforeLogout() {
  const pending = outbox.unsent();
  if (!pending.length) return Promise.resolve(true);
  return new Promise((resolve) => {
    const msg = h('p', { class: 'note', 'aria-live': 'polite' }, t('off.logout.text', { n: pending.length }));
    const send = h('button', { type: 'button', class: 'btn btn-primary btn-block' }, t('off.logout.send'));
    const confirmBox = h('input', { type: 'checkbox', id: 'off-discard-ok' });
    const discard = h('button', { type: 'button', class: 'btn btn-danger-outline btn-block', disabled: true }, t('off.logout.discard'));
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary btn-block' }, t('off.logout.cancel'));
    const dlg = h('dialog', { class: 'dialog dialog-narrow', 'aria-labelledby': 'off-lo-title' },
      h('div', { class: 'dialog-form' },
        h('h2', { class: 'dialog-title', id: 'off-lo-title' }, t('off.logout.title')), msg,
        h('div', { class: 'dialog-actions dialog-stack' }, send,
          h('label', { class: 'check-line', for: 'off-discard-ok' }, confirmBox, ' ', t('off.logout.discard.confirm')),
          discard, cancel)));
    let answered = false;
    const finish = (v) => { if (answered) return; answered = true; dlg.close(); resolve(v); };
    confirmBox.addEventListener('change', () => { discard.disabled = !confirmBox.checked; });
    cancel.addEventListener('click', () => finish(false));
    dlg.addEventListener('cancel', () => finish(false));
    dlg.addEventListener('close', () => { dlg.remove(); if (!answered) { answered = true; resolve(false); } });
    discard.addEventListener('click', () => { if (confirmBox.checked) finish(true); });
    send.addEventListener('click', async () => {
      send.disabled = true;
      msg.textContent = t('off.logout.sending');
      outbox.resume();
      await outbox.run();
      const left = outbox.unsent();
      if (!left.length) { finish(true); return; }
      const why = [...new Set(left.map((i) => (i.error ? t(i.error.type === 'server' ? 'off.state.failed' : i.error.type === 'auth' ? 'off.err.auth' : i.error.type === 'conflict' ? 'off.state.conflict' : 'off.err.network') : t('off.state.blocked'))))].join('，');
      msg.textContent = t('off.logout.still', { n: left.length, why });
      send.disabled = false;
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}

export async function wipe() { outbox.forget(); await store.wipe(); setupDeclined = false; }
export { outbox, store };
