// 待发送 (#/outbox): what the phone keeps and sends by itself: each item with its state and upload progress, the
// server's message when it was refused, retry and remove (only by the assistant), and the conflict page
// (#/outbox/{seq}) that shows both versions of a record changed meanwhile by someone else.
import { h, formatDateTime } from '../dom.js';
import { t } from '../i18n.js';
import { pageHead, card, statusBox, showStatus } from '../ui.js';
import { outbox, store, setupPage } from '../offline/ui.js';

function parts() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  return { sub: path.split('/')[1] || '', params: new URLSearchParams(query || '') };
}

export async function render(main, ctx) {
  const { sub, params } = parts();
  const known = ctx && ctx.user ? ctx.user : null;
  if (params.get('pin') === '1' && !(await store.isSetUp())) return setupPage(main, false, known);
  // A record just saved without a PIN lives only in memory: the PIN first, so that it survives a restart.
  if (params.get('saved') && !store.isUnlocked() && outbox.unsent().length && !(await store.isSetUp())) return setupPage(main, true, known);
  if (sub) return renderConflict(main, Number(sub));
  const status = statusBox();
  if (params.get('pin') === 'done') showStatus(status, t('off.pin.done'));
  if (params.get('saved')) showStatus(status, t('off.saved.local'));
  const listBox = h('div', { class: 'outbox' });
  const sendNow = h('button', { type: 'button', class: 'btn btn-primary btn-small' }, t('off.outbox.sendnow'));
  sendNow.addEventListener('click', () => { outbox.resume(); });
  const clearSent = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, t('off.outbox.sent.clear'));
  clearSent.addEventListener('click', async () => {
    for (const it of outbox.list()) if (it.state === 'sent' && outbox.group(it.group).every((x) => x.state === 'sent')) await outbox.remove(it.seq);
  });
  main.append(pageHead(t('off.outbox.title'), sendNow, clearSent), status, listBox);

  const rows = new Map();
  function draw() {
    const all = outbox.list();
    if (!all.length) { listBox.replaceChildren(h('div', { class: 'card empty-card' }, h('p', { class: 'empty' }, t('off.outbox.empty')))); rows.clear(); return; }
    const groups = new Map();
    for (const it of all) { if (!groups.has(it.group)) groups.set(it.group, []); groups.get(it.group).push(it); }
    const ul = h('ul', { class: 'outbox-groups' });
    for (const [g, list] of groups) {
      const head = list[0];
      ul.append(h('li', { class: 'card outbox-group', dataset: { group: g } },
        h('p', { class: 'outbox-title' }, h('strong', null, t(`off.coll.${head.coll}`)), ' ', head.label || ''),
        h('ol', { class: 'outbox-items' }, list.map(itemRow))));
    }
    listBox.replaceChildren(ul);
  }
  function itemRow(it) {
    const blocked = it.state === 'waiting' && !it.error && it.kind !== 'create' && it.kind !== 'patch';
    const stateText = blocked && !outbox.list().some((x) => x.group === it.group && x.kind === 'create' && x.state === 'sent') && outbox.list().some((x) => x.group === it.group && x.kind === 'create')
      ? t('off.state.blocked') : t(`off.state.${it.state}`);
    const li = h('li', { class: `outbox-item outbox-${it.state}`, dataset: { seq: String(it.seq), state: it.state, kind: it.kind } },
      h('div', { class: 'outbox-line' },
        h('span', { class: 'outbox-kind' }, t(`off.kind.${it.kind}`), it.fileName ? ` · ${it.attKind || ''}` : ''),
        h('span', { class: `outbox-state state-${it.state}` }, stateText)),
      h('p', { class: 'outbox-meta muted small' }, formatDateTime(it.created_at).slice(0, 16), it.result && it.result.number ? ` · ${it.result.number}` : ''));
    if (it.state === 'sending' && it.kind === 'attach') li.append(h('progress', { class: 'upload-progress', max: '100', value: String(Math.round((it.progress || 0) * 100)) }));
    if (it.error) {
      const e = it.error;
      const text = e.type === 'network' ? t('off.err.network') : e.type === 'auth' ? t('off.err.auth') : e.type === 'conflict' ? t('off.conflict.text') : t('off.err.server', { msg: e.message || e.code || '' });
      li.append(h('p', { class: `outbox-error err-${e.type}`, role: e.type === 'server' ? 'alert' : null }, text));
    }
    const actions = [];
    if (it.state === 'conflict') actions.push(h('a', { class: 'btn btn-primary btn-small', href: `#/outbox/${it.seq}` }, t('off.open')));
    if (it.state === 'failed') {
      const r = h('button', { type: 'button', class: 'btn btn-secondary btn-small outbox-retry' }, t('off.retry'));
      r.addEventListener('click', () => outbox.retry(it.seq));
      actions.push(r);
    }
    if (it.state !== 'sent' && it.state !== 'sending') {
      const rm = h('button', { type: 'button', class: 'btn btn-danger-outline btn-small outbox-remove' }, t('off.remove'));
      rm.addEventListener('click', () => { if (window.confirm(t('off.remove.confirm'))) outbox.remove(it.seq); });
      actions.push(rm);
    }
    const href = it.state === 'sent' && it.result && it.result.id && it.kind === 'create' ? openHref(it) : null;
    if (href) actions.push(h('a', { class: 'btn btn-secondary btn-small', href }, t('off.open')));
    if (actions.length) li.append(h('div', { class: 'outbox-actions' }, actions));
    return li;
  }
  const off = outbox.subscribe(() => { if (!listBox.isConnected) { off(); return; } draw(); });
  draw();
}

// Where a sent record is read (a session or follow-up answers its dispute; a lead is read on its bulletin).
function openHref(it) {
  const id = encodeURIComponent(it.result.id);
  switch (it.coll) {
    case 'household-applications': return `#/hb/${id}`;
    case 'disputes': case 'dispute-sessions': case 'dispute-followups': case 'dispute-close': return `#/disputes/${id}`;
    case 'intel-reports': return `#/intel/${id}`;
    case 'activities': return '#/visits';
    case 'key-persons': return `#/visits/people/${id}`;
    case 'leads': return it.result.bulletin_id ? `#/bulletins/${encodeURIComponent(it.result.bulletin_id)}` : '#/leads';
    case 'patrols': return `#/patrols/${id}`;
    default: return null;
  }
}

// One value of a record as text (applicant / details objects flattened).
function flat(obj, prefix = '') {
  const out = [];
  for (const [k, v] of Object.entries(obj || {})) {
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...flat(v, `${prefix}${k}.`));
    else out.push([`${prefix}${k}`, Array.isArray(v) ? v.join('、') : String(v)]);
  }
  return out;
}

function renderConflict(main, seq) {
  const it = outbox.get(seq);
  if (!it || it.state !== 'conflict' || !it.error || !it.error.current) { location.replace('#/outbox'); return; }
  const mine = { ...it.body };
  delete mine.version;
  const theirs = it.error.current;
  const keys = flat(mine).map(([k]) => k);
  const theirFlat = new Map(flat(theirs));
  const mineFlat = new Map(flat(mine));
  const row = (k) => {
    const a = mineFlat.get(k) || '';
    const b = theirFlat.get(k) || '';
    return h('tr', { class: a !== b ? 'diff' : '' }, h('th', { scope: 'row' }, k), h('td', { class: 'mine' }, a), h('td', { class: 'theirs' }, b));
  };
  const table = h('table', { class: 'data-table conflict-table' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, t('off.conflict.mine')), h('th', { scope: 'col' }, t('off.conflict.theirs', { v: theirs.version })))),
    h('tbody', null, keys.map(row)));
  const keepTheirs = h('button', { type: 'button', class: 'btn btn-secondary btn-block' }, t('off.conflict.keep.theirs'));
  const keepMine = h('button', { type: 'button', class: 'btn btn-primary btn-block' }, t('off.conflict.keep.mine'));
  keepTheirs.addEventListener('click', async () => { await outbox.resolveConflict(seq, 'theirs'); location.hash = theirs.id ? `#/hb/${encodeURIComponent(theirs.id)}` : '#/outbox'; });
  keepMine.addEventListener('click', async () => { if (!window.confirm(t('off.conflict.confirm.mine'))) return; await outbox.resolveConflict(seq, 'mine'); location.hash = '#/outbox'; });
  main.append(
    pageHead(t('off.conflict.title')),
    h('div', { class: 'alert alert-warn', role: 'alert' }, h('p', null, t('off.conflict.text'))),
    card(`${t(`off.coll.${it.coll}`)} ${theirs.number || it.label || ''}`,
      h('div', { class: 'table-wrap' }, table),
      h('div', { class: 'conflict-versions' },
        h('section', { class: 'conflict-mine' }, h('h2', null, t('off.conflict.mine')), h('dl', { class: 'facts' }, flat(mine).map(([k, v]) => h('div', { class: 'fact' }, h('dt', null, k), h('dd', null, v))))),
        h('section', { class: 'conflict-theirs' }, h('h2', null, t('off.conflict.theirs', { v: theirs.version })), h('dl', { class: 'facts' }, flat({ applicant: theirs.applicant, details: theirs.details }).map(([k, v]) => h('div', { class: 'fact' }, h('dt', null, k), h('dd', null, v))))))),
    h('div', { class: 'form-actions conflict-actions' }, keepTheirs, keepMine));
}
