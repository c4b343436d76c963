// Login page: username + password, then a TOTP step when the server answers totp_required.
import { h, clear, field } from '../dom.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { icons } from '../icons.js';
import { errorBox, statusBox, showError, showStatus } from '../ui.js';

// What the user typed survives a language switch (never the password).
const kept = { username: '' };

export function renderLogin(root, { notice, langButton, onLoggedIn }) {
  clear(root);
  root.className = 'layout-login';

  const errors = errorBox();
  const status = statusBox();

  const username = h('input', {
    type: 'text', name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false',
    required: true, value: kept.username, maxlength: '64',
  });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true, maxlength: '256' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('login.submit'));

  const totp = h('input', {
    type: 'text', name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}',
    maxlength: '6', class: 'input-code',
  });
  const totpSubmit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('login.totp.submit'));
  const back = h('button', { type: 'button', class: 'btn btn-plain btn-block' }, t('login.back'));

  const credStep = h('div', { class: 'login-step' },
    field({ label: t('login.username'), input: username, error: false }),
    field({ label: t('login.password'), input: password, error: false }),
    submit);
  const totpTitle = h('h2', { class: 'login-step-title', tabindex: '-1' }, t('login.totp.title'));
  const totpStep = h('div', { class: 'login-step', hidden: true },
    totpTitle,
    h('p', { class: 'hint' }, t('login.totp.hint')),
    field({ label: t('login.totp'), input: totp, error: false }),
    totpSubmit, back);

  let step = 'cred';
  let busy = false;

  function setStep(next) {
    step = next;
    credStep.hidden = next !== 'cred';
    totpStep.hidden = next !== 'totp';
    totp.required = next === 'totp';
    if (next === 'totp') { totp.value = ''; totp.focus(); } else password.focus();
  }

  back.addEventListener('click', () => { showError(errors, null); setStep('cred'); });
  username.addEventListener('input', () => { kept.username = username.value; });

  const form = h('form', { class: 'login-form', novalidate: true, 'aria-labelledby': 'login-title' },
    status, errors, credStep, totpStep);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    showStatus(status, '');
    showError(errors, null);
    const body = { username: username.value.trim(), password: password.value };
    if (!body.username || !body.password) { showError(errors, t('login.required')); setStep('cred'); return; }
    if (step === 'totp') {
      const code = totp.value.replace(/\s+/g, '');
      if (!/^\d{6}$/.test(code)) { showError(errors, t('login.totp.required')); totp.focus(); return; }
      body.totp = code;
    }
    busy = true;
    const btn = step === 'totp' ? totpSubmit : submit;
    const label = btn.textContent;
    btn.disabled = true;
    btn.textContent = t('login.busy');
    try {
      const data = await post('/auth/login', body, { noAuthRedirect: true });
      password.value = '';
      onLoggedIn(data);
    } catch (err) {
      if (err.code === 'totp_required' && step === 'cred') {
        setStep('totp');
      } else {
        showError(errors, err);
        if (err.code === 'totp_required') { totp.value = ''; totp.focus(); } else if (err.code === 'invalid_credentials') {
          setStep('cred');
          password.value = '';
          password.focus();
        }
      }
    } finally {
      busy = false;
      btn.disabled = false;
      btn.textContent = label;
    }
  });

  root.append(
    h('div', { class: 'login-page' },
      h('div', { class: 'login-top' },
        h('div', { class: 'login-lang' }, langButton('on-dark')),
        h('div', { class: 'login-brand' },
          h('span', { class: 'login-mark', svg: icons.shield }),
          h('p', { class: 'login-name' }, t('app.name')),
          h('p', { class: 'login-sub' }, t('app.subtitle')))),
      h('main', { class: 'login-main', id: 'main' },
        h('div', { class: 'login-card' },
          h('h1', { class: 'login-title', id: 'login-title' }, t('login.title')),
          form)),
      h('footer', { class: 'login-foot' }, h('p', null, h('a', { href: '#/lookup', class: 'login-lookup' }, t('lookup.title'))), h('p', null, t('app.footer')))));

  if (notice) {
    if (notice.err) showError(errors, notice.err);
    else if (notice.kind === 'error') showError(errors, t(notice.key));
    else showStatus(status, t(notice.key));
  }
  (kept.username ? password : username).focus();
}
