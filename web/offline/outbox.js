// The outbox: every record the assistant makes goes through here, online too. Items are kept (encrypted) on the
// phone and sent in order: a record (with its client_ref), then its attachments, then (applications) the submit.
// States: waiting, sending (with progress), sent, failed (refused by the server: its message; network: retried
// with backoff), conflict (409 version_conflict: both versions kept). Only the assistant retries or removes.
import { api, ApiError } from '../api.js';
import * as store from './store.js';

const items = [];          // sorted by seq
const memBlobs = new Map(); // photos of items made before a PIN was set (memory only)
const listeners = new Set();
const waiters = new Map(); // seq -> [resolve]
let seqNext = 1;
let running = false;
let timer = null;
let backoff = 0;
export const status = { online: navigator.onLine, authNeeded: false, lastError: null };

function newRef() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (x) => x.toString(16).padStart(2, '0')).join('');
}
export { newRef as clientRef };

function emit(it) {
  for (const fn of listeners) { try { fn(it); } catch (_) { /* a view gone */ } }
  if (it && (it.state === 'sent' || it.state === 'failed' || it.state === 'conflict' || (it.state === 'waiting' && it.error))) {
    for (const r of waiters.get(it.seq) || []) r(it);
    waiters.delete(it.seq);
  }
}
export function subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); }
export function list() { return items.slice(); }
export function get(seq) { return items.find((i) => i.seq === Number(seq)) || null; }
export function unsent() { return items.filter((i) => i.state !== 'sent'); }
export function group(g) { return items.filter((i) => i.group === g); }

async function save(it) {
  if (store.isUnlocked()) { try { await store.putJSON('outbox', it.seq, it); } catch (_) { /* kept in memory */ } }
}

// Loads what the store holds (after unlock) and moves memory-only items into it.
export async function load() {
  const stored = await store.allJSON('outbox');
  for (const s of stored) {
    if (s.state === 'sending') { s.state = 'waiting'; s.progress = 0; }
    if (!items.some((i) => i.seq === s.seq)) items.push(s);
  }
  items.sort((a, b) => a.seq - b.seq);
  seqNext = Math.max(seqNext, ...items.map((i) => i.seq + 1), 1);
  for (const it of items) {
    await save(it);
    if (it.blobId && memBlobs.has(it.blobId)) { await store.putBlob(it.blobId, memBlobs.get(it.blobId)); memBlobs.delete(it.blobId); }
  }
  emit(null);
  kick();
}

export function forget() { items.splice(0); memBlobs.clear(); emit(null); }

// item: { group, kind: create|attach|submit|patch, coll, path?, label, body?, recordId?, file?, attKind?, meta? }
// coll names the collection (its record's URL /<coll>/<id>, the outbox's labels); path, when given, is where a
// create is posted instead of /<coll> (a nested collection: /bulletins/<id>/leads, /disputes/<id>/sessions).
export async function enqueue(spec) {
  const it = {
    seq: seqNext++, group: spec.group || newRef(), kind: spec.kind, coll: spec.coll, path: spec.path || null, label: spec.label || '',
    body: spec.body || null, recordId: spec.recordId || null, attKind: spec.attKind || null, meta: spec.meta || null,
    client_ref: spec.client_ref || newRef(), state: 'waiting', error: null, progress: 0, result: null,
    created_at: new Date().toISOString(), sent_at: null, fileName: null, blobId: null,
  };
  if (spec.file) {
    it.blobId = `b${it.seq}-${it.client_ref}`;
    it.fileName = spec.file.name || 'photo.jpg';
    it.fileSize = spec.file.size;
    if (store.isUnlocked()) await store.putBlob(it.blobId, spec.file); else memBlobs.set(it.blobId, spec.file);
  }
  items.push(it);
  await save(it);
  emit(it);
  kick();
  return it;
}

// Resolves when the item is sent, refused, in conflict, or could not reach the server (state waiting + error).
export function settle(it, ms = 60000) {
  const cur = get(it.seq);
  if (!cur || cur.state === 'sent' || cur.state === 'failed' || cur.state === 'conflict') return Promise.resolve(cur);
  // Known offline: nothing to wait for (earlier items may be in their retry backoff); the form goes to the outbox.
  if (!navigator.onLine) return Promise.resolve(cur);
  return new Promise((res) => {
    const list1 = waiters.get(it.seq) || [];
    list1.push(res);
    waiters.set(it.seq, list1);
    setTimeout(() => res(get(it.seq)), ms);
  });
}

async function set(it, patch) { Object.assign(it, patch); await save(it); emit(it); }

// The form changed a record that is still waiting (offline): the queued body follows.
export async function updateBody(seq, body) {
  const it = get(seq);
  if (!it || it.state !== 'waiting') return false;
  await set(it, { body });
  return true;
}

// An ApiError-like value of a refused item (for the forms' field errors).
export function asError(it) {
  const e = (it && it.error) || {};
  return new ApiError(e.status || 422, { error: { code: e.code, message: e.message, field: e.field, missing: e.missing } }, null);
}

export async function retry(seq) {
  const it = get(seq);
  if (!it || it.state === 'sent') return;
  await set(it, { state: 'waiting', error: null, progress: 0 });
  backoff = 0;
  kick();
}

export async function remove(seq) {
  const it = get(seq);
  if (!it) return;
  items.splice(items.indexOf(it), 1);
  await store.del('outbox', it.seq).catch(() => {});
  if (it.blobId) { memBlobs.delete(it.blobId); await store.del('blobs', it.blobId).catch(() => {}); }
  emit(null);
}

// A conflict resolved by the assistant: keep theirs (drop mine) or apply mine on top of the current version.
export async function resolveConflict(seq, choice) {
  const it = get(seq);
  if (!it || it.state !== 'conflict') return;
  if (choice === 'theirs') { await set(it, { state: 'sent', result: it.error.current, sent_at: new Date().toISOString(), resolved: 'theirs' }); return; }
  const body = { ...it.body, version: it.error.current.version };
  await set(it, { body, state: 'waiting', error: null, resolved: 'mine' });
  kick();
}

function recordIdFor(it) {
  if (it.recordId) return it.recordId;
  const c = items.find((x) => x.group === it.group && x.kind === 'create');
  return c && c.state === 'sent' && c.result ? c.result.id : null;
}

// Is the item ready to go: its record exists; a submit also needs all its group's photos stored.
function ready(it) {
  if (it.kind === 'create' || it.kind === 'patch') return true;
  if (!recordIdFor(it)) return false;
  if (it.kind === 'submit') return items.filter((x) => x.group === it.group && x.kind === 'attach').every((x) => x.state === 'sent');
  return true;
}

function upload(path, fd, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1${path}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    let csrf = null;
    try { csrf = sessionStorage.getItem('cunjing.csrf'); } catch (_) { /* none */ }
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable) onProgress(ev.loaded / ev.total); };
    xhr.onerror = () => reject(new ApiError(0, null, null));
    xhr.ontimeout = () => reject(new ApiError(0, null, null));
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (_) { body = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body); else reject(new ApiError(xhr.status, body, null));
    };
    xhr.send(fd);
  });
}

let onAuth = null;
export function setAuthHandler(fn) { onAuth = fn; }

async function sendOne(it) {
  const id = recordIdFor(it);
  const base = `/${it.coll}`;
  if (it.kind === 'create') return api('POST', it.path || base, { ...it.body, client_ref: it.client_ref });
  if (it.kind === 'patch') return api('PATCH', `${base}/${encodeURIComponent(id)}`, it.body);
  if (it.kind === 'submit') {
    try { return await api('POST', `${base}/${encodeURIComponent(id)}/submit`, {}); } catch (e) {
      // A submit that reached the server before a crash: the record is no longer a draft.
      if (e instanceof ApiError && (e.status === 409 || e.status === 422) && e.code !== 'missing_materials') {
        const rec = await api('GET', `${base}/${encodeURIComponent(id)}`);
        if (rec && rec.status === 'submitted') return rec;
      }
      throw e;
    }
  }
  if (it.kind === 'attach') {
    const file = store.isUnlocked() && !memBlobs.has(it.blobId) ? await store.getBlob(it.blobId) : memBlobs.get(it.blobId);
    if (!file) throw Object.assign(new Error('photo missing on this phone'), { lost: true });
    const fd = new FormData();
    fd.append('kind', it.attKind || 'photo');
    fd.append('client_ref', it.client_ref);
    fd.append('file', file, file.name || 'photo.jpg');
    let last = 0;
    return upload(`${base}/${encodeURIComponent(id)}/attachments`, fd, (f) => {
      it.progress = f;
      if (f - last > 0.05 || f === 1) { last = f; emit(it); }
    });
  }
  throw new Error(`unknown kind ${it.kind}`);
}

// Sends what is ready, in order; stops at the first network error (the rest would fail the same way).
export async function run() {
  if (running) return;
  running = true;
  try {
    for (;;) {
      const it = items.find((x) => x.state === 'waiting' && ready(x));
      if (!it) break;
      await set(it, { state: 'sending', progress: 0, error: null });
      try {
        const result = await sendOne(it);
        const slim = result && typeof result === 'object' ? result : {};
        await set(it, { state: 'sent', progress: 1, result: slim, sent_at: new Date().toISOString(), error: null });
        if (it.blobId) { memBlobs.delete(it.blobId); store.del('blobs', it.blobId).catch(() => {}); }
        backoff = 0;
        status.authNeeded = false;
      } catch (e) {
        if (e instanceof ApiError && e.status === 0) {
          await set(it, { state: 'waiting', progress: 0, error: { type: 'network' } });
          // The rest would fail the same way: they are marked too (their forms stop waiting for an answer).
          for (const x of items) if (x !== it && x.state === 'waiting' && !(x.error && x.error.type === 'network')) await set(x, { error: { type: 'network' } });
          status.online = false;
          schedule();
          break;
        }
        if (e instanceof ApiError && e.status === 401) {
          status.authNeeded = true;
          await set(it, { state: 'waiting', progress: 0, error: { type: 'auth' } });
          if (onAuth) onAuth();
          break;
        }
        if (e instanceof ApiError && (e.status === 429 || e.status >= 500)) {
          await set(it, { state: 'waiting', progress: 0, error: { type: 'network', status: e.status } });
          schedule(e.retryAfter);
          break;
        }
        if (e instanceof ApiError && e.code === 'version_conflict') {
          await set(it, { state: 'conflict', progress: 0, error: { type: 'conflict', message: e.serverMessage, current: (e.detail && e.detail.current) || null } });
          continue;
        }
        await set(it, { state: 'failed', progress: 0, error: { type: 'server', status: e.status || null, code: e.code || null, message: e.serverMessage || e.message || String(e), field: e.field || null, missing: (e.detail && e.detail.missing) || null } });
      }
    }
  } finally { running = false; }
}

function schedule(seconds) {
  clearTimeout(timer);
  backoff = Math.min(60000, backoff ? backoff * 2 : 2000);
  timer = setTimeout(() => { status.online = navigator.onLine; run(); }, seconds ? seconds * 1000 : backoff);
}

export function kick() {
  if (status.authNeeded) return;
  clearTimeout(timer);
  run();
}

// Called after a (new) login: the session is back.
export function resume() { status.authNeeded = false; backoff = 0; kick(); }

window.addEventListener('online', () => { status.online = true; backoff = 0; kick(); emit(null); });
window.addEventListener('offline', () => { status.online = false; emit(null); });
// A periodic retry also covers a server that was down while the network was up.
setInterval(() => { if (!running && !status.authNeeded && items.some((x) => x.state === 'waiting')) kick(); }, 15000);
