// 审计日志 (auditor): filters from/to/user/action, cursor paging forwards and back.
import { h, field, todayISO, formatDateTime } from '../dom.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { pageHead, card, errorBox, showError, loading, dataTable, roleLabel, tag } from '../ui.js';

const PAGE = 50;

export async function render(main) {
  const errors = errorBox();
  const from = h('input', { type: 'date', value: todayISO(-6) });
  const to = h('input', { type: 'date', value: todayISO(0) });
  const user = h('input', { type: 'text', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: '64' });
  const action = h('input', { type: 'text', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: '64' });
  const search = h('button', { type: 'submit', class: 'btn btn-primary' }, t('audit.search'));
  const form = h('form', { class: 'filters', novalidate: true, 'aria-label': t('audit.filters') },
    field({ label: t('audit.from'), input: from, error: false }),
    field({ label: t('audit.to'), input: to, error: false }),
    field({ label: t('audit.user'), input: user, error: false }),
    field({ label: t('audit.action'), input: action, error: false }),
    h('div', { class: 'filters-go' }, search));

  const results = h('div', { 'aria-live': 'polite', 'aria-busy': 'false' });
  const prev = h('button', { type: 'button', class: 'btn btn-secondary' }, t('audit.prev'));
  const next = h('button', { type: 'button', class: 'btn btn-secondary' }, t('audit.next'));
  const pageNo = h('span', { class: 'page-no' });
  const pager = h('div', { class: 'pager', hidden: true }, prev, pageNo, next);
  main.append(pageHead(t('audit.title')), card(null, form), errors, card(null, results, pager));

  // cursors[i] is the cursor that loads page i+1 (null for the first page).
  let cursors = [null];
  let index = 0;
  let filters = {};

  const columns = [
    { label: t('audit.col.seq'), render: (r) => String(r.seq), cls: 'num' },
    { label: t('audit.col.at'), render: (r) => formatDateTime(r.at), cls: 'nowrap' },
    { label: t('audit.col.user'), render: (r) => r.user || '', cls: 'nowrap' },
    { label: t('audit.col.role'), render: (r) => (r.role ? roleLabel(r.role) : ''), cls: 'nowrap' },
    { label: t('audit.col.ip'), render: (r) => r.ip || '', cls: 'mono' },
    { label: t('audit.col.action'), render: (r) => h('span', { class: 'mono' }, r.action || ''), cls: 'nowrap' },
    { label: t('audit.col.object'), render: (r) => (r.object ? h('span', { class: 'mono wrap' }, String(r.object)) : ''), cls: 'col-object' },
    { label: t('audit.col.result'), render: (r) => (r.result ? tag(String(r.result), /^(ok|success|allowed|200|201|204)$/i.test(String(r.result)) ? 'tag-on' : 'tag-off') : '') },
    { label: t('audit.col.request'), render: (r) => h('span', { class: 'mono small' }, r.request_id || ''), cls: 'nowrap' },
  ];

  async function load() {
    results.setAttribute('aria-busy', 'true');
    results.replaceChildren(loading());
    showError(errors, null);
    prev.disabled = true;
    next.disabled = true;
    try {
      const data = await get('/audit', { ...filters, cursor: cursors[index], limit: PAGE });
      const items = (data && data.items) || [];
      cursors[index + 1] = data && data.next_cursor ? data.next_cursor : null;
      results.replaceChildren(items.length ? dataTable(columns, items, t('audit.title')) : h('p', { class: 'empty' }, t('audit.empty')));
      pager.hidden = index === 0 && !cursors[index + 1];
      prev.disabled = index === 0;
      next.disabled = !cursors[index + 1];
      pageNo.textContent = t('audit.page', { n: index + 1 });
    } catch (err) {
      results.replaceChildren();
      pager.hidden = true;
      showError(errors, err);
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    filters = { from: from.value, to: to.value, user: user.value.trim(), action: action.value.trim() };
    cursors = [null];
    index = 0;
    load();
  });
  prev.addEventListener('click', () => { if (index > 0) { index -= 1; load(); } });
  next.addEventListener('click', () => { if (cursors[index + 1]) { index += 1; load(); } });

  filters = { from: from.value, to: to.value };
  await load();
}
