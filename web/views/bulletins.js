// 协查通报. Assistant (phone): the feed of bulletins aimed at their village - new ones arrive live at the top with a
// notice and an unread marker - and a bulletin with its photos, the lead form (text and camera photos) and their own
// leads with the officers' assessment. Officer, station chief, bureau (desktop): the list, the composer with an area
// picker on the tree, and a bulletin's leads with 有用/无用 buttons and a note.
import { h, field, todayISO } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, listAll } from '../api.js';
import { icons } from '../icons.js';
import { loadScope } from '../state.js';
import { pageHead, card, errorBox, statusBox, showError, showStatus, loading, dataTable, dl, tag } from '../ui.js';
import { areaTree } from '../tree.js';
import { subscribeWhileHere, seenBulletins, markSeen, initSeen } from '../live.js';
import {
  POLICE_ROLES, ASSESS_ROLES, hashParts, put, backLink, chip, leadStatusChip, shortTime, clientRef, uploadPhoto,
  releaseUrls, photoStrip, photoPicker,
} from './leads-lib.js';
import { sendThroughOutbox } from '../offline/ui.js';

export async function render(main, ctx) {
  releaseUrls();
  const { sub, params } = hashParts();
  if (ctx.user.role === 'assistant') return sub ? renderAssistantDetail(main, ctx, sub) : renderFeed(main, ctx);
  if (sub === 'new') {
    if (!POLICE_ROLES.has(ctx.user.role)) { location.replace('#/bulletins'); return undefined; }
    return renderCompose(main, ctx, params);
  }
  return sub ? renderDeskDetail(main, ctx, sub) : renderDeskList(main, ctx, params);
}

function activeChip(b) {
  return b.active ? chip(t('bl.active'), 'status-accepted status-small') : chip(t('bl.expired'), 'status-draft status-small');
}

// Chips shared by the assistant's two lists: bulletins | my leads.
export function assistantSwitch(current) {
  return h('nav', { class: 'filter-chips seg-chips', 'aria-label': t('bl.title') },
    h('a', { class: `filter-chip ${current === 'feed' ? 'active' : ''}`.trim(), href: '#/bulletins', 'aria-current': current === 'feed' ? 'page' : null }, t('bl.tab.feed')),
    h('a', { class: `filter-chip ${current === 'leads' ? 'active' : ''}`.trim(), href: '#/leads', 'aria-current': current === 'leads' ? 'page' : null }, t('bl.tab.leads')));
}

// ---------------------------------------------------------------- assistant: feed

async function renderFeed(main) {
  const errors = errorBox();
  const box = h('div', { class: 'bl-feed' }, loading());
  main.append(pageHead(t('bl.title')), h('p', { class: 'page-sub' }, t('bl.feed.sub')), assistantSwitch('feed'), errors, box);
  let list = null;
  const shown = new Set();

  function cardOf(b, fresh) {
    const unread = !seenBulletins().has(b.id);
    return h('li', { class: `bl-item ${fresh ? 'bl-fresh' : ''}`.trim(), dataset: { id: b.id } },
      h('a', { class: `bl-card ${unread ? 'bl-unread' : ''} ${b.active ? '' : 'bl-inactive'}`.replace(/\s+/g, ' ').trim(), href: `#/bulletins/${encodeURIComponent(b.id)}` },
        h('span', { class: 'bl-card-top' },
          unread ? h('span', { class: 'bl-new' }, t('bl.new'), h('span', { class: 'sr-only' }, ` ${t('bl.new.sr')}`)) : null,
          h('span', { class: 'bl-card-title' }, b.title),
          activeChip(b)),
        h('span', { class: 'bl-card-body' }, b.body),
        h('span', { class: 'bl-card-meta' },
          h('span', null, b.created_by_name ? t('bl.by', { name: b.created_by_name }) : ''),
          h('time', { datetime: b.created_at }, shortTime(b.created_at)))));
  }

  async function load(fresh) {
    const data = await get('/bulletins', { limit: 50 });
    const items = (data && data.items) || [];
    if (!fresh) initSeen(items.map((b) => b.id));
    if (!list) {
      list = h('ul', { class: 'bl-cards', 'aria-live': 'polite', 'aria-relevant': 'additions' });
      box.replaceChildren(list);
    }
    const added = items.filter((b) => !shown.has(b.id));
    // newest first: insert the new ones above what is shown, in their order
    const first = list.firstChild;
    for (const b of added) {
      shown.add(b.id);
      const el = cardOf(b, fresh);
      if (fresh) list.insertBefore(el, first); else list.append(el);
    }
    const empty = box.querySelector('.empty-card');
    if (shown.size && empty) empty.remove();
    if (!shown.size && !empty) box.append(h('div', { class: 'card empty-card' }, h('p', { class: 'empty' }, t('bl.feed.empty'))));
  }

  subscribeWhileHere('bulletin', () => { load(true).catch((err) => showError(errors, err)); });
  try { await load(false); } catch (err) { box.replaceChildren(); showError(errors, err); }
}

// ---------------------------------------------------------------- assistant: one bulletin, the lead form

function bulletinHead(b) {
  return h('div', { class: 'bl-head' },
    h('div', { class: 'bl-head-chips' }, activeChip(b), b.expires_at ? h('span', { class: 'bl-expires' }, t('bl.expires', { date: shortTime(b.expires_at) })) : null),
    h('h1', { class: 'page-title bl-title', tabindex: '-1' }, b.title),
    h('p', { class: 'bl-meta' }, [b.created_by_name ? t('bl.by', { name: b.created_by_name }) : null, shortTime(b.created_at)].filter(Boolean).join(' · ')));
}

function leadItem(l, { showAuthor, extra } = {}) {
  return h('li', { class: `lead lead-${l.status}`, dataset: { id: l.id } },
    h('div', { class: 'lead-top' },
      showAuthor ? h('span', { class: 'lead-author' }, t('lead.by', { name: l.author_name || '', village: l.village_name || '' })) : null,
      h('time', { class: 'lead-time', datetime: l.created_at }, shortTime(l.created_at)),
      leadStatusChip(l.status)),
    h('p', { class: 'lead-content' }, l.content),
    Array.isArray(l.attachments) ? photoStrip('leads', l.id, l.attachments, t('lead.f.photos')) : null,
    l.note ? h('p', { class: 'lead-note' }, h('span', { class: 'lead-note-label' }, `${t('lead.note')}：`), l.note) : null,
    extra || null);
}

async function renderAssistantDetail(main, ctx, id) {
  const errors = errorBox();
  main.append(backLink('#/bulletins', 'bl.back'), errors);
  const body = h('div', null, loading());
  main.append(body);
  let b;
  try { b = await get(`/bulletins/${encodeURIComponent(id)}`); } catch (err) { body.replaceChildren(); showError(errors, err); return; }
  markSeen(b.id);
  const mine = h('ul', { class: 'leads' });
  const drawMine = (leads) => {
    put(mine, leads.length ? leads.map((l) => leadItem(l)) : h('li', { class: 'empty lead-empty' }, t('lead.mine.none')));
  };
  drawMine(b.leads || []);

  const parts = [
    h('section', { class: 'card bl-card-detail' }, bulletinHead(b),
      h('p', { class: 'bl-body' }, b.body),
      photoStrip('bulletins', b.id, b.attachments, t('bl.photos'))),
  ];
  if ((b.allowed || []).includes('lead')) parts.push(leadForm(b, (lead) => { b.leads = [lead, ...(b.leads || []).filter((x) => x.id !== lead.id)]; drawMine(b.leads); }));
  parts.push(card(t('lead.mine'), mine));
  body.replaceChildren(...parts);

  subscribeWhileHere('lead_assessed', async (ev) => {
    if (ev.bulletin_id !== b.id) return;
    try {
      const fresh = await get(`/bulletins/${encodeURIComponent(b.id)}`);
      b.leads = fresh.leads || [];
      drawMine(b.leads);
    } catch (err) { showError(errors, err); }
  });
}

function leadForm(b, onSent) {
  const errors = errorBox();
  const ok = statusBox();
  const content = h('textarea', { class: 'textarea', rows: '4', maxlength: '2000', required: true });
  const contentField = field({ label: t('lead.f.content'), input: content, hint: t('lead.form.hint') });
  const picker = photoPicker('lead.f.photo.take', 'lead');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.check }), t('lead.f.submit'));
  const form = h('form', { class: 'lead-form', novalidate: true },
    errors, ok, contentField,
    h('div', { class: 'field' }, h('span', { class: 'field-label' }, t('lead.f.photos')), picker.el),
    submit);
  let ref = clientRef();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError(errors, null); showStatus(ok, '');
    const text = content.value.trim();
    contentField.setFieldError(text ? '' : t('lead.need.content'));
    if (!text) { content.focus(); return; }
    submit.disabled = true;
    const label = submit.lastChild.textContent;
    submit.lastChild.textContent = t('lead.f.busy');
    try {
      // Through the outbox (one path, online or not): the lead with its client_ref, then its photos
      // (to /leads/<id>/attachments once the lead exists).
      const sent = await sendThroughOutbox({
        ref, coll: 'leads', path: `/bulletins/${encodeURIComponent(b.id)}/leads`, label: `${b.title || ''} · ${text.slice(0, 30)}`,
        body: { content: text }, files: picker.files,
      });
      if (!sent.sent) { location.hash = '#/outbox?saved=1'; return; }
      onSent({ ...sent.result, attachments: undefined });
      content.value = '';
      picker.reset();
      ref = clientRef();
      showStatus(ok, t('lead.sent'));
    } catch (err) {
      showError(errors, err);
    } finally {
      submit.disabled = false;
      submit.lastChild.textContent = label;
    }
  });
  return card(t('lead.form.title'), form);
}

// ---------------------------------------------------------------- desk: list

async function renderDeskList(main, ctx, params) {
  const activeOnly = params.get('active') === 'true';
  const errors = errorBox();
  const actions = POLICE_ROLES.has(ctx.user.role)
    ? [h('a', { class: 'btn btn-primary', href: '#/bulletins/new' }, h('span', { class: 'icon', svg: icons.plus }), t('bl.compose'))] : [];
  const chips = h('div', { class: 'filter-chips', role: 'group', 'aria-label': t('bl.filter.label') },
    h('a', { class: `filter-chip ${activeOnly ? '' : 'active'}`.trim(), href: '#/bulletins', 'aria-current': activeOnly ? null : 'true' }, t('bl.filter.all')),
    h('a', { class: `filter-chip ${activeOnly ? 'active' : ''}`.trim(), href: '#/bulletins?active=true', 'aria-current': activeOnly ? 'true' : null }, t('bl.filter.active')));
  const box = h('div', null, loading());
  main.append(pageHead(t('bl.title'), ...actions), chips, errors, card(null, box));
  try {
    const items = await listAll('/bulletins', activeOnly ? { active: 'true' } : {}, 5);
    if (!items.length) { box.replaceChildren(h('p', { class: 'empty' }, t('bl.list.empty'))); return; }
    box.replaceChildren(dataTable([
      { label: t('bl.col.title'), render: (b) => h('a', { class: 'row-link', href: `#/bulletins/${encodeURIComponent(b.id)}` }, b.title), cls: 'col-object' },
      { label: t('bl.col.by'), render: (b) => b.created_by_name || '' },
      { label: t('bl.col.created'), render: (b) => shortTime(b.created_at), cls: 'nowrap' },
      { label: t('bl.col.expires'), render: (b) => shortTime(b.expires_at), cls: 'nowrap' },
      { label: t('bl.col.state'), render: (b) => activeChip(b) },
    ], items, t('bl.title')), h('p', { class: 'muted list-foot' }, t('common.total', { n: items.length })));
  } catch (err) { box.replaceChildren(); showError(errors, err); }
}

// ---------------------------------------------------------------- desk: composer

function dateInput(offsetDays) { return todayISO(offsetDays); }
function endOfDayISO(date) {
  const d = new Date(`${date}T23:59:59`);
  const off = -d.getTimezoneOffset();
  const a = Math.abs(off);
  const p = (n) => String(n).padStart(2, '0');
  return `${date}T23:59:59${off >= 0 ? '+' : '-'}${p(Math.floor(a / 60))}:${p(a % 60)}`;
}

async function renderCompose(main, ctx, params) {
  const errors = errorBox();
  const title = h('input', { type: 'text', maxlength: '200', required: true, autocomplete: 'off' });
  const bodyIn = h('textarea', { class: 'textarea textarea-tall', rows: '7', maxlength: '5000', required: true });
  const caseSel = h('select', null, h('option', { value: '' }, t('bl.f.case.none')));
  const expires = h('input', { type: 'date', value: dateInput(30), min: dateInput(0), required: true });
  const fTitle = field({ label: t('bl.f.title'), input: title });
  const fBody = field({ label: t('bl.f.body'), input: bodyIn, hint: t('bl.f.body.hint') });
  const fCase = field({ label: t('bl.f.case'), input: caseSel });
  const fExp = field({ label: t('bl.f.expires'), input: expires });
  fCase.classList.add('field-half'); fExp.classList.add('field-half');

  const selected = new Set();
  const names = new Map();
  const chosen = h('div', { class: 'chips area-chosen', 'aria-live': 'polite' });
  const areasErr = h('p', { class: 'field-error', hidden: true });
  const drawChosen = () => {
    put(chosen, selected.size ? [...selected].map((id) => h('span', { class: 'chip' }, names.get(id) || id)) : h('span', { class: 'muted small' }, t('bl.f.areas.none')));
  };
  const tree = areaTree({ selectable: true, selected, onChange: (a, on) => { if (on) names.set(a.id, a.name); drawChosen(); areasErr.hidden = true; }, maxDepthLevel: 'village' });
  drawChosen();

  const photos = photoPicker('bl.f.photos.add', 'bl', { camera: false });
  const fPhotos = h('div', { class: 'field' }, h('span', { class: 'field-label' }, t('bl.f.photos')), photos.el);
  const progress = h('p', { class: 'muted', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, h('span', { class: 'icon', svg: icons.check }), h('span', null, t('bl.f.submit')));

  const form = h('form', { class: 'compose', novalidate: true },
    h('div', { class: 'compose-grid' },
      card(null, h('div', { class: 'form-grid' }, fTitle, fBody, fCase, fExp, fPhotos)),
      h('section', { class: 'card compose-areas', 'aria-labelledby': 'areas-h' },
        h('h2', { class: 'card-title', id: 'areas-h' }, t('bl.f.areas')),
        h('p', { class: 'hint' }, t('bl.f.areas.hint')),
        chosen, areasErr,
        h('div', { class: 'tree-box tree-box-tall' }, tree))),
    h('div', { class: 'form-actions compose-actions' }, submit, h('a', { class: 'btn btn-secondary', href: '#/bulletins' }, t('pt.cancel')), progress));
  main.append(backLink('#/bulletins', 'bl.back'), pageHead(t('bl.compose')), h('p', { class: 'page-sub' }, t('bl.compose.sub')), errors, form);

  get('/cases', { limit: 100 }).then((d) => {
    const want = params.get('case') || '';
    for (const c of ((d && d.items) || []).filter((x) => x.status === 'open' || x.id === want)) {
      caseSel.append(h('option', { value: c.id, selected: c.id === want }, c.title));
    }
  }).catch(() => { fCase.hidden = true; });

  let ref = clientRef();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError(errors, null);
    const vTitle = title.value.trim();
    const vBody = bodyIn.value.trim();
    fTitle.setFieldError(vTitle ? '' : t('bl.need.title'));
    fBody.setFieldError(vBody ? '' : t('bl.need.body'));
    fExp.setFieldError(expires.value ? '' : t('bl.need.expires'));
    areasErr.textContent = t('bl.need.areas');
    areasErr.hidden = selected.size > 0;
    if (!vTitle) { title.focus(); return; }
    if (!vBody) { bodyIn.focus(); return; }
    if (!expires.value) { expires.focus(); return; }
    if (!selected.size) { areasErr.scrollIntoView({ block: 'center' }); return; }
    submit.disabled = true;
    try {
      const payload = { title: vTitle, body: vBody, area_ids: [...selected], expires_at: endOfDayISO(expires.value), client_ref: ref };
      if (caseSel.value) payload.case_id = caseSel.value;
      const b = await post('/bulletins', payload);
      const files = [...photos.files];
      for (let i = 0; i < files.length; i += 1) {
        progress.textContent = t('bl.photos.uploading', { i: i + 1, n: files.length });
        try { await uploadPhoto('bulletins', b.id, files[i]); } catch (err) { showError(errors, err); }
      }
      ref = clientRef();
      location.hash = `#/bulletins/${encodeURIComponent(b.id)}`;
    } catch (err) {
      showError(errors, err);
      if (err.field === 'title') fTitle.setFieldError(err.serverMessage);
      if (err.field === 'body') fBody.setFieldError(err.serverMessage);
      if (err.field === 'expires_at') fExp.setFieldError(err.serverMessage);
    } finally {
      submit.disabled = false;
      progress.textContent = '';
    }
  });
  await tree.ready;
}

// ---------------------------------------------------------------- desk: one bulletin and its leads

async function renderDeskDetail(main, ctx, id) {
  const errors = errorBox();
  main.append(backLink('#/bulletins', 'bl.back'), errors);
  const body = h('div', null, loading());
  main.append(body);
  let b;
  try { b = await get(`/bulletins/${encodeURIComponent(id)}`); } catch (err) { body.replaceChildren(); showError(errors, err); return; }
  const scope = await loadScope().catch(() => null);
  const areaNames = (b.area_ids || []).map((a) => (scope && scope.byId.get(a) ? scope.byId.get(a).name : null)).filter(Boolean);
  const canAssess = ASSESS_ROLES.has(ctx.user.role);

  const leadsBox = h('ul', { class: 'leads leads-desk' });
  const countEl = h('span', { class: 'card-count' });
  const drawLeads = () => {
    const leads = b.leads || [];
    countEl.textContent = leads.length ? t('bl.leads.count', { n: leads.length, m: leads.filter((l) => l.status === 'new').length }) : '';
    put(leadsBox, leads.length ? leads.map((l) => leadItem(l, { showAuthor: true, extra: canAssess ? assessBar(l) : null })) : h('li', { class: 'empty' }, t('bl.leads.none')));
  };
  function assessBar(l) {
    const note = h('input', { type: 'text', class: 'assess-note', maxlength: '500', value: l.note || '', placeholder: t('lead.assess.note'), 'aria-label': t('lead.assess.note.label', { name: l.author_name || '' }) });
    const msg = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const btn = (useful) => {
      const on = l.status === (useful ? 'useful' : 'not_useful');
      const el = h('button', {
        type: 'button', class: `btn btn-small ${useful ? 'btn-useful' : 'btn-notuseful'} ${on ? 'is-on' : ''}`.trim(), 'aria-pressed': String(on),
      }, h('span', { class: 'icon', svg: useful ? icons.check : icons.info }), t(useful ? 'lead.assess.useful' : 'lead.assess.not_useful'));
      el.addEventListener('click', async () => {
        for (const x of bar.querySelectorAll('button')) x.disabled = true;
        msg.hidden = true;
        try {
          const res = await post(`/leads/${encodeURIComponent(l.id)}/assess`, { useful, note: note.value.trim() || null });
          Object.assign(l, { status: res.status, note: res.note });
          drawLeads();
        } catch (err) {
          msg.textContent = err.message; msg.hidden = false;
          for (const x of bar.querySelectorAll('button')) x.disabled = false;
        }
      });
      return el;
    };
    const bar = h('div', { class: 'assess-bar' }, note, btn(true), btn(false));
    return h('div', { class: 'assess' }, bar, msg);
  }
  drawLeads();

  const side = card(null, dl([
    [t('bl.col.created'), shortTime(b.created_at)],
    [t('bl.col.expires'), shortTime(b.expires_at)],
    b.case_id ? [t('bl.case'), h('a', { href: `#/cases/${encodeURIComponent(b.case_id)}` }, t('case.title'))] : null,
    [t('bl.areas'), areaNames.length ? h('span', { class: 'chips chips-right' }, areaNames.map((n) => tag(n, 'tag-town'))) : ''],
  ]));
  body.replaceChildren(h('div', { class: 'detail-grid' },
    h('div', null,
      h('section', { class: 'card' }, bulletinHead(b), h('p', { class: 'bl-body' }, b.body), photoStrip('bulletins', b.id, b.attachments, t('bl.photos'))),
      h('section', { class: 'card', 'aria-labelledby': 'leads-h' },
        h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'leads-h' }, t('bl.leads')), countEl),
        leadsBox)),
    h('div', { class: 'detail-side' }, side)));

  subscribeWhileHere('lead', async (ev) => {
    if (ev.bulletin_id !== b.id) return;
    try { const fresh = await get(`/bulletins/${encodeURIComponent(b.id)}`); b.leads = fresh.leads || []; drawLeads(); } catch (err) { showError(errors, err); }
  });
}
