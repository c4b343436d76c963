// Shared pieces of the police pages (cases, bulletins, leads, patrols): status chips, times with offset, photo
// upload to any collection, attachment images through blob: URLs, the photo picker of the phone forms.
import { h } from '../dom.js';
import { t, has } from '../i18n.js';
import { ApiError } from '../api.js';
import { icons } from '../icons.js';
import { preparePhoto, clientRef, csrfToken } from '../household-lib.js';

export { clientRef };

export const POLICE_ROLES = new Set(['officer', 'station_chief', 'bureau']);
export const ASSESS_ROLES = new Set(['officer', 'station_chief']);

export function hashParts() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const segs = path.split('/').filter(Boolean);
  return { sub: segs[1] ? decodeURIComponent(segs[1]) : '', params: new URLSearchParams(query || '') };
}

export function put(el, ...kids) { el.replaceChildren(...kids.flat().filter((x) => x !== null && x !== undefined && x !== false && x !== '')); }

export function backLink(href, key) {
  return h('a', { class: 'back-link', href }, h('span', { class: 'icon', svg: icons.back }), t(key));
}

export function chip(text, cls) { return h('span', { class: `status ${cls}` }, text); }

export function leadStatusChip(s, extra = '') {
  const cls = { new: 'status-submitted', useful: 'status-completed', not_useful: 'status-draft' }[s] || 'status-draft';
  return chip(has(`lead.status.${s}`) ? t(`lead.status.${s}`) : s, `${cls} lead-status ${extra}`.trim());
}

// ---- times ----
const p2 = (n) => String(n).padStart(2, '0');

// ISO 8601 with the browser's own offset: 2026-11-28T20:05:00+08:00
export function isoLocal(d) {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}${sign}${p2(Math.floor(a / 60))}:${p2(a % 60)}`;
}
// The value of an <input type=datetime-local> for a Date, and back.
export function toLocalInput(d) {
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}`;
}
export function fromLocalInput(v) {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
export function shortTime(s) {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}`;
}
export function minutesText(ms) {
  const m = Math.max(0, Math.round(ms / 60000));
  return m < 60 ? t('pt.min', { n: m }) : t('pt.hm', { h: Math.floor(m / 60), m: m % 60 });
}
export function distanceText(m) {
  return m >= 1000 ? t('pt.km', { n: (m / 1000).toFixed(2) }) : t('pt.m', { n: Math.round(m) });
}
// Great-circle distance in metres between [lon, lat] points.
export function haversine(a, b) {
  const R = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(s)));
}
export function trackLength(coords) {
  let d = 0;
  for (let i = 1; i < coords.length; i += 1) d += haversine(coords[i - 1], coords[i]);
  return d;
}

// ---- attachments ----
// multipart upload to /api/v1/<collection>/<id>/attachments (kind=photo), after the same downscaling as the
// household wizard (at most 2000 px, JPEG 0.85).
export async function uploadPhoto(collection, id, file) {
  const ready = await preparePhoto(file);
  const fd = new FormData();
  fd.append('kind', 'photo');
  fd.append('client_ref', clientRef());
  fd.append('file', ready, ready.name || 'photo.jpg');
  const headers = { Accept: 'application/json' };
  const csrf = csrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(`/api/v1/${collection}/${encodeURIComponent(id)}/attachments`, { method: 'POST', body: fd, headers, credentials: 'same-origin', cache: 'no-store' });
  } catch (_) { throw new ApiError(0, null, null); }
  let body = null;
  try { body = await res.json(); } catch (_) { body = null; }
  if (!res.ok) throw new ApiError(res.status, body, null);
  return body;
}

const urls = new Map();
export function releaseUrls() {
  for (const u of urls.values()) Promise.resolve(u).then((x) => { if (x) URL.revokeObjectURL(x); });
  urls.clear();
}
function blobUrl(collection, id, att, thumb) {
  const key = `${collection}:${att.id}:${thumb ? 't' : 'f'}`;
  if (!urls.has(key)) {
    const url = `/api/v1/${collection}/${encodeURIComponent(id)}/attachments/${encodeURIComponent(att.id)}${thumb ? '?thumb=1' : ''}`;
    urls.set(key, fetch(url, { credentials: 'same-origin', cache: 'no-store' })
      .then((r) => (r.ok ? r.blob() : null))
      .then((b) => (b ? URL.createObjectURL(b) : null))
      .catch(() => null));
  }
  return urls.get(key);
}

// A strip of photo thumbnails; a click opens the full photo in a dialog.
export function photoStrip(collection, id, atts, label) {
  const photos = (atts || []).filter((a) => /^image\//.test(a.content_type || ''));
  if (!photos.length) return null;
  return h('div', { class: 'photo-strip' }, photos.map((a, i) => {
    const img = h('img', { class: 'photo-img', alt: `${label} ${i + 1}`, decoding: 'async' });
    blobUrl(collection, id, a, a.thumb !== false).then((u) => { if (u) img.src = u; else img.classList.add('img-failed'); });
    const b = h('button', { type: 'button', class: 'photo-thumb', 'aria-label': `${label} ${i + 1}` }, img);
    b.addEventListener('click', () => openPhoto(collection, id, a, `${label} ${i + 1}`));
    return b;
  }));
}

function openPhoto(collection, id, att, label) {
  const img = h('img', { class: 'photo-full', alt: label });
  const close = h('button', { type: 'button', class: 'viewer-btn', 'aria-label': t('photo.close') }, '×');
  const dlg = h('dialog', { class: 'photo-dialog', 'aria-label': label },
    h('div', { class: 'photo-dialog-bar' }, h('strong', null, label), close), h('div', { class: 'photo-dialog-stage' }, img));
  close.addEventListener('click', () => dlg.close());
  dlg.addEventListener('close', () => dlg.remove());
  dlg.addEventListener('click', (ev) => { if (ev.target === dlg) dlg.close(); });
  document.body.append(dlg);
  dlg.showModal();
  blobUrl(collection, id, att, false).then((u) => { if (u) img.src = u; });
}

// The photo picker of the phone forms: a camera button and previews of the chosen photos (not yet uploaded).
export function photoPicker(labelKey, idPrefix, { camera = true } = {}) {
  const files = [];
  const previews = h('div', { class: 'photo-strip' });
  const input = h('input', { type: 'file', accept: 'image/*', capture: camera ? 'environment' : null, multiple: !camera, class: 'capture-input', id: `${idPrefix}-photo` });
  const label = h('label', { for: input.id, class: 'btn btn-secondary btn-small capture-btn' },
    h('span', { class: 'icon', svg: icons.camera }), h('span', null, t(labelKey)));
  function draw() {
    previews.replaceChildren(...files.map((f, i) => {
      const url = URL.createObjectURL(f);
      const img = h('img', { class: 'photo-img', alt: '', src: url });
      const rm = h('button', { type: 'button', class: 'photo-remove', 'aria-label': t('lead.f.photo.remove', { n: i + 1 }) }, '×');
      rm.addEventListener('click', () => { files.splice(i, 1); URL.revokeObjectURL(url); draw(); });
      return h('span', { class: 'photo-thumb photo-pending' }, img, rm);
    }));
  }
  input.addEventListener('change', () => {
    for (const f of input.files || []) files.push(f);
    input.value = '';
    draw();
  });
  const el = h('div', { class: 'photo-picker' }, previews, h('div', { class: 'photo-picker-actions' }, input, label));
  return { el, files, reset() { files.splice(0); draw(); } };
}
