// 走访宣传 / 帮扶帮教: activities (visits, publicity, help-and-education) with photos, and the people the assistant
// helps (帮扶对象 / 关爱对象) with their contact history and the next contact due. Routes:
// #/visits (activities), #/visits/new[?kind=&kp=], #/visits/people, #/visits/people/new, #/visits/people/<id>.
import { h, field } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, listAll } from '../api.js';
import { icons } from '../icons.js';
import { pageHead, card, errorBox, statusBox, showError, showStatus, loading, dataTable, dl } from '../ui.js';
import { idNumberProblem, normaliseId } from '../household-lib.js';
import { put, backLink, chip, shortTime, isoLocal, clientRef, photoPicker } from './leads-lib.js';
import { hashSegs, categories, catName, label, dateInput, checkWhen, need, fieldError, fillVillages, radios } from './disputes.js';
import { sendThroughOutbox } from '../offline/ui.js';

const KINDS = ['visit', 'publicity', 'help_education'];
const CREATE_KP = new Set(['assistant', 'officer', 'station_chief']);

export async function render(main, ctx) {
  const { segs, params } = hashSegs();
  const role = ctx.user.role;
  if (segs[1] === 'people') {
    if (segs[2] === 'new') return CREATE_KP.has(role) ? renderKpNew(main, role) : location.replace('#/visits/people');
    if (segs[2]) return renderKp(main, ctx, segs[2]);
    return renderKpList(main, ctx, params);
  }
  if (segs[1] === 'new') {
    if (role !== 'assistant') { location.replace('#/visits'); return undefined; }
    return renderNew(main, params);
  }
  return renderList(main, ctx, params);
}

function switcher(active) {
  return h('div', { class: 'seg-tabs', role: 'group', 'aria-label': t('gr.filter') },
    [['#/visits', 'activities', 'vs.tab.activities'], ['#/visits/people', 'people', 'vs.tab.people']].map(([href, k, key]) => h('a', {
      class: `seg-tab ${k === active ? 'active' : ''}`.trim(), href, 'aria-current': k === active ? 'page' : null,
    }, t(key))));
}

function kindTag(k) { return h('span', { class: `tag tag-act-${k}` }, label('vs.kind', k)); }

function head(main, ctx, active, title, actions) {
  if (ctx.phone) main.append(backLink('#/home', 'nav.home'));
  main.append(pageHead(title, ...actions), switcher(active));
}

async function renderList(main, ctx, params) {
  const want = KINDS.includes(params.get('kind')) ? params.get('kind') : '';
  const errors = errorBox();
  const actions = ctx.user.role === 'assistant' ? [h('a', { class: 'btn btn-primary', href: `#/visits/new${want ? `?kind=${want}` : ''}` }, h('span', { class: 'icon', svg: icons.plus }), t('vs.new'))] : [];
  head(main, ctx, 'activities', t(ctx.phone ? 'vs.title' : 'vs.title.desk'), actions);
  const chips = h('div', { class: 'filter-chips', role: 'group', 'aria-label': t('vs.f.kind') }, [['', 'gr.all'], ...KINDS.map((k) => [k, `vs.kind.${k}`])].map(([k, key]) => h('a', {
    class: `filter-chip ${k === want ? 'active' : ''}`.trim(), href: k ? `#/visits?kind=${k}` : '#/visits', 'aria-current': k === want ? 'true' : null,
  }, t(key))));
  const box = h('div', null, loading());
  main.append(h('p', { class: 'page-sub' }, t('vs.sub')), chips, errors, ctx.phone ? box : card(null, box));
  try {
    const items = await listAll('/activities', want ? { kind: want } : {}, 5);
    if (!items.length) { put(box, ctx.phone ? h('div', { class: 'card empty-card' }, h('p', { class: 'empty' }, t('vs.empty'))) : h('p', { class: 'empty' }, t('vs.empty'))); return; }
    if (ctx.phone) {
      put(box, h('ul', { class: 'app-cards' }, items.map((a) => h('li', null, h('div', { class: `app-card act-card act-${a.kind}` },
        h('div', { class: 'app-card-top' }, h('span', { class: 'app-card-type' }, a.topic), kindTag(a.kind)),
        h('p', { class: 'app-card-meta' }, h('span', null, shortTime(a.held_at)), h('span', null, t('vs.people_n', { n: a.people_count || 0 }))),
        a.notes ? h('p', { class: 'act-notes' }, a.notes) : null)))));
      return;
    }
    put(box, dataTable([
      { label: t('vs.f.topic'), render: (a) => h('strong', null, a.topic), cls: 'col-object' },
      { label: t('vs.f.kind'), render: (a) => kindTag(a.kind) },
      { label: t('dp.col.village'), render: (a) => a.village_name || '' },
      { label: t('vs.f.held'), render: (a) => shortTime(a.held_at), cls: 'nowrap' },
      { label: t('vs.f.people'), render: (a) => String(a.people_count || 0), cls: 'num' },
      { label: t('vs.by'), render: (a) => a.created_by_name || '' },
      { label: t('vs.f.notes'), render: (a) => a.notes || '' },
    ], items, t('vs.title')), h('p', { class: 'muted list-foot' }, t('gr.total', { n: items.length })));
  } catch (err) { put(box); showError(errors, err); }
}

async function renderNew(main, params) {
  const errors = errorBox();
  const ok = statusBox();
  const kpWant = params.get('kp') || '';
  const kind = radios('vs-kind', KINDS.map((k) => ({ value: k, label: t(`vs.kind.${k}`) })), KINDS.includes(params.get('kind')) ? params.get('kind') : (kpWant ? 'help_education' : 'visit'), t('vs.f.kind'));
  const topic = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
  const held = dateInput();
  const people = h('input', { type: 'number', min: '0', max: '100000', step: '1', value: '1', inputmode: 'numeric' });
  const kp = h('select', null, h('option', { value: '' }, t('vs.f.kp.none')));
  const village = h('select', null);
  const notes = h('textarea', { class: 'textarea', rows: '4', maxlength: '5000' });
  const fTopic = field({ label: t('vs.f.topic'), input: topic, hint: t('vs.f.topic.hint') });
  const fHeld = field({ label: t('vs.f.held'), input: held });
  const fPeople = field({ label: t('vs.f.people'), input: people });
  const fKp = field({ label: t('vs.f.kp'), input: kp });
  const fVillage = field({ label: t('gr.village'), input: village });
  const fNotes = field({ label: t('vs.f.notes'), input: notes });
  for (const f of [fHeld, fPeople]) f.classList.add('field-half');
  const picker = photoPicker('gr.photo.take', 'vs-new');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.check }), t('vs.f.submit'));
  const form = h('form', { class: 'form-grid', novalidate: true }, kind.el, fTopic, fHeld, fPeople, fKp, fVillage, fNotes,
    h('div', { class: 'field' }, h('p', { class: 'field-label' }, t('vs.f.photo')), picker.el), h('div', { class: 'form-actions' }, submit));
  main.append(backLink(kpWant ? `#/visits/people/${encodeURIComponent(kpWant)}` : '#/visits', kpWant ? 'kp.back' : 'vs.back'), pageHead(t('vs.new')), errors, ok, card(null, form));
  try {
    const [persons] = await Promise.all([listAll('/key-persons', {}, 5), fillVillages(village)]);
    kp.append(...persons.map((p) => h('option', { value: p.id }, `${p.name}（${p.category_name || p.category}）`)));
    if (kpWant) {
      kp.value = kpWant;
      const p = persons.find((x) => x.id === kpWant);
      if (p) { village.value = p.village_id; if (!topic.value) topic.value = t('kp.contact'); }
    }
  } catch (err) { showError(errors, err); }
  const ref = clientRef();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError(errors, null);
    let good = need(fTopic, topic);
    good = need(fVillage, village) && good;
    const n = Number(people.value);
    const nOk = people.value !== '' && Number.isInteger(n) && n >= 0;
    fPeople.setFieldError(nOk ? '' : t('gr.need'));
    const when = checkWhen(fHeld, held);
    if (!good || !nOk || !when) return;
    submit.disabled = true;
    try {
      // Through the outbox (one path, online or not): the activity with its client_ref, then its photos.
      const body = { kind: kind.value(), village_id: village.value, held_at: isoLocal(when), topic: topic.value.trim(), people_count: n, notes: notes.value.trim() };
      if (kp.value) body.key_person_id = kp.value;
      const sent = await sendThroughOutbox({
        ref, coll: 'activities', label: `${t(`vs.kind.${body.kind}`)} · ${body.topic}`, body, files: picker.files, onPhotos: () => showStatus(ok, t('gr.photo.uploading')),
      });
      if (!sent.sent) { location.hash = '#/outbox?saved=1'; return; }
      location.hash = kp.value ? `#/visits/people/${encodeURIComponent(kp.value)}?created=1` : '#/visits?created=1';
    } catch (err) {
      fieldError({ topic: fTopic, held_at: fHeld, people_count: fPeople, key_person_id: fKp, village_id: fVillage, notes: fNotes }, err);
      showError(errors, err); submit.disabled = false;
    }
  });
}

function dueChip(p) {
  if (p.overdue) return chip(t('kp.overdue'), 'status-rejected');
  return chip(t('kp.ontime'), 'status-completed');
}

async function renderKpList(main, ctx, params) {
  const overdue = params.get('overdue') === 'true';
  const errors = errorBox();
  const actions = CREATE_KP.has(ctx.user.role) ? [h('a', { class: 'btn btn-primary', href: '#/visits/people/new' }, h('span', { class: 'icon', svg: icons.plus }), t('kp.new'))] : [];
  head(main, ctx, 'people', t(ctx.phone ? 'kp.title' : 'vs.title.desk'), actions);
  const chips = h('div', { class: 'filter-chips', role: 'group', 'aria-label': t('gr.filter') }, [['', 'gr.all'], ['true', 'kp.filter.overdue']].map(([v, key]) => h('a', {
    class: `filter-chip ${(v === 'true') === overdue ? 'active' : ''}`.trim(), href: v ? '#/visits/people?overdue=true' : '#/visits/people', 'aria-current': (v === 'true') === overdue ? 'true' : null,
  }, t(key))));
  const box = h('div', null, loading());
  main.append(h('p', { class: 'page-sub' }, t('kp.sub')), chips, errors, ctx.phone ? box : card(null, box));
  try {
    const items = await listAll('/key-persons', overdue ? { overdue: 'true' } : {}, 5);
    if (!items.length) { put(box, ctx.phone ? h('div', { class: 'card empty-card' }, h('p', { class: 'empty' }, t('kp.empty'))) : h('p', { class: 'empty' }, t('kp.empty'))); return; }
    if (ctx.phone) {
      put(box, h('ul', { class: 'app-cards' }, items.map((p) => h('li', null,
        h('a', { class: `app-card kp-card ${p.overdue ? 'is-overdue' : ''}`.trim(), href: `#/visits/people/${encodeURIComponent(p.id)}` },
          h('div', { class: 'app-card-top' }, h('span', { class: 'app-card-type' }, p.name), dueChip(p)),
          h('p', { class: 'app-card-meta' }, h('span', null, p.category_name || p.category)),
          h('p', { class: 'app-card-meta' },
            h('span', null, `${t('kp.last')}：${p.last_contact_at ? shortTime(p.last_contact_at).slice(0, 10) : t('kp.never')}`),
            h('span', null, `${t('kp.next')}：${shortTime(p.next_due_at).slice(0, 10)}`)))))));
      return;
    }
    put(box, dataTable([
      { label: t('kp.col.name'), render: (p) => h('a', { class: 'row-link', href: `#/visits/people/${encodeURIComponent(p.id)}` }, p.name), cls: 'col-object' },
      { label: t('kp.category'), render: (p) => p.category_name || p.category },
      { label: t('dp.col.village'), render: (p) => p.village_name || '' },
      { label: t('kp.id'), render: (p) => (p.id_number ? h('span', { class: 'mono' }, p.id_number) : '') },
      { label: t('kp.last'), render: (p) => (p.last_contact_at ? shortTime(p.last_contact_at).slice(0, 10) : t('kp.never')), cls: 'nowrap' },
      { label: t('kp.next'), render: (p) => shortTime(p.next_due_at).slice(0, 10), cls: 'nowrap' },
      { label: t('dp.col.status'), render: (p) => dueChip(p) },
    ], items, t('kp.title')), h('p', { class: 'muted list-foot' }, t('gr.total', { n: items.length })));
  } catch (err) { put(box); showError(errors, err); }
}

async function renderKp(main, ctx, id) {
  const errors = errorBox();
  const ok = statusBox();
  const box = h('div', null, loading());
  main.append(backLink('#/visits/people', 'kp.back'), errors, ok, box);
  if (hashSegs().params.get('created')) showStatus(ok, t('vs.created'));
  try {
    const [p, acts] = await Promise.all([get(`/key-persons/${encodeURIComponent(id)}`), listAll('/activities', { key_person_id: id }, 5)]);
    const contact = ctx.user.role === 'assistant'
      ? h('a', { class: 'btn btn-primary', href: `#/visits/new?kp=${encodeURIComponent(p.id)}` }, h('span', { class: 'icon', svg: icons.plus }), t('kp.contact')) : null;
    const history = card(t('kp.history'), acts.length
      ? h('ol', { class: 'timeline' }, acts.map((a) => h('li', { class: 'tl-item tl-complete' }, h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
        h('div', { class: 'tl-body' },
          h('div', { class: 'tl-head' }, h('strong', null, a.topic), kindTag(a.kind)),
          h('p', { class: 'tl-meta' }, [shortTime(a.held_at), a.created_by_name].filter(Boolean).join(' · ')),
          a.notes ? h('p', { class: 'tl-note' }, a.notes) : null))))
      : h('p', { class: 'empty' }, t('kp.history.empty')));
    const facts = card(null, dl([
      [t('kp.category'), p.category_name || p.category],
      [t('dp.col.village'), p.village_name || ''],
      p.id_number ? [t('kp.id'), h('span', { class: 'mono' }, p.id_number)] : null,
      [t('kp.last'), p.last_contact_at ? shortTime(p.last_contact_at) : t('kp.never')],
      [t('kp.next'), shortTime(p.next_due_at)],
    ]),
    p.notes ? h('div', { class: 'notes-box' }, h('p', { class: 'notes-label' }, t('kp.f.notes')), h('p', { class: 'notes-text' }, p.notes)) : null);
    put(box,
      h('div', { class: 'detail-head' },
        h('div', null, h('h1', { class: 'page-title', tabindex: '-1' }, p.name), h('div', { class: 'detail-sub' }, dueChip(p), h('span', { class: 'muted' }, p.followup_days ? t('kp.every', { n: p.followup_days }) : ''))),
        contact ? h('div', { class: 'detail-actions' }, contact) : null),
      ctx.phone ? h('div', null, facts, history) : h('div', { class: 'detail-grid' }, h('div', null, facts), h('div', { class: 'detail-side' }, history)));
  } catch (err) { put(box); showError(errors, err); }
}

async function renderKpNew(main, role) {
  const errors = errorBox();
  const cat = h('select', null, h('option', { value: '' }, t('kp.f.category.pick')));
  const name = h('input', { type: 'text', maxlength: '50', autocomplete: 'off' });
  const idn = h('input', { type: 'text', maxlength: '18', autocomplete: 'off', class: 'input-id' });
  const village = h('select', null);
  const notes = h('textarea', { class: 'textarea', rows: '4', maxlength: '5000' });
  const every = h('p', { class: 'hint', hidden: true });
  const fCat = field({ label: t('kp.f.category'), input: cat });
  const fName = field({ label: t('kp.f.name'), input: name });
  const fId = field({ label: t('kp.f.id'), input: idn });
  const fVillage = field({ label: t('gr.village'), input: village });
  const fNotes = field({ label: t('kp.f.notes'), input: notes });
  fCat.append(every);
  for (const f of [fName, fId]) f.classList.add('field-half');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.check }), t('kp.f.submit'));
  const form = h('form', { class: 'form-grid', novalidate: true }, fCat, fName, fId, fVillage, fNotes, h('div', { class: 'form-actions' }, submit));
  main.append(backLink('#/visits/people', 'kp.back'), pageHead(t('kp.new')), errors, card(null, form));
  let cats = [];
  try {
    const [c] = await Promise.all([categories('/key-person-categories'), fillVillages(village)]);
    cats = c;
    cat.append(...cats.map((x) => h('option', { value: x.code }, catName(x))));
  } catch (err) { showError(errors, err); }
  cat.addEventListener('change', () => {
    const c = cats.find((x) => x.code === cat.value);
    every.hidden = !c;
    every.textContent = c ? t('kp.every', { n: c.followup_days }) : '';
  });
  const ref = clientRef();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError(errors, null);
    let good = need(fCat, cat);
    good = need(fName, name) && good;
    good = need(fVillage, village) && good;
    const prob = idn.value.trim() ? idNumberProblem(idn.value) : null;
    fId.setFieldError(prob ? t(prob) : '');
    if (!good || prob) return;
    submit.disabled = true;
    try {
      // Through the outbox (one path, online or not), sent with its client_ref
      const body = { category: cat.value, name: name.value.trim(), village_id: village.value, notes: notes.value.trim() };
      if (idn.value.trim()) body.id_number = normaliseId(idn.value);
      // (the desk roles post at once: the outbox is the assistant's phone's)
      const sent = role === 'assistant' ? await sendThroughOutbox({ ref, coll: 'key-persons', label: body.name, body })
        : { result: await post('/key-persons', { ...body, client_ref: ref }) };
      if (!sent.result || !sent.result.id) { location.hash = '#/outbox?saved=1'; return; }
      location.hash = `#/visits/people/${encodeURIComponent(sent.result.id)}`;
    } catch (err) {
      fieldError({ category: fCat, name: fName, id_number: fId, village_id: fVillage, notes: fNotes }, err);
      showError(errors, err); submit.disabled = false;
    }
  });
}
