// 用户管理 (admin): list, create, edit, disable, reset password.
import { h, field, clear } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, patch } from '../api.js';
import { getUnits, loadScope } from '../state.js';
import { icons } from '../icons.js';
import { areaTree } from '../tree.js';
import { pageHead, card, errorBox, statusBox, showError, showStatus, loading, dataTable, tableRow, roleLabel, kindLabel, tag, secretOf } from '../ui.js';

const ROLES = ['assistant', 'officer', 'clerk', 'reviewer', 'station_chief', 'bureau', 'township', 'admin', 'auditor'];

export async function render(main) {
  const errors = errorBox();
  const status = statusBox();
  const listBox = h('div', null, loading());
  const newBtn = h('button', { type: 'button', class: 'btn btn-primary' }, h('span', { class: 'icon', svg: icons.plus }), t('users.new'));
  main.append(pageHead(t('users.title'), newBtn), status, errors, card(null, listBox));

  let units = [];
  let scope = null;
  let unitById = new Map();
  // The button works at once; the form waits for units and areas it needs.
  const ready = Promise.allSettled([getUnits(), loadScope()]).then(([unitsR, scopeR]) => {
    units = unitsR.status === 'fulfilled' ? unitsR.value : [];
    scope = scopeR.status === 'fulfilled' ? scopeR.value : null;
    unitById = new Map(units.map((u) => [u.id, u]));
  });
  newBtn.addEventListener('click', () => openForm(null));
  const areaName = (id) => (scope && scope.byId.get(id) ? scope.byId.get(id).name : id);

  const columns = [
    { label: t('users.col.username'), render: (u) => h('span', { class: 'mono' }, u.username), cls: 'nowrap' },
    { label: t('users.col.name'), render: (u) => h('strong', null, u.name) },
    { label: t('users.col.role'), render: (u) => roleLabel(u.role) },
    { label: t('users.col.unit'), render: (u) => (u.unit_id && unitById.get(u.unit_id) ? unitById.get(u.unit_id).name : '') },
    { label: t('users.col.areas'), render: (u) => areasText(u.area_ids || [], areaName) },
    { label: t('users.col.status'), render: (u) => (u.disabled ? tag(t('users.status.disabled'), 'tag-off') : tag(t('users.status.active'), 'tag-on')) },
    { label: t('users.col.totp'), render: (u) => (u.totp_enabled ? t('users.totp.on') : t('users.totp.off')) },
    {
      label: t('users.col.actions'),
      render: (u) => h('button', {
        type: 'button', class: 'btn btn-small btn-secondary', 'aria-label': `${t('users.action.edit')} ${u.username}`,
        onclick: () => openForm(u),
      }, t('users.action.edit')),
    },
  ];

  let cursor = null;
  let tbody = null;
  const more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, t('common.loadmore'));
  more.addEventListener('click', () => page());

  async function page(reset) {
    if (reset) { cursor = null; tbody = null; listBox.replaceChildren(loading()); }
    more.disabled = true;
    try {
      const data = await get('/users', { limit: 50, cursor });
      const items = (data && data.items) || [];
      if (!tbody) {
        if (!items.length) { listBox.replaceChildren(h('p', { class: 'empty' }, t('users.empty'))); return; }
        const table = dataTable(columns, items, t('users.title'));
        tbody = table.querySelector('tbody');
        listBox.replaceChildren(table, h('div', { class: 'list-actions' }, more));
      } else {
        for (const u of items) tbody.append(tableRow(columns, u));
      }
      cursor = data.next_cursor || null;
      more.hidden = !cursor;
    } catch (err) {
      if (!tbody) listBox.replaceChildren();
      showError(errors, err);
    } finally {
      more.disabled = false;
    }
  }

  async function openForm(user) {
    await ready;
    if (document.querySelector('dialog.dialog[open]')) return;
    const dlg = userDialog({
      user, units, areaName,
      onSaved: (saved, created) => {
        showStatus(status, t(created ? 'users.created' : 'users.saved', { username: saved.username }));
        page(true);
      },
    });
    document.body.append(dlg);
    dlg.addEventListener('close', () => dlg.remove());
    dlg.showModal();
  }
  await ready;
  await page(true);
}

function areasText(ids, areaName) {
  if (!ids.length) return '';
  const names = ids.slice(0, 3).map(areaName).join('、');
  return ids.length > 3 ? `${names} ${t('users.areas.more', { n: ids.length - 3 })}` : names;
}

function userDialog({ user, units, areaName, onSaved }) {
  const creating = !user;
  let current = user ? { ...user } : null;
  const errors = errorBox();
  const selected = new Set(current ? current.area_ids || [] : []);

  const username = h('input', { type: 'text', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: '64', required: true });
  const name = h('input', { type: 'text', autocomplete: 'off', maxlength: '64', required: true });
  const role = h('select', { required: true }, ROLES.map((r) => h('option', { value: r }, roleLabel(r))));
  const unit = h('select', null, h('option', { value: '' }, t('users.f.unit.none')),
    units.map((u) => h('option', { value: u.id }, `${u.name}（${kindLabel(u.kind)}）`)));
  const password = h('input', { type: 'password', autocomplete: 'new-password', maxlength: '256', required: creating });
  const disabled = h('input', { type: 'checkbox', id: `dis-${Math.random().toString(36).slice(2, 8)}` });
  const chips = h('p', { class: 'chips', 'aria-live': 'polite' });
  const renderChips = () => {
    clear(chips);
    if (!selected.size) chips.append(h('span', { class: 'muted' }, t('users.f.areas.none')));
    for (const id of selected) chips.append(h('span', { class: 'chip' }, areaName(id)));
  };
  const tree = areaTree({ selectable: true, selected, onChange: renderChips, maxDepthLevel: 'village' });
  const areasId = `areas-${Math.random().toString(36).slice(2, 8)}`;

  const fields = {
    username: creating ? field({ label: t('users.f.username'), input: username }) : null,
    name: field({ label: t('users.f.name'), input: name }),
    role: field({ label: t('users.f.role'), input: role }),
    unit_id: field({ label: t('users.f.unit'), input: unit }),
    area_ids: h('fieldset', { class: 'field fieldset', 'aria-describedby': `${areasId}-hint` },
      h('legend', { class: 'field-label' }, t('users.f.areas')),
      h('p', { class: 'hint', id: `${areasId}-hint` }, t('users.f.areas.hint')),
      chips,
      h('div', { class: 'tree-box' }, tree),
      h('p', { class: 'field-error', hidden: true })),
    password: field({
      label: creating ? t('users.f.password') : t('users.f.password.reset'), input: password, hint: t('users.f.password.hint'),
    }),
    disabled: creating ? null : h('div', { class: 'field field-check' }, disabled, h('label', { for: disabled.id }, t('users.f.disabled'))),
  };
  fields.area_ids.setInvalid = () => {};
  fields.area_ids.setFieldError = (msg) => {
    const e = fields.area_ids.querySelector('.field-error');
    e.textContent = msg || '';
    e.hidden = !msg;
  };

  function fill(u) {
    if (!u) { role.value = 'assistant'; renderChips(); return; }
    name.value = u.name || '';
    role.value = u.role;
    unit.value = u.unit_id || '';
    disabled.checked = Boolean(u.disabled);
    selected.clear();
    for (const id of u.area_ids || []) selected.add(id);
    for (const cb of tree.querySelectorAll('input[type=checkbox]')) cb.checked = selected.has(cb.dataset.areaId);
    renderChips();
  }
  fill(current);

  const title = creating ? t('users.new') : `${t('users.edit')} · ${user.username}`;
  const saveBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, t('users.save'));
  const cancelBtn = h('button', { type: 'button', class: 'btn btn-secondary' }, t('users.cancel'));
  const form = h('form', { class: 'dialog-form', novalidate: true },
    h('h2', { class: 'dialog-title', id: 'user-dlg-title' }, title),
    errors,
    Object.values(fields).filter(Boolean),
    h('div', { class: 'dialog-actions' }, cancelBtn, saveBtn));
  const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'user-dlg-title' }, form);
  cancelBtn.addEventListener('click', () => dlg.close());

  for (const k of ['username', 'name', 'role', 'unit_id']) if (fields[k]) fields[k].classList.add('field-half');
  if (!creating) fields.name.classList.remove('field-half');

  function clearFieldErrors() { for (const f of Object.values(fields)) if (f && f.setFieldError) f.setFieldError(''); }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors();
    showError(errors, null);
    let body;
    if (creating) {
      body = { username: username.value.trim(), name: name.value.trim(), role: role.value, password: password.value };
      if (unit.value) body.unit_id = unit.value;
      if (selected.size) body.area_ids = [...selected];
    } else {
      body = { version: current.version };
      if (name.value.trim() !== current.name) body.name = name.value.trim();
      if (role.value !== current.role) body.role = role.value;
      if ((unit.value || null) !== (current.unit_id || null)) body.unit_id = unit.value || null;
      const before = [...(current.area_ids || [])].sort().join(',');
      if ([...selected].sort().join(',') !== before) body.area_ids = [...selected];
      if (disabled.checked !== Boolean(current.disabled)) body.disabled = disabled.checked;
      if (password.value) body.password = password.value;
    }
    saveBtn.disabled = true;
    try {
      const saved = creating ? await post('/users', body) : await patch(`/users/${encodeURIComponent(current.id)}`, body);
      password.value = '';
      if (saved && saved.otpauth_uri) { showSecret(form, saved, () => { dlg.close(); }); onSaved(saved, creating); return; }
      dlg.close();
      onSaved(saved || { username: current ? current.username : body.username }, creating);
    } catch (err) {
      if (err.code === 'version_conflict' && err.detail && err.detail.current) {
        current = { ...err.detail.current };
        fill(current);
        showError(errors, t('users.conflict'));
      } else {
        showError(errors, err);
        const key = err.field ? String(err.field).split('.')[0] : null;
        if (key && fields[key] && fields[key].setInvalid) fields[key].setInvalid(true);
      }
    } finally {
      saveBtn.disabled = false;
    }
  });
  return dlg;
}

function showSecret(form, saved, done) {
  const close = h('button', { type: 'button', class: 'btn btn-primary', onclick: done }, t('users.close'));
  form.replaceChildren(
    h('h2', { class: 'dialog-title', id: 'user-dlg-title' }, t('users.created', { username: saved.username })),
    h('p', null, t('users.totp.issue')),
    h('p', { class: 'field-label' }, t('account.totp.secret')),
    h('p', { class: 'secret mono' }, secretOf(saved.otpauth_uri)),
    h('p', { class: 'field-label' }, t('account.totp.uri')),
    h('p', { class: 'uri mono' }, saved.otpauth_uri),
    h('div', { class: 'dialog-actions' }, close));
  close.focus();
}
