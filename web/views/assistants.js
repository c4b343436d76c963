// 警务助理: the register of assistants in scope, and the villages/communities without one.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, listAll } from '../api.js';
import { loadScope, ancestorAt } from '../state.js';
import { pageHead, card, errorBox, showError, loading, dataTable, tableRow, levelTag } from '../ui.js';

export async function render(main) {
  const wantGaps = /[?&]tab=gaps\b/.test(location.hash);
  const errors = errorBox();
  const tabs = [
    { id: 'register', label: t('assistants.tab.register') },
    { id: 'gaps', label: t('assistants.tab.gaps') },
  ];
  const panels = {};
  const buttons = {};
  const counts = {};
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('assistants.title') });
  for (const tb of tabs) {
    counts[tb.id] = h('span', { class: 'tab-count' });
    buttons[tb.id] = h('button', {
      type: 'button', role: 'tab', id: `tab-${tb.id}`, 'aria-controls': `panel-${tb.id}`, class: 'tab',
    }, tb.label, counts[tb.id]);
    panels[tb.id] = h('div', { role: 'tabpanel', id: `panel-${tb.id}`, 'aria-labelledby': `tab-${tb.id}`, class: 'tab-panel' }, loading());
    buttons[tb.id].addEventListener('click', () => select(tb.id));
    buttons[tb.id].addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
      const next = tb.id === 'register' ? 'gaps' : 'register';
      select(next);
      buttons[next].focus();
    });
    tablist.append(buttons[tb.id]);
  }
  function select(id) {
    for (const tb of tabs) {
      const on = tb.id === id;
      buttons[tb.id].setAttribute('aria-selected', String(on));
      buttons[tb.id].tabIndex = on ? 0 : -1;
      panels[tb.id].hidden = !on;
    }
  }
  select(wantGaps ? 'gaps' : 'register');
  main.append(pageHead(t('assistants.title')), errors, card(null, tablist, panels.register, panels.gaps));

  const scope = await loadScope().catch(() => null);
  const townOf = (areaId) => {
    const a = scope && scope.byId.get(areaId);
    const town = a && scope ? ancestorAt(scope, a, 'town') : null;
    return town ? town.name : '';
  };

  await Promise.all([loadRegister(panels.register, counts.register, errors, townOf), loadGaps(panels.gaps, counts.gaps, errors, townOf)]);
}

async function loadRegister(panel, count, errors, townOf) {
  const columns = [
    { label: t('assistants.col.name'), render: (r) => h('strong', null, r.name || '') },
    { label: t('assistants.col.village'), render: (r) => r.village_name || '' },
    { label: t('assistants.col.employer'), render: (r) => r.employer_name || townOf(r.village_id) },
    { label: t('assistants.col.station'), render: (r) => r.station_name || '' },
    { label: t('assistants.col.phone'), render: (r) => r.phone || '' },
    { label: t('assistants.col.contract'), render: (r) => (r.contract_start || r.contract_end ? `${r.contract_start || '…'} ~ ${r.contract_end || '…'}` : '') },
  ];
  let cursor = null;
  let shown = 0;
  let tbody = null;
  const more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, t('common.loadmore'));
  const total = h('p', { class: 'muted list-foot', 'aria-live': 'polite' });
  async function page() {
    more.disabled = true;
    try {
      const data = await get('/assistants', { limit: 50, cursor });
      const items = (data && data.items) || [];
      if (!tbody) {
        if (!items.length) { panel.replaceChildren(h('p', { class: 'empty' }, t('assistants.empty'))); count.textContent = ' 0'; return; }
        const table = dataTable(columns, items, t('assistants.tab.register'));
        tbody = table.querySelector('tbody');
        panel.replaceChildren(table, h('div', { class: 'list-actions' }, total, more));
      } else {
        for (const r of items) tbody.append(tableRow(columns, r));
      }
      shown += items.length;
      cursor = data.next_cursor || null;
      more.hidden = !cursor;
      total.textContent = t('common.total', { n: shown }) + (cursor ? ' +' : '');
      count.textContent = ` ${shown}${cursor ? '+' : ''}`;
    } catch (err) {
      if (!tbody) panel.replaceChildren();
      showError(errors, err);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', page);
  await page();
}

async function loadGaps(panel, count, errors, townOf) {
  try {
    const items = await listAll('/assistants/coverage');
    count.textContent = ` ${items.length}`;
    if (!items.length) { panel.replaceChildren(h('p', { class: 'empty ok' }, t('assistants.gaps.none'))); return; }
    panel.replaceChildren(
      h('p', { class: 'muted' }, t('assistants.gaps.hint')),
      dataTable([
        { label: t('assistants.gaps.col.name'), render: (a) => h('strong', null, a.name) },
        { label: t('assistants.gaps.col.town'), render: (a) => townOf(a.id) },
        { label: t('assistants.gaps.col.level'), render: (a) => levelTag(a.level) },
        { label: t('assistants.gaps.col.code'), render: (a) => a.code, cls: 'mono' },
      ], items, t('assistants.tab.gaps')),
      h('p', { class: 'muted list-foot' }, t('common.total', { n: items.length })));
  } catch (err) {
    panel.replaceChildren();
    showError(errors, err);
  }
}
