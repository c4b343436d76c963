// Account: profile, change password, TOTP enrolment and removal, sign out.
import { h, field } from '../dom.js';
import { t } from '../i18n.js';
import { post, del } from '../api.js';
import { unitName } from '../state.js';
import { icons } from '../icons.js';
import { pageHead, card, errorBox, statusBox, showError, showStatus, dl, roleLabel, secretOf } from '../ui.js';

const TOTP_REQUIRED = new Set(['admin', 'auditor', 'reviewer']);

export async function render(main, ctx) {
  const u = ctx.user;
  const unitLine = h('span', null, '');
  main.append(...[
    pageHead(t('account.title')),
    card(t('account.profile'), dl([
      [t('account.name'), u.name],
      [t('account.username'), u.username],
      [t('account.role'), roleLabel(u.role)],
      u.unit_id ? [t('account.unit'), unitLine] : null,
    ])),
    passwordCard(),
    totpCard(u),
    ctx.phone ? h('div', { class: 'logout-row' },
      h('button', { type: 'button', class: 'btn btn-danger-outline btn-block', onclick: ctx.logout },
        h('span', { class: 'icon', svg: icons.logout }), t('account.logout'))) : null,
  ].filter(Boolean));
  if (u.unit_id) unitName(u.unit_id).then((n) => { unitLine.textContent = n || t('common.none'); }).catch(() => { unitLine.textContent = t('common.none'); });
}

function passwordCard() {
  const errors = errorBox();
  const status = statusBox();
  const current = h('input', { type: 'password', autocomplete: 'current-password', required: true, maxlength: '256' });
  const next = h('input', { type: 'password', autocomplete: 'new-password', required: true, maxlength: '256' });
  const again = h('input', { type: 'password', autocomplete: 'new-password', required: true, maxlength: '256' });
  const fields = {
    current_password: field({ label: t('account.password.current'), input: current }),
    new_password: field({ label: t('account.password.new'), input: next, hint: t('account.password.hint') }),
    confirm: field({ label: t('account.password.confirm'), input: again }),
  };
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('account.password.submit'));
  const form = h('form', { class: 'form', novalidate: true }, status, errors, Object.values(fields), h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    for (const f of Object.values(fields)) f.setFieldError('');
    showError(errors, null);
    showStatus(status, '');
    if (!current.value) { fields.current_password.setFieldError(t('common.required')); current.focus(); return; }
    if (!next.value) { fields.new_password.setFieldError(t('common.required')); next.focus(); return; }
    if (next.value !== again.value) {
      fields.confirm.setFieldError(t('account.password.mismatch'));
      again.focus();
      return;
    }
    submit.disabled = true;
    try {
      await post('/me/password', { current_password: current.value, new_password: next.value });
      current.value = ''; next.value = ''; again.value = '';
      showStatus(status, t('account.password.done'));
    } catch (err) {
      showError(errors, err);
      const key = err.field ? String(err.field).split('.')[0] : null;
      if (key && fields[key]) { fields[key].setInvalid(true); fields[key].querySelector('input').focus(); }
    } finally {
      submit.disabled = false;
    }
  });
  return card(t('account.password'), form);
}

function totpCard(u) {
  const errors = errorBox();
  const status = statusBox();
  const required = TOTP_REQUIRED.has(u.role);
  const known = typeof u.totp_enabled === 'boolean' ? u.totp_enabled : null;
  const stateLine = h('p', { class: 'totp-state' }, known === null ? '' : t(known ? 'account.totp.on' : 'account.totp.off'));

  // Enrolment: ask for a secret, show it, confirm with a code.
  const enableBtn = h('button', { type: 'button', class: 'btn btn-primary' }, t('account.totp.enable'));
  const enrolBox = h('div', { class: 'enrol', hidden: true });
  const code = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: '6', class: 'input-code' });
  const codeField = field({ label: t('account.totp.code'), input: code });
  const confirmBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, t('account.totp.confirm'));
  const secretEl = h('p', { class: 'secret mono' });
  const uriEl = h('p', { class: 'uri mono' });
  const confirmForm = h('form', { class: 'form', novalidate: true }, codeField, h('div', { class: 'form-actions' }, confirmBtn));
  enrolBox.append(h('p', null, t('account.totp.step')),
    h('p', { class: 'field-label' }, t('account.totp.secret')), secretEl,
    h('p', { class: 'field-label' }, t('account.totp.uri')), uriEl, confirmForm);

  enableBtn.addEventListener('click', async () => {
    showError(errors, null); showStatus(status, '');
    enableBtn.disabled = true;
    try {
      const data = await post('/me/totp');
      secretEl.textContent = secretOf(data.otpauth_uri);
      uriEl.textContent = data.otpauth_uri;
      enrolBox.hidden = false;
      code.value = '';
      code.focus();
    } catch (err) {
      showError(errors, err);
    } finally {
      enableBtn.disabled = false;
    }
  });
  confirmForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    codeField.setFieldError('');
    showError(errors, null);
    const c = code.value.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(c)) { codeField.setFieldError(t('login.totp.required')); code.focus(); return; }
    confirmBtn.disabled = true;
    try {
      await post('/me/totp/confirm', { totp: c });
      enrolBox.hidden = true;
      stateLine.textContent = t('account.totp.on');
      showStatus(status, t('account.totp.enabled'));
    } catch (err) {
      showError(errors, err);
    } finally {
      confirmBtn.disabled = false;
    }
  });

  // Removal: needs a current code; not offered to roles that must keep TOTP.
  const offCode = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: '6', class: 'input-code' });
  const offField = field({ label: t('account.totp.code'), input: offCode, hint: t('account.totp.disable.hint') });
  const offBtn = h('button', { type: 'submit', class: 'btn btn-danger-outline' }, t('account.totp.disable'));
  const offForm = h('form', { class: 'form', novalidate: true }, offField, h('div', { class: 'form-actions' }, offBtn));
  const offBox = h('details', { class: 'disclosure' }, h('summary', null, t('account.totp.disable')), offForm);
  offForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    offField.setFieldError('');
    showError(errors, null); showStatus(status, '');
    const c = offCode.value.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(c)) { offField.setFieldError(t('login.totp.required')); offCode.focus(); return; }
    offBtn.disabled = true;
    try {
      await del('/me/totp', { totp: c });
      offCode.value = '';
      stateLine.textContent = t('account.totp.off');
      showStatus(status, t('account.totp.disabled'));
    } catch (err) {
      showError(errors, err);
    } finally {
      offBtn.disabled = false;
    }
  });

  return card(t('account.totp'),
    h('p', { class: 'muted' }, t('account.totp.desc')),
    stateLine, status, errors,
    required ? h('p', { class: 'note' }, t('account.totp.required')) : null,
    known === true || required ? null : h('div', { class: 'form-actions' }, enableBtn),
    enrolBox,
    required || known === false ? null : offBox);
}
