// A lazily loaded area tree built from disclosure buttons (aria-expanded) and nested lists.
// With `selectable`, each node has a checkbox; `selected` is a Set of area ids kept up to date.
import { h, nextId } from './dom.js';
import { t } from './i18n.js';
import { listAll } from './api.js';
import { icons } from './icons.js';
import { levelTag, errorBox, showError, loading } from './ui.js';

const LEAF = new Set(['natural_village']);

export function areaTree({ selectable = false, selected = new Set(), onChange = null, maxDepthLevel = null } = {}) {
  const errors = errorBox();
  const list = h('ul', { class: 'tree' });
  const wrap = h('div', { class: 'tree-wrap' }, errors, list);
  const cache = new Map();

  async function children(parentId) {
    const key = parentId || '';
    if (!cache.has(key)) {
      cache.set(key, listAll('/areas', parentId ? { parent_id: parentId } : {}).catch((e) => { cache.delete(key); throw e; }));
    }
    return cache.get(key);
  }

  function isLeaf(a) {
    if (LEAF.has(a.level)) return true;
    return Boolean(maxDepthLevel && a.level === maxDepthLevel);
  }

  function node(a) {
    const li = h('li', { class: 'tree-node' });
    const sub = h('ul', { class: 'tree', hidden: true });
    let loaded = false;
    const label = selectable
      ? (() => {
        const id = nextId('area');
        const cb = h('input', { type: 'checkbox', id, checked: selected.has(a.id), dataset: { areaId: a.id } });
        cb.addEventListener('change', () => {
          if (cb.checked) selected.add(a.id); else selected.delete(a.id);
          if (onChange) onChange(a, cb.checked);
        });
        return h('span', { class: 'tree-check' }, cb, h('label', { for: id, class: 'tree-name' }, a.name));
      })()
      : h('span', { class: 'tree-name' }, a.name);
    let toggle;
    if (isLeaf(a)) {
      toggle = h('span', { class: 'tree-toggle tree-leaf', 'aria-hidden': 'true' });
    } else {
      toggle = h('button', {
        type: 'button', class: 'tree-toggle', 'aria-expanded': 'false', 'aria-label': t('areas.expand', { name: a.name }),
      }, h('span', { class: 'icon', svg: icons.chevron }));
      toggle.addEventListener('click', async () => {
        const open = toggle.getAttribute('aria-expanded') === 'true';
        if (open) {
          toggle.setAttribute('aria-expanded', 'false');
          toggle.setAttribute('aria-label', t('areas.expand', { name: a.name }));
          sub.hidden = true;
          return;
        }
        toggle.setAttribute('aria-expanded', 'true');
        toggle.setAttribute('aria-label', t('areas.collapse', { name: a.name }));
        sub.hidden = false;
        if (loaded) return;
        sub.replaceChildren(h('li', null, loading()));
        try {
          const items = await children(a.id);
          loaded = true;
          sub.replaceChildren(...(items.length ? items.map(node) : [h('li', { class: 'tree-empty muted' }, t('areas.children.none'))]));
        } catch (err) {
          sub.replaceChildren();
          toggle.setAttribute('aria-expanded', 'false');
          sub.hidden = true;
          showError(errors, err);
        }
      });
    }
    li.append(h('div', { class: 'tree-row' }, toggle, label, levelTag(a.level), h('span', { class: 'tree-code' }, a.code)), sub);
    return li;
  }

  wrap.ready = (async () => {
    list.replaceChildren(h('li', null, loading()));
    try {
      const tops = await children(null);
      list.replaceChildren(...(tops.length ? tops.map(node) : [h('li', { class: 'muted' }, t('areas.empty'))]));
      // Open a single top node right away: one district or one town is the usual scope.
      if (tops.length === 1) {
        const btn = list.querySelector('.tree-toggle[aria-expanded]');
        if (btn) btn.click();
      }
    } catch (err) {
      list.replaceChildren();
      showError(errors, err);
    }
  })();
  return wrap;
}
