// 户籍业务预受理. Assistant (phone): my applications, the wizard (#/hb/new), an application to fix and resubmit.
// Clerk and reviewer (desktop): the queue sorted by time left and the detail page with the photo viewer and the
// actions the server allows; station chief, bureau and officer see the same pages read-only.
import { h, field, clear, formatDateTime } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, patch, ApiError } from '../api.js';
import { icons } from '../icons.js';
import { pageHead, card, errorBox, statusBox, showError, showStatus, loading, errorText, roleLabel, dataTable, tableRow, tag } from '../ui.js';
import {
  BASE, statusLabel, actionLabel, statusChip, promiseText, creatable, typeName, idNumberProblem, normaliseId, phoneOk,
  durationText, timeLeftChip, clientRef, preparePhoto, uploadAttachment, csrfToken, releaseBlobs, isImage,
  attachmentImg, pdfIcon, openPdf, openViewer, reasonDialog,
} from '../household-lib.js';
import { outbox } from '../offline/ui.js';

const API = '/household-applications';
let typesCache = null;

function loadTypes() {
  if (!typesCache) typesCache = get('/household-business-types').then((d) => (d && d.items) || []).catch((e) => { typesCache = null; throw e; });
  return typesCache;
}

// replaceChildren without the nulls (a missing optional part would otherwise show as the text "null").
function put(el, ...kids) { el.replaceChildren(...kids.flat().filter((x) => x !== null && x !== undefined && x !== false && x !== '')); }

function hashParts() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const segs = path.split('/').filter(Boolean);
  return { sub: segs[1] || '', params: new URLSearchParams(query || '') };
}

export async function render(main, ctx) {
  releaseBlobs();
  const { sub, params } = hashParts();
  const assistant = ctx.user.role === 'assistant';
  if (sub === 'new') {
    if (!assistant) { location.replace('#/hb'); return; }
    return renderWizard(main, ctx);
  }
  if (sub) return assistant ? renderMine(main, ctx, sub, params) : renderDeskDetail(main, ctx, sub);
  return assistant ? renderMyList(main, ctx, params) : renderQueue(main, ctx, params);
}

// ---------------------------------------------------------------- shared pieces

function backLink(href) {
  return h('a', { class: 'back-link', href }, h('span', { class: 'icon', svg: icons.back }), t('hb.detail.back'));
}

function materialHint(name) {
  if (/身份证/.test(name)) return t('hb.material.hint.id');
  if (/户口簿/.test(name)) return t('hb.material.hint.book');
  if (/证明|证|审批表/.test(name)) return t('hb.material.hint.doc');
  return t('hb.material.hint.generic');
}

// The materials checklist. editable: capture buttons with progress; otherwise thumbnails only.
// rec is shared and mutated (rec.attachments grows as uploads finish).
function materialsPanel(rec, { editable, big, capture }) {
  const list = h('ul', { class: `materials ${big ? 'materials-desk' : ''}`.trim() });
  const rows = new Map();
  const viewerItems = () => {
    const out = [];
    for (const m of rec.materials || []) {
      for (const a of (rec.attachments || []).filter((x) => x.kind === m.kind && isImage(x))) out.push({ att: a, label: m.name });
    }
    return out;
  };
  function thumbsOf(m, box) {
    const atts = (rec.attachments || []).filter((a) => a.kind === m.kind);
    clear(box);
    for (const a of atts) {
      if (a.localUrl) {
        box.append(h('span', { class: 'thumb thumb-local', title: t('off.saved.photo') }, h('img', { class: 'thumb-img', alt: `${m.name} (${t('off.saved.photo')})`, src: a.localUrl })));
      } else if (isImage(a)) {
        const b = h('button', { type: 'button', class: 'thumb', 'aria-label': t('viewer.open', { name: m.name }) },
          attachmentImg(rec.id, a, true, m.name, 'thumb-img'));
        b.addEventListener('click', () => {
          const items = viewerItems();
          openViewer(rec.id, items, Math.max(0, items.findIndex((x) => x.att.id === a.id)));
        });
        box.append(b);
      } else {
        box.append(h('button', { type: 'button', class: 'thumb thumb-pdf', 'aria-label': `${t('hb.material.pdf')} ${m.name}`, onclick: () => openPdf(rec.id, a) },
          h('span', { class: 'thumb-pdf-icon', svg: pdfIcon }), h('span', { class: 'thumb-pdf-text' }, 'PDF')));
      }
    }
    return atts.length;
  }
  for (const m of rec.materials || []) {
    const thumbs = h('div', { class: 'thumbs' });
    const count = h('span', { class: 'material-count' });
    const state = h('span', { class: 'material-state', 'aria-hidden': 'true' });
    const prog = h('progress', { class: 'upload-progress', max: '100', value: '0', hidden: true });
    const progText = h('p', { class: 'upload-text', 'aria-live': 'polite' });
    const err = h('p', { class: 'field-error', role: 'alert' });
    const li = h('li', { class: 'material', dataset: { kind: m.kind } },
      h('div', { class: 'material-head' },
        state,
        h('div', { class: 'material-title' },
          h('span', { class: 'material-name' }, m.name),
          h('span', { class: 'material-tags' },
            m.on_site ? tag(t('hb.material.onsite'), 'tag-onsite')
              : tag(m.required ? t('hb.material.required') : t('hb.material.optional'), m.required ? 'tag-required' : ''),
            count))),
      !m.on_site && editable ? h('p', { class: 'hint material-hint' }, materialHint(m.name)) : null,
      thumbs);
    const row = { li, thumbs, count, m, err };
    rows.set(m.kind, row);
    const refresh = () => {
      const n = thumbsOf(m, thumbs);
      count.textContent = n ? t('hb.material.done', { n }) : (m.on_site ? '' : (big ? t('hb.detail.noattach') : ''));
      li.classList.toggle('material-done', n > 0);
      li.classList.toggle('material-onsite', Boolean(m.on_site));
      state.replaceChildren();
      if (n > 0) state.innerHTML = icons.check;
    };
    row.refresh = refresh;
    if (editable && !m.on_site) {
      const input = h('input', { type: 'file', accept: 'image/*,application/pdf', capture: 'environment', class: 'capture-input', id: `cap-${m.kind}`, 'aria-describedby': `cap-${m.kind}-err` });
      err.id = `cap-${m.kind}-err`;
      const label = h('label', { for: input.id, class: 'btn btn-secondary btn-small capture-btn' },
        h('span', { class: 'icon', svg: icons.camera }), h('span', { class: 'capture-text' }, t('hb.material.capture')),
        h('span', { class: 'sr-only' }, ` ${m.name}`));
      input.addEventListener('change', async () => {
        const file = input.files && input.files[0];
        input.value = '';
        if (!file) return;
        err.textContent = '';
        li.classList.remove('material-missing');
        prog.hidden = false; prog.value = 0;
        progText.classList.remove('sr-only');
        progText.textContent = t('hb.material.uploading', { name: m.name });
        label.classList.add('is-busy');
        input.disabled = true;
        try {
          const ready = await preparePhoto(file);
          const onProg = (f) => { prog.value = Math.round(f * 100); };
          const att = capture ? await capture(m.kind, ready, onProg) : await uploadAttachment(rec.id, m.kind, ready, csrfToken(), onProg);
          rec.attachments = [...(rec.attachments || []), { thumb: isImage(att), ...att }];
          progText.textContent = `${m.name}：${att.local ? t('off.saved.photo') : t('hb.material.uploaded')}`;
          progText.classList.add('sr-only');
          refresh();
        } catch (e) {
          err.textContent = t('hb.upload.failed', { msg: e instanceof ApiError ? errorText(e) : e.message });
          progText.textContent = '';
        } finally {
          prog.hidden = true;
          label.classList.remove('is-busy');
          input.disabled = false;
          label.querySelector('.capture-text').textContent = (rec.attachments || []).some((a) => a.kind === m.kind) ? t('hb.material.more') : t('hb.material.capture');
        }
      });
      li.append(h('div', { class: 'material-actions' }, input, label, prog), progText, err);
    } else {
      li.append(err);
    }
    refresh();
    if (editable && !m.on_site && (rec.attachments || []).some((a) => a.kind === m.kind)) li.querySelector('.capture-text').textContent = t('hb.material.more');
    list.append(li);
  }
  list.markMissing = (kinds) => {
    for (const k of kinds || []) {
      const r = rows.get(k);
      if (r) { r.li.classList.add('material-missing'); r.err.textContent = t('hb.material.missing'); }
    }
  };
  return list;
}

function timeline(history) {
  const items = [...(history || [])];
  return h('ol', { class: 'timeline' }, items.map((e) => h('li', { class: `tl-item tl-${e.action}` },
    h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
    h('div', { class: 'tl-body' },
      h('p', { class: 'tl-head' },
        h('strong', null, actionLabel(e.action)),
        e.to ? statusChip(e.to, 'status-small') : null),
      h('p', { class: 'tl-meta' }, [e.actor, e.role ? roleLabel(e.role) : null].filter(Boolean).join(' · '), ' ', h('time', { datetime: e.at }, formatDateTime(e.at))),
      e.note ? h('p', { class: 'tl-note' }, e.note) : null))));
}

function stageTable(rec) {
  const s = rec.stage_seconds || {};
  const keys = Object.keys(s);
  if (!keys.length) return h('p', { class: 'muted' }, t('common.none'));
  return h('dl', { class: 'stage-list' }, keys.map((k) => h('div', { class: `stage ${rec.status === k ? 'stage-current' : ''}`.trim() },
    h('dt', null, t(`hb.stage.${k}`) === `hb.stage.${k}` ? statusLabel(k) : t(`hb.stage.${k}`)),
    h('dd', null, durationText(s[k])))));
}

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => h('div', { class: 'fact' },
    h('dt', null, k), h('dd', null, v === '' || v === null || v === undefined ? t('common.none') : v))));
}

function warningsBox(warnings) {
  if (!warnings || !warnings.length) return null;
  return h('div', { class: 'alert alert-warn', role: 'status' }, warnings.map((w) => h('div', null,
    h('p', null, w.code === 'open_application_exists' ? t('hb.warn.open') : (w.message || w.code)),
    w.applications && w.applications.length ? h('ul', { class: 'warn-list' }, w.applications.map((a) => h('li', null,
      h('a', { href: `#/hb/${encodeURIComponent(a.id)}` }, a.number), ' ', statusChip(a.status, 'status-small')))) : null)));
}

// Applicant + details form, used by the wizard (steps 2 and 3) and by the assistant's edit card.
function applicantFields(init) {
  const name = h('input', { type: 'text', autocomplete: 'off', maxlength: '40', value: (init && init.name) || '' });
  const idn = h('input', { type: 'text', autocomplete: 'off', maxlength: '18', inputmode: 'text', autocapitalize: 'characters', spellcheck: 'false', class: 'input-id', value: (init && init.id_number) || '' });
  const phone = h('input', { type: 'tel', autocomplete: 'off', maxlength: '13', inputmode: 'numeric', value: (init && init.phone) || '' });
  const fName = field({ label: t('hb.applicant.name'), input: name });
  const fId = field({ label: t('hb.applicant.id'), input: idn, hint: t('hb.applicant.id.hint') });
  const fPhone = field({ label: t('hb.applicant.phone'), input: phone, hint: t('hb.applicant.phone.hint') });
  idn.addEventListener('blur', () => { if (idn.value.trim()) { const p = idNumberProblem(idn.value); fId.setFieldError(p ? t(p) : ''); } });
  idn.addEventListener('input', () => { if (idn.getAttribute('aria-invalid') && !idNumberProblem(idn.value)) fId.setFieldError(''); });
  return {
    nodes: [fName, fId, fPhone],
    fields: { name: fName, id_number: fId, phone: fPhone },
    set(a) { name.value = a.name || ''; idn.value = a.id_number || ''; phone.value = a.phone || ''; },
    value() { return { name: name.value.trim(), id_number: normaliseId(idn.value), phone: phone.value.replace(/[\s-]/g, '') }; },
    validate() {
      let first = null;
      const mark = (f, input, msg) => { f.setFieldError(msg); if (msg && !first) first = input; };
      mark(fName, name, name.value.trim() ? '' : t('hb.err.name'));
      const p = idNumberProblem(idn.value);
      mark(fId, idn, p ? t(p) : '');
      mark(fPhone, phone, phoneOk(phone.value) ? '' : t('hb.err.phone'));
      if (first) first.focus();
      return !first;
    },
  };
}

function detailsFields(init) {
  const address = h('input', { type: 'text', autocomplete: 'off', maxlength: '120', value: (init && init.address) || '' });
  const notes = h('textarea', { rows: '5', maxlength: '1000', class: 'textarea' });
  notes.value = (init && init.notes) || '';
  return {
    nodes: [field({ label: t('hb.details.address'), input: address, hint: t('hb.details.address.hint') }),
      field({ label: t('hb.details.notes'), input: notes, hint: t('hb.details.notes.hint') })],
    set(d) { address.value = (d && d.address) || ''; notes.value = (d && d.notes) || ''; },
    value() {
      const out = {};
      if (address.value.trim()) out.address = address.value.trim();
      if (notes.value.trim()) out.notes = notes.value.trim();
      return out;
    },
  };
}

// A server error on a field (422 with field "applicant.id_number" ...) shown next to that field.
function showFieldError(app, err) {
  const m = /^applicant\.(\w+)$/.exec((err && err.field) || '');
  if (m && app.fields[m[1]]) {
    const msg = err.code === 'invalid_id_number' ? (err.serverMessage || t('hb.err.id.check')) : errorText(err);
    app.fields[m[1]].setFieldError(msg);
    const input = app.fields[m[1]].querySelector('input');
    if (input) input.focus();
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- assistant: my applications

const MY_FILTERS = ['', 'draft', 'submitted', 'accepted', 'returned', 'completed'];

async function renderMyList(main, ctx, params) {
  const errors = errorBox();
  const status = MY_FILTERS.includes(params.get('status') || '') ? params.get('status') || '' : '';
  const listBox = h('div', { class: 'app-list' }, loading());
  const chips = h('div', { class: 'filter-chips', role: 'group', 'aria-label': t('hb.filter.label') }, MY_FILTERS.map((s) => h('a', {
    class: `filter-chip ${s === status ? 'active' : ''}`.trim(), href: s ? `#/hb?status=${s}` : '#/hb', 'aria-current': s === status ? 'true' : null,
  }, s ? statusLabel(s) : t('hb.filter.all'))));
  main.append(
    pageHead(t('hb.mine.title'), h('a', { class: 'btn btn-primary btn-small', href: '#/hb/new' }, h('span', { class: 'icon', svg: icons.plus }), t('hb.mine.new'))),
    chips, errors, listBox);
  let cursor = null;
  let ul = null;
  const more = h('button', { type: 'button', class: 'btn btn-secondary btn-block', hidden: true }, t('common.loadmore'));
  more.addEventListener('click', () => page());
  async function page() {
    more.disabled = true;
    try {
      const data = await get(API, { status, limit: 20, cursor });
      const items = (data && data.items) || [];
      if (!ul) {
        if (!items.length) { listBox.replaceChildren(h('div', { class: 'card empty-card' }, h('p', { class: 'empty' }, t('hb.mine.empty')))); return; }
        ul = h('ul', { class: 'app-cards' });
        listBox.replaceChildren(ul, more);
      }
      for (const r of items) ul.append(myCard(r));
      cursor = data.next_cursor || null;
      more.hidden = !cursor;
    } catch (err) {
      if (!ul) listBox.replaceChildren();
      showError(errors, err);
    } finally { more.disabled = false; }
  }
  await page();
}

function myCard(r) {
  return h('li', null, h('a', { class: `app-card ${r.overdue ? 'is-overdue' : ''} app-card-${r.status}`.trim(), href: `#/hb/${encodeURIComponent(r.id)}` },
    h('div', { class: 'app-card-top' },
      h('span', { class: 'app-card-type' }, r.business_type_name || r.business_type),
      statusChip(r.status)),
    h('p', { class: 'app-card-who' }, h('strong', null, r.applicant && r.applicant.name), ' ', h('span', { class: 'mono muted' }, r.applicant && r.applicant.id_number)),
    h('p', { class: 'app-card-meta' }, h('span', { class: 'mono' }, r.number), h('span', null, formatDateTime(r.updated_at).slice(0, 16))),
    r.status === 'returned' ? h('p', { class: 'app-card-note' }, t('hb.returned.hint')) : null,
    timeLeftChip(r) ? h('p', { class: 'app-card-deadline' }, timeLeftChip(r)) : null));
}

// ---------------------------------------------------------------- assistant: the wizard

const STEPS = ['type', 'applicant', 'details', 'materials'];

async function renderWizard(main, ctx) {
  const errors = errorBox();
  const status = statusBox();
  const stepper = h('ol', { class: 'stepper' });
  const heading = h('h1', { class: 'page-title', tabindex: '-1' }, t('hb.wizard.title'));
  const progressText = h('p', { class: 'sr-only', 'aria-live': 'polite' });
  const body = h('div', { class: 'wizard-body' }, loading());
  main.append(h('div', { class: 'page-head' }, heading), stepper, progressText, status, errors, body);

  let types;
  try { types = (await loadTypes()).filter(creatable); } catch (err) { put(body); showError(errors, err); return; }

  const state = { step: 0, type: null, rec: null, ref: clientRef(), warnings: null };
  const app = applicantFields(null);
  const det = detailsFields(null);
  const villageId = (ctx.user.area_ids || [])[0];

  function drawStepper() {
    stepper.replaceChildren(...STEPS.map((s, i) => h('li', {
      class: `step ${i < state.step ? 'step-done' : ''} ${i === state.step ? 'step-current' : ''}`.trim(),
      'aria-current': i === state.step ? 'step' : null,
    }, h('span', { class: 'step-no' }, String(i + 1)), h('span', { class: 'step-name' }, t(`hb.step.${s}`)))));
    progressText.textContent = t('hb.wizard.progress', { n: state.step + 1, total: STEPS.length, name: t(`hb.step.${STEPS[state.step]}`) });
  }

  function nav(prev, next) {
    return h('div', { class: 'wizard-nav' }, prev, next);
  }
  const prevBtn = () => h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => go(state.step - 1) }, t('hb.prev'));

  function go(n) {
    state.step = n;
    showError(errors, null);
    drawStepper();
    [stepType, stepApplicant, stepDetails, stepMaterials][n]();
    window.scrollTo(0, 0);
    const h2 = body.querySelector('h2');
    if (h2) { h2.setAttribute('tabindex', '-1'); h2.focus({ preventScroll: true }); }
  }

  function stepType() {
    const locked = Boolean(state.rec);
    const radios = types.map((ty) => {
      const input = h('input', { type: 'radio', name: 'hb-type', value: ty.code, checked: state.type && state.type.code === ty.code, disabled: locked && state.type.code !== ty.code });
      input.addEventListener('change', () => { state.type = ty; typeErr.hidden = true; });
      return h('label', { class: 'type-option' }, input,
        h('span', { class: 'type-body' },
          h('span', { class: 'type-name' }, typeName(ty)),
          h('span', { class: 'type-meta' },
            h('span', { class: `tag tag-lvl-${ty.level}` }, t(`hb.level.${ty.level}`)),
            h('span', { class: 'type-days' }, h('span', { class: 'icon', svg: icons.clock }), t('hb.type.promise', { days: promiseText(ty.promised_days, ty.days_unit) }))),
          ty.assistant_preaccept === 'partial' ? h('span', { class: 'type-partial' }, t('hb.partial')) : null,
          h('span', { class: 'type-mats' }, t('hb.type.mats', { n: ty.materials.filter((m) => m.required).length, list: ty.materials.filter((m) => m.required).map((m) => m.name.replace(/（.*?）/g, '')).join('、') }))));
    });
    const typeErr = h('p', { class: 'field-error', role: 'alert', hidden: true }, t('hb.err.type'));
    const next = h('button', { type: 'button', class: 'btn btn-primary' }, t('hb.next'));
    next.addEventListener('click', () => { if (!state.type) { typeErr.hidden = false; return; } go(1); });
    put(body,
      h('h2', { class: 'step-title' }, t('hb.step.type')),
      h('fieldset', { class: 'fieldset' }, h('legend', { class: 'sr-only' }, t('hb.type.pick')), h('div', { class: 'type-list' }, radios)),
      typeErr,
      nav(null, next));
  }

  function stepApplicant() {
    const next = h('button', { type: 'button', class: 'btn btn-primary' }, t('hb.next'));
    next.addEventListener('click', () => { if (app.validate()) go(2); });
    put(body,
      h('h2', { class: 'step-title' }, t('hb.step.applicant')),
      typeSummary(state.type),
      h('div', { class: 'card' }, app.nodes),
      nav(prevBtn(), next));
  }

  function stepDetails() {
    const next = h('button', { type: 'button', class: 'btn btn-primary' }, t('hb.next'));
    next.addEventListener('click', async () => {
      next.disabled = true;
      showStatus(status, t('hb.saving'));
      try {
        const createBody = { business_type: state.type.code, village_id: villageId, applicant: app.value(), details: det.value() };
        if (!state.rec) {
          // Through the outbox (one path, online or not): sent at once when the server answers.
          const it = await outbox.enqueue({ group: state.ref, client_ref: state.ref, kind: 'create', coll: 'household-applications', label: `${typeName(state.type)} · ${createBody.applicant.name}`, body: createBody });
          const done = await outbox.settle(it, 30000);
          if (done && done.state === 'failed') { await outbox.remove(done.seq); throw outbox.asError(done); }
          if (done && done.state === 'sent') {
            const rec = done.result;
            state.rec = rec;
            state.warnings = rec.warnings || null;
            showStatus(status, t('hb.created', { number: rec.number }));
          } else {
            state.rec = { id: null, local: true, seq: it.seq, number: t('off.pending.number'), status: 'draft', materials: state.type.materials || [], attachments: [], applicant: createBody.applicant };
            showStatus(status, t('off.saved.local'));
          }
        } else if (state.rec.local) {
          const c = outbox.group(state.ref).find((x) => x.kind === 'create');
          if (c && c.state === 'sent') state.rec = { ...c.result, attachments: state.rec.attachments };
          else if (c) await outbox.updateBody(c.seq, createBody);
          state.rec.applicant = createBody.applicant;
        } else {
          const rec = await patch(`${API}/${encodeURIComponent(state.rec.id)}`, { version: state.rec.version, applicant: app.value(), details: det.value() });
          state.rec = { ...rec, attachments: rec.attachments || state.rec.attachments };
          showStatus(status, t('hb.saved'));
        }
        go(3);
      } catch (err) {
        showStatus(status, '');
        if (err instanceof ApiError && err.code === 'version_conflict' && err.detail && err.detail.current) {
          state.rec = err.detail.current;
          app.set(state.rec.applicant || {}); det.set(state.rec.details || {});
          showError(errors, t('hb.conflict'));
        } else if (err instanceof ApiError && /^applicant\./.test(err.field || '')) {
          go(1);
          showFieldError(app, err);
          showError(errors, err);
        } else showError(errors, err);
      } finally { next.disabled = false; }
    });
    put(body,
      h('h2', { class: 'step-title' }, t('hb.step.details')),
      typeSummary(state.type),
      h('div', { class: 'card' }, det.nodes),
      nav(prevBtn(), next));
  }

  function stepMaterials() {
    const rec = state.rec;
    // Photos go into the outbox (after their record); online they are uploaded at once with progress.
    const capture = async (kind, file, onProgress) => {
      const created = outbox.group(state.ref).find((x) => x.kind === 'create');
      const recordId = rec.id || (created && created.state === 'sent' ? created.result.id : null);
      const it = await outbox.enqueue({ group: state.ref, kind: 'attach', coll: 'household-applications', attKind: kind, file, recordId, label: `${typeName(state.type)} · ${(rec.applicant && rec.applicant.name) || ''}` });
      const local = { id: `local-${it.seq}`, kind, content_type: file.type, localUrl: URL.createObjectURL(file), local: true };
      if (!recordId) return local;
      const off = outbox.subscribe((x) => { if (x && x.seq === it.seq && x.state === 'sending') onProgress(x.progress || 0); });
      const done = await outbox.settle(it, 180000);
      off();
      if (done && done.state === 'sent') return { ...done.result, localUrl: undefined };
      if (done && done.state === 'failed') { await outbox.remove(done.seq); throw outbox.asError(done); }
      return local;
    };
    const panel = materialsPanel(rec, { editable: true, capture });
    const submit = h('button', { type: 'button', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.check }), t('hb.submit'));
    submit.addEventListener('click', async () => {
      submit.disabled = true;
      showStatus(status, t('hb.submitting'));
      try {
        // Submitted by the outbox only after all this application's photos are stored on the server.
        const it = await outbox.enqueue({ group: state.ref, kind: 'submit', coll: 'household-applications', recordId: rec.id || null, label: `${typeName(state.type)} · ${(rec.applicant && rec.applicant.name) || ''}` });
        const done = rec.id ? await outbox.settle(it, 180000) : null;
        if (done && done.state === 'failed') { await outbox.remove(done.seq); throw outbox.asError(done); }
        if (done && done.state === 'sent') location.hash = `#/hb/${encodeURIComponent(rec.id)}?submitted=1`;
        else location.hash = '#/outbox?saved=1';
      } catch (err) {
        showStatus(status, '');
        if (err instanceof ApiError && err.code === 'missing_materials') {
          panel.markMissing(err.detail.missing);
          const names = (err.detail.missing || []).map((k) => ((rec.materials || []).find((m) => m.kind === k) || { name: k }).name);
          showError(errors, t('hb.missing', { list: names.join('、') }));
          errors.scrollIntoView({ block: 'center' });
        } else showError(errors, err);
        submit.disabled = false;
      }
    });
    put(body,
      h('h2', { class: 'step-title' }, t('hb.step.materials')),
      warningsBox(state.warnings),
      h('div', { class: 'record-strip' }, h('span', { class: 'mono' }, rec.number), statusChip(rec.status), h('span', null, rec.applicant && rec.applicant.name)),
      h('p', { class: 'note' }, t('hb.materials.hint')),
      panel,
      h('div', { class: 'wizard-nav wizard-submit' }, prevBtn(), submit));
  }

  drawStepper();
  go(0);
}

function typeSummary(ty) {
  if (!ty) return null;
  return h('p', { class: 'type-summary' }, h('strong', null, typeName(ty)), ' · ', promiseText(ty.promised_days, ty.days_unit));
}

// ---------------------------------------------------------------- assistant: one application

async function renderMine(main, ctx, id, params) {
  const errors = errorBox();
  const status = statusBox();
  const body = h('div', null, loading());
  main.append(backLink('#/hb'), status, errors, body);
  let rec;
  try { rec = await get(`${API}/${encodeURIComponent(id)}`); } catch (err) { put(body); showError(errors, err); return; }
  if (params.get('submitted')) showStatus(status, t('hb.submitted'));
  draw();

  function draw() {
    const allowed = rec.allowed || [];
    const canEdit = allowed.includes('edit');
    const parts = [];
    if (rec.last_reason && (rec.status === 'returned' || rec.status === 'rejected')) {
      parts.push(h('div', { class: `alert ${rec.status === 'returned' ? 'alert-warn' : 'alert-error'} reason-box`, role: 'note' },
        h('p', { class: 'reason-label' }, t(rec.status === 'returned' ? 'hb.detail.reason' : 'hb.detail.reason.rejected')),
        h('p', { class: 'reason-text' }, rec.last_reason)));
    }
    parts.push(h('section', { class: 'card summary-card' },
      h('div', { class: 'summary-top' },
        h('h1', { class: 'summary-title', tabindex: '-1' }, rec.business_type_name || rec.business_type),
        statusChip(rec.status, 'status-large')),
      facts([
        [t('hb.detail.number'), h('span', { class: 'mono' }, rec.number)],
        [t('hb.detail.applicant'), rec.applicant && rec.applicant.name],
        [t('hb.detail.village'), rec.village_name],
        [t('hb.detail.promise'), promiseText(rec.promised_days, rec.days_unit)],
        rec.due_at ? [t('hb.detail.due'), h('span', null, formatDateTime(rec.due_at).slice(0, 16), ' ', timeLeftChip(rec))] : null,
        [t('hb.detail.updated'), formatDateTime(rec.updated_at)],
      ]),
      rec.status !== 'draft' ? h('div', { class: 'summary-actions' },
        h('a', { class: 'btn btn-secondary btn-small', href: `${BASE}/${encodeURIComponent(rec.id)}/receipt`, target: '_blank', rel: 'noopener' },
          h('span', { class: 'icon', svg: icons.print }), t('hb.detail.receipt'))) : null));
    if (canEdit) parts.push(editCard());
    parts.push(card(t('hb.materials'), canEdit ? h('p', { class: 'note' }, t('hb.materials.hint')) : null, materialsPanel(rec, { editable: canEdit })));
    if (allowed.includes('submit')) {
      const submit = h('button', { type: 'button', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.check }), rec.status === 'returned' ? t('hb.resubmit') : t('hb.submit'));
      submit.addEventListener('click', async () => {
        submit.disabled = true;
        showError(errors, null);
        try {
          rec = await post(`${API}/${encodeURIComponent(rec.id)}/submit`);
          showStatus(status, t('hb.submitted'));
          draw();
          window.scrollTo(0, 0);
        } catch (err) {
          if (err instanceof ApiError && err.code === 'missing_materials') {
            const names = (err.detail.missing || []).map((k) => ((rec.materials || []).find((m) => m.kind === k) || { name: k }).name);
            showError(errors, t('hb.missing', { list: names.join('、') }));
            const panel = body.querySelector('.materials');
            if (panel && panel.markMissing) panel.markMissing(err.detail.missing);
          } else showError(errors, err);
          window.scrollTo(0, 0);
          submit.disabled = false;
        }
      });
      parts.push(h('div', { class: 'submit-bar' }, submit));
    }
    parts.push(card(t('hb.detail.history'), timeline(rec.history)));
    put(body, ...parts);
  }

  function editCard() {
    const app = applicantFields(rec.applicant || {});
    const det = detailsFields(rec.details || {});
    const save = h('button', { type: 'submit', class: 'btn btn-secondary' }, t('hb.detail.save'));
    const form = h('form', { class: 'edit-form', novalidate: true }, app.nodes, det.nodes, h('div', { class: 'form-actions' }, save));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!app.validate()) return;
      save.disabled = true;
      showError(errors, null);
      try {
        // Through the outbox: a change made meanwhile by someone else comes back as a conflict page.
        const it = await outbox.enqueue({ kind: 'patch', coll: 'household-applications', recordId: rec.id, label: rec.number, body: { version: rec.version, applicant: app.value(), details: det.value() } });
        const done = await outbox.settle(it, 30000);
        if (done && done.state === 'conflict') { location.hash = `#/outbox/${done.seq}`; return; }
        if (done && done.state === 'failed') { await outbox.remove(done.seq); throw outbox.asError(done); }
        if (done && done.state === 'sent') { rec = done.result; showStatus(status, t('hb.saved')); draw(); } else showStatus(status, t('off.saved.local'));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'version_conflict' && err.detail && err.detail.current) {
          rec = err.detail.current;
          draw();
          showError(errors, t('hb.conflict'));
        } else if (!showFieldError(app, err)) showError(errors, err);
        else showError(errors, err);
      } finally { save.disabled = false; }
      window.scrollTo(0, 0);
    });
    const d = h('details', { class: 'card edit-card', open: rec.status === 'returned' ? true : null },
      h('summary', { class: 'edit-summary' }, t('hb.detail.edit')), form);
    return d;
  }
}

// ---------------------------------------------------------------- desk: the queue

const DESK_ACTORS = new Set(['clerk', 'reviewer']);

function tabsFor(role) {
  if (role === 'clerk') return ['submitted', 'accepted', 'approved', 'overdue', 'returned', 'completed', 'all'];
  if (role === 'reviewer') return ['accepted', 'submitted', 'approved', 'overdue', 'returned', 'completed', 'all'];
  return ['all', 'overdue', 'submitted', 'accepted', 'approved', 'returned', 'completed', 'rejected'];
}

async function renderQueue(main, ctx, params) {
  const role = ctx.user.role;
  const tabs = tabsFor(role);
  let tab = tabs.includes(params.get('tab')) ? params.get('tab') : tabs[0];
  let q = params.get('q') || '';
  const errors = errorBox();
  const panel = h('div', { role: 'tabpanel', id: 'hb-panel', class: 'tab-panel' }, loading());
  const buttons = {};
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('hb.col.status') });
  for (const tb of tabs) {
    buttons[tb] = h('button', { type: 'button', role: 'tab', id: `hb-tab-${tb}`, 'aria-controls': 'hb-panel', class: `tab ${tb === 'overdue' ? 'tab-overdue' : ''}`.trim() },
      t(tb === 'completed' ? 'hb.queue.tab.closed' : `hb.queue.tab.${tb}`));
    buttons[tb].addEventListener('click', () => select(tb, true));
    buttons[tb].addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
      const i = tabs.indexOf(tb) + (ev.key === 'ArrowRight' ? 1 : -1);
      const nx = tabs[(i + tabs.length) % tabs.length];
      select(nx, true);
      buttons[nx].focus();
    });
    tablist.append(buttons[tb]);
  }
  const search = h('input', { type: 'search', id: 'hb-q', value: q, placeholder: t('hb.queue.search'), 'aria-label': t('hb.queue.search'), class: 'search-input' });
  const searchForm = h('form', { class: 'search-form', role: 'search' }, search,
    h('button', { type: 'submit', class: 'btn btn-secondary btn-small' }, h('span', { class: 'icon', svg: icons.search }), t('hb.queue.search.go')));
  searchForm.addEventListener('submit', (ev) => { ev.preventDefault(); q = search.value.trim(); select(tab, true); });
  const readOnly = !DESK_ACTORS.has(role);
  main.append(...[
    pageHead(readOnly ? t('hb.queue.title.read') : t('hb.queue.title')),
    readOnly ? h('p', { class: 'page-sub' }, t('hb.queue.readonly')) : null,
    errors,
    card(null, h('div', { class: 'queue-head' }, tablist, searchForm), panel)].filter(Boolean));

  const columns = [
    { label: t('hb.col.number'), render: (r) => h('a', { href: `#/hb/${encodeURIComponent(r.id)}`, class: 'mono row-link' }, r.number), cls: 'nowrap' },
    { label: t('hb.col.type'), render: (r) => r.business_type_name || r.business_type },
    { label: t('hb.col.applicant'), render: (r) => h('span', null, h('strong', null, r.applicant && r.applicant.name), h('br'), h('span', { class: 'mono muted small' }, r.applicant && r.applicant.id_number)) },
    { label: t('hb.col.village'), render: (r) => r.village_name || '' },
    { label: t('hb.col.status'), render: (r) => statusChip(r.status) },
    { label: t('hb.col.time'), render: (r) => timeLeftChip(r) || h('span', { class: 'muted' }, t('common.none')), cls: 'nowrap' },
    { label: t('hb.col.updated'), render: (r) => formatDateTime(r.updated_at).slice(0, 16), cls: 'nowrap muted' },
  ];

  let seq = 0;
  async function select(tb, push) {
    tab = tb;
    for (const k of tabs) {
      buttons[k].setAttribute('aria-selected', String(k === tb));
      buttons[k].tabIndex = k === tb ? 0 : -1;
    }
    panel.setAttribute('aria-labelledby', `hb-tab-${tb}`);
    if (push) {
      const sp = new URLSearchParams();
      sp.set('tab', tb);
      if (q) sp.set('q', q);
      history.replaceState(null, '', `#/hb?${sp}`);
    }
    const my = ++seq;
    panel.replaceChildren(loading());
    let cursor = null;
    let tbody = null;
    let shown = 0;
    const more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, t('common.loadmore'));
    const total = h('p', { class: 'muted list-foot', 'aria-live': 'polite' });
    more.addEventListener('click', () => page());
    async function page() {
      more.disabled = true;
      const p = { sort: 'due_at', limit: 50, cursor, q };
      if (tb === 'overdue') p.overdue = 'true';
      else if (tb !== 'all') p.status = tb;
      try {
        const data = await get(API, p);
        if (my !== seq) return;
        const items = (data && data.items) || [];
        if (!tbody) {
          if (!items.length) { panel.replaceChildren(h('p', { class: 'empty' }, t('hb.queue.empty'))); return; }
          const table = dataTable(columns, [], t('hb.queue.title'));
          table.classList.add('queue-table');
          tbody = table.querySelector('tbody');
          panel.replaceChildren(table, h('div', { class: 'list-actions' }, total, more));
        }
        for (const r of items) {
          const tr = tableRow(columns, r);
          if (r.overdue) tr.classList.add('row-overdue');
          tr.addEventListener('click', (ev) => { if (!(ev.target instanceof HTMLAnchorElement)) location.hash = `#/hb/${encodeURIComponent(r.id)}`; });
          tbody.append(tr);
        }
        shown += items.length;
        cursor = data.next_cursor || null;
        more.hidden = !cursor;
        total.textContent = t('common.total', { n: shown }) + (cursor ? ' +' : '');
      } catch (err) {
        if (my !== seq) return;
        if (!tbody) panel.replaceChildren();
        showError(errors, err);
      } finally { more.disabled = false; }
    }
    await page();
  }
  await select(tab, false);
}

// ---------------------------------------------------------------- desk: one application

const DESK_ACTIONS = ['accept', 'approve', 'complete', 'return', 'reject'];

async function renderDeskDetail(main, ctx, id) {
  const errors = errorBox();
  const status = statusBox();
  const body = h('div', null, loading());
  main.append(backLink('#/hb'), status, errors, body);
  let rec;
  try { rec = await get(`${API}/${encodeURIComponent(id)}`); } catch (err) { put(body); showError(errors, err); return; }
  draw();

  async function act(action, payload) {
    rec = await post(`${API}/${encodeURIComponent(rec.id)}/${action}`, payload);
    showStatus(status, t('hb.done', { action: actionLabel(action) }));
    draw();
  }

  function dialogError(err) {
    if (err instanceof ApiError && err.code === 'invalid_transition') return new Error(`${errorText(err)} (${(err.detail.allowed || []).map(actionLabel).join('、')})`);
    return new Error(errorText(err));
  }

  function actionButtons() {
    const allowed = (rec.allowed || []).filter((a) => DESK_ACTIONS.includes(a));
    return DESK_ACTIONS.filter((a) => allowed.includes(a)).map((a) => {
      const cls = a === 'reject' ? 'btn-danger-outline' : (a === 'return' ? 'btn-secondary' : 'btn-primary');
      const b = h('button', { type: 'button', class: `btn ${cls} action-${a}` }, actionLabel(a));
      b.addEventListener('click', async () => {
        showError(errors, null);
        if (a === 'return' || a === 'reject' || a === 'complete') {
          reasonDialog({
            title: t(`hb.dialog.${a}`),
            label: a === 'complete' ? t('hb.dialog.note') : t('hb.dialog.reason'),
            hint: a === 'complete' ? t('hb.dialog.note.hint') : t(`hb.dialog.reason.hint.${a}`),
            required: a !== 'complete',
            danger: a === 'reject',
            confirm: actionLabel(a),
            onConfirm: async (v) => {
              try { await act(a, a === 'complete' ? (v ? { note: v } : {}) : { reason: v }); } catch (err) { throw dialogError(err); }
            },
          });
          return;
        }
        b.disabled = true;
        try { await act(a); } catch (err) {
          showError(errors, err instanceof ApiError && err.code === 'invalid_transition' ? dialogError(err).message : err);
          if (err instanceof ApiError && (err.code === 'invalid_transition' || err.code === 'version_conflict')) {
            try { rec = await get(`${API}/${encodeURIComponent(rec.id)}`); draw(); } catch (_) { /* keep the old view */ }
          }
        } finally { b.disabled = false; }
      });
      return b;
    });
  }

  function draw() {
    releaseBlobs();
    const a = rec.applicant || {};
    const d = rec.details || {};
    const actions = actionButtons();
    const head = h('div', { class: 'detail-head' },
      h('div', { class: 'detail-title' },
        h('h1', { class: 'page-title', tabindex: '-1' }, rec.business_type_name || rec.business_type),
        h('p', { class: 'detail-sub' }, h('span', { class: 'mono' }, rec.number), statusChip(rec.status, 'status-large'), timeLeftChip(rec))),
      actions.length ? h('div', { class: 'detail-actions', role: 'group', 'aria-label': t('hb.detail.status') }, actions) : null);
    const reason = rec.last_reason && (rec.status === 'returned' || rec.status === 'rejected')
      ? h('div', { class: `alert ${rec.status === 'returned' ? 'alert-warn' : 'alert-error'} reason-box`, role: 'note' },
        h('p', { class: 'reason-label' }, t(rec.status === 'returned' ? 'hb.detail.reason' : 'hb.detail.reason.rejected')),
        h('p', { class: 'reason-text' }, rec.last_reason)) : null;
    const detailPairs = [
      [t('hb.detail.type'), `${rec.business_type} ${rec.business_type_name || ''}`],
      [t('hb.detail.promise'), promiseText(rec.promised_days, rec.days_unit)],
      [t('hb.detail.village'), rec.village_name],
      [t('hb.detail.created'), formatDateTime(rec.created_at)],
    ];
    if (d.address) detailPairs.push([t('hb.details.address'), d.address]);
    const other = Object.entries(d).filter(([k]) => k !== 'notes' && k !== 'address');
    for (const [k, v] of other) detailPairs.push([k, typeof v === 'string' ? v : JSON.stringify(v)]);
    put(body,
      head, reason,
      h('div', { class: 'detail-grid' },
        h('div', { class: 'detail-main' },
          card(t('hb.detail.applicant'), facts([
            [t('hb.applicant.name'), a.name],
            [t('hb.applicant.id'), h('span', { class: 'mono' }, a.id_number)],
            [t('hb.applicant.phone'), h('span', { class: 'mono' }, a.phone)],
          ])),
          card(t('hb.detail.details'), facts(detailPairs),
            h('div', { class: 'notes-box' }, h('p', { class: 'notes-label' }, t('hb.details.notes')),
              h('p', { class: d.notes ? 'notes-text' : 'notes-text muted' }, d.notes || t('hb.detail.nonotes')))),
          card(t('hb.materials'), materialsPanel(rec, { editable: false, big: true }))),
        h('div', { class: 'detail-side' },
          card(t('hb.detail.deadline'), facts([
            [t('hb.detail.due'), rec.due_at ? formatDateTime(rec.due_at).slice(0, 16) : ''],
            [t('hb.detail.status'), statusLabel(rec.status)],
          ]), h('h3', { class: 'side-sub' }, t('hb.detail.stages')), stageTable(rec)),
          card(t('hb.detail.history'), timeline(rec.history)),
          rec.status !== 'draft' ? h('a', { class: 'btn btn-secondary btn-block', href: `${BASE}/${encodeURIComponent(rec.id)}/receipt`, target: '_blank', rel: 'noopener' },
            h('span', { class: 'icon', svg: icons.print }), t('hb.detail.receipt')) : null)));
    const h1 = body.querySelector('h1');
    if (h1 && document.activeElement === document.body) h1.focus({ preventScroll: true });
  }
}
