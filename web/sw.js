// The service worker of the assistant's app: keeps the app shell (the page, its ES modules, styles, icons) in a
// versioned cache so that the app opens without a connection after one online visit. API answers are never cached
// here (personal data lives only in the encrypted IndexedDB store of web/offline/store.js).
// Strategy: network first (static files are served with Cache-Control: no-cache, so an online phone always runs the
// current code), the cached copy when the network fails. A new version installs in the background and takes over
// only when the page asks (the "new version" notice) or when no page is open: never under a form being filled in.
const VERSION = 'v1';
const CACHE = `cunjing-shell-${VERSION}`;
const ROOTS = ['/', '/index.html', '/app.js', '/app.css', '/favicon.svg', '/manifest.webmanifest', '/icons/icon.svg', '/icons/icon-192.png', '/icons/icon-512.png', '/receipt.css'];
const IMPORT_RE = /(?:^|[;\s}])(?:import|export)\s*(?:[\w*{}\s,$]*?\s*from\s*)?['"](\.{1,2}\/[^'"]+|\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

// The module graph from /app.js: every static or literal dynamic import, so no list of files has to be kept here.
async function crawl(cache) {
  const seen = new Set();
  const queue = [...ROOTS];
  while (queue.length) {
    const url = queue.shift();
    if (seen.has(url)) continue;
    seen.add(url);
    let res;
    try { res = await fetch(url, { cache: 'no-cache' }); } catch (_) { continue; }
    if (!res.ok) continue;
    await cache.put(url, res.clone());
    if (!url.endsWith('.js')) continue;
    const text = await res.text();
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] || m[2];
      if (spec) queue.push(new URL(spec, self.location.origin + url).pathname);
    }
  }
}

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(CACHE).then(crawl));
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil((async () => {
    for (const k of await caches.keys()) if (k.startsWith('cunjing-shell-') && k !== CACHE) await caches.delete(k);
    // The first install takes the open page at once (nothing older is running); a later version waits (above).
    await self.clients.claim();
  })());
});

self.addEventListener('message', (ev) => {
  if (ev.data && ev.data.type === 'skipWaiting') self.skipWaiting();
});

function timeout(ms) { return new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), ms)); }

self.addEventListener('fetch', (ev) => {
  const req = ev.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  const key = req.mode === 'navigate' ? '/' : url.pathname;
  ev.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const res = await Promise.race([fetch(req), timeout(req.mode === 'navigate' ? 6000 : 15000)]);
      if (res.ok && res.type === 'basic' && !url.search) cache.put(key, res.clone());
      return res;
    } catch (err) {
      const hit = await cache.match(key);
      if (hit) return hit;
      throw err;
    }
  })());
});
