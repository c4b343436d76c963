// 巡逻 (四加巡逻). Assistant (phone): the patrol log - start/stop with the phone's location while the page is open
// (it works without location too), the team and the members present, findings, photos - and their team's patrols.
// Officer, station chief, bureau (desktop): patrols, teams (create), coverage; a patrol's route drawn on a plain
// <canvas> from its own coordinates (no map tiles). Township: patrols and coverage, read-only.
import { h, field, nextId, todayDate } from '../dom.js';
import { t, has } from '../i18n.js';
import { get, post, listAll } from '../api.js';
import { icons } from '../icons.js';
import { loadScope, ancestorAt, getUnits } from '../state.js';
import { pageHead, card, errorBox, statusBox, showError, showStatus, loading, dataTable, dl, tag, levelTag } from '../ui.js';
import {
  hashParts, put, backLink, shortTime, isoLocal, toLocalInput, fromLocalInput, minutesText, distanceText, haversine,
  trackLength, clientRef, releaseUrls, photoStrip, photoPicker,
} from './leads-lib.js';
import { sendThroughOutbox } from '../offline/ui.js';

const FINDING_KINDS = ['gambling', 'hazard', 'suspicious', 'dispute', 'publicity', 'other'];
const MEMBER_TYPES = ['police', 'assistant', 'village_staff', 'volunteer'];
const TEAM_CREATORS = new Set(['officer', 'station_chief']);
const fk = (k) => (has(`pt.fk.${k}`) ? t(`pt.fk.${k}`) : k);
const mt = (k) => (has(`pt.mt.${k}`) ? t(`pt.mt.${k}`) : k);

export async function render(main, ctx) {
  releaseUrls();
  const { sub, params } = hashParts();
  const assistant = ctx.user.role === 'assistant';
  if (sub === 'new') {
    if (!assistant) { location.replace('#/patrols'); return undefined; }
    return renderLog(main, ctx);
  }
  if (sub) return renderDetail(main, ctx, sub);
  return assistant ? renderMine(main, ctx) : renderDesk(main, ctx, params);
}

function durationOf(p) {
  const a = new Date(p.started_at).getTime();
  const b = new Date(p.ended_at).getTime();
  return Number.isFinite(a) && Number.isFinite(b) ? minutesText(b - a) : '';
}
function timeRange(p) {
  const s = shortTime(p.started_at);
  const e = shortTime(p.ended_at);
  return s.slice(0, 10) === e.slice(0, 10) ? `${s} – ${e.slice(11)}` : `${s} – ${e}`;
}
function findingTags(p) {
  const f = p.findings || [];
  if (!f.length) return h('span', { class: 'muted small' }, t('pt.findings.none'));
  return h('span', { class: 'chips chips-tight' }, f.map((x) => tag(fk(x.kind), `tag-fk tag-fk-${x.kind}`)));
}

// ---------------------------------------------------------------- assistant: their team's patrols

async function renderMine(main) {
  const errors = errorBox();
  const box = h('div', null, loading());
  main.append(pageHead(t('pt.title')),
    h('a', { class: 'btn btn-primary btn-block pt-start-link', href: '#/patrols/new' }, h('span', { class: 'icon', svg: icons.patrol || icons.plus }), t('pt.log.new')),
    h('h2', { class: 'section-title' }, t('pt.mine')), errors, box);
  try {
    const items = await listAll('/patrols', {}, 3);
    if (!items.length) { box.replaceChildren(h('div', { class: 'card empty-card' }, h('p', { class: 'empty' }, t('pt.empty')))); return; }
    box.replaceChildren(h('ul', { class: 'app-cards' }, items.map((p) => h('li', null,
      h('a', { class: 'app-card pt-card', href: `#/patrols/${encodeURIComponent(p.id)}` },
        h('div', { class: 'app-card-top' }, h('span', { class: 'app-card-type' }, p.team_name || t('pt.team')), h('span', { class: 'muted small nowrap' }, durationOf(p))),
        h('p', { class: 'app-card-meta' }, h('span', null, timeRange(p)), h('span', null, `${t('pt.col.present')} ${(p.present || []).length}`)),
        h('div', { class: 'pt-card-findings' }, findingTags(p)))))));
  } catch (err) { box.replaceChildren(); showError(errors, err); }
}

// ---------------------------------------------------------------- assistant: the patrol log

async function renderLog(main, ctx) {
  const errors = errorBox();
  const ok = statusBox();
  const body = h('div', null, loading());
  main.append(backLink('#/patrols', 'pt.back'), pageHead(t('pt.log')), h('p', { class: 'page-sub' }, t('pt.log.sub')), errors, ok, body);
  let teams;
  let areas;
  try {
    [teams, areas] = await Promise.all([listAll('/patrol-teams', {}, 3), listAll('/areas', {}, 2)]);
  } catch (err) { body.replaceChildren(); showError(errors, err); return; }
  if (!teams.length) { body.replaceChildren(h('div', { class: 'card' }, h('p', { class: 'empty' }, t('pt.team.none')))); return; }
  const village = areas.find((a) => a.level === 'village' || a.level === 'community') || areas[0] || null;

  // ---- state of the walk ----
  const st = { started: null, ended: null, coords: [], watch: null, timer: null, lastFix: null };
  const elapsedEl = h('span', { class: 'pt-stat-value mono' }, '00:00:00');
  const distEl = h('span', { class: 'pt-stat-value' }, distanceText(0));
  const ptsEl = h('span', { class: 'pt-stat-value' }, '0');
  const gpsEl = h('p', { class: 'pt-gps', role: 'status', 'aria-live': 'polite' });
  const startBtn = h('button', { type: 'button', class: 'btn btn-primary pt-toggle' }, h('span', { class: 'icon', svg: icons.clock }), h('span', null, t('pt.start')));
  const startIn = h('input', { type: 'datetime-local' });
  const endIn = h('input', { type: 'datetime-local' });
  const fStart = field({ label: t('pt.started_at'), input: startIn });
  const fEnd = field({ label: t('pt.ended_at'), input: endIn });

  const p2 = (n) => String(n).padStart(2, '0');
  function tick() {
    if (!st.started) return;
    const ms = (st.ended || new Date()).getTime() - st.started.getTime();
    const s = Math.max(0, Math.floor(ms / 1000));
    elapsedEl.textContent = `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}`;
  }
  function drawStats() {
    distEl.textContent = distanceText(trackLength(st.coords));
    ptsEl.textContent = String(st.coords.length);
  }
  function gps(text, cls = '') { gpsEl.textContent = text; gpsEl.className = `pt-gps ${cls}`.trim(); }
  function onFix(pos) {
    const c = pos.coords;
    if (!Number.isFinite(c.longitude) || !Number.isFinite(c.latitude)) return;
    if (c.accuracy && c.accuracy > 150) return; // too coarse to draw a route with
    const pt = [Math.round(c.longitude * 1e6) / 1e6, Math.round(c.latitude * 1e6) / 1e6];
    const last = st.coords[st.coords.length - 1];
    if (!last || haversine(last, pt) >= 5) st.coords.push(pt);
    gps(t('pt.gps.on'), 'pt-gps-on');
    drawStats();
  }
  function onGpsError(err) {
    if (err && err.code === 1) { gps(t('pt.gps.denied'), 'pt-gps-off'); stopWatch(); return; }
    gps(t('pt.gps.error', { msg: (err && err.message) || '' }), 'pt-gps-warn');
  }
  function startWatch() {
    if (!window.isSecureContext) { gps(t('pt.gps.insecure'), 'pt-gps-off'); return; }
    if (!('geolocation' in navigator)) { gps(t('pt.gps.none'), 'pt-gps-off'); return; }
    gps(t('pt.gps.wait'));
    try {
      st.watch = navigator.geolocation.watchPosition(onFix, onGpsError, { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 });
    } catch (_) { gps(t('pt.gps.none'), 'pt-gps-off'); }
  }
  function stopWatch() {
    if (st.watch !== null && 'geolocation' in navigator) navigator.geolocation.clearWatch(st.watch);
    st.watch = null;
  }
  const beforeUnload = (ev) => { ev.preventDefault(); ev.returnValue = ''; };
  function setRunning(on) {
    startBtn.classList.toggle('is-running', on);
    startBtn.lastChild.textContent = on ? t('pt.stop') : (st.started ? t('pt.resume') : t('pt.start'));
    startBtn.setAttribute('aria-pressed', String(on));
    if (on) window.addEventListener('beforeunload', beforeUnload); else window.removeEventListener('beforeunload', beforeUnload);
  }
  function start() {
    if (!st.started) { st.started = new Date(); startIn.value = toLocalInput(st.started); }
    st.ended = null; endIn.value = '';
    clearInterval(st.timer);
    st.timer = setInterval(tick, 1000);
    tick();
    startWatch();
    setRunning(true);
  }
  function stop() {
    stopWatch();
    clearInterval(st.timer); st.timer = null;
    st.ended = new Date(); endIn.value = toLocalInput(st.ended);
    tick();
    setRunning(false);
    if (gpsEl.classList.contains('pt-gps-on') || !gpsEl.textContent) gps('');
  }
  startBtn.addEventListener('click', () => { if (st.timer) stop(); else start(); });
  const cleanup = () => { stopWatch(); clearInterval(st.timer); window.removeEventListener('beforeunload', beforeUnload); window.removeEventListener('hashchange', cleanup); };
  window.addEventListener('hashchange', cleanup);

  // ---- team and members ----
  const teamSel = h('select', null, teams.map((tm) => h('option', { value: tm.id }, tm.name)));
  const fTeam = field({ label: t('pt.team'), input: teamSel });
  const membersBox = h('div', { class: 'check-list' });
  const presentErr = h('p', { class: 'field-error', hidden: true });
  function drawMembers() {
    const tm = teams.find((x) => x.id === teamSel.value) || teams[0];
    put(membersBox, (tm.members || []).map((m) => {
      const id = nextId('m');
      const cb = h('input', { type: 'checkbox', id, value: m.id, checked: m.user_id === ctx.user.id });
      return h('label', { class: 'check-row', for: id }, cb, h('span', { class: 'check-name' }, m.name || ''), tag(mt(m.type), `tag-mt tag-mt-${m.type}`));
    }));
  }
  teamSel.addEventListener('change', drawMembers);
  drawMembers();

  // ---- findings ----
  const findingsList = h('ol', { class: 'findings-edit' });
  const findingErr = h('p', { class: 'field-error', hidden: true });
  function addFinding() {
    const kind = h('select', null, FINDING_KINDS.map((k) => h('option', { value: k }, fk(k))));
    const desc = h('textarea', { class: 'textarea', rows: '2', maxlength: '1000' });
    const action = h('input', { type: 'text', maxlength: '500' });
    const rm = h('button', { type: 'button', class: 'btn btn-plain btn-small' }, t('pt.finding.remove'));
    const li = h('li', { class: 'finding-edit' },
      h('div', { class: 'finding-edit-head' }, field({ label: t('pt.finding.kind'), input: kind, error: false }), rm),
      field({ label: t('pt.finding.desc'), input: desc, error: false }),
      field({ label: t('pt.finding.action'), input: action, error: false }));
    li.read = () => ({ kind: kind.value, description: desc.value.trim(), action: action.value.trim() });
    rm.addEventListener('click', () => { li.remove(); });
    findingsList.append(li);
    kind.focus();
  }
  const addBtn = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, h('span', { class: 'icon', svg: icons.plus }), t('pt.finding.add'));
  addBtn.addEventListener('click', addFinding);

  const picker = photoPicker('lead.f.photo.take', 'patrol');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.check }), h('span', null, t('pt.submit')));
  const form = h('form', { class: 'pt-form', novalidate: true },
    h('section', { class: 'card pt-panel' },
      h('div', { class: 'pt-stats' },
        h('div', { class: 'pt-stat' }, h('span', { class: 'pt-stat-label' }, t('pt.elapsed')), elapsedEl),
        h('div', { class: 'pt-stat' }, h('span', { class: 'pt-stat-label' }, t('pt.distance')), distEl),
        h('div', { class: 'pt-stat' }, h('span', { class: 'pt-stat-label' }, t('pt.points')), ptsEl)),
      startBtn, gpsEl,
      h('div', { class: 'pt-times' }, fStart, fEnd)),
    card(t('pt.team'), fTeam,
      h('fieldset', { class: 'fieldset' }, h('legend', { class: 'field-label' }, t('pt.present')), membersBox, presentErr),
      village ? h('p', { class: 'pt-area' }, h('span', { class: 'muted' }, `${t('pt.area')}：`), h('strong', null, village.name)) : null),
    card(t('pt.findings'), findingsList, findingErr, addBtn),
    card(t('pt.photos'), picker.el),
    h('div', { class: 'submit-bar' }, submit));
  body.replaceChildren(form);

  const ref = clientRef();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError(errors, null);
    if (st.timer) stop();
    // The recorded times are to the second; a time typed by hand is to the minute.
    const s = st.started && toLocalInput(st.started) === startIn.value ? st.started : fromLocalInput(startIn.value);
    const e = st.ended && toLocalInput(st.ended) === endIn.value ? st.ended : fromLocalInput(endIn.value);
    fStart.setFieldError(s ? '' : t('pt.need.times'));
    fEnd.setFieldError(!e ? t('pt.need.times') : (s && e <= s ? t('pt.need.order') : ''));
    const present = [...membersBox.querySelectorAll('input:checked')].map((x) => x.value);
    presentErr.textContent = t('pt.need.present'); presentErr.hidden = present.length > 0;
    const findings = [...findingsList.children].map((li) => li.read());
    const badFinding = findings.some((f) => !f.description);
    findingErr.textContent = t('pt.need.finding'); findingErr.hidden = !badFinding;
    if (!s || !e || e <= s) { (s ? endIn : startIn).focus(); return; }
    if (!present.length) { membersBox.querySelector('input').focus(); return; }
    if (badFinding) return;
    const payload = {
      team_id: teamSel.value, started_at: isoLocal(s), ended_at: isoLocal(e),
      area_ids: village ? [village.id] : [], present, findings: findings.map((f) => ({ kind: f.kind, description: f.description, action: f.action || null })),
      client_ref: ref,
    };
    if (st.coords.length >= 2) payload.track = { type: 'LineString', coordinates: st.coords };
    submit.disabled = true;
    try {
      // Through the outbox (one path, online or not): the patrol with its client_ref, then its photos.
      const tm = teams.find((x) => x.id === teamSel.value);
      const sent = await sendThroughOutbox({
        ref, coll: 'patrols', label: `${(tm && tm.name) || t('pt.team')} · ${shortTime(payload.started_at)}`, body: payload, files: picker.files,
        onPhotos: () => showStatus(ok, t('gr.photo.uploading')),
      });
      cleanup();
      location.hash = sent.sent ? `#/patrols/${encodeURIComponent(sent.result.id)}` : '#/outbox?saved=1';
    } catch (err) {
      showError(errors, err);
      submit.disabled = false;
    }
  });
}

// ---------------------------------------------------------------- desk: tabs

async function renderDesk(main, ctx, params) {
  const tabsDef = [['list', 'pt.tab.list'], ['teams', 'pt.tab.teams'], ['coverage', 'pt.tab.coverage']];
  const current = tabsDef.some((x) => x[0] === params.get('tab')) ? params.get('tab') : 'list';
  const errors = errorBox();
  const tabs = h('nav', { class: 'tabs', 'aria-label': t('pt.desk.title') }, tabsDef.map(([id, key]) => h('a', {
    class: 'tab tab-link', href: id === 'list' ? '#/patrols' : `#/patrols?tab=${id}`, 'aria-current': id === current ? 'page' : null,
  }, t(key))));
  const panel = h('div', null, loading());
  main.append(pageHead(t('pt.desk.title')), errors, card(null, tabs, panel));
  try {
    if (current === 'teams') await teamsPanel(panel, ctx, errors);
    else if (current === 'coverage') await coveragePanel(panel, params, errors);
    else await listPanel(panel);
  } catch (err) { panel.replaceChildren(); showError(errors, err); }
}

async function listPanel(panel) {
  const items = await listAll('/patrols', {}, 5);
  if (!items.length) { panel.replaceChildren(h('p', { class: 'empty' }, t('pt.empty'))); return; }
  panel.replaceChildren(dataTable([
    { label: t('pt.col.time'), render: (p) => h('a', { class: 'row-link', href: `#/patrols/${encodeURIComponent(p.id)}` }, timeRange(p)), cls: 'nowrap' },
    { label: t('pt.col.team'), render: (p) => p.team_name || '' },
    { label: t('pt.col.duration'), render: (p) => durationOf(p), cls: 'nowrap' },
    { label: t('pt.col.present'), render: (p) => String((p.present || []).length), cls: 'num' },
    { label: t('pt.col.findings'), render: (p) => findingTags(p) },
  ], items, t('pt.tab.list')), h('p', { class: 'muted list-foot' }, t('common.total', { n: items.length })));
}

async function teamsPanel(panel, ctx, errors) {
  const [teams, units] = await Promise.all([listAll('/patrol-teams', {}, 5), getUnits().catch(() => [])]);
  const unitName = (id) => { const u = units.find((x) => x.id === id); return u ? u.name : ''; };
  const list = teams.length
    ? h('ul', { class: 'team-list' }, teams.map((tm) => h('li', { class: 'team' },
      h('div', { class: 'team-head' }, h('strong', { class: 'team-name' }, tm.name), h('span', { class: 'muted small' }, unitName(tm.station_id))),
      h('div', { class: 'chips' }, (tm.members || []).map((m) => h('span', { class: `member member-${m.type}` }, h('span', { class: 'member-type' }, mt(m.type)), m.name || ''))))))
    : h('p', { class: 'empty' }, t('pt.teams.empty'));
  const parts = [list];
  if (TEAM_CREATORS.has(ctx.user.role)) parts.push(await teamForm(ctx, units, errors));
  panel.replaceChildren(...parts);
}

async function teamForm(ctx, units, errors) {
  const ok = statusBox();
  const stations = units.filter((u) => u.kind === 'station');
  const name = h('input', { type: 'text', maxlength: '100', autocomplete: 'off' });
  const station = h('select', null, stations.map((u) => h('option', { value: u.id, selected: u.id === ctx.user.unit_id }, u.name)));
  const fName = field({ label: t('pt.teams.name'), input: name });
  const fStation = field({ label: t('pt.teams.station'), input: station });
  fName.classList.add('field-half'); fStation.classList.add('field-half');
  const meId = nextId('me');
  const me = h('input', { type: 'checkbox', id: meId, checked: true });
  const assistants = await listAll('/assistants', {}, 10).catch(() => []);
  const aBoxes = assistants.map((a) => {
    const id = nextId('as');
    const cb = h('input', { type: 'checkbox', id, value: a.user_id });
    return h('label', { class: 'check-row', for: id }, cb, h('span', { class: 'check-name' }, a.name), h('span', { class: 'muted small' }, a.village_name || ''));
  });
  const others = h('ol', { class: 'others' });
  const addOther = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, h('span', { class: 'icon', svg: icons.plus }), t('pt.teams.other.add'));
  addOther.addEventListener('click', () => {
    const type = h('select', { 'aria-label': t('pt.teams.other.type') }, ['village_staff', 'volunteer'].map((k) => h('option', { value: k }, mt(k))));
    const nm = h('input', { type: 'text', maxlength: '50', placeholder: t('pt.teams.other.name'), 'aria-label': t('pt.teams.other.name') });
    const ph = h('input', { type: 'tel', maxlength: '20', placeholder: t('pt.teams.other.phone'), 'aria-label': t('pt.teams.other.phone') });
    const rm = h('button', { type: 'button', class: 'btn btn-plain btn-small' }, t('pt.finding.remove'));
    const li = h('li', { class: 'other-row' }, type, nm, ph, rm);
    li.read = () => ({ type: type.value, name: nm.value.trim(), phone: ph.value.trim() || undefined });
    rm.addEventListener('click', () => li.remove());
    others.append(li);
    nm.focus();
  });
  const membersErr = h('p', { class: 'field-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, h('span', { class: 'icon', svg: icons.check }), t('pt.teams.submit'));
  const form = h('form', { class: 'form-grid', novalidate: true }, ok, fName, fStation,
    h('fieldset', { class: 'fieldset' }, h('legend', { class: 'field-label' }, t('pt.teams.police')),
      h('label', { class: 'check-row', for: meId }, me, t('pt.teams.police.me', { name: ctx.user.name }))),
    h('fieldset', { class: 'fieldset' }, h('legend', { class: 'field-label' }, t('pt.teams.assistants')),
      h('div', { class: 'check-list check-scroll' }, aBoxes)),
    h('fieldset', { class: 'fieldset' }, h('legend', { class: 'field-label' }, t('pt.teams.others')), others, addOther),
    membersErr,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError(errors, null); showStatus(ok, '');
    fName.setFieldError(name.value.trim() ? '' : t('pt.teams.need'));
    if (!name.value.trim() || !station.value) { name.focus(); return; }
    const members = [];
    if (me.checked) members.push({ type: 'police', user_id: ctx.user.id });
    for (const l of aBoxes) { const cb = l.querySelector('input'); if (cb.checked) members.push({ type: 'assistant', user_id: cb.value }); }
    for (const li of others.children) { const m = li.read(); if (m.name) members.push(m); }
    const okMembers = members.some((m) => m.type === 'police') && members.some((m) => m.type === 'assistant');
    membersErr.textContent = t('pt.teams.need.members'); membersErr.hidden = okMembers;
    if (!okMembers) return;
    submit.disabled = true;
    try {
      await post('/patrol-teams', { name: name.value.trim(), station_id: station.value, members });
      location.hash = '#/patrols?tab=teams';
      showStatus(ok, t('pt.teams.created'));
    } catch (err) { showError(errors, err); } finally { submit.disabled = false; }
  });
  return h('section', { class: 'team-new', 'aria-labelledby': 'team-new-h' },
    h('h2', { class: 'sub-title', id: 'team-new-h' }, t('pt.teams.new')), h('p', { class: 'hint team-hint' }, t('pt.teams.hint')), form);
}

function dateStr(d) { const p = (n) => String(n).padStart(2, '0'); return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`; }

async function coveragePanel(panel, params) {
  const now = todayDate(); // the server's date
  const from = /^\d{4}-\d{2}-\d{2}$/.test(params.get('from') || '') ? params.get('from') : dateStr(new Date(now.getFullYear(), now.getMonth(), 1));
  const to = /^\d{4}-\d{2}-\d{2}$/.test(params.get('to') || '') ? params.get('to') : dateStr(now);
  const fromIn = h('input', { type: 'date', value: from, max: dateStr(now) });
  const toIn = h('input', { type: 'date', value: to, max: dateStr(now) });
  const go = h('button', { type: 'submit', class: 'btn btn-secondary' }, t('pt.cov.go'));
  const form = h('form', { class: 'filters cov-filters' }, field({ label: t('pt.cov.from'), input: fromIn, error: false }), field({ label: t('pt.cov.to'), input: toIn, error: false }), h('div', { class: 'filters-go' }, go));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    location.hash = `#/patrols?tab=coverage&from=${encodeURIComponent(fromIn.value)}&to=${encodeURIComponent(toIn.value)}`;
  });
  const [items, scope] = await Promise.all([listAll('/patrols/coverage', { from, to }, 10), loadScope().catch(() => null)]);
  const townOf = (id) => { const a = scope && scope.byId.get(id); const tw = a ? ancestorAt(scope, a, 'town') : null; return tw ? tw.name : ''; };
  const zero = items.filter((x) => !x.patrols).length;
  const table = dataTable([
    { label: t('pt.cov.col.name'), render: (a) => h('strong', null, a.name) },
    { label: t('pt.cov.col.town'), render: (a) => townOf(a.id) },
    { label: t('pt.cov.col.level'), render: (a) => levelTag(a.level) },
    { label: t('pt.cov.col.count'), render: (a) => (a.patrols ? h('span', { class: 'cov-count' }, String(a.patrols)) : h('span', { class: 'cov-zero' }, `0 · ${t('pt.cov.zero')}`)), cls: 'num' },
  ], items, t('pt.tab.coverage'));
  const rows = table.querySelectorAll('tbody tr');
  items.forEach((a, i) => { if (!a.patrols && rows[i]) rows[i].classList.add('row-zero'); });
  panel.replaceChildren(form,
    h('p', { class: `cov-summary ${zero ? 'cov-summary-warn' : ''}`.trim() }, t('pt.cov.summary', { n: items.length, z: zero })),
    table);
}

// ---------------------------------------------------------------- one patrol, its route on a canvas

async function renderDetail(main, ctx, id) {
  const errors = errorBox();
  const body = h('div', null, loading());
  main.append(backLink('#/patrols', 'pt.back'), errors, body);
  let p;
  try { p = await get(`/patrols/${encodeURIComponent(id)}`); } catch (err) { body.replaceChildren(); showError(errors, err); return; }
  const [teams, scope] = await Promise.all([listAll('/patrol-teams', {}, 5).catch(() => []), loadScope().catch(() => null)]);
  const team = teams.find((x) => x.id === p.team_id);
  const members = (team && team.members) || [];
  const present = (p.present || []).map((mid) => members.find((m) => m.id === mid)).filter(Boolean);
  const areaNames = (p.area_ids || []).map((a) => (scope && scope.byId.get(a) ? scope.byId.get(a).name : '')).filter(Boolean);
  const coords = (p.track && Array.isArray(p.track.coordinates) ? p.track.coordinates : []).filter((c) => Array.isArray(c) && Number.isFinite(c[0]) && Number.isFinite(c[1]));
  const length = trackLength(coords);

  const canvas = coords.length ? h('canvas', { class: 'track-canvas', role: 'img', 'aria-label': t('pt.track.label', { n: coords.length, d: distanceText(length) }) }) : null;
  const findings = p.findings || [];
  put(body,
    h('div', { class: 'detail-head' }, h('div', null,
      h('h1', { class: 'page-title', tabindex: '-1' }, p.team_name || t('pt.detail')),
      h('div', { class: 'detail-sub' }, h('span', null, timeRange(p)), h('span', { class: 'muted' }, durationOf(p))))),
    h('div', { class: ctx.phone ? '' : 'detail-grid' },
      h('div', null,
        h('section', { class: 'card', 'aria-labelledby': 'trk-h' }, h('h2', { class: 'card-title', id: 'trk-h' }, t('pt.track')),
          canvas ? h('div', { class: 'track-wrap' }, canvas,
            h('p', { class: 'track-legend' },
              h('span', { class: 'legend-start' }, t('pt.track.start')), h('span', { class: 'legend-end' }, t('pt.track.end')),
              h('span', { class: 'muted' }, `${distanceText(length)} · ${coords.length} ${t('pt.points')}`)))
            : h('p', { class: 'empty' }, t('pt.notrack'))),
        card(t('pt.findings'), findings.length
          ? h('ol', { class: 'findings' }, findings.map((f) => h('li', { class: 'finding' },
            tag(fk(f.kind), `tag-fk tag-fk-${f.kind}`), h('p', { class: 'finding-desc' }, f.description || ''),
            f.action ? h('p', { class: 'finding-action' }, h('span', { class: 'muted' }, `${t('pt.finding.action')}：`), f.action) : null)))
          : h('p', { class: 'empty' }, t('pt.findings.none'))),
        (p.attachments || []).length ? card(t('pt.photos'), photoStrip('patrols', p.id, p.attachments, t('pt.photos'))) : null),
      h('div', { class: ctx.phone ? '' : 'detail-side' }, card(null, dl([
        [t('pt.started_at'), shortTime(p.started_at)],
        [t('pt.ended_at'), shortTime(p.ended_at)],
        [t('pt.col.duration'), durationOf(p)],
        [t('pt.distance'), coords.length > 1 ? distanceText(length) : ''],
        [t('pt.area'), areaNames.join('、')],
      ]), h('h3', { class: 'side-sub' }, t('pt.present')),
      present.length ? h('div', { class: 'chips' }, present.map((m) => h('span', { class: `member member-${m.type}` }, h('span', { class: 'member-type' }, mt(m.type)), m.name || ''))) : h('p', { class: 'muted' }, String((p.present || []).length))))));
  if (canvas) {
    const redraw = () => drawTrack(canvas, coords);
    requestAnimationFrame(redraw);
    const ro = new ResizeObserver(() => redraw());
    ro.observe(canvas);
    const off = () => { ro.disconnect(); window.removeEventListener('hashchange', off); };
    window.addEventListener('hashchange', off);
  }
}

// Draws a LineString of [lon, lat] on a canvas: an equirectangular projection around the middle latitude, scaled to
// fit with a margin, a light grid, start and end markers, a north arrow and a scale bar.
export function drawTrack(canvas, coords) {
  const dpr = window.devicePixelRatio || 1;
  const W = canvas.clientWidth;
  const H = canvas.clientHeight;
  if (!W || !H) return;
  canvas.width = Math.round(W * dpr);
  canvas.height = Math.round(H * dpr);
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = '#f7f9fc';
  g.fillRect(0, 0, W, H);
  g.strokeStyle = '#e3e9f2';
  g.lineWidth = 1;
  for (let x = 0.5; x < W; x += 40) { g.beginPath(); g.moveTo(x, 0); g.lineTo(x, H); g.stroke(); }
  for (let y = 0.5; y < H; y += 40) { g.beginPath(); g.moveTo(0, y); g.lineTo(W, y); g.stroke(); }

  const lats = coords.map((c) => c[1]);
  const lat0 = (Math.min(...lats) + Math.max(...lats)) / 2;
  const k = Math.cos((lat0 * Math.PI) / 180);
  const xs = coords.map((c) => c[0] * k);
  const ys = lats;
  const minX = Math.min(...xs); const maxX = Math.max(...xs);
  const minY = Math.min(...ys); const maxY = Math.max(...ys);
  const pad = 36;
  const spanX = Math.max(maxX - minX, 1e-6);
  const spanY = Math.max(maxY - minY, 1e-6);
  const scale = Math.min((W - 2 * pad) / spanX, (H - 2 * pad) / spanY); // px per degree (of latitude)
  const ox = (W - spanX * scale) / 2;
  const oy = (H - spanY * scale) / 2;
  const px = (i) => [ox + (xs[i] - minX) * scale, H - (oy + (ys[i] - minY) * scale)];

  if (coords.length > 1) {
    for (const [color, width] of [['rgba(26, 79, 160, .18)', 9], ['#1a4fa0', 3.5]]) {
      g.strokeStyle = color; g.lineWidth = width; g.lineJoin = 'round'; g.lineCap = 'round';
      g.beginPath();
      coords.forEach((_, i) => { const [x, y] = px(i); if (i) g.lineTo(x, y); else g.moveTo(x, y); });
      g.stroke();
    }
  }
  const marker = (i, fill, label) => {
    const [x, y] = px(i);
    g.beginPath(); g.arc(x, y, 9, 0, Math.PI * 2); g.fillStyle = fill; g.fill();
    g.lineWidth = 2.5; g.strokeStyle = '#fff'; g.stroke();
    g.fillStyle = '#fff'; g.font = 'bold 11px system-ui, sans-serif'; g.textAlign = 'center'; g.textBaseline = 'middle';
    g.fillText(label, x, y + 0.5);
  };
  if (coords.length > 1) marker(coords.length - 1, '#c0262d', 'E');
  marker(0, '#17703a', 'S');

  // north arrow
  g.fillStyle = '#3d4754'; g.strokeStyle = '#3d4754'; g.lineWidth = 1.5;
  g.beginPath(); g.moveTo(W - 22, 14); g.lineTo(W - 28, 30); g.lineTo(W - 22, 26); g.lineTo(W - 16, 30); g.closePath(); g.fill();
  g.font = 'bold 12px system-ui, sans-serif'; g.textAlign = 'center'; g.textBaseline = 'top'; g.fillText('N', W - 22, 32);

  // scale bar: a round length close to a quarter of the width
  const mPerPx = 111320 / scale;
  const target = (W / 4) * mPerPx;
  const steps = [5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];
  const len = steps.reduce((best, s) => (Math.abs(s - target) < Math.abs(best - target) ? s : best), steps[0]);
  const bar = len / mPerPx;
  const bx = 14; const by = H - 16;
  g.strokeStyle = '#3d4754'; g.lineWidth = 2;
  g.beginPath(); g.moveTo(bx, by - 5); g.lineTo(bx, by); g.lineTo(bx + bar, by); g.lineTo(bx + bar, by - 5); g.stroke();
  g.fillStyle = '#3d4754'; g.font = '12px system-ui, sans-serif'; g.textAlign = 'left'; g.textBaseline = 'bottom';
  g.fillText(distanceText(len), bx + 4, by - 4);
}
