// 矛盾纠纷 (disputes and mediation): the assistant records a dispute on the phone with its parties, risk level and
// photos, then mediation sessions, closing and the follow-up visit (回访); officers and the station chief filter the
// list, read the timeline and close disputes; bureau and township read (township: parties masked by the server).
// Also the pieces the other grassroots pages share: icons, categories, the village picker, names lists, the home
// "待办" section and the live notices of high-risk disputes and assessed information.
import { h, field } from '../dom.js';
import { t, has, getLang } from '../i18n.js';
import { get, post, listAll, ApiError } from '../api.js';
import { icons } from '../icons.js';
import { session, loadScope, ancestorAt } from '../state.js';
import { pageHead, card, errorBox, statusBox, showError, showStatus, loading, dataTable, dl, errorText } from '../ui.js';
import { subscribe, subscribeWhileHere, toast } from '../live.js';
import { preparePhoto, csrfToken, idNumberProblem, normaliseId, phoneOk } from '../household-lib.js';
import { put, backLink, chip, shortTime, isoLocal, toLocalInput, fromLocalInput, clientRef, photoStrip, photoPicker } from './leads-lib.js';
import { outbox, sendThroughOutbox } from '../offline/ui.js';

// ---- icons (same 24x24 stroke style as icons.js; merged into icons by app.js) ----
const wrap = (body) => `<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;
export const grassIcons = {
  dispute: wrap('<path d="M12 4v16M7 20h10"/><path d="M4 7h16"/><path d="M6.5 7 4 13a3 3 0 0 0 5 0zM17.5 7 15 13a3 3 0 0 0 5 0z"/>'),
  intel: wrap('<path d="M12 3.5 3 19.5h18z"/><path d="M12 10v4.5M12 17.2v.1"/>'),
  visit: wrap('<path d="M3.5 11 12 4l8.5 7"/><path d="M6 9.5v10h12v-10"/><circle cx="12" cy="13" r="2"/><path d="M9 19.5c.5-1.8 1.6-2.8 3-2.8s2.5 1 3 2.8"/>'),
  care: wrap('<path d="M12 20s-7.5-4.4-7.5-10A4.3 4.3 0 0 1 12 7.3 4.3 4.3 0 0 1 19.5 10c0 5.6-7.5 10-7.5 10z"/><path d="M9 11.5h6M12 8.5v6"/>'),
  due: wrap('<rect x="4" y="5" width="16" height="15.5" rx="2"/><path d="M8 3v4M16 3v4M4 10h16"/><path d="m9 15 2 2 4-4"/>'),
};

export const DISPUTE_DESK = new Set(['officer', 'station_chief', 'bureau', 'township']);
const STATUSES = ['open', 'mediating', 'resolved', 'unresolved', 'referred'];
const RISKS = ['low', 'medium', 'high'];
const ROLES = ['applicant', 'respondent', 'other'];

// ---- shared helpers ----
export function hashSegs() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  return { segs: path.split('/').filter(Boolean).map((s) => decodeURIComponent(s)), params: new URLSearchParams(query || '') };
}

const catCache = new Map();
export function categories(path) {
  if (!catCache.has(path)) catCache.set(path, listAll(path, {}, 3).catch((e) => { catCache.delete(path); throw e; }));
  return catCache.get(path);
}
export function catName(c) { return c ? (getLang() === 'en' && c.name_en ? c.name_en : c.name) : ''; }
export function label(prefix, v) { return has(`${prefix}.${v}`) ? t(`${prefix}.${v}`) : (v || ''); }

// "张三，李四 王五" -> ['张三', '李四', '王五']
export function splitNames(s) { return String(s || '').split(/[,，、;；\s]+/).map((x) => x.trim()).filter(Boolean); }

export function nowInput(input) { const n = new Date(); input.value = toLocalInput(n); input.max = toLocalInput(n); return input; }
export function dateInput() { return nowInput(h('input', { type: 'datetime-local' })); }
// Checks a datetime-local field: required, not in the future. Returns the Date or null.
export function checkWhen(f, input) {
  const d = fromLocalInput(input.value);
  const bad = !d ? t('gr.need') : (d.getTime() > Date.now() + 60000 ? t('gr.future') : '');
  f.setFieldError(bad);
  return bad ? null : d;
}
export function need(f, input) { const ok = Boolean(String(input.value || '').trim()); f.setFieldError(ok ? '' : t('gr.need')); return ok; }

// Shows the server's field error on the right field when it names one.
export function fieldError(fields, err) {
  if (!(err instanceof ApiError) || !err.field) return false;
  const f = fields[err.field] || fields[err.field.split('.')[0]];
  if (!f) return false;
  f.setFieldError(errorText(err));
  return true;
}

// The villages of the caller's scope as <option>s (grouped by town on the desk); the assistant's own is chosen.
export async function fillVillages(select) {
  const scope = await loadScope();
  const list = [...scope.byId.values()].filter((a) => a.level === 'village' || a.level === 'community');
  if (list.length === 1) {
    select.replaceChildren(h('option', { value: list[0].id }, list[0].name));
    return list;
  }
  const groups = new Map();
  for (const a of list) {
    const town = ancestorAt(scope, a, 'town');
    const key = town ? town.name : '';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(a);
  }
  for (const [town, items] of [...groups.entries()].sort((x, y) => x[0].localeCompare(y[0], 'zh'))) {
    items.sort((x, y) => String(x.code).localeCompare(String(y.code)));
    select.append(h('optgroup', { label: town || '-' }, items.map((a) => h('option', { value: a.id }, a.name))));
  }
  return list;
}

// multipart upload of one photo (downscaled like the household wizard) with an attachment kind.
export async function uploadKind(collection, id, file, kind = 'photo') {
  const ready = await preparePhoto(file);
  const fd = new FormData();
  fd.append('kind', kind);
  fd.append('client_ref', clientRef());
  fd.append('file', ready, ready.name || 'photo.jpg');
  const headers = { Accept: 'application/json' };
  const csrf = csrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(`/api/v1/${collection}/${encodeURIComponent(id)}/attachments`, { method: 'POST', body: fd, headers, credentials: 'same-origin', cache: 'no-store' });
  } catch (_) { throw new ApiError(0, null, null); }
  let body = null;
  try { body = await res.json(); } catch (_) { body = null; }
  if (!res.ok) throw new ApiError(res.status, body, null);
  return body;
}
// Uploads the picked files one by one; returns the first error (or null).
export async function uploadAll(collection, id, files, kind, statusEl) {
  if (!files.length) return null;
  if (statusEl) showStatus(statusEl, t('gr.photo.uploading'));
  for (const f of [...files]) {
    try { await uploadKind(collection, id, f, kind); } catch (e) { return e; }
  }
  return null;
}

// A segmented radio group: [{value, label}] -> { el, value() }
export function radios(name, options, checked, legend, cls = '') {
  const inputs = options.map((o) => h('input', { type: 'radio', name, value: o.value, id: `${name}-${o.value}`, checked: o.value === checked }));
  const el = h('fieldset', { class: `fieldset seg-field ${cls}`.trim() },
    h('legend', { class: 'field-label' }, legend),
    h('div', { class: 'seg' }, inputs.map((inp, i) => h('label', { class: `seg-opt seg-${options[i].value}`, for: inp.id }, inp, h('span', null, options[i].label)))));
  return { el, inputs, value: () => (inputs.find((i) => i.checked) || {}).value || '' };
}

export function riskChip(r) { return h('span', { class: `risk risk-${r}` }, label('dp.risk', r)); }
export function disputeStatusChip(s) {
  const cls = { open: 'status-submitted', mediating: 'status-accepted', resolved: 'status-completed', unresolved: 'status-rejected', referred: 'status-draft' }[s] || 'status-draft';
  return chip(label('dp.status', s), cls);
}

// ---- live notices: a high-risk dispute (officers, chief) and an assessed report (assistant) ----
function installLive() {
  subscribe('inbox', (data) => {
    const u = session.user;
    if (!u || !data) return;
    const o = data.object || {};
    if (data.kind === 'dispute_high_risk') toast(data.title || t('gr.live.dispute', { title: '' }), o.id ? `#/disputes/${encodeURIComponent(o.id)}` : '#/disputes', 'warn');
    else if (data.kind === 'intel_assessed' && u.role === 'assistant') toast(data.title || t('gr.live.intel.valid'), o.id ? `#/intel/${encodeURIComponent(o.id)}` : '#/intel', 'ok');
    else if ((data.kind === 'followup_due' || data.kind === 'key_person_due') && data.title) toast(data.title, dueHref(data), '');
  });
}
installLive();

// ---- the home "待办" section of the assistant: due follow-ups and contacts, high-risk and assessed notices ----
const DUE_KINDS = new Set(['followup_due', 'key_person_due', 'dispute_high_risk', 'intel_assessed', 'application_status']);
export function dueHref(item) {
  const o = item.object || {};
  const id = o.id ? encodeURIComponent(o.id) : '';
  switch (o.type) {
    case 'dispute': return id ? `#/disputes/${id}` : '#/disputes';
    case 'intel_report': return id ? `#/intel/${id}` : '#/intel';
    case 'key_person': return id ? `#/visits/people/${id}` : '#/visits/people';
    case 'household_application': return id ? `#/hb/${id}` : '#/hb';
    default: return '#/inbox';
  }
}
export function dueSection(ctx) {
  const list = h('div', { class: 'due-box', 'aria-live': 'polite' }, loading());
  const sec = h('section', { class: 'due', 'aria-labelledby': 'due-title' },
    h('h2', { class: 'section-title', id: 'due-title' }, t('gr.due.title')), list);
  async function load() {
    const data = await get('/inbox', { limit: 100 });
    const items = ((data && data.items) || []).filter((x) => DUE_KINDS.has(x.kind) && !x.read);
    if (!items.length) { put(list, h('p', { class: 'due-empty' }, h('span', { class: 'icon', svg: icons.check }), t('gr.due.empty'))); return; }
    put(list, h('ul', { class: 'due-list' }, items.slice(0, 6).map((x) => {
      const a = h('a', { class: `due-item due-${x.kind}`, href: dueHref(x) },
        h('span', { class: 'due-kind' }, label('gr.due.kind', x.kind)),
        h('span', { class: 'due-text' }, h('span', { class: 'due-title' }, x.title), h('time', { class: 'due-time', datetime: x.created_at }, shortTime(x.created_at))),
        h('span', { class: 'due-go icon', svg: icons.chevron }));
      a.addEventListener('click', () => { post(`/inbox/${encodeURIComponent(x.id)}/read`).then(() => ctx && ctx.refreshBadge && ctx.refreshBadge()).catch(() => {}); });
      return h('li', null, a);
    })), items.length > 6 ? h('a', { class: 'due-more', href: '#/inbox' }, t('gr.due.more', { n: items.length })) : null);
  }
  load().catch((err) => { put(list); const box = errorBox(); list.append(box); showError(box, err); });
  subscribeWhileHere('inbox', () => { load().catch(() => {}); });
  return sec;
}

// ---- the pages ----
export async function render(main, ctx) {
  const { segs, params } = hashSegs();
  const sub = segs[1] || '';
  const role = ctx.user.role;
  if (sub === 'new') {
    if (role !== 'assistant') { location.replace('#/disputes'); return undefined; }
    return renderNew(main, ctx);
  }
  return sub ? renderDetail(main, ctx, sub) : renderList(main, ctx, params);
}

function filterHref(params, key, value) {
  const p = new URLSearchParams(params);
  if (value) p.set(key, value); else p.delete(key);
  const s = p.toString();
  return s ? `#/disputes?${s}` : '#/disputes';
}

async function renderList(main, ctx, params) {
  const role = ctx.user.role;
  const phone = ctx.phone;
  const status = STATUSES.includes(params.get('status')) ? params.get('status') : '';
  const risk = RISKS.includes(params.get('risk_level')) ? params.get('risk_level') : '';
  const errors = errorBox();
  const actions = role === 'assistant' ? [h('a', { class: 'btn btn-primary', href: '#/disputes/new' }, h('span', { class: 'icon', svg: icons.plus }), t('dp.new'))] : [];
  const sub = role === 'assistant' ? 'dp.sub.assistant' : role === 'township' ? 'dp.sub.township' : 'dp.sub.desk';
  const statusChips = h('div', { class: 'filter-chips', role: 'group', 'aria-label': t('dp.col.status') },
    [['', 'dp.status.any'], ...STATUSES.map((s) => [s, `dp.status.${s}`])].map(([s, k]) => h('a', {
      class: `filter-chip ${s === status ? 'active' : ''}`.trim(), href: filterHref(params, 'status', s), 'aria-current': s === status ? 'true' : null,
    }, t(k))));
  const riskChips = h('div', { class: 'filter-chips filter-risk', role: 'group', 'aria-label': t('dp.col.risk') },
    [['', 'dp.risk.any'], ...RISKS.map((r) => [r, `dp.risk.${r}`])].map(([r, k]) => h('a', {
      class: `filter-chip ${r === risk ? 'active' : ''} ${r ? `chip-risk-${r}` : ''}`.trim(), href: filterHref(params, 'risk_level', r), 'aria-current': r === risk ? 'true' : null,
    }, t(k))));
  const box = h('div', { class: 'dp-list' }, loading());
  if (phone) main.append(backLink('#/home', 'nav.home'));
  main.append(pageHead(t('dp.title'), ...actions), h('p', { class: 'page-sub' }, t(sub)), statusChips, riskChips, errors, phone ? box : card(null, box));

  async function load() {
    const items = await listAll('/disputes', { status, risk_level: risk }, 5);
    if (!items.length) { put(box, phone ? h('div', { class: 'card empty-card' }, h('p', { class: 'empty' }, t('dp.empty'))) : h('p', { class: 'empty' }, t('dp.empty'))); return; }
    if (phone) {
      put(box, h('ul', { class: 'app-cards' }, items.map((d) => h('li', null,
        h('a', { class: `app-card dp-card dp-card-${d.status} ${d.risk_level === 'high' ? 'is-high' : ''}`.trim(), href: `#/disputes/${encodeURIComponent(d.id)}` },
          h('div', { class: 'app-card-top' }, h('span', { class: 'app-card-type' }, d.title), disputeStatusChip(d.status)),
          h('p', { class: 'app-card-meta' }, h('span', null, d.category_name || ''), riskChip(d.risk_level)),
          h('p', { class: 'app-card-meta' }, h('span', null, shortTime(d.reported_at)),
            d.followup_due_at ? h('span', { class: 'dp-due' }, t('dp.followup.due', { d: shortTime(d.followup_due_at).slice(0, 10) })) : null))))));
      return;
    }
    put(box, dataTable([
      { label: t('dp.col.title'), render: (d) => h('a', { class: 'row-link', href: `#/disputes/${encodeURIComponent(d.id)}` }, d.title), cls: 'col-object' },
      { label: t('dp.col.category'), render: (d) => d.category_name || d.category },
      { label: t('dp.col.village'), render: (d) => d.village_name || '' },
      { label: t('dp.col.risk'), render: (d) => riskChip(d.risk_level) },
      { label: t('dp.col.status'), render: (d) => disputeStatusChip(d.status) },
      { label: t('dp.col.reported'), render: (d) => shortTime(d.reported_at), cls: 'nowrap' },
      { label: t('dp.col.followup'), render: (d) => (d.followup_due_at ? shortTime(d.followup_due_at).slice(0, 10) : ''), cls: 'nowrap' },
    ], items, t('dp.title')), h('p', { class: 'muted list-foot' }, t('gr.total', { n: items.length })));
  }
  const reload = () => { load().catch((err) => showError(errors, err)); };
  subscribeWhileHere('inbox', (d) => { if (d && d.kind === 'dispute_high_risk') reload(); });
  subscribeWhileHere('dispute', reload);
  try { await load(); } catch (err) { put(box); showError(errors, err); }
}

// One party of the create form: name, role, phone, ID number.
function partyRow(n, onRemove) {
  const name = h('input', { type: 'text', maxlength: '50', autocomplete: 'off' });
  const role = h('select', null, ROLES.map((r) => h('option', { value: r }, t(`dp.role.${r}`))));
  if (n === 2) role.value = 'respondent';
  const phone = h('input', { type: 'tel', inputmode: 'tel', maxlength: '20', autocomplete: 'off' });
  const idn = h('input', { type: 'text', maxlength: '18', autocomplete: 'off', class: 'input-id', inputmode: 'text' });
  const fName = field({ label: t('dp.f.party.name'), input: name });
  const fRole = field({ label: t('dp.f.party.role'), input: role });
  const fPhone = field({ label: t('dp.f.party.phone'), input: phone });
  const fId = field({ label: t('dp.f.party.id'), input: idn });
  for (const f of [fName, fRole, fPhone, fId]) f.classList.add('field-half');
  const title = h('h3', { class: 'party-title' }, t('dp.f.party', { n }));
  const rm = h('button', { type: 'button', class: 'btn btn-plain btn-small party-remove', 'aria-label': t('dp.f.party.remove', { n }) }, '×');
  rm.addEventListener('click', onRemove);
  const el = h('li', { class: 'party-edit' }, h('div', { class: 'party-head' }, title, rm), h('div', { class: 'form-grid' }, fName, fRole, fPhone, fId));
  return {
    el, name, role, fields: { name: fName, phone: fPhone, id_number: fId },
    renumber(i) { title.textContent = t('dp.f.party', { n: i }); rm.setAttribute('aria-label', t('dp.f.party.remove', { n: i })); },
    setRemovable(on) { rm.hidden = !on; },
    check() {
      let ok = need(fName, name);
      const p = phone.value.trim();
      fPhone.setFieldError(p && !phoneOk(p) ? t('dp.f.phone.bad') : '');
      if (p && !phoneOk(p)) ok = false;
      const id = idn.value.trim();
      const prob = id ? idNumberProblem(id) : null;
      fId.setFieldError(prob ? t(prob) : '');
      if (prob) ok = false;
      return ok;
    },
    value() {
      const v = { name: name.value.trim(), role: role.value };
      if (phone.value.trim()) v.phone = phone.value.replace(/[\s-]/g, '');
      if (idn.value.trim()) v.id_number = normaliseId(idn.value);
      return v;
    },
  };
}

async function renderNew(main, ctx) {
  const errors = errorBox();
  const ok = statusBox();
  const cat = h('select', null, h('option', { value: '' }, t('dp.f.category.pick')));
  const subtype = h('select', null, h('option', { value: '' }, '-'));
  const title = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
  const desc = h('textarea', { class: 'textarea', rows: '4', maxlength: '5000' });
  const village = h('select', null);
  const hamlet = h('select', null, h('option', { value: '' }, t('gr.hamlet.none')));
  const occurred = dateInput();
  const fCat = field({ label: t('dp.f.category'), input: cat });
  const fSub = field({ label: t('dp.f.subtype'), input: subtype });
  const fTitle = field({ label: t('dp.f.title'), input: title, hint: t('dp.f.title.hint') });
  const fDesc = field({ label: t('dp.f.desc'), input: desc });
  const fVillage = field({ label: t('gr.village'), input: village });
  const fHamlet = field({ label: t('gr.hamlet'), input: hamlet });
  const fOcc = field({ label: t('dp.f.occurred'), input: occurred, hint: t('dp.f.occurred.hint') });
  fSub.hidden = true;
  for (const f of [fVillage, fHamlet]) f.classList.add('field-half');
  const risk = radios('dp-risk', RISKS.map((r) => ({ value: r, label: t(`dp.risk.${r}`) })), 'low', t('dp.f.risk'), 'risk-field');
  const riskHint = h('p', { class: 'hint' }, t('dp.f.risk.hint'));
  risk.el.append(riskHint);

  const parties = [];
  const partyList = h('ol', { class: 'parties-edit' });
  const addParty = () => {
    const row = partyRow(parties.length + 1, () => {
      const i = parties.indexOf(row);
      if (i >= 0 && parties.length > 1) { parties.splice(i, 1); row.el.remove(); sync(); }
    });
    parties.push(row);
    partyList.append(row.el);
    sync();
    return row;
  };
  function sync() { parties.forEach((p, i) => { p.renumber(i + 1); p.setRemovable(parties.length > 1); }); }
  addParty(); addParty();
  const addBtn = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, h('span', { class: 'icon', svg: icons.plus }), t('dp.f.party.add'));
  addBtn.addEventListener('click', () => { const r = addParty(); r.name.focus(); });
  const picker = photoPicker('gr.photo.take', 'dp-new');

  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.check }), t('dp.f.submit'));
  const form = h('form', { class: 'form-grid dp-form', novalidate: true },
    fCat, fSub, fTitle, risk.el, fOcc, fVillage, fHamlet, fDesc,
    h('fieldset', { class: 'fieldset' }, h('legend', { class: 'field-label' }, t('dp.f.parties')), partyList, addBtn),
    h('div', { class: 'field' }, h('p', { class: 'field-label' }, t('dp.f.photo')), picker.el),
    h('div', { class: 'form-actions' }, submit));
  main.append(backLink('#/disputes', 'dp.back'), pageHead(t('dp.new')), errors, ok, card(null, form));

  let cats = [];
  try {
    const [c] = await Promise.all([categories('/dispute-categories'), fillVillages(village)]);
    cats = c;
    cat.append(...cats.map((x) => h('option', { value: x.code }, catName(x))));
  } catch (err) { showError(errors, err); }
  const loadHamlets = async () => {
    hamlet.replaceChildren(h('option', { value: '' }, t('gr.hamlet.none')));
    if (!village.value) return;
    try {
      const items = await listAll('/areas', { parent_id: village.value }, 3);
      hamlet.append(...items.filter((a) => a.level === 'natural_village').map((a) => h('option', { value: a.id }, a.name)));
    } catch (_) { /* the hamlet is optional */ }
  };
  village.addEventListener('change', loadHamlets);
  loadHamlets();
  cat.addEventListener('change', () => {
    const c = cats.find((x) => x.code === cat.value);
    const subs = (c && c.subtypes) || [];
    subtype.replaceChildren(h('option', { value: '' }, '-'), ...subs.map((s) => h('option', { value: s }, s)));
    fSub.hidden = !subs.length;
  });
  subtype.addEventListener('change', () => { if (subtype.value && !title.value.trim()) title.value = subtype.value; });

  const ref = clientRef();
  let created = null;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError(errors, null);
    let good = need(fCat, cat);
    good = need(fTitle, title) && good;
    good = need(fVillage, village) && good;
    const when = checkWhen(fOcc, occurred);
    for (const p of parties) good = p.check() && good;
    if (!good || !when) { const bad = form.querySelector('[aria-invalid=true]'); if (bad) bad.focus(); return; }
    submit.disabled = true;
    try {
      // Through the outbox (one path, online or not): the record with its client_ref, then its photos
      // (downscaled before they are stored on the phone).
      const body = {
        category: cat.value, title: title.value.trim(), description: desc.value.trim(), village_id: village.value,
        parties: parties.map((p) => p.value()), risk_level: risk.value(), occurred_at: isoLocal(when),
      };
      if (hamlet.value) body.hamlet_id = hamlet.value;
      const label = body.title;
      const prepared = [];
      for (const f of [...picker.files]) prepared.push(await preparePhoto(f));
      const it = await outbox.enqueue({ group: ref, client_ref: ref, kind: 'create', coll: 'disputes', label, body });
      const photos = [];
      for (const f of prepared) photos.push(await outbox.enqueue({ group: ref, kind: 'attach', coll: 'disputes', attKind: 'photo', file: f, label }));
      if (photos.length) showStatus(ok, t('gr.photo.uploading'));
      const done = await outbox.settle(it, 30000);
      if (done && done.state === 'failed') {
        for (const x of outbox.group(ref)) await outbox.remove(x.seq);
        throw outbox.asError(done);
      }
      if (!done || done.state !== 'sent') { location.hash = '#/outbox?saved=1'; return; }
      created = done.result;
      const results = [];
      for (const p of photos) results.push(await outbox.settle(p, 180000));
      const bad = results.find((r) => !r || r.state !== 'sent');
      if (bad) { location.hash = '#/outbox?saved=1'; return; }
      location.hash = `#/disputes/${encodeURIComponent(created.id)}?created=1`;
    } catch (err) {
      const fields = { category: fCat, title: fTitle, village_id: fVillage, occurred_at: fOcc, hamlet_id: fHamlet, description: fDesc };
      const m = err instanceof ApiError && err.field && /^parties\.(\d+)\.(\w+)/.exec(err.field);
      if (m && parties[Number(m[1])] && parties[Number(m[1])].fields[m[2]]) parties[Number(m[1])].fields[m[2]].setFieldError(errorText(err));
      else fieldError(fields, err);
      showError(errors, err);
      submit.disabled = false;
    }
  });
}

function timelineItem(e) {
  const d = e.data || {};
  const cls = e.kind === 'close' ? (e.to === 'resolved' ? 'tl-complete' : 'tl-return') : e.kind === 'followup' ? 'tl-complete' : '';
  const lines = [];
  if (e.kind === 'session') {
    if (d.outcome) lines.push(h('span', { class: `tag tag-outcome-${d.outcome}` }, label('dp.outcome', d.outcome)));
  }
  if (e.kind === 'close' && e.to) lines.push(disputeStatusChip(e.to));
  const notes = [];
  if (e.kind === 'session') {
    if ((d.mediators || []).length) notes.push(h('p', { class: 'tl-meta' }, t('dp.tl.mediators', { v: d.mediators.join('、') })));
    if ((d.participants || []).length) notes.push(h('p', { class: 'tl-meta' }, t('dp.tl.participants', { v: d.participants.join('、') })));
    if (d.notes) notes.push(h('p', { class: 'tl-note' }, d.notes));
  } else if (e.kind === 'close') {
    if (d.agreement) notes.push(h('p', { class: 'tl-note' }, d.agreement));
    if ((d.witnesses || []).length) notes.push(h('p', { class: 'tl-meta' }, `${t('dp.witnesses')}：${d.witnesses.join('、')}`));
    if (d.referred_to) notes.push(h('p', { class: 'tl-meta' }, `${t('dp.referred_to')}：${d.referred_to}`));
  } else if (e.kind === 'followup' && d.notes) notes.push(h('p', { class: 'tl-note' }, d.notes));
  return h('li', { class: `tl-item tl-${e.kind} ${cls}`.trim() }, h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
    h('div', { class: 'tl-body' },
      h('div', { class: 'tl-head' }, h('strong', null, label('dp.tl', e.kind)), ...lines),
      h('p', { class: 'tl-meta' }, [shortTime(e.at), e.actor, e.role ? label('role', e.role) : ''].filter(Boolean).join(' · ')),
      notes));
}

async function renderDetail(main, ctx, id) {
  const { params } = hashSegs();
  const errors = errorBox();
  const ok = statusBox();
  const body = h('div', { class: 'dp-detail' }, loading());
  main.append(backLink('#/disputes', 'dp.back'), errors, ok, body);
  let d;
  const url = `/disputes/${encodeURIComponent(id)}`;
  try { d = await get(url); } catch (err) { put(body); showError(errors, err); return; }
  if (params.get('created')) showStatus(ok, t('dp.created'));
  let hamletName = '';
  if (d.hamlet_id) {
    try { const hs = await listAll('/areas', { parent_id: d.village_id }, 3); const x = hs.find((a) => a.id === d.hamlet_id); hamletName = x ? x.name : ''; } catch (_) { /* optional */ }
  }

  const refresh = async (msg) => {
    d = await get(url);
    draw();
    showStatus(ok, msg);
    ok.scrollIntoView({ block: 'nearest' });
  };

  // A session or follow-up (kind: sessions | followups) with its client_ref: the assistant's go through the outbox
  // (one path, online or not); false when it waits there. The desk posts at once.
  const addEntry = async (kind, entry, ref, what) => {
    if (ctx.user.role !== 'assistant') { await post(`${url}/${kind}`, { ...entry, client_ref: ref }); return true; }
    const sent = await sendThroughOutbox({ ref, coll: `dispute-${kind}`, path: `${url}/${kind}`, label: `${d.title} · ${what}`, body: entry });
    return sent.sent;
  };

  function draw() {
    const allowed = d.allowed || [];
    const place = [d.village_name, hamletName].filter(Boolean).join(' · ');
    const facts = card(t('dp.facts'), dl([
      [t('dp.col.category'), d.category_name || d.category],
      [t('dp.col.village'), place],
      [t('dp.f.occurred'), shortTime(d.occurred_at)],
      [t('dp.col.reported'), shortTime(d.reported_at)],
      d.closed_at ? [t('dp.closed_at'), shortTime(d.closed_at)] : null,
      d.followup_due_at ? [t('dp.followup_due'), shortTime(d.followup_due_at)] : null,
      d.agreement ? [t('dp.agreement'), d.agreement] : null,
      (d.witnesses || []).length ? [t('dp.witnesses'), d.witnesses.join('、')] : null,
      d.referred_to ? [t('dp.referred_to'), d.referred_to] : null,
    ]), d.description ? h('div', { class: 'notes-box' }, h('p', { class: 'notes-label' }, t('dp.desc')), h('p', { class: 'notes-text' }, d.description)) : null);
    const parties = card(t('dp.parties'), h('ul', { class: 'parties' }, (d.parties || []).map((p) => h('li', { class: 'party' },
      h('div', { class: 'party-line' }, h('strong', null, p.name), h('span', { class: `tag tag-party-${p.role}` }, label('dp.role', p.role))),
      p.phone || p.id_number ? h('div', { class: 'party-meta' },
        p.phone ? h('span', { class: 'mono' }, p.phone) : null,
        p.id_number ? h('span', { class: 'mono' }, p.id_number) : null) : null))));
    const strip = photoStrip('disputes', d.id, d.attachments, t('gr.photos'));
    const photos = strip || allowed.length ? card(t('dp.photos'), strip, allowed.length ? addPhoto() : null) : null;
    const timeline = card(t('dp.timeline'), h('ol', { class: 'timeline dp-timeline' }, (d.timeline || []).map(timelineItem)));
    const forms = [
      allowed.includes('session') ? sessionCard() : null,
      allowed.includes('close') ? closeCard() : null,
      allowed.includes('followup') ? followupCard() : null,
    ];
    put(body,
      h('div', { class: 'detail-head' },
        h('div', null,
          h('h1', { class: 'page-title', tabindex: '-1' }, d.title),
          h('div', { class: 'detail-sub' }, disputeStatusChip(d.status), riskChip(d.risk_level), h('span', { class: 'muted' }, d.category_name || '')))),
      d.risk_level === 'high' && (d.status === 'open' || d.status === 'mediating') ? h('p', { class: 'alert alert-warn dp-high' }, t('dp.high.alert')) : null,
      ctx.user.role === 'township' ? h('p', { class: 'note' }, t('dp.readonly')) : null,
      ctx.phone
        ? h('div', { class: 'dp-stack' }, forms, facts, parties, photos, timeline)
        : h('div', { class: 'detail-grid' }, h('div', null, facts, parties, timeline), h('div', { class: 'detail-side' }, forms, photos)));
  }

  function addPhoto() {
    const picker = photoPicker('gr.photo.add', `dp-att-${d.id}`);
    const err = errorBox();
    const send = h('button', { type: 'button', class: 'btn btn-primary btn-small', hidden: true }, t('vs.f.submit'));
    const mo = new MutationObserver(() => { send.hidden = picker.files.length === 0; });
    mo.observe(picker.el, { childList: true, subtree: true });
    send.addEventListener('click', async () => {
      send.disabled = true;
      const e = await uploadAll('disputes', d.id, picker.files, 'photo');
      send.disabled = false;
      if (e) { showError(err, e); return; }
      picker.reset();
      await refresh(t('gr.photo.done')).catch((x) => showError(errors, x));
    });
    picker.el.querySelector('.photo-picker-actions').append(send);
    return h('div', { class: 'dp-addphoto' }, err, picker.el);
  }

  function sessionCard() {
    const err = errorBox();
    const held = dateInput();
    const mediators = h('input', { type: 'text', maxlength: '300', autocomplete: 'off', value: ctx.user.name || '' });
    const participants = h('input', { type: 'text', maxlength: '300', autocomplete: 'off', value: (d.parties || []).map((p) => p.name).join('，') });
    const notes = h('textarea', { class: 'textarea', rows: '4', maxlength: '5000' });
    const fHeld = field({ label: t('dp.session.held'), input: held });
    const fMed = field({ label: t('dp.session.mediators'), input: mediators, hint: t('gr.names.hint') });
    const fPart = field({ label: t('dp.session.participants'), input: participants, hint: t('gr.names.hint') });
    const fNotes = field({ label: t('dp.session.notes'), input: notes, hint: t('dp.session.notes.hint') });
    const outcome = radios(`dp-out-${d.version}`, ['continuing', 'agreed', 'failed'].map((o) => ({ value: o, label: t(`dp.outcome.${o}`) })), 'continuing', t('dp.session.outcome'));
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.check }), t('dp.session.submit'));
    const form = h('form', { class: 'dp-session-form', novalidate: true }, err, fHeld, fMed, fPart, fNotes, outcome.el, submit);
    const ref = clientRef();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      showError(err, null);
      const when = checkWhen(fHeld, held);
      let good = need(fNotes, notes);
      fMed.setFieldError(splitNames(mediators.value).length ? '' : t('gr.need'));
      good = good && splitNames(mediators.value).length > 0;
      if (!when || !good) return;
      submit.disabled = true;
      try {
        const entry = { held_at: isoLocal(when), mediators: splitNames(mediators.value), participants: splitNames(participants.value), notes: notes.value.trim(), outcome: outcome.value() };
        if (!(await addEntry('sessions', entry, ref, t('dp.session')))) { location.hash = '#/outbox?saved=1'; return; }
        await refresh(t('dp.session.ok'));
      } catch (e) {
        fieldError({ held_at: fHeld, mediators: fMed, participants: fPart, notes: fNotes }, e);
        showError(err, e); submit.disabled = false;
      }
    });
    return card(t('dp.session'), form);
  }

  function closeCard() {
    const err = errorBox();
    const result = radios(`dp-res-${d.version}`, ['resolved', 'unresolved', 'referred'].map((o) => ({ value: o, label: t(`dp.status.${o}`) })), 'resolved', t('dp.close.result'));
    const agreement = h('textarea', { class: 'textarea', rows: '3', maxlength: '5000' });
    const witnesses = h('input', { type: 'text', maxlength: '300', autocomplete: 'off' });
    const referred = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
    const fAgr = field({ label: t('dp.close.agreement'), input: agreement });
    const fWit = field({ label: t('dp.close.witnesses'), input: witnesses, hint: t('gr.names.hint') });
    const fRef = field({ label: t('dp.close.referred'), input: referred });
    const picker = photoPicker('gr.photo.take', `dp-agr-${d.id}`);
    const photoField = h('div', { class: 'field' }, h('p', { class: 'field-label' }, t('dp.close.photo')), picker.el);
    const syncRes = () => {
      const v = result.value();
      fRef.hidden = v !== 'referred';
      fAgr.hidden = v === 'referred';
      photoField.hidden = v !== 'resolved';
    };
    for (const i of result.inputs) i.addEventListener('change', syncRes);
    syncRes();
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.check }), t('dp.close.submit'));
    const form = h('form', { class: 'close-form dp-close-form', novalidate: true }, err, result.el, fAgr, fWit, fRef, photoField, submit);
    const ref = clientRef(); // a retried close answers the closed dispute, not 409
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      showError(err, null);
      const v = result.value();
      if (v === 'referred' && !need(fRef, referred)) return;
      submit.disabled = true;
      try {
        const bodyJ = { result: v, witnesses: splitNames(witnesses.value) };
        if (v !== 'referred' && agreement.value.trim()) bodyJ.agreement = agreement.value.trim();
        if (v === 'referred') bodyJ.referred_to = referred.value.trim();
        if (ctx.user.role === 'assistant') {
          // Through the outbox, as the other assistant forms: the close, then the agreement's photos.
          const sent = await sendThroughOutbox({ ref, coll: 'dispute-close', path: `${url}/close`, label: `${d.title} · ${t('dp.close')}`, body: bodyJ, files: v === 'resolved' ? picker.files : [], attColl: 'disputes', attKind: 'agreement' });
          if (!sent.sent) { location.hash = '#/outbox?saved=1'; return; }
          await refresh(t('dp.close.ok'));
          return;
        }
        await post(`${url}/close`, { ...bodyJ, client_ref: ref });
        const e = v === 'resolved' ? await uploadAll('disputes', d.id, picker.files, 'agreement') : null;
        await refresh(t('dp.close.ok'));
        if (e) showError(errors, t('gr.photo.failed', { msg: e.message || errorText(e) }));
      } catch (e) {
        fieldError({ agreement: fAgr, witnesses: fWit, referred_to: fRef }, e);
        showError(err, e); submit.disabled = false;
      }
    });
    return card(t('dp.close'), form);
  }

  function followupCard() {
    const err = errorBox();
    const at = dateInput();
    const notes = h('textarea', { class: 'textarea', rows: '3', maxlength: '5000' });
    const fAt = field({ label: t('dp.followup.at'), input: at });
    const fNotes = field({ label: t('dp.followup.notes'), input: notes });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.check }), t('dp.followup.submit'));
    const form = h('form', { class: 'dp-followup-form', novalidate: true }, err,
      d.followup_due_at ? h('p', { class: 'hint' }, t('dp.followup.due', { d: shortTime(d.followup_due_at) })) : null, fAt, fNotes, submit);
    const ref = clientRef();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      showError(err, null);
      const when = checkWhen(fAt, at);
      if (!when || !need(fNotes, notes)) return;
      submit.disabled = true;
      try {
        if (!(await addEntry('followups', { at: isoLocal(when), notes: notes.value.trim() }, ref, t('dp.followup')))) { location.hash = '#/outbox?saved=1'; return; }
        await refresh(t('dp.followup.ok'));
      } catch (e) { fieldError({ at: fAt, notes: fNotes }, e); showError(err, e); submit.disabled = false; }
    });
    return card(t('dp.followup'), form);
  }
  draw();
}
