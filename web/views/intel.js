// 治安信息 (security information): the assistant reports what they notice from the phone and sees the verdict
// (live); officers and the station chief assess each report 有效/无效 with a note; the bureau reads. The
// reporter's name is shown only to police roles (the server sends it only to them).
import { h, field } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, listAll } from '../api.js';
import { icons } from '../icons.js';
import { pageHead, card, errorBox, statusBox, showError, showStatus, loading } from '../ui.js';
import { subscribeWhileHere } from '../live.js';
import { put, backLink, chip, shortTime, isoLocal, clientRef } from './leads-lib.js';
import { hashSegs, categories, catName, label, dateInput, checkWhen, need, fieldError, fillVillages } from './disputes.js';
import { sendThroughOutbox } from '../offline/ui.js';

const ASSESS = new Set(['officer', 'station_chief']);
const STATUSES = ['pending', 'valid', 'invalid'];

export function intelStatusChip(s) {
  const cls = { pending: 'status-submitted', valid: 'status-completed', invalid: 'status-draft' }[s] || 'status-draft';
  return chip(label('in.status', s), `${cls} in-status`);
}

export async function render(main, ctx) {
  const { segs, params } = hashSegs();
  const sub = segs[1] || '';
  if (sub === 'new') {
    if (ctx.user.role !== 'assistant') { location.replace('#/intel'); return undefined; }
    return renderNew(main);
  }
  return sub ? renderOne(main, ctx, sub) : renderList(main, ctx, params);
}

// One report as a card; with the assessment bar for officers and the chief while it is pending.
function reportCard(r, ctx, onAssessed) {
  const police = ctx.user.role !== 'assistant';
  const el = h('li', { class: `lead in-item in-${r.status}`, dataset: { id: r.id } });
  const draw = () => {
    put(el,
      h('div', { class: 'lead-top' },
        h('span', { class: 'lead-bulletin' }, r.category_name || r.category),
        police ? h('span', { class: 'muted small' }, r.village_name || '') : null,
        intelStatusChip(r.status)),
      h('p', { class: 'lead-content' }, r.content),
      h('p', { class: 'in-meta' }, [
        r.location ? `${t('in.location')}：${r.location}` : '',
        `${t('in.occurred')}：${shortTime(r.occurred_at)}`,
        police && r.reporter_name ? `${t('gr.reporter')}：${r.reporter_name}` : '',
      ].filter(Boolean).join(' · ')),
      r.status !== 'pending' && r.note ? h('p', { class: 'lead-note' }, h('span', { class: 'lead-note-label' }, `${t('in.note')}：`), r.note) : null,
      ASSESS.has(ctx.user.role) && r.status === 'pending' ? assessBar() : null);
  };
  function assessBar() {
    const err = h('p', { class: 'field-error', hidden: true });
    const note = h('input', { type: 'text', class: 'assess-note', maxlength: '500', placeholder: t('in.assess.note'), 'aria-label': t('in.assess.note') });
    const yes = h('button', { type: 'button', class: 'btn btn-small btn-useful' }, h('span', { class: 'icon', svg: icons.check }), t('in.assess.valid'));
    const no = h('button', { type: 'button', class: 'btn btn-small btn-notuseful' }, t('in.assess.invalid'));
    const go = async (valid) => {
      yes.disabled = true; no.disabled = true; err.hidden = true;
      try {
        const res = await post(`/intel-reports/${encodeURIComponent(r.id)}/assess`, { valid, note: note.value.trim() });
        Object.assign(r, res && res.id ? res : { status: valid ? 'valid' : 'invalid', note: note.value.trim() });
        draw();
        if (onAssessed) onAssessed(r);
      } catch (e) {
        err.textContent = e.message || String(e); err.hidden = false;
        yes.disabled = false; no.disabled = false;
      }
    };
    yes.addEventListener('click', () => go(true));
    no.addEventListener('click', () => go(false));
    return h('div', { class: 'assess' }, h('div', { class: 'assess-bar' }, note, yes, no), err);
  }
  draw();
  return el;
}

async function renderList(main, ctx, params) {
  const role = ctx.user.role;
  const want = STATUSES.includes(params.get('status')) ? params.get('status') : '';
  const errors = errorBox();
  const ok = statusBox();
  const actions = role === 'assistant' ? [h('a', { class: 'btn btn-primary', href: '#/intel/new' }, h('span', { class: 'icon', svg: icons.plus }), t('in.new'))] : [];
  const chips = h('div', { class: 'filter-chips', role: 'group', 'aria-label': t('gr.filter') }, [['', 'gr.all'], ...STATUSES.map((s) => [s, `in.status.${s}`])].map(([s, k]) => h('a', {
    class: `filter-chip ${s === want ? 'active' : ''}`.trim(), href: s ? `#/intel?status=${s}` : '#/intel', 'aria-current': s === want ? 'true' : null,
  }, t(k))));
  const box = h('div', null, loading());
  if (ctx.phone) main.append(backLink('#/home', 'nav.home'));
  main.append(pageHead(t('in.title'), ...actions), h('p', { class: 'page-sub' }, t(role === 'assistant' ? 'in.sub.assistant' : 'in.sub.desk')), chips, errors, ok, box);
  async function load() {
    const items = await listAll('/intel-reports', want ? { status: want } : {}, 5);
    if (!items.length) { put(box, h('div', { class: 'card empty-card' }, h('p', { class: 'empty' }, t('in.empty')))); return; }
    put(box, h('ul', { class: `leads in-list ${ctx.phone ? 'leads-mine' : 'leads-desk'}` }, items.map((r) => reportCard(r, ctx, () => showStatus(ok, t('in.assess.ok'))))),
      h('p', { class: 'muted list-foot' }, t('gr.total', { n: items.length })));
  }
  const reload = () => { load().catch((err) => showError(errors, err)); };
  subscribeWhileHere('intel_assessed', reload);
  subscribeWhileHere('inbox', (d) => { if (d && d.kind === 'intel_assessed') reload(); });
  try { await load(); } catch (err) { put(box); showError(errors, err); }
}

async function renderOne(main, ctx, id) {
  const errors = errorBox();
  const ok = statusBox();
  const box = h('div', null, loading());
  main.append(backLink('#/intel', 'in.back'), pageHead(t('in.title')), errors, ok, box);
  if (hashSegs().params.get('created')) showStatus(ok, t('in.created'));
  const load = async () => {
    const r = await get(`/intel-reports/${encodeURIComponent(id)}`);
    put(box, h('ul', { class: `leads in-list ${ctx.phone ? 'leads-mine' : 'leads-desk'}` }, reportCard(r, ctx, () => showStatus(ok, t('in.assess.ok')))),
      h('p', { class: 'muted small' }, [`${t('in.reported')}：${shortTime(r.reported_at)}`, r.assessed_at ? `${t('in.assessed_at')}：${shortTime(r.assessed_at)}` : ''].filter(Boolean).join(' · ')));
  };
  subscribeWhileHere('intel_assessed', (d) => { if (d && d.id === id) load().catch(() => {}); });
  subscribeWhileHere('inbox', (d) => { if (d && d.kind === 'intel_assessed') load().catch(() => {}); });
  try { await load(); } catch (err) { put(box); showError(errors, err); }
}

async function renderNew(main) {
  const errors = errorBox();
  const cat = h('select', null, h('option', { value: '' }, t('in.f.category.pick')));
  const urgency = h('p', { class: 'in-urgency', hidden: true });
  const content = h('textarea', { class: 'textarea', rows: '5', maxlength: '5000' });
  const location_ = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
  const village = h('select', null);
  const occurred = dateInput();
  const fCat = field({ label: t('in.f.category'), input: cat });
  const fContent = field({ label: t('in.f.content'), input: content, hint: t('in.f.content.hint') });
  const fLoc = field({ label: t('in.f.location'), input: location_ });
  const fVillage = field({ label: t('gr.village'), input: village });
  const fOcc = field({ label: t('in.f.occurred'), input: occurred });
  fCat.append(urgency);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.check }), t('in.f.submit'));
  const form = h('form', { class: 'form-grid', novalidate: true }, fCat, fContent, fLoc, fOcc, fVillage, h('div', { class: 'form-actions' }, submit));
  main.append(backLink('#/intel', 'in.back'), pageHead(t('in.new')), errors, card(null, form));
  let cats = [];
  try {
    const [c] = await Promise.all([categories('/intel-categories'), fillVillages(village)]);
    cats = c;
    cat.append(...cats.map((x) => h('option', { value: x.code }, catName(x))));
  } catch (err) { showError(errors, err); }
  cat.addEventListener('change', () => {
    const c = cats.find((x) => x.code === cat.value);
    const u = c && c.default_urgency;
    urgency.hidden = !u;
    urgency.className = `in-urgency in-urgency-${u || 'normal'}`;
    urgency.textContent = u ? label('in.urgency', u) : '';
  });
  const ref = clientRef();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError(errors, null);
    let good = need(fCat, cat);
    good = need(fContent, content) && good;
    good = need(fVillage, village) && good;
    const when = checkWhen(fOcc, occurred);
    if (!good || !when) return;
    submit.disabled = true;
    try {
      // Through the outbox (one path, online or not), sent with its client_ref.
      const body = { category: cat.value, content: content.value.trim(), village_id: village.value, occurred_at: isoLocal(when) };
      if (location_.value.trim()) body.location = location_.value.trim();
      const c = cats.find((x) => x.code === cat.value);
      const sent = await sendThroughOutbox({ ref, coll: 'intel-reports', label: `${catName(c) || body.category} · ${body.content.slice(0, 30)}`, body });
      if (!sent.result || !sent.result.id) { location.hash = '#/outbox?saved=1'; return; }
      location.hash = `#/intel/${encodeURIComponent(sent.result.id)}?created=1`;
    } catch (err) {
      fieldError({ category: fCat, content: fContent, location: fLoc, village_id: fVillage, occurred_at: fOcc }, err);
      showError(errors, err); submit.disabled = false;
    }
  });
}
