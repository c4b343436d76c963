// The phone's encrypted store (IndexedDB "cunjing-offline"). Everything personal is AES-GCM encrypted with a random
// data key; the data key is kept only wrapped (AES-GCM) under a key derived with PBKDF2-SHA-256 from the assistant's
// PIN. In the clear there is only: the salt, the iteration count, the wrapped key, the owner's user id and the item
// sequence numbers. The unwrapped key lives in memory (non-extractable CryptoKey) until lock() or a reload.
const DB = 'cunjing-offline';
const STORES = ['meta', 'outbox', 'blobs', 'cache'];
const ITER = 210000;
const enc = new TextEncoder();
const dec = new TextDecoder();

let dbp = null;
let key = null;

function req(r) { return new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); }); }

function open() {
  if (!dbp) {
    dbp = new Promise((res, rej) => {
      const r = indexedDB.open(DB, 1);
      r.onupgradeneeded = () => { for (const s of STORES) if (!r.result.objectStoreNames.contains(s)) r.result.createObjectStore(s); };
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
  }
  return dbp;
}

async function tx(store, mode, fn) {
  const db = await open();
  const t = db.transaction(store, mode);
  const out = fn(t.objectStore(store));
  await new Promise((res, rej) => { t.oncomplete = res; t.onerror = () => rej(t.error); t.onabort = () => rej(t.error); });
  return out instanceof IDBRequest ? out.result : out;
}
const raw = {
  get: (s, k) => tx(s, 'readonly', (o) => o.get(k)),
  put: (s, k, v) => tx(s, 'readwrite', (o) => { o.put(v, k); }),
  del: (s, k) => tx(s, 'readwrite', (o) => { o.delete(k); }),
  keys: (s) => tx(s, 'readonly', (o) => o.getAllKeys()),
  clear: (s) => tx(s, 'readwrite', (o) => { o.clear(); }),
};

async function kek(pin, salt, iterations) {
  const base = await crypto.subtle.importKey('raw', enc.encode(pin), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations, hash: 'SHA-256' }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

export async function meta() { try { return (await raw.get('meta', 'key')) || null; } catch (_) { return null; } }
export async function isSetUp(userId) { const m = await meta(); return Boolean(m && (!userId || m.owner === userId)); }
export function isUnlocked() { return key !== null; }
export function lock() { key = null; }

// Creates the store for this user with a new PIN (replacing nothing: refuses when one exists).
export async function setup(pin, owner) {
  if (await meta()) throw new Error('exists');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const k = await kek(pin, salt, ITER);
  const dataKey = crypto.getRandomValues(new Uint8Array(32));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapped = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, k, dataKey);
  key = await crypto.subtle.importKey('raw', dataKey, 'AES-GCM', false, ['encrypt', 'decrypt']);
  dataKey.fill(0);
  await raw.put('meta', 'key', { v: 1, salt, iter: ITER, iv, wrapped, owner });
}

// Unwraps the data key; false on a wrong PIN (AES-GCM authentication fails).
export async function unlock(pin) {
  const m = await meta();
  if (!m) return false;
  try {
    const k = await kek(pin, m.salt, m.iter);
    const dataKey = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: m.iv }, k, m.wrapped));
    key = await crypto.subtle.importKey('raw', dataKey, 'AES-GCM', false, ['encrypt', 'decrypt']);
    dataKey.fill(0);
    return true;
  } catch (_) { return false; }
}

async function seal(bytes) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  return { iv, ct: await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, bytes) };
}
async function open1(box) { return crypto.subtle.decrypt({ name: 'AES-GCM', iv: box.iv }, key, box.ct); }

export async function putJSON(store, k, value) {
  if (!key) throw new Error('locked');
  await raw.put(store, k, await seal(enc.encode(JSON.stringify(value))));
}
export async function getJSON(store, k) {
  if (!key) return null;
  const box = await raw.get(store, k);
  if (!box) return null;
  try { return JSON.parse(dec.decode(await open1(box))); } catch (_) { return null; }
}
export async function allJSON(store) {
  if (!key) return [];
  const out = [];
  for (const k of await raw.keys(store)) { const v = await getJSON(store, k); if (v) out.push(v); }
  return out;
}
export async function del(store, k) { await raw.del(store, k); }

export async function putBlob(k, blob) {
  if (!key) throw new Error('locked');
  const box = await seal(await blob.arrayBuffer());
  await raw.put('blobs', k, { ...box, type: blob.type, name: blob.name || 'photo.jpg' });
}
export async function getBlob(k) {
  if (!key) return null;
  const box = await raw.get('blobs', k);
  if (!box) return null;
  return new File([await open1(box)], box.name, { type: box.type });
}

// Logout: everything goes (the database is deleted), the key is forgotten.
export async function wipe() {
  key = null;
  try { const db = await open(); db.close(); } catch (_) { /* ignore */ }
  dbp = null;
  await new Promise((res) => { const r = indexedDB.deleteDatabase(DB); r.onsuccess = res; r.onerror = res; r.onblocked = res; });
}
