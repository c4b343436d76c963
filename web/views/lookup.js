// The villager's lookup (no login): application number + last four ID digits -> status. The receipt's QR code
// points here (#/lookup?number=...). Phone first; works the same on a desktop.
import { h, field, formatDateTime } from '../dom.js';
import { t } from '../i18n.js';
import { get, ApiError } from '../api.js';
import { icons } from '../icons.js';
import { errorBox, showError, errorText } from '../ui.js';
import { statusChip } from '../household-lib.js';

export async function render(root, ctx) {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const number = h('input', { type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: '32', class: 'input-number', value: params.get('number') || '' });
  const last4 = h('input', { type: 'text', autocomplete: 'off', inputmode: 'text', maxlength: '4', class: 'input-code', value: '' });
  const errors = errorBox();
  const result = h('div', { 'aria-live': 'polite' });
  const go = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, h('span', { class: 'icon', svg: icons.search }), t('lookup.submit'));
  const form = h('form', { class: 'lookup-form', novalidate: true },
    field({ label: t('lookup.number'), input: number, hint: t('lookup.number.hint'), error: false }),
    field({ label: t('lookup.last4'), input: last4, hint: t('lookup.last4.hint'), error: false }),
    go);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError(errors, null);
    result.replaceChildren();
    const n = number.value.trim().toUpperCase();
    const d = last4.value.trim().toUpperCase();
    if (!n || !/^\d{3}[\dX]$/.test(d)) { showError(errors, t('lookup.required')); (n ? last4 : number).focus(); return; }
    go.disabled = true;
    go.lastChild.textContent = t('lookup.busy');
    try {
      const r = await get(`/public/household-applications/${encodeURIComponent(n)}`, { id_last4: d }, { noAuthRedirect: true });
      result.replaceChildren(h('section', { class: 'lookup-result', 'aria-labelledby': 'lookup-res-title' },
        h('h2', { class: 'card-title', id: 'lookup-res-title' }, t('lookup.result')),
        h('div', { class: 'lookup-status' }, statusChip(r.status, 'status-xl')),
        h('p', { class: 'lookup-explain' }, t(`lookup.explain.${r.status}`)),
        h('dl', { class: 'facts' },
          fact(t('lookup.number'), h('span', { class: 'mono' }, r.number)),
          fact(t('hb.detail.type'), r.business_type_name || r.business_type),
          fact(t('lookup.updated'), formatDateTime(r.updated_at).slice(0, 16)),
          r.due_at ? fact(t('lookup.due'), formatDateTime(r.due_at).slice(0, 16)) : null)));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) showError(errors, t('lookup.notfound'));
      else showError(errors, errorText(err) ? err : err);
    } finally {
      go.disabled = false;
      go.lastChild.textContent = t('lookup.submit');
    }
  });
  root.append(h('div', { class: 'lookup-page' },
    h('div', { class: 'login-top lookup-top' },
      h('div', { class: 'login-lang' }, ctx.langButton('on-dark')),
      h('div', { class: 'login-brand' },
        h('span', { class: 'login-mark lookup-mark', svg: icons.shield }),
        h('h1', { class: 'lookup-title', tabindex: '-1' }, t('lookup.title')),
        h('p', { class: 'login-sub' }, t('lookup.sub')))),
    h('main', { class: 'login-main' },
      h('div', { class: 'login-card lookup-card' }, errors, form, result)),
    h('p', { class: 'login-foot' }, h('a', { href: '#/login' }, t('lookup.staff')))));
  if (number.value) last4.focus(); else number.focus();
}

function fact(k, v) { return h('div', { class: 'fact' }, h('dt', null, k), h('dd', null, v)); }
