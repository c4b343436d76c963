// Home: tiles for the assistant (phone); a summary of the scope for station, bureau and township roles.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, listAll } from '../api.js';
import { icons } from '../icons.js';
import { loadScope, unitName } from '../state.js';
import { pageHead, card, errorBox, showError, loading, roleLabel } from '../ui.js';
import { dueSection } from './disputes.js';

export async function render(main, ctx) {
  if (ctx.user.role === 'assistant') return renderAssistant(main, ctx);
  return renderDesk(main, ctx);
}

// The assistant's village: their own register entry, else the top node of their scope.
export async function myVillage() {
  const [reg, areas] = await Promise.allSettled([get('/assistants', { limit: 1 }), get('/areas')]);
  const record = reg.status === 'fulfilled' && reg.value && reg.value.items && reg.value.items[0] ? reg.value.items[0] : null;
  const tops = areas.status === 'fulfilled' && areas.value ? areas.value.items || [] : [];
  let area = record ? tops.find((a) => a.id === record.village_id) : null;
  if (!area) area = tops.find((a) => a.level === 'village' || a.level === 'community') || tops[0] || null;
  if (!record && !area) {
    const err = reg.status === 'rejected' ? reg.reason : (areas.status === 'rejected' ? areas.reason : null);
    if (err) throw err;
  }
  return { record, area, name: (record && record.village_name) || (area && area.name) || '' };
}

async function renderAssistant(main, ctx) {
  const errors = errorBox();
  const hero = h('section', { class: 'hero', 'aria-live': 'polite' }, loading());
  main.append(
    h('h1', { class: 'sr-only', tabindex: '-1' }, t('nav.home')),
    hero, errors,
    dueSection(ctx),
    h('h2', { class: 'section-title' }, t('home.tiles')),
    h('div', { class: 'tiles' },
      tile('#/hb/new', icons.form, t('home.tile.hb'), t('home.tile.hb.desc'), 'tile-blue tile-hb'),
      tile('#/hb', icons.household, t('home.tile.mine'), t('home.tile.mine.desc'), 'tile-amber'),
      tile('#/disputes', icons.dispute, t('home.tile.disputes'), t('home.tile.disputes.desc'), 'tile-rose'),
      tile('#/intel', icons.intel, t('home.tile.intel'), t('home.tile.intel.desc'), 'tile-indigo'),
      tile('#/visits', icons.visit, t('home.tile.visits'), t('home.tile.visits.desc'), 'tile-cyan'),
      tile('#/visits/people', icons.care, t('home.tile.people'), t('home.tile.people.desc'), 'tile-plum'),
      tile('#/village', icons.village, t('home.tile.village'), t('home.tile.village.desc'), 'tile-green'),
      tile('#/account', icons.lock, t('home.tile.account'), t('home.tile.account.desc'), 'tile-teal')));
  try {
    const v = await myVillage();
    hero.replaceChildren(
      h('p', { class: 'hero-greet' }, t('home.hello', { name: ctx.user.name })),
      h('p', { class: 'hero-title' }, v.name || t('common.none')),
      h('p', { class: 'hero-sub' }, [
        v.record && v.record.employer_name, v.record && v.record.station_name, roleLabel(ctx.user.role),
      ].filter(Boolean).join(' · ')));
    if (!v.name) hero.append(h('p', { class: 'hero-sub' }, t('village.none')));
  } catch (err) {
    hero.replaceChildren(h('p', { class: 'hero-greet' }, t('home.hello', { name: ctx.user.name })));
    showError(errors, err);
  }
}

function tile(href, icon, title, desc, cls) {
  return h('a', { class: `tile ${cls}`, href },
    h('span', { class: 'tile-icon', svg: icon }),
    h('span', { class: 'tile-title' }, title),
    h('span', { class: 'tile-desc' }, desc));
}

function stat(label, value, unit, href) {
  const body = [h('span', { class: 'stat-value' }, String(value), unit ? h('small', null, unit) : null), h('span', { class: 'stat-label' }, label)];
  return href ? h('a', { class: 'stat stat-link', href }, body) : h('div', { class: 'stat' }, body);
}

async function renderDesk(main, ctx) {
  const errors = errorBox();
  const scopeCard = h('div', { class: 'scope-line' });
  const stats = h('div', { class: 'stats', 'aria-live': 'polite' }, loading());
  main.append(
    pageHead(t('home.hello', { name: ctx.user.name })),
    h('p', { class: 'page-sub' }, roleLabel(ctx.user.role)),
    errors,
    card(null, scopeCard),
    card(t('home.summary'), stats));

  const [scopeR, unitR, regR, gapsR] = await Promise.allSettled([
    loadScope(),
    ctx.user.unit_id ? unitName(ctx.user.unit_id) : Promise.resolve(''),
    listAll('/assistants'),
    listAll('/assistants/coverage'),
  ]);

  const lines = [];
  if (unitR.status === 'fulfilled' && unitR.value) lines.push(fact(t('home.unit'), unitR.value));
  if (scopeR.status === 'fulfilled') {
    const names = scopeR.value.tops.map((a) => a.name).join('、');
    lines.push(fact(t('home.scope'), names || t('home.noscope')));
  }
  scopeCard.replaceChildren(...lines);

  if (scopeR.status === 'rejected') { showError(errors, scopeR.reason); stats.replaceChildren(); return; }
  const counts = { town: 0, community: 0, village: 0 };
  for (const a of scopeR.value.byId.values()) if (a.level in counts) counts[a.level] += 1;
  const items = [
    stat(t('home.count.town'), counts.town, t('home.count.unit'), '#/areas'),
    stat(t('home.count.village'), counts.village, t('home.count.unit'), '#/areas'),
    stat(t('home.count.community'), counts.community, t('home.count.unit'), '#/areas'),
  ];
  if (regR.status === 'fulfilled') items.push(stat(t('home.count.assistants'), regR.value.length, t('home.count.person'), '#/assistants'));
  if (gapsR.status === 'fulfilled') {
    const s = stat(t('home.count.gaps'), gapsR.value.length, t('home.count.unit'), '#/assistants?tab=gaps');
    if (gapsR.value.length) s.classList.add('stat-warn');
    items.push(s);
  }
  stats.replaceChildren(...items);
  const failed = [regR, gapsR].find((r) => r.status === 'rejected' && r.reason && r.reason.status !== 403);
  if (failed) showError(errors, failed.reason);
}

function fact(label, value) {
  return h('p', { class: 'scope-fact' }, h('span', { class: 'scope-label' }, label), h('span', { class: 'scope-value' }, value));
}
