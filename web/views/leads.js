// 我的线索 (assistant, phone): the leads they sent, newest first, with the officers' assessment; the status changes
// live when an officer assesses one.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, listAll } from '../api.js';
import { pageHead, errorBox, showError, loading } from '../ui.js';
import { subscribeWhileHere } from '../live.js';
import { put, leadStatusChip, shortTime } from './leads-lib.js';
import { assistantSwitch } from './bulletins.js';

export async function render(main) {
  const errors = errorBox();
  const box = h('div', null, loading());
  main.append(pageHead(t('leads.title')), h('p', { class: 'page-sub' }, t('leads.sub')), assistantSwitch('leads'), errors, box);
  let titles = new Map();

  async function load() {
    const [leads, bulletins] = await Promise.all([listAll('/leads', {}, 5), get('/bulletins', { limit: 100 }).catch(() => null)]);
    if (bulletins && bulletins.items) titles = new Map(bulletins.items.map((b) => [b.id, b.title]));
    if (!leads.length) { put(box, h('div', { class: 'card empty-card' }, h('p', { class: 'empty' }, t('lead.mine.empty')))); return; }
    put(box, h('ul', { class: 'leads leads-mine' }, leads.map((l) => h('li', { class: `lead lead-${l.status}`, dataset: { id: l.id } },
      h('a', { class: 'lead-link', href: `#/bulletins/${encodeURIComponent(l.bulletin_id)}` },
        h('span', { class: 'lead-top' },
          h('span', { class: 'lead-bulletin' }, titles.get(l.bulletin_id) || t('lead.bulletin')),
          leadStatusChip(l.status)),
        h('span', { class: 'lead-content' }, l.content),
        l.note ? h('span', { class: 'lead-note' }, h('span', { class: 'lead-note-label' }, `${t('lead.note')}：`), l.note) : null,
        h('time', { class: 'lead-time', datetime: l.created_at }, shortTime(l.created_at)))))));
  }
  subscribeWhileHere('lead_assessed', () => { load().catch((err) => showError(errors, err)); });
  try { await load(); } catch (err) { box.replaceChildren(); showError(errors, err); }
}
