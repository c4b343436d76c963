// The one way the client talks to the server: JSON over fetch, cookie session, CSRF header on writes.
// The bearer token of the login answer is never stored; the browser relies on the HttpOnly cookie.

const CSRF_KEY = 'cunjing.csrf';
const BASE = '/api/v1';

let csrfToken = null;
try { csrfToken = sessionStorage.getItem(CSRF_KEY); } catch (_) { /* ignore */ }

let onUnauthenticated = null;

export function setCsrf(token) {
  csrfToken = token || null;
  try {
    if (csrfToken) sessionStorage.setItem(CSRF_KEY, csrfToken);
    else sessionStorage.removeItem(CSRF_KEY);
  } catch (_) { /* ignore */ }
}

// Called when any request (other than login) answers 401: the session is gone.
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

// The offline store's hooks: a GET that cannot reach the server answers from the last stored copy (load), and
// every successful GET may be stored (save). Set by web/offline/ui.js.
let getCache = null;
export function setGetCache(hooks) { getCache = hooks; }

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    const e = (body && body.error) || {};
    super(e.message || e.code || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || (status === 0 ? 'network' : 'http_' + status);
    this.serverMessage = e.message || '';
    this.field = e.field || null;
    this.detail = e;
    this.requestId = (body && body.request_id) || null;
    this.retryAfter = retryAfter;
  }
}

export function qs(params) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') sp.set(k, v);
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch (_) {
    if (method === 'GET' && getCache) {
      const copy = await getCache.load(path).catch(() => null);
      if (copy) return copy;
    }
    throw new ApiError(0, null, null);
  }
  if (res.status === 204) return null;
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch (_) { data = null; }
  }
  if (!res.ok) {
    const ra = res.headers.get('Retry-After');
    const err = new ApiError(res.status, data, ra !== null && /^\d+$/.test(ra) ? Number(ra) : null);
    if (res.status === 401 && !opts.noAuthRedirect && onUnauthenticated) onUnauthenticated(err);
    throw err;
  }
  if (method === 'GET' && getCache) getCache.save(path, data);
  return data;
}

export const get = (path, params, opts) => api('GET', path + qs(params), undefined, opts);
export const post = (path, body, opts) => api('POST', path, body === undefined ? {} : body, opts);
export const patch = (path, body, opts) => api('PATCH', path, body, opts);
export const del = (path, body, opts) => api('DELETE', path, body, opts);

// Follows next_cursor to the end (bounded), for lists the client needs whole (areas, units).
export async function listAll(path, params = {}, maxPages = 50) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < maxPages; i += 1) {
    const data = await get(path, { ...params, limit: 100, cursor });
    if (data && Array.isArray(data.items)) items.push(...data.items);
    cursor = data && data.next_cursor;
    if (!cursor) break;
  }
  return items;
}
