// Building blocks of the household pages: status chips, the ID number check (GB 11643, as the server checks it),
// time-left text, photo downscaling, uploads with progress, attachment images as blob: URLs, the photo viewer.
import { h, clear } from './dom.js';
import { t, has } from './i18n.js';
import { ApiError } from './api.js';

export const BASE = '/api/v1/household-applications';

export function statusLabel(s) { return has(`hb.status.${s}`) ? t(`hb.status.${s}`) : s; }
export function actionLabel(a) { return has(`hb.action.${a}`) ? t(`hb.action.${a}`) : a; }
export function statusChip(s, extra = '') {
  return h('span', { class: `status status-${s} ${extra}`.trim() }, statusLabel(s));
}

export function promiseText(days, unit) {
  if (!days) return t('hb.days.zero');
  return t(unit === 'calendar_days' ? 'hb.days.calendar_days' : 'hb.days.working_days', { n: days });
}

// A type can be pre-accepted by an assistant when its chain starts with the assistant and it is not marked "no".
export function creatable(type) {
  return Array.isArray(type.approval_chain) && type.approval_chain[0] === 'assistant' && type.assistant_preaccept !== 'no';
}

export function typeName(type) {
  return type ? (document.documentElement.lang === 'en' && type.name_en ? type.name_en : type.name) : '';
}

// GB 11643-1999: 17 digits, a check character (ISO 7064 MOD 11-2), a real birth date not in the future,
// not before 1850. Lowercase x is accepted as X. Returns null when valid, else an i18n key.
export function idNumberProblem(raw) {
  const id = String(raw || '').trim().replace(/x$/, 'X');
  if (id.length !== 18) return 'hb.err.id.length';
  if (!/^\d{17}[\dX]$/.test(id)) return 'hb.err.id.chars';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (y < 1850 || m < 1 || m > 12 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return 'hb.err.id.date';
  if (dt.getTime() > Date.now()) return 'hb.err.id.date';
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(id[i]) * w[i];
  if ('10X98765432'[sum % 11] !== id[17]) return 'hb.err.id.check';
  return null;
}

export function normaliseId(raw) { return String(raw || '').trim().replace(/x$/, 'X'); }

export function phoneOk(raw) { return /^1[3-9]\d{9}$/.test(String(raw || '').replace(/[\s-]/g, '')); }

export function durationText(seconds) {
  let s = Math.abs(Math.round(seconds || 0));
  if (s < 60) return t('hb.time.lt1m');
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hh = Math.floor(s / 3600); s -= hh * 3600;
  const mm = Math.floor(s / 60);
  const parts = [];
  if (d) parts.push(t('hb.time.d', { n: d }));
  if (hh) parts.push(t('hb.time.h', { n: hh }));
  if (!d && mm) parts.push(t('hb.time.m', { n: mm }));
  return parts.join(' ');
}

const OPEN = new Set(['submitted', 'accepted', 'approved', 'returned']);

// Seconds until due_at (negative when overdue), or null when the application has no running deadline.
export function timeLeft(rec) {
  if (!rec.due_at || !OPEN.has(rec.status)) return null;
  if (typeof rec.time_left_seconds === 'number' && rec.status !== 'returned') {
    return rec.overdue && rec.time_left_seconds > 0 ? -rec.time_left_seconds : rec.time_left_seconds;
  }
  const due = Date.parse(rec.due_at);
  return Number.isNaN(due) ? null : Math.round((due - Date.now()) / 1000);
}

export function timeLeftChip(rec) {
  const left = timeLeft(rec);
  if (left === null) return '';
  if (rec.overdue || left < 0) return h('span', { class: 'deadline deadline-over' }, t('hb.time.over', { t: durationText(left) }));
  const soon = left < 86400;
  return h('span', { class: `deadline ${soon ? 'deadline-soon' : 'deadline-ok'}` }, t('hb.time.left', { t: durationText(left) }));
}

export function clientRef() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  const b = new Uint8Array(16);
  window.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// ---- photos ----
const MAX_SIDE = 2000;
const MAX_BYTES = 10 * 1024 * 1024;
const ACCEPTED = new Set(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']);

// Photos are decoded (EXIF orientation applied), scaled to at most 2000 px on the long side and re-encoded as
// JPEG 0.85; PDFs are sent as they are. A small JPEG/PNG/WebP that needs no scaling is also sent as it is.
export async function preparePhoto(file) {
  const type = file.type || '';
  if (type === 'application/pdf' || /\.pdf$/i.test(file.name || '')) {
    if (file.size > MAX_BYTES) throw new Error(t('hb.upload.too_big'));
    return file;
  }
  if (!type.startsWith('image/') && type !== '') throw new Error(t('hb.upload.type'));
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (_) {
    if (ACCEPTED.has(type) && file.size <= MAX_BYTES) return file; // let the server decide
    throw new Error(t('hb.upload.type'));
  }
  const { width, height } = bitmap;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  if (scale === 1 && ACCEPTED.has(type) && file.size <= 1024 * 1024) { bitmap.close(); return file; }
  const w = Math.max(1, Math.round(width * scale));
  const hgt = Math.max(1, Math.round(height * scale));
  let blob;
  if (typeof OffscreenCanvas === 'function') {
    const c = new OffscreenCanvas(w, hgt);
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, w, hgt);
    g.drawImage(bitmap, 0, 0, w, hgt);
    blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
  } else {
    const c = document.createElement('canvas');
    c.width = w; c.height = hgt;
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, w, hgt);
    g.drawImage(bitmap, 0, 0, w, hgt);
    blob = await new Promise((res) => c.toBlob(res, 'image/jpeg', 0.85));
  }
  bitmap.close();
  if (!blob) throw new Error(t('hb.upload.type'));
  if (blob.size > MAX_BYTES) throw new Error(t('hb.upload.too_big'));
  const base = (file.name || 'photo').replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_').slice(0, 60) || 'photo';
  return new File([blob], `${base}.jpg`, { type: 'image/jpeg' });
}

// multipart upload with progress (fetch has no upload progress); onProgress(fraction 0..1).
export function uploadAttachment(appId, kind, file, csrf, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${BASE}/${encodeURIComponent(appId)}/attachments`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable && onProgress) onProgress(ev.loaded / ev.total); };
    xhr.onerror = () => reject(new ApiError(0, null, null));
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (_) { body = null; }
      if (xhr.status >= 200 && xhr.status < 300) { if (onProgress) onProgress(1); resolve(body); } else reject(new ApiError(xhr.status, body, null));
    };
    const fd = new FormData();
    fd.append('kind', kind);
    fd.append('client_ref', clientRef());
    fd.append('file', file, file.name || 'upload');
    xhr.send(fd);
  });
}

export function csrfToken() {
  try { return sessionStorage.getItem('cunjing.csrf'); } catch (_) { return null; }
}

// ---- attachment images: fetched with the session cookie, shown through blob: URLs ----
const urls = new Map();
export function releaseBlobs() {
  for (const u of urls.values()) Promise.resolve(u).then((x) => { if (x) URL.revokeObjectURL(x); });
  urls.clear();
}
export function blobUrl(appId, att, thumb) {
  const key = `${att.id}${thumb ? ':t' : ''}`;
  if (!urls.has(key)) {
    const url = `${BASE}/${encodeURIComponent(appId)}/attachments/${encodeURIComponent(att.id)}${thumb ? '?thumb=1' : ''}`;
    urls.set(key, fetch(url, { credentials: 'same-origin', cache: 'no-store' })
      .then((r) => (r.ok ? r.blob() : null))
      .then((b) => (b ? URL.createObjectURL(b) : null))
      .catch(() => null));
  }
  return urls.get(key);
}

export function isImage(att) { return /^image\//.test(att.content_type || ''); }

// An <img> that fills in when its blob arrives.
export function attachmentImg(appId, att, thumb, alt, cls) {
  const img = h('img', { class: cls, alt, decoding: 'async' });
  blobUrl(appId, att, thumb && att.thumb !== false).then((u) => { if (u) img.src = u; else img.classList.add('img-failed'); });
  return img;
}

export const pdfIcon = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"><path d="M6 2.8h8.5L19 7.3V21.2H6z"/><path d="M14.5 2.8v4.5H19"/><path d="M8.5 16.8v-4h1.3a1.3 1.3 0 0 1 0 2.6H8.5M12.5 16.8v-4h1a2 2 0 0 1 0 4zM17 12.8h-1.6v4M15.4 14.9h1.3"/></svg>';

export async function openPdf(appId, att) {
  const u = await blobUrl(appId, att, false);
  if (u) window.open(u, '_blank', 'noopener');
}

// ---- the photo viewer: a modal dialog with zoom in/out, rotate 90 degrees, previous/next, keyboard keys ----
const ZOOMS = [0.5, 0.75, 1, 1.5, 2, 3, 4];
const VIEWER_ICONS = {
  zoomin: '<circle cx="10.5" cy="10.5" r="6.5"/><path d="m20 20-4.8-4.8M10.5 7.5v6M7.5 10.5h6"/>',
  zoomout: '<circle cx="10.5" cy="10.5" r="6.5"/><path d="m20 20-4.8-4.8M7.5 10.5h6"/>',
  rotate: '<path d="M20 11a8 8 0 1 1-2.4-5.7"/><path d="M20 4v5h-5"/>',
  reset: '<path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"/>',
  prev: '<path d="m15 6-6 6 6 6"/>',
  next: '<path d="m9 6 6 6-6 6"/>',
  close: '<path d="M6 6l12 12M18 6 6 18"/>',
};
const vicon = (k) => `<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="1.9" stroke-linecap="round" stroke-linejoin="round">${VIEWER_ICONS[k]}</svg>`;

// items: [{att, label}] (images only); start: index.
export function openViewer(appId, items, start) {
  if (!items.length) return;
  let idx = Math.max(0, Math.min(start, items.length - 1));
  let zoom = 2; // index into ZOOMS: 1 = fit
  let rot = 0;
  const img = h('img', { class: 'viewer-img', alt: '' });
  const stage = h('div', { class: 'viewer-stage', tabindex: '0' }, img);
  const caption = h('p', { class: 'viewer-caption', 'aria-live': 'polite' });
  const zoomOut = h('span', { class: 'viewer-zoom', 'aria-live': 'polite' });
  const btn = (key, fn) => h('button', { type: 'button', class: 'viewer-btn', 'aria-label': t(`viewer.${key}`), title: t(`viewer.${key}`), onclick: fn, svg: vicon(key) });
  const prevBtn = btn('prev', () => go(-1));
  const nextBtn = btn('next', () => go(1));
  const dlg = h('dialog', { class: 'viewer', 'aria-label': t('viewer.title') },
    h('div', { class: 'viewer-bar' },
      caption,
      h('div', { class: 'viewer-tools', role: 'toolbar', 'aria-label': t('viewer.title') },
        btn('zoomout', () => setZoom(zoom - 1)), zoomOut, btn('zoomin', () => setZoom(zoom + 1)),
        btn('rotate', () => { rot = (rot + 1) % 4; apply(); }), btn('reset', () => { zoom = 2; rot = 0; apply(); }),
        prevBtn, nextBtn,
        btn('close', () => dlg.close()))),
    stage,
    h('p', { class: 'viewer-keys' }, t('viewer.keys')));
  function setZoom(z) { zoom = Math.max(0, Math.min(ZOOMS.length - 1, z)); apply(); }
  function apply() {
    img.className = `viewer-img zoom-${zoom} rot-${rot}`;
    zoomOut.textContent = `${Math.round(ZOOMS[zoom] * 100)}%`;
  }
  function show() {
    const it = items[idx];
    img.removeAttribute('src');
    img.alt = it.label;
    caption.replaceChildren(h('strong', null, it.label), items.length > 1 ? h('span', { class: 'viewer-pos' }, t('viewer.pos', { i: idx + 1, n: items.length })) : null);
    prevBtn.disabled = items.length < 2;
    nextBtn.disabled = items.length < 2;
    blobUrl(appId, it.att, false).then((u) => { if (u && items[idx] === it) img.src = u; });
    zoom = 2; rot = 0; apply();
  }
  function go(d) { idx = (idx + d + items.length) % items.length; show(); }
  dlg.addEventListener('keydown', (ev) => {
    if (ev.target instanceof HTMLButtonElement && (ev.key === 'Enter' || ev.key === ' ')) return;
    if (ev.key === '+' || ev.key === '=') { setZoom(zoom + 1); ev.preventDefault(); }
    else if (ev.key === '-' || ev.key === '_') { setZoom(zoom - 1); ev.preventDefault(); }
    else if (ev.key === 'r' || ev.key === 'R') { rot = (rot + 1) % 4; apply(); ev.preventDefault(); }
    else if (ev.key === '0') { zoom = 2; rot = 0; apply(); ev.preventDefault(); }
    else if (ev.key === 'ArrowLeft' && items.length > 1) { go(-1); ev.preventDefault(); }
    else if (ev.key === 'ArrowRight' && items.length > 1) { go(1); ev.preventDefault(); }
  });
  const opener = document.activeElement;
  dlg.addEventListener('close', () => { dlg.remove(); if (opener && opener.focus) opener.focus(); });
  document.body.append(dlg);
  show();
  dlg.showModal();
  stage.focus();
}

// A modal dialog asking for a reason (return/reject, required) or a note (complete, optional).
export function reasonDialog({ title, label, hint, required, confirm, danger, onConfirm }) {
  const input = h('textarea', { id: 'hb-reason', rows: '4', maxlength: '500', class: 'textarea' });
  const err = h('p', { class: 'field-error', id: 'hb-reason-err', hidden: true });
  const srvErr = h('div', { class: 'alert alert-error', role: 'alert' });
  input.setAttribute('aria-describedby', 'hb-reason-hint hb-reason-err');
  const ok = h('button', { type: 'submit', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}` }, confirm);
  const cancel = h('button', { type: 'button', class: 'btn btn-secondary' }, t('hb.dialog.cancel'));
  const form = h('form', { class: 'dialog-form', novalidate: true },
    h('h2', { class: 'dialog-title', id: 'hb-dlg-title' }, title),
    srvErr,
    h('div', { class: 'field' },
      h('label', { for: 'hb-reason', class: 'field-label' }, label, required ? h('span', { class: 'req' }, ' *') : null),
      input,
      h('p', { class: 'hint', id: 'hb-reason-hint' }, hint),
      err),
    h('div', { class: 'dialog-actions' }, cancel, ok));
  const dlg = h('dialog', { class: 'dialog dialog-narrow', 'aria-labelledby': 'hb-dlg-title' }, form);
  cancel.addEventListener('click', () => dlg.close());
  dlg.addEventListener('close', () => dlg.remove());
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = input.value.trim();
    if (required && !v) { err.textContent = t('hb.dialog.reason.required'); err.hidden = false; input.setAttribute('aria-invalid', 'true'); input.focus(); return; }
    ok.disabled = true;
    clear(srvErr);
    try {
      await onConfirm(v);
      dlg.close();
    } catch (e) {
      srvErr.append(h('p', null, e.message || String(e)));
      ok.disabled = false;
    }
  });
  document.body.append(dlg);
  dlg.showModal();
  input.focus();
  return dlg;
}
