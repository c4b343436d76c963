// The assistant's own village: register entry and the hamlets below it.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { listAll } from '../api.js';
import { pageHead, card, errorBox, showError, loading, dl, levelLabel, levelTag } from '../ui.js';
import { myVillage } from './home.js';

export async function render(main) {
  const errors = errorBox();
  const body = h('div', null, loading());
  main.append(pageHead(t('village.title')), errors, body);
  let v;
  try { v = await myVillage(); } catch (err) { body.replaceChildren(); showError(errors, err); return; }
  if (!v.area && !v.record) { body.replaceChildren(card(null, h('p', null, t('village.none')))); return; }
  const r = v.record || {};
  const contract = r.contract_start || r.contract_end ? `${r.contract_start || '…'} ~ ${r.contract_end || '…'}` : '';
  const hamlets = h('div', null, loading());
  body.replaceChildren(
    card(t('village.info'), dl([
      [t('village.name'), v.name],
      v.area ? [t('village.level'), levelLabel(v.area.level)] : null,
      v.area ? [t('village.code'), v.area.code] : null,
      [t('village.employer'), r.employer_name],
      [t('village.station'), r.station_name],
      Array.isArray(r.officer_ids) ? [t('village.officers'), t('village.officers.count', { n: r.officer_ids.length })] : null,
      [t('village.phone'), r.phone],
      [t('village.contract'), contract],
    ])),
    card(t('village.children'), hamlets));
  const id = (v.area && v.area.id) || r.village_id;
  try {
    const items = await listAll('/areas', { parent_id: id });
    hamlets.replaceChildren(items.length
      ? h('ul', { class: 'plain-list' }, items.map((a) => h('li', null, h('span', { class: 'pl-name' }, a.name), levelTag(a.level))))
      : h('p', { class: 'muted' }, t('village.children.none')));
  } catch (err) {
    hamlets.replaceChildren();
    showError(errors, err);
  }
}
