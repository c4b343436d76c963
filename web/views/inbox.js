// 消息: status changes of household applications (and other notices); unread first in weight, newest first.
import { h, formatDateTime } from '../dom.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { icons } from '../icons.js';
import { pageHead, errorBox, showError, loading } from '../ui.js';

export async function unreadCount() {
  const data = await get('/inbox', { limit: 100 });
  return ((data && data.items) || []).filter((x) => !x.read).length;
}

function targetOf(item) {
  const o = item.object || {};
  if (!o.id) return null;
  const id = encodeURIComponent(o.id);
  if (o.type === 'household_application') return `#/hb/${id}`;
  if (o.type === 'dispute') return `#/disputes/${id}`;
  if (o.type === 'intel_report') return `#/intel/${id}`;
  if (o.type === 'key_person') return `#/visits/people/${id}`;
  if (o.type === 'bulletin') return `#/bulletins/${id}`;
  return null;
}

export async function render(main, ctx) {
  const errors = errorBox();
  const box = h('div', null, loading());
  const markAll = h('button', { type: 'button', class: 'btn btn-secondary btn-small', hidden: true }, t('inbox.markall'));
  main.append(pageHead(t('inbox.title'), markAll), errors, box);
  let items = [];
  try {
    const data = await get('/inbox', { limit: 100 });
    items = (data && data.items) || [];
  } catch (err) { box.replaceChildren(); showError(errors, err); return; }
  if (!items.length) { box.replaceChildren(h('div', { class: 'card' }, h('p', { class: 'empty' }, t('inbox.empty')))); return; }
  const unread = items.filter((x) => !x.read);
  markAll.hidden = unread.length === 0;
  markAll.addEventListener('click', async () => {
    markAll.disabled = true;
    try {
      await Promise.all(items.filter((x) => !x.read).map((x) => post(`/inbox/${encodeURIComponent(x.id)}/read`)));
      for (const x of items) x.read = true;
      draw();
      markAll.hidden = true;
      if (ctx.refreshBadge) ctx.refreshBadge();
    } catch (err) { showError(errors, err); } finally { markAll.disabled = false; }
  });
  function draw() {
    box.replaceChildren(h('ul', { class: 'inbox' }, items.map((x) => {
      const href = targetOf(x);
      const inner = [
        h('span', { class: 'inbox-icon', svg: icons.household }),
        h('span', { class: 'inbox-body' },
          h('span', { class: 'inbox-title' }, x.read ? null : h('span', { class: 'sr-only' }, `${t('inbox.new')}: `), x.title),
          h('time', { class: 'inbox-time', datetime: x.created_at }, formatDateTime(x.created_at).slice(0, 16))),
        x.read ? null : h('span', { class: 'inbox-dot', 'aria-hidden': 'true' }),
      ];
      const el = href ? h('a', { class: 'inbox-item', href }, inner) : h('div', { class: 'inbox-item' }, inner);
      if (!x.read) el.classList.add('unread');
      if (href && !x.read) {
        el.addEventListener('click', () => {
          x.read = true;
          post(`/inbox/${encodeURIComponent(x.id)}/read`).catch(() => {});
        });
      }
      return h('li', null, el);
    })));
  }
  draw();
}
