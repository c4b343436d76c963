// Shared building blocks of the visual system: page titles, cards, alerts, tables, tags.
import { h, clear } from './dom.js';
import { t, has } from './i18n.js';
import { ApiError } from './api.js';

export function roleLabel(role) { return has(`role.${role}`) ? t(`role.${role}`) : role; }
export function levelLabel(level) { return has(`level.${level}`) ? t(`level.${level}`) : level; }
export function kindLabel(kind) { return has(`kind.${kind}`) ? t(`kind.${kind}`) : kind; }

// Text for an error answer: a translated sentence for the codes users meet often,
// otherwise the server's own message.
export function errorText(err) {
  if (!(err instanceof ApiError)) return t('err.generic', { status: '?' });
  switch (err.code) {
    case 'network': return t('err.network');
    case 'locked':
      return err.retryAfter ? t('err.locked', { min: Math.max(1, Math.ceil(err.retryAfter / 60)) }) : t('err.locked.nomin');
    case 'rate_limited':
      return err.retryAfter ? t('err.rate_limited', { sec: err.retryAfter }) : t('err.rate_limited.nosec');
    case 'invalid_credentials': case 'totp_required': case 'unauthenticated': case 'forbidden': case 'csrf':
    case 'not_found': case 'version_conflict': case 'overloaded': case 'db_unavailable': case 'read_only':
      return t(`err.${err.code}`);
    default:
      if (err.serverMessage) return err.serverMessage;
      if (has(`err.${err.code}`)) return t(`err.${err.code}`);
      return t('err.generic', { status: err.status });
  }
}

// An aria-live region for errors; stays in the DOM (empty = not shown) so announcements work.
export function errorBox() {
  return h('div', { class: 'alert alert-error', role: 'alert', 'aria-live': 'assertive', 'aria-atomic': 'true' });
}
export function statusBox() {
  return h('div', { class: 'alert alert-ok', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
}

export function showError(box, err) {
  clear(box);
  if (!err) return;
  if (typeof err === 'string') { box.append(h('p', null, err)); return; }
  box.append(h('p', null, errorText(err)));
  if (err.requestId) box.append(h('p', { class: 'alert-meta' }, t('common.request_id', { id: err.requestId })));
}

export function showStatus(box, text) {
  clear(box);
  if (text) box.append(h('p', null, text));
}

export function pageHead(title, ...actions) {
  return h('div', { class: 'page-head' },
    h('h1', { class: 'page-title', tabindex: '-1' }, title),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

export function card(title, ...children) {
  const headingId = title ? `card-${Math.random().toString(36).slice(2, 9)}` : null;
  return h('section', { class: 'card', 'aria-labelledby': headingId },
    title ? h('h2', { class: 'card-title', id: headingId }, title) : null,
    children);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('common.loading'));
}

export function tag(text, kind = '') { return h('span', { class: `tag ${kind}`.trim() }, text); }

export function levelTag(level) { return tag(levelLabel(level), `tag-${level}`); }

// columns: [{ label, render(row) -> Node|string, cls }]. On narrow screens rows become cards (data-label).
export function dataTable(columns, rows, caption) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data-table' },
      caption ? h('caption', { class: 'sr-only' }, caption) : null,
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.cls }, c.label)))),
      h('tbody', null, rows.map((r) => tableRow(columns, r)))));
}

export function tableRow(columns, row) {
  return h('tr', null, columns.map((c) => {
    const v = c.render(row);
    return h('td', { 'data-label': c.label, class: c.cls }, v === '' || v === null || v === undefined ? t('common.none') : v);
  }));
}

export function dl(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => h('div', { class: 'fact' },
    h('dt', null, k), h('dd', null, v === '' || v === null || v === undefined ? t('common.none') : v))));
}

// The base32 secret inside an otpauth:// URI, for typing into an authenticator by hand.
export function secretOf(uri) {
  const m = /[?&]secret=([^&]+)/i.exec(uri || '');
  return m ? decodeURIComponent(m[1]) : '';
}
