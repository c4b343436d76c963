// The signed-in session and what the client caches of it (units, the area tree down to villages).
import { get, listAll } from './api.js';

export const session = { info: null, user: null, units: null, scope: null };

export function resetCaches() { session.units = null; session.scope = null; }

export async function getUnits() {
  if (!session.units) session.units = listAll('/units').catch((e) => { session.units = null; throw e; });
  return session.units;
}

export async function unitName(id) {
  if (!id) return '';
  const units = await getUnits();
  const u = units.find((x) => x.id === id);
  return u ? u.name : '';
}

const EXPAND = new Set(['province', 'city', 'county', 'town']);

// Loads the caller's scope from the top nodes down to villages and communities (not hamlets).
export function loadScope() {
  if (!session.scope) {
    session.scope = (async () => {
      const byId = new Map();
      const children = new Map();
      const tops = await listAll('/areas');
      for (const a of tops) byId.set(a.id, a);
      let frontier = tops.filter((a) => EXPAND.has(a.level));
      while (frontier.length) {
        const results = await Promise.all(frontier.map((a) => listAll('/areas', { parent_id: a.id }).then((items) => [a, items])));
        frontier = [];
        for (const [p, items] of results) {
          children.set(p.id, items);
          for (const c of items) {
            byId.set(c.id, c);
            if (EXPAND.has(c.level)) frontier.push(c);
          }
        }
      }
      return { tops, byId, children };
    })().catch((e) => { session.scope = null; throw e; });
  }
  return session.scope;
}

// The nearest ancestor of an area at the given level, from what the scope cache holds.
export function ancestorAt(scope, area, level) {
  let cur = area;
  for (let i = 0; cur && i < 10; i += 1) {
    if (cur.level === level) return cur;
    cur = cur.parent_id ? scope.byId.get(cur.parent_id) : null;
  }
  return null;
}

export async function getInfo() {
  if (!session.info) session.info = await get('/info', null, { noAuthRedirect: true });
  return session.info;
}
