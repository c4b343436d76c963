// 案件 (officer, station chief; bureau reads): the list, a new case, a case with its bulletins, and closing it with
// credits for the assistants whose leads were useful.
import { h, field } from '../dom.js';
import { t, has } from '../i18n.js';
import { get, post, listAll } from '../api.js';
import { icons } from '../icons.js';
import { loadScope, ancestorAt } from '../state.js';
import { pageHead, card, errorBox, statusBox, showError, showStatus, loading, dataTable, dl } from '../ui.js';
import { hashParts, put, backLink, chip, shortTime, isoLocal, toLocalInput, fromLocalInput, clientRef } from './leads-lib.js';

const CREATE_ROLES = new Set(['officer', 'station_chief']);
const KINDS = ['criminal', 'public_security'];

export async function render(main, ctx) {
  const { sub, params } = hashParts();
  if (sub === 'new') {
    if (!CREATE_ROLES.has(ctx.user.role)) { location.replace('#/cases'); return undefined; }
    return renderNew(main);
  }
  return sub ? renderDetail(main, ctx, sub) : renderList(main, ctx, params);
}

const kindLabel = (k) => (has(`case.kind.${k}`) ? t(`case.kind.${k}`) : k);
function statusChip(c) {
  if (c.status === 'closed') {
    return chip(`${t('case.status.closed')}${c.solved === true ? ` · ${t('case.solved')}` : c.solved === false ? ` · ${t('case.unsolved')}` : ''}`,
      c.solved ? 'status-completed' : 'status-draft');
  }
  return chip(t('case.status.open'), 'status-submitted');
}
function kindTag(k) { return h('span', { class: `tag tag-case-${k}` }, kindLabel(k)); }

async function renderList(main, ctx, params) {
  const want = params.get('status') || '';
  const errors = errorBox();
  const actions = CREATE_ROLES.has(ctx.user.role) ? [h('a', { class: 'btn btn-primary', href: '#/cases/new' }, h('span', { class: 'icon', svg: icons.plus }), t('case.new'))] : [];
  const chips = h('div', { class: 'filter-chips', role: 'group', 'aria-label': t('bl.filter.label') }, [['', 'case.filter.all'], ['open', 'case.filter.open'], ['closed', 'case.filter.closed']].map(([s, k]) => h('a', {
    class: `filter-chip ${s === want ? 'active' : ''}`.trim(), href: s ? `#/cases?status=${s}` : '#/cases', 'aria-current': s === want ? 'true' : null,
  }, t(k))));
  const box = h('div', null, loading());
  main.append(pageHead(t('case.title'), ...actions), chips, errors, card(null, box));
  try {
    let items = await listAll('/cases', want ? { status: want } : {}, 5);
    if (want) items = items.filter((c) => c.status === want);
    if (!items.length) { box.replaceChildren(h('p', { class: 'empty' }, t('case.empty'))); return; }
    box.replaceChildren(dataTable([
      { label: t('case.col.title'), render: (c) => h('a', { class: 'row-link', href: `#/cases/${encodeURIComponent(c.id)}` }, c.title), cls: 'col-object' },
      { label: t('case.col.kind'), render: (c) => kindTag(c.kind) },
      { label: t('case.col.village'), render: (c) => c.village_name || '' },
      { label: t('case.col.occurred'), render: (c) => shortTime(c.occurred_at), cls: 'nowrap' },
      { label: t('case.col.status'), render: (c) => statusChip(c) },
    ], items, t('case.title')), h('p', { class: 'muted list-foot' }, t('common.total', { n: items.length })));
  } catch (err) { box.replaceChildren(); showError(errors, err); }
}

async function renderNew(main) {
  const errors = errorBox();
  const kind = h('select', null, KINDS.map((k) => h('option', { value: k }, kindLabel(k))));
  const title = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
  const desc = h('textarea', { class: 'textarea', rows: '5', maxlength: '5000' });
  const village = h('select', null, h('option', { value: '' }, t('case.f.village.pick')));
  const now = new Date();
  const occurred = h('input', { type: 'datetime-local', value: toLocalInput(now), max: toLocalInput(now) });
  const fKind = field({ label: t('case.f.kind'), input: kind });
  const fTitle = field({ label: t('case.f.title'), input: title });
  const fDesc = field({ label: t('case.f.desc'), input: desc });
  const fVillage = field({ label: t('case.f.village'), input: village });
  const fOcc = field({ label: t('case.f.occurred'), input: occurred, hint: t('case.f.occurred.hint') });
  for (const f of [fKind, fVillage, fOcc]) f.classList.add('field-half');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, h('span', { class: 'icon', svg: icons.check }), t('case.f.submit'));
  const form = h('form', { class: 'form-grid form-narrow', novalidate: true }, fKind, fOcc, fTitle, fVillage, fDesc,
    h('div', { class: 'form-actions' }, submit, h('a', { class: 'btn btn-secondary', href: '#/cases' }, t('pt.cancel'))));
  main.append(backLink('#/cases', 'case.back'), pageHead(t('case.new')), errors, card(null, form));

  try {
    const scope = await loadScope();
    const groups = new Map();
    for (const a of scope.byId.values()) {
      if (a.level !== 'village' && a.level !== 'community') continue;
      const town = ancestorAt(scope, a, 'town');
      const key = town ? town.name : '';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(a);
    }
    for (const [town, list] of [...groups.entries()].sort((x, y) => x[0].localeCompare(y[0], 'zh'))) {
      list.sort((x, y) => x.code.localeCompare(y.code));
      village.append(h('optgroup', { label: town || '—' }, list.map((a) => h('option', { value: a.id }, a.name))));
    }
  } catch (err) { showError(errors, err); }

  const ref = clientRef();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError(errors, null);
    const when = fromLocalInput(occurred.value);
    fTitle.setFieldError(title.value.trim() ? '' : t('case.need'));
    fVillage.setFieldError(village.value ? '' : t('case.need'));
    fOcc.setFieldError(!when ? t('case.need') : (when.getTime() > Date.now() + 60000 ? t('case.future') : ''));
    if (!title.value.trim() || !village.value || !when || when.getTime() > Date.now() + 60000) return;
    submit.disabled = true;
    try {
      const c = await post('/cases', { kind: kind.value, title: title.value.trim(), description: desc.value.trim(), village_id: village.value, occurred_at: isoLocal(when), client_ref: ref });
      location.hash = `#/cases/${encodeURIComponent(c.id)}`;
    } catch (err) {
      showError(errors, err);
      submit.disabled = false;
    }
  });
}

async function renderDetail(main, ctx, id) {
  const errors = errorBox();
  const ok = statusBox();
  const body = h('div', null, loading());
  main.append(backLink('#/cases', 'case.back'), errors, ok, body);
  let c;
  try { c = await get(`/cases/${encodeURIComponent(id)}`); } catch (err) { body.replaceChildren(); showError(errors, err); return; }
  const assistants = await listAll('/assistants', {}, 10).catch(() => []);
  const nameOf = (uid) => { const a = assistants.find((x) => x.user_id === uid); return a ? `${a.name}（${a.village_name || ''}）` : uid; };

  const draw = () => {
    const bulletins = c.bulletins || [];
    const canBulletin = ctx.user.role !== 'township' && c.status === 'open';
    put(body,
      h('div', { class: 'detail-head' },
        h('div', null,
          h('h1', { class: 'page-title', tabindex: '-1' }, c.title),
          h('div', { class: 'detail-sub' }, kindTag(c.kind), statusChip(c), h('span', { class: 'muted' }, c.village_name || ''))),
        canBulletin ? h('div', { class: 'detail-actions' },
          h('a', { class: 'btn btn-secondary', href: `#/bulletins/new?case=${encodeURIComponent(c.id)}` }, h('span', { class: 'icon', svg: icons.bulletin || icons.plus }), t('case.bulletin.new'))) : null),
      h('div', { class: 'detail-grid' },
        h('div', null,
          card(t('case.facts'), dl([
            [t('case.f.kind'), kindLabel(c.kind)],
            [t('case.col.village'), c.village_name || ''],
            [t('case.col.occurred'), shortTime(c.occurred_at)],
            [t('case.created'), shortTime(c.created_at)],
            c.closed_at ? [t('case.closed_at'), shortTime(c.closed_at)] : null,
          ]), c.description ? h('div', { class: 'notes-box' }, h('p', { class: 'notes-label' }, t('case.desc')), h('p', { class: 'notes-text' }, c.description)) : null),
          card(t('case.bulletins'), bulletins.length
            ? h('ul', { class: 'plain-list' }, bulletins.map((b) => h('li', null,
              h('a', { href: `#/bulletins/${encodeURIComponent(b.id)}`, class: 'row-link' }, b.title), h('span', { class: 'muted small' }, shortTime(b.created_at)))))
            : h('p', { class: 'empty' }, t('case.bulletins.none')))),
        h('div', { class: 'detail-side' },
          (c.credited || []).length ? card(t('case.credited'), h('ul', { class: 'plain-list' }, c.credited.map((x) => h('li', null, h('strong', null, x.name || nameOf(x.user_id)))))) : null,
          (c.allowed || []).includes('close') ? closeCard() : null)));
  };

  function closeCard() {
    const err = errorBox();
    const name = `solved-${c.id}`;
    const solvedYes = h('input', { type: 'radio', name, value: 'yes', id: `${name}-y`, checked: true });
    const solvedNo = h('input', { type: 'radio', name, value: 'no', id: `${name}-n` });
    const authors = c.useful_lead_authors || [];
    const boxes = authors.map((uid) => h('input', { type: 'checkbox', value: uid, id: `cr-${uid}`, checked: true }));
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.check }), t('case.close.submit'));
    const form = h('form', { class: 'close-form', novalidate: true }, err,
      h('fieldset', { class: 'fieldset' }, h('legend', { class: 'field-label' }, t('case.close.solved')),
        h('div', { class: 'radio-row' },
          h('label', { class: 'radio', for: solvedYes.id }, solvedYes, t('case.solved')),
          h('label', { class: 'radio', for: solvedNo.id }, solvedNo, t('case.unsolved')))),
      h('fieldset', { class: 'fieldset' }, h('legend', { class: 'field-label' }, t('case.close.credit')),
        h('p', { class: 'hint' }, authors.length ? t('case.close.hint') : t('case.close.credit.none')),
        boxes.map((b) => h('label', { class: 'check-row', for: b.id }, b, nameOf(b.value)))),
      submit);
    const sync = () => { for (const b of boxes) b.disabled = solvedNo.checked; };
    solvedYes.addEventListener('change', sync); solvedNo.addEventListener('change', sync);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      showError(err, null);
      try {
        const solved = solvedYes.checked;
        const res = await post(`/cases/${encodeURIComponent(c.id)}/close`, { solved, credited: solved ? boxes.filter((b) => b.checked).map((b) => b.value) : [] });
        c = res && res.id ? { ...c, ...res } : await get(`/cases/${encodeURIComponent(c.id)}`);
        if (!Array.isArray(c.allowed)) c.allowed = [];
        draw();
        showStatus(ok, t('case.closed.ok'));
      } catch (e) { showError(err, e); submit.disabled = false; }
    });
    return card(t('case.close'), form);
  }
  draw();
}
