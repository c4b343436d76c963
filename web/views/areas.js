// 辖区: browse the area tree of the caller's scope.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHead, card } from '../ui.js';
import { areaTree } from '../tree.js';

export async function render(main) {
  const tree = areaTree();
  main.append(pageHead(t('areas.title')), h('p', { class: 'page-sub' }, t('areas.hint')), card(null, tree));
  await tree.ready;
}
