// 数据看板: the figures of issue 7 for bureau, station, officer and township users - summary cards, monthly trends,
// a comparison of the sub-areas with drill-down (district -> township -> village -> the records), a heat view of the
// villages laid out by the division tree, the household deadline picture, villages without an assistant and the
// assistants' scorecard. Charts are ECharts (web/vendor/echarts.min.js, canvas renderer), loaded on first use.
// Township users see aggregates only: no links to the records behind the figures.
import { h, todayISO, todayDate } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { get, listAll, qs, ApiError } from '../api.js';
import { loadScope } from '../state.js';
import { icons } from '../icons.js';
import { pageHead, errorBox, showError, loading, levelLabel, errorText } from '../ui.js';

// The sidebar icon of 数据看板 (same 24x24 stroke style as icons.js).
icons.chart = '<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">'
  + '<path d="M3.5 20.5h17"/><rect x="5" y="12" width="3" height="6" rx=".6"/><rect x="10.5" y="8" width="3" height="10" rx=".6"/>'
  + '<rect x="16" y="4.5" width="3" height="13.5" rx=".6"/></svg>';

// ---------------------------------------------------------------- ECharts, loaded once as a classic script

let echartsPromise = null;
function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsPromise) {
    echartsPromise = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/vendor/echarts.min.js';
      s.async = true;
      s.addEventListener('load', () => (window.echarts ? resolve(window.echarts) : reject(new Error('echarts'))));
      s.addEventListener('error', () => { echartsPromise = null; s.remove(); reject(new Error('echarts')); });
      document.head.append(s);
    });
  }
  return echartsPromise;
}

const charts = new Set();
function disposeCharts() {
  for (const c of charts) { try { c.dispose(); } catch (_) { /* already gone */ } }
  charts.clear();
}
let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const c of [...charts]) {
      if (c.isDisposed() || !c.getDom().isConnected) { charts.delete(c); if (!c.isDisposed()) c.dispose(); } else c.resize();
    }
  }, 120);
});

const FONT = 'system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
const PALETTE = ['#1a4fa0', '#2e9d6a', '#e39b1b', '#7b5bc4', '#d2553f', '#2a8fb8'];

// A chart in `box` (a .chart element). Returns the instance, or null with a message in the box.
async function chartIn(box, option) {
  let echarts;
  try { echarts = await loadECharts(); } catch (_) {
    box.replaceChildren(h('p', { class: 'chart-msg' }, t('db.chart.failed')));
    return null;
  }
  if (!box.isConnected) return null;
  box.replaceChildren();
  const chart = echarts.init(box, null, { renderer: 'canvas', locale: getLang() === 'zh' ? 'ZH' : 'EN' });
  chart.setOption({ color: PALETTE, textStyle: { fontFamily: FONT }, animationDuration: 400, ...option });
  charts.add(chart);
  return chart;
}

function chartBox(cls, label) {
  return h('div', { class: `chart ${cls}`, role: 'img', 'aria-label': label }, h('p', { class: 'chart-msg' }, t('db.chart.loading')));
}

// ---------------------------------------------------------------- figures

const METRICS = {
  'disputes.screened': { unit: 'db.unit.case', get: (s) => s.disputes.screened },
  'disputes.resolved': { unit: 'db.unit.case', get: (s) => s.disputes.resolved },
  'disputes.mediation_rate': { rate: true, get: (s) => s.disputes.mediation_rate },
  'intel.valid': { unit: 'db.unit.item', get: (s) => s.intel.valid },
  'intel.reported': { unit: 'db.unit.item', get: (s) => s.intel.reported },
  help_education: { unit: 'db.unit.person', get: (s) => s.help_education },
  visits: { get: (s) => s.visits },
  'household.completed': { unit: 'db.unit.piece', get: (s) => s.household.completed },
  'household.open_overdue': { unit: 'db.unit.piece', get: (s) => s.household.open_overdue, bad: true },
  'incidents.count': { unit: 'db.unit.case', get: (s) => s.incidents.count, bad: true },
  cases: { unit: 'db.unit.case', get: (s) => s.cases_assisted.public_security + s.cases_assisted.criminal },
};
const CMP_METRICS = ['disputes.screened', 'disputes.resolved', 'disputes.mediation_rate', 'intel.valid', 'help_education', 'visits',
  'household.completed', 'household.open_overdue', 'incidents.count', 'cases'];

function metricValue(key, s) {
  if (!s) return null;
  try { const v = METRICS[key].get(s); return v === undefined ? null : v; } catch (_) { return null; }
}

const nf = () => new Intl.NumberFormat(getLang() === 'zh' ? 'zh-CN' : 'en');
function num(n) { return n === null || n === undefined ? t('db.na') : nf().format(n); }
function pct(x, digits = 1) { return x === null || x === undefined ? t('db.na') : `${(x * 100).toFixed(digits)}%`; }
function fmtMetric(key, v) { return METRICS[key] && METRICS[key].rate ? pct(v) : num(v); }

// "良信村委会" -> "良信村", "红星社区居委会" -> "红星社区": the short names fit the charts.
function shortName(name) {
  return String(name || '').replace(/社区居民委员会$|社区居委会$/, '社区').replace(/村民委员会$|村委会$/, '村');
}

// ---------------------------------------------------------------- periods

const pad = (n) => String(n).padStart(2, '0');
const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function periodFor(kind, from, to) {
  // "now" as a calendar date in the server's zone (the device may be on another zone)
  const today = todayISO(0);
  const now = todayDate();
  if (kind === 'month') return { kind, from: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-01`, to: today };
  if (kind === 'lastmonth') {
    const first = new Date(now.getFullYear(), now.getMonth() - 1, 1);
    const last = new Date(now.getFullYear(), now.getMonth(), 0);
    return { kind, from: iso(first), to: iso(last) };
  }
  if (kind === 'custom' && DATE_RE.test(from || '') && DATE_RE.test(to || '') && from <= to) return { kind, from, to };
  return { kind: 'year', from: `${now.getFullYear()}-01-01`, to: today };
}

// The months of the trend charts: the period's own months, or the 12 months up to its end when it is shorter than 3.
function trendWindow(p) {
  const [y1, m1] = p.from.split('-').map(Number);
  const [y2, m2] = p.to.split('-').map(Number);
  const months = (y2 - y1) * 12 + (m2 - m1) + 1;
  if (months >= 3 && months <= 120) return { from: p.from, to: p.to };
  if (months > 120) {
    const s = new Date(y2, m2 - 120, 1);
    return { from: iso(s), to: p.to };
  }
  const s = new Date(y2, m2 - 12, 1);
  return { from: iso(s), to: p.to };
}

function readHash() {
  const q = location.hash.split('?')[1] || '';
  const sp = new URLSearchParams(q);
  return { area: sp.get('area') || '', period: periodFor(sp.get('p') || 'year', sp.get('from'), sp.get('to')) };
}

function writeHash(state, push) {
  const sp = new URLSearchParams();
  if (state.areaId) sp.set('area', state.areaId);
  sp.set('p', state.period.kind);
  if (state.period.kind === 'custom') { sp.set('from', state.period.from); sp.set('to', state.period.to); }
  const url = `#/dashboard?${sp}`;
  if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
}

// Runs fn over items with at most `limit` at once; results in order.
async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      try { out[i] = await fn(items[i], i); } catch (e) { out[i] = e instanceof Error ? e : new Error(String(e)); }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// ---------------------------------------------------------------- the page

const LEAF_LEVELS = new Set(['village', 'community', 'natural_village']);
const RECORD_ROLES = new Set(['officer', 'station_chief', 'bureau']);

export async function render(main, ctx) {
  disposeCharts();
  const state = { ...readHash(), areaId: '', seq: 0 };
  state.areaId = readHash().area;
  const aggregatesOnly = !RECORD_ROLES.has(ctx.user.role);

  const errors = errorBox();
  const sub = h('p', { class: 'page-sub db-sub' });
  const exportStatus = h('p', { class: 'db-export-status', role: 'status', 'aria-live': 'polite' });
  const exportsBar = h('div', { class: 'db-exports', role: 'group', 'aria-label': t('db.export') },
    h('span', { class: 'db-export-label' }, t('db.export.report')),
    exportButton('report-html', t('db.export.report.html'), t('db.export.report')),
    exportButton('report-xlsx', t('db.export.report.xlsx'), t('db.export.report')),
    h('span', { class: 'db-export-sep', 'aria-hidden': 'true' }),
    h('span', { class: 'db-export-label' }, t('db.export.scores')),
    exportButton('scores-xlsx', t('db.export.scores.xlsx'), t('db.export.scores')),
    exportButton('scores-csv', t('db.export.scores.csv'), t('db.export.scores')));

  // period picker
  const kinds = ['month', 'lastmonth', 'year', 'custom'];
  const kindButtons = {};
  const seg = h('div', { class: 'seg', role: 'group', 'aria-label': t('db.period') });
  for (const k of kinds) {
    kindButtons[k] = h('button', { type: 'button', class: 'seg-btn', 'aria-pressed': 'false', dataset: { period: k } }, t(`db.period.${k}`));
    kindButtons[k].addEventListener('click', () => {
      if (k === 'custom') { customForm.hidden = false; markKind('custom'); fromIn.focus(); return; }
      customForm.hidden = true;
      state.period = periodFor(k);
      writeHash(state, false);
      update();
    });
    seg.append(kindButtons[k]);
  }
  const fromIn = h('input', { type: 'date', class: 'db-date', 'aria-label': t('db.period.from'), value: state.period.from });
  const toIn = h('input', { type: 'date', class: 'db-date', 'aria-label': t('db.period.to'), value: state.period.to });
  const customErr = h('span', { class: 'db-custom-err', role: 'alert' });
  const customForm = h('form', { class: 'db-custom', hidden: state.period.kind !== 'custom' },
    fromIn, h('span', { class: 'muted', 'aria-hidden': 'true' }, '–'), toIn,
    h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('db.period.apply')), customErr);
  customForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = periodFor('custom', fromIn.value, toIn.value);
    if (p.kind !== 'custom') { customErr.textContent = t('db.period.invalid'); return; }
    customErr.textContent = '';
    state.period = p;
    writeHash(state, false);
    update();
  });
  function markKind(kind) {
    for (const k of kinds) {
      kindButtons[k].setAttribute('aria-pressed', String(k === kind));
      kindButtons[k].classList.toggle('active', k === kind);
    }
  }

  const crumbs = h('nav', { class: 'db-crumbs', 'aria-label': t('db.crumbs') });
  const body = h('div', { class: 'db-body' });

  main.append(
    pageHead(t('db.title'), exportsBar),
    sub,
    errors,
    exportStatus,
    h('div', { class: 'db-toolbar' }, crumbs, h('div', { class: 'db-period' }, seg, customForm)),
    body);

  let scope;
  try {
    scope = await loadScope();
  } catch (err) {
    showError(errors, err);
    return;
  }
  // The root: the one top area of the scope, or the whole scope (several tops) as a virtual node.
  const root = scope.tops.length === 1 ? scope.tops[0] : { id: '', name: t('db.title'), level: 'scope' };
  const childrenOf = (a) => (a.id ? scope.children.get(a.id) || [] : scope.tops);
  const inScope = (id) => scope.byId.has(id);
  function pathTo(id) {
    const path = [];
    let cur = id && inScope(id) ? scope.byId.get(id) : null;
    for (let i = 0; cur && i < 10; i += 1) {
      path.unshift(cur);
      if (cur.id === root.id || scope.tops.some((x) => x.id === cur.id)) break;
      cur = cur.parent_id ? scope.byId.get(cur.parent_id) : null;
    }
    if (!path.length || path[0].id !== root.id) path.unshift(root);
    return path;
  }
  // Villages under an area (the heat view), with the town each belongs to.
  function villagesUnder(a) {
    if (LEAF_LEVELS.has(a.level)) return [];
    const out = [];
    const walk = (node, depth) => {
      for (const c of childrenOf(node)) {
        if (LEAF_LEVELS.has(c.level)) out.push(c);
        else if (depth < 6) walk(c, depth + 1);
      }
    };
    walk(a, 0);
    return out;
  }

  function drill(id) {
    if (id === state.areaId) return;
    state.areaId = id;
    writeHash(state, true);
    update();
    window.scrollTo({ top: 0 });
  }

  // -------------------------------------------------------------- exports
  function exportButton(kind, label, group) {
    const b = h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { export: kind }, 'aria-label': `${group} ${label}` }, label);
    b.addEventListener('click', () => doExport(kind, b));
    return b;
  }
  async function doExport(kind, btn) {
    const p = state.period;
    const month = p.to.slice(0, 7);
    const area = state.areaId || undefined;
    let path;
    if (kind === 'report-html') path = `/reports/monthly${qs({ area_id: area, month, format: 'html' })}`;
    else if (kind === 'report-xlsx') path = `/reports/monthly${qs({ area_id: area, month, format: 'xlsx' })}`;
    else path = `/exports/assistant-scores${qs({ area_id: area, from: p.from, to: p.to, format: kind === 'scores-csv' ? 'csv' : 'xlsx' })}`;
    const url = `/api/v1${path}`;
    btn.disabled = true;
    exportStatus.textContent = t('db.export.busy');
    showError(errors, null);
    try {
      const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
      if (!res.ok) {
        let data = null;
        try { data = await res.json(); } catch (_) { /* not JSON */ }
        if (res.status === 404 || res.status === 405 || res.status === 501) throw new Error('unavailable');
        throw new ApiError(res.status, data, null);
      }
      if (kind === 'report-html') {
        exportStatus.textContent = kind === 'report-html' ? t('db.export.month', { month }) : '';
        window.open(url, '_blank', 'noopener');
        return;
      }
      const blob = await res.blob();
      const cd = res.headers.get('Content-Disposition') || '';
      const m = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(cd);
      const name = m ? decodeURIComponent(m[1] || m[2]) : `${kind.startsWith('report') ? `report-${month}` : `assistant-scores-${p.from}-${p.to}`}.${kind.endsWith('csv') ? 'csv' : 'xlsx'}`;
      const href = URL.createObjectURL(blob);
      const a = h('a', { href, download: name, class: 'sr-only' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10000);
      exportStatus.textContent = t('db.export.done', { name });
    } catch (err) {
      exportStatus.textContent = '';
      if (err instanceof ApiError) showError(errors, err);
      else showError(errors, t('db.export.unavailable'));
    } finally {
      btn.disabled = false;
    }
  }

  // -------------------------------------------------------------- one view of an area and a period
  async function update() {
    disposeCharts();
    const my = ++state.seq;
    const alive = () => my === state.seq && body.isConnected;
    const period = state.period;
    markKind(period.kind);
    fromIn.value = period.from;
    toIn.value = period.to;
    const path = pathTo(state.areaId);
    const area = path[path.length - 1];
    if (state.areaId && area.id !== state.areaId) state.areaId = area.id;
    const areaParam = area.id || undefined;
    const leaf = LEAF_LEVELS.has(area.level);
    const kids = leaf ? [] : childrenOf(area);

    sub.textContent = t('db.sub', { area: path.filter((a) => a.level !== 'scope').map((a) => a.name).join(' · ') || area.name, from: period.from, to: period.to });
    crumbs.replaceChildren(h('ol', null, path.map((a, i) => h('li', null,
      i === path.length - 1
        ? h('span', { class: 'db-crumb-current', 'aria-current': 'page' }, a.name, a.level !== 'scope' ? h('span', { class: 'db-crumb-level' }, levelLabel(a.level)) : null)
        : h('button', { type: 'button', class: 'db-crumb', onclick: () => drill(a.id) }, a.name)))));
    showError(errors, null);

    // Sections
    const cards = h('section', { class: 'db-cards', 'aria-label': t('db.cards'), 'aria-busy': 'true' }, loading());
    const trendD = chartBox('chart-trend', t('db.trend.disputes'));
    const trendW = chartBox('chart-trend', t('db.trend.work'));
    const tw = trendWindow(period);
    const trends = panel(t('db.trend.title'), t('db.trend.sub', { from: tw.from.slice(0, 7), to: tw.to.slice(0, 7) }), null,
      h('div', { class: 'db-grid-2' },
        h('div', { class: 'db-chart-cell' }, h('h3', { class: 'db-chart-title' }, t('db.trend.disputes')), trendD),
        h('div', { class: 'db-chart-cell' }, h('h3', { class: 'db-chart-title' }, t('db.trend.work')), trendW)));

    const parts = [cards, trends];
    let cmp = null;
    if (kids.length) {
      const childLevel = kids[0].level;
      cmp = { metric: 'disputes.screened', select: metricSelect('db-cmp-metric', t('db.cmp.metric'), 'disputes.screened') };
      cmp.chart = chartBox('chart-cmp', t('db.cmp.chart', { metric: t('db.m.disputes.screened') }));
      cmp.table = h('div', { class: 'db-cmp-table' }, loading());
      const title = LEAF_LEVELS.has(childLevel) ? t('db.cmp.title.villages') : t('db.cmp.title', { level: levelLabel(childLevel) });
      cmp.section = panel(title, LEAF_LEVELS.has(childLevel) ? t('db.cmp.hint.leaf') : t('db.cmp.hint'), cmp.select.wrap,
        h('div', { class: 'db-cmp' }, h('div', { class: 'db-cmp-chart' }, cmp.chart), cmp.table));
      cmp.section.classList.add('db-section-cmp');
      parts.push(cmp.section);
    }
    let heat = null;
    const villages = villagesUnder(area);
    if (villages.length > 1) {
      heat = { metric: 'disputes.screened', select: metricSelect('db-heat-metric', t('db.heat.metric'), 'disputes.screened') };
      heat.chart = chartBox('chart-heat', t('db.heat.chart'));
      heat.legend = h('div', { class: 'heat-legend', 'aria-hidden': 'true' });
      heat.section = panel(t('db.heat.title'), t('db.heat.sub'), heat.select.wrap, heat.chart, heat.legend);
      parts.push(heat.section);
    }
    const hbBody = h('div', { class: 'db-hb' }, loading());
    const gapBody = h('div', { class: 'db-gaps' }, loading());
    parts.push(h('div', { class: 'db-grid-2 db-row' },
      panel(t('db.hb.title'), null, null, hbBody),
      panel(t('db.gap.title'), null, null, gapBody)));
    if (leaf) parts.push(recordsPanel(area, aggregatesOnly));
    const scBody = h('div', { class: 'db-scorecard' }, loading());
    parts.push(panel(t('db.sc.title'), t('db.sc.sub'), null, scBody));
    body.replaceChildren(...parts);

    // Summary -> cards and the household picture
    const summaryP = get('/stats/summary', { area_id: areaParam, from: period.from, to: period.to });
    summaryP.then((s) => {
      if (!alive()) return;
      cards.replaceChildren(...summaryCards(s));
      cards.removeAttribute('aria-busy');
      hbBody.replaceChildren(...householdPicture(s, aggregatesOnly));
      const gauge = hbBody.querySelector('.chart-gauge');
      if (gauge) drawGauge(gauge, s.household.on_time_rate);
    }).catch((err) => {
      if (!alive()) return;
      cards.replaceChildren();
      cards.removeAttribute('aria-busy');
      hbBody.replaceChildren();
      showError(errors, err);
    });

    // Trends
    const trendMetrics = ['disputes.screened', 'disputes.resolved', 'disputes.mediation_rate', 'intel.valid', 'help_education', 'visits', 'household.completed'];
    Promise.all(trendMetrics.map((m) => get('/stats/series', { metric: m, area_id: areaParam, from: tw.from, to: tw.to, bucket: 'month' })))
      .then((series) => {
        if (!alive()) return;
        const by = Object.fromEntries(series.map((s, i) => [trendMetrics[i], s.points || []]));
        const periods = by['disputes.screened'].map((p) => p.period);
        drawTrendDisputes(trendD, periods, by);
        drawTrendWork(trendW, periods, by);
      })
      .catch((err) => {
        if (!alive()) return;
        trendD.replaceChildren(h('p', { class: 'chart-msg' }, errorText(err)));
        trendW.replaceChildren();
      });

    // Comparison of the sub-areas
    if (cmp) {
      pool(kids, 5, (a) => get('/stats/summary', { area_id: a.id, from: period.from, to: period.to })).then((results) => {
        if (!alive()) return;
        const rows = kids.map((a, i) => ({ area: a, s: results[i] instanceof Error ? null : results[i] }));
        const failed = results.find((r) => r instanceof Error);
        if (failed) showError(errors, failed);
        const draw = async () => {
          cmp.chart.setAttribute('aria-label', t('db.cmp.chart', { metric: t(`db.m.${cmp.metric}`) }));
          await drawComparison(cmp, rows, drill);
        };
        cmp.table.replaceChildren(comparisonTable(rows, drill));
        cmp.select.input.addEventListener('change', () => { cmp.metric = cmp.select.input.value; draw(); });
        draw();
      });
    }

    // Heat view
    if (heat) {
      pool(villages, 6, (a) => get('/stats/summary', { area_id: a.id, from: period.from, to: period.to })).then((results) => {
        if (!alive()) return;
        const sums = new Map(villages.map((v, i) => [v.id, results[i] instanceof Error ? null : results[i]]));
        const draw = () => drawHeat(heat, area, villages, sums, childrenOf, drill);
        heat.select.input.addEventListener('change', () => { heat.metric = heat.select.input.value; draw(); });
        draw();
      });
    }

    // Villages without an assistant, within the current area
    listAll('/assistants/coverage').then((items) => {
      if (!alive()) return;
      const under = new Set(leaf ? [area.id] : villagesUnder(area).map((v) => v.id));
      const mine = area.level === 'scope' ? items : items.filter((v) => under.has(v.id));
      gapBody.replaceChildren(...coverageList(mine, scope, aggregatesOnly));
    }).catch((err) => {
      if (!alive()) return;
      gapBody.replaceChildren(h('p', { class: 'muted' }, errorText(err)));
    });

    // Scorecard
    get('/stats/assistants', { area_id: areaParam, from: period.from, to: period.to }).then((data) => {
      if (!alive()) return;
      scBody.replaceChildren(scorecard((data && data.items) || []));
    }).catch((err) => {
      if (!alive()) return;
      scBody.replaceChildren(h('p', { class: 'muted' }, errorText(err)));
    });

    await summaryP.catch(() => null);
  }

  await update();
}

// ---------------------------------------------------------------- building blocks

let panelSeq = 0;
function panel(title, subtitle, tools, ...children) {
  panelSeq += 1;
  const id = `db-panel-${panelSeq}`;
  return h('section', { class: 'card db-panel', 'aria-labelledby': id },
    h('div', { class: 'db-panel-head' },
      h('div', { class: 'db-panel-titles' },
        h('h2', { class: 'card-title', id }, title),
        subtitle ? h('p', { class: 'db-panel-sub' }, subtitle) : null),
      tools ? h('div', { class: 'db-panel-tools' }, tools) : null),
    children);
}

function metricSelect(id, label, value) {
  const input = h('select', { id: `${id}-${panelSeq + 1}`, class: 'db-select' },
    CMP_METRICS.map((m) => h('option', { value: m, selected: m === value }, t(`db.m.${m}`))));
  const wrap = h('label', { class: 'db-select-wrap', for: input.id }, h('span', { class: 'db-select-label' }, label), input);
  return { input, wrap };
}

function kpi({ label, value, unit, sub, cls = '', change = null, key }) {
  return h('div', { class: `kpi ${cls}`.trim(), dataset: { kpi: key } },
    h('p', { class: 'kpi-label' }, label),
    h('p', { class: 'kpi-value' }, h('span', { class: 'kpi-num' }, value), unit ? h('small', null, unit) : null),
    change,
    sub ? h('p', { class: 'kpi-sub' }, sub) : null);
}

// A change chip. `goodWhenUp` decides the colour; points (percentage points) or a ratio.
function changeChip(value, { points = false, goodWhenUp = true } = {}) {
  if (value === null || value === undefined) return h('p', { class: 'kpi-change kpi-change-none' }, t('db.change.none'));
  const n = points ? Math.abs(value).toFixed(1) + (getLang() === 'zh' ? ` ${t('db.unit.points')}` : ` ${t('db.unit.points')}`) : `${(Math.abs(value) * 100).toFixed(1)}%`;
  if (Math.abs(value) < 1e-9) return h('p', { class: 'kpi-change kpi-change-flat' }, t('db.change.flat'));
  const up = value > 0;
  const good = up === goodWhenUp;
  return h('p', { class: `kpi-change ${good ? 'kpi-change-good' : 'kpi-change-bad'}` },
    h('span', { class: 'kpi-arrow', 'aria-hidden': 'true' }, up ? '▲' : '▼'),
    t(up ? 'db.change.up' : 'db.change.down', { n }));
}

function summaryCards(s) {
  const out = [];
  const u = (k) => t(k) || null;
  if (s.cases_assisted) {
    const c = s.cases_assisted;
    out.push(kpi({ key: 'cases', label: t('db.card.cases'), value: num(c.public_security + c.criminal), unit: u('db.unit.case'), sub: t('db.card.cases.sub', { ps: num(c.public_security), cr: num(c.criminal) }), cls: 'kpi-blue' }));
  }
  if (s.disputes) {
    const d = s.disputes;
    out.push(kpi({ key: 'disputes', label: t('db.card.disputes'), value: num(d.resolved), unit: u('db.unit.case'), sub: t('db.card.disputes.sub', { s: num(d.screened), r: num(d.resolved), o: num(d.open) }), cls: 'kpi-teal' }));
    out.push(kpi({ key: 'rate', label: t('db.card.rate'), value: pct(d.mediation_rate), sub: t('db.card.rate.sub', { prev: pct(d.previous_rate) }), change: changeChip(d.rate_change_points, { points: true }), cls: 'kpi-teal' }));
  }
  if (s.intel) {
    out.push(kpi({ key: 'intel', label: t('db.card.intel'), value: num(s.intel.valid), unit: u('db.unit.item'), sub: t('db.card.intel.sub', { n: num(s.intel.reported) }), cls: 'kpi-violet' }));
  }
  if (s.help_education !== undefined) {
    out.push(kpi({ key: 'help', label: t('db.card.help'), value: num(s.help_education), unit: u('db.unit.person'), sub: t('db.card.help.sub', { v: num(s.visits), p: num(s.publicity_sessions) }), cls: 'kpi-green' }));
  }
  if (s.household) {
    const hb = s.household;
    out.push(kpi({ key: 'hb', label: t('db.card.hb'), value: num(hb.completed), unit: u('db.unit.piece'), sub: t('db.card.hb.sub', { rate: pct(hb.on_time_rate), n: num(hb.submitted) }), cls: 'kpi-amber' }));
    out.push(kpi({ key: 'overdue', label: t('db.card.overdue'), value: num(hb.open_overdue), unit: u('db.unit.piece'), sub: t('db.card.overdue.sub'), cls: hb.open_overdue > 0 ? 'kpi-red kpi-alert' : 'kpi-red' }));
  }
  if (s.incidents) {
    const i = s.incidents;
    const v = i.yoy_change;
    out.push(kpi({ key: 'yoy', label: t('db.card.yoy'), value: v === null || v === undefined ? t('db.na') : `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)}%`, sub: t('db.card.yoy.sub', { n: num(i.count), p: num(i.previous_year_count) }), change: changeChip(v, { goodWhenUp: false }), cls: 'kpi-slate' }));
  }
  return out;
}

function householdPicture(s, aggregatesOnly) {
  const hb = s.household;
  if (!hb) return [];
  return [
    h('div', { class: 'db-hb-gauge' },
      h('div', { class: 'chart chart-gauge', role: 'img', 'aria-label': `${t('db.hb.rate')} ${pct(hb.on_time_rate)}` }),
      h('p', { class: 'db-hb-gauge-label' }, hb.completed ? t('db.hb.rate') : t('db.hb.no_completed'))),
    h('dl', { class: 'db-hb-facts' },
      fact(t('db.hb.submitted'), num(hb.submitted)),
      fact(t('db.hb.completed'), num(hb.completed)),
      fact(t('db.hb.ontime'), num(hb.completed_on_time)),
      fact(t('db.hb.overdue'), num(hb.open_overdue), hb.open_overdue > 0 ? 'db-fact-bad' : ''),
      !aggregatesOnly && hb.open_overdue > 0 ? h('div', { class: 'db-fact db-fact-link' }, h('a', { href: '#/hb?tab=overdue' }, t('db.hb.open_overdue_link'))) : null),
  ];
}

function fact(k, v, cls = '') {
  return h('div', { class: `db-fact ${cls}`.trim() }, h('dt', null, k), h('dd', null, v));
}

function coverageList(items, scope, aggregatesOnly) {
  if (!items.length) return [h('p', { class: 'empty ok' }, t('db.gap.none'))];
  const byTown = new Map();
  for (const v of items) {
    const a = scope.byId.get(v.id) || v;
    const town = a.parent_id && scope.byId.get(a.parent_id);
    const key = town ? town.name : '';
    if (!byTown.has(key)) byTown.set(key, []);
    byTown.get(key).push(v);
  }
  return [
    h('p', { class: 'db-gap-count' }, t('db.gap.count', { n: num(items.length) })),
    h('ul', { class: 'db-gap-list' }, [...byTown].map(([town, vs]) => h('li', null,
      town ? h('span', { class: 'db-gap-town' }, town) : null,
      h('span', { class: 'db-gap-villages' }, vs.map((v) => h('span', { class: 'chip' }, shortName(v.name))))))),
    aggregatesOnly ? null : h('p', null, h('a', { href: '#/assistants?tab=gaps' }, t('db.gap.link'))),
  ];
}

function recordsPanel(area, aggregatesOnly) {
  if (aggregatesOnly) return panel(t('db.rec.title'), null, null, h('p', { class: 'muted' }, t('db.rec.aggregate')));
  const has = (route) => Boolean(document.querySelector(`.sidebar a[href="#/${route}"]`));
  const v = encodeURIComponent(area.id);
  const links = [
    ['disputes', `#/disputes?village_id=${v}`, 'db.rec.disputes'],
    ['intel', `#/intel?village_id=${v}`, 'db.rec.intel'],
    ['visits', `#/visits?village_id=${v}`, 'db.rec.visits'],
    ['hb', `#/hb?tab=all&village_id=${v}`, 'db.rec.hb'],
  ].filter(([route]) => has(route));
  return panel(t('db.rec.title'), t('db.rec.sub'), null,
    h('div', { class: 'db-rec-links' }, links.map(([, href, key]) => h('a', { class: 'btn btn-secondary', href }, t(key)))));
}

function comparisonTable(rows, drill) {
  const cols = [
    ['disputes.screened', t('db.m.disputes.screened')],
    ['disputes.mediation_rate', t('db.m.disputes.mediation_rate')],
    ['intel.valid', t('db.m.intel.valid')],
    ['household.completed', t('db.m.household.completed')],
    ['household.open_overdue', t('db.m.household.open_overdue')],
  ];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table db-table' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('db.cmp.col.area')), cols.map(([, l]) => h('th', { scope: 'col', class: 'num' }, l)))),
    h('tbody', null, rows.map((r) => h('tr', null,
      h('th', { scope: 'row' }, h('button', { type: 'button', class: 'db-drill', dataset: { areaId: r.area.id }, 'aria-label': t('db.cmp.open', { name: r.area.name }), onclick: () => drill(r.area.id) }, shortName(r.area.name))),
      cols.map(([k]) => h('td', { class: `num ${k === 'household.open_overdue' && metricValue(k, r.s) > 0 ? 'db-bad' : ''}`.trim() }, fmtMetric(k, metricValue(k, r.s)))))))));
}

function sortIcon(dir) { return dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : '↕'; }

function scorecard(items) {
  if (!items.length) return h('p', { class: 'empty' }, t('db.sc.empty'));
  const cols = [
    { key: 'name', label: t('db.sc.col.name'), get: (r) => r.name || '', text: true },
    { key: 'village', label: t('db.sc.col.village'), get: (r) => shortName(r.village_name || ''), text: true },
    { key: 'disputes', label: t('db.sc.col.disputes'), get: (r) => (r.disputes ? r.disputes.screened : 0) },
    { key: 'resolved', label: t('db.sc.col.resolved'), get: (r) => (r.disputes ? r.disputes.resolved : 0) },
    { key: 'intel', label: t('db.sc.col.intel'), get: (r) => (r.intel ? r.intel.reported : 0) },
    { key: 'valid', label: t('db.sc.col.valid'), get: (r) => (r.intel ? r.intel.valid : 0) },
    { key: 'help', label: t('db.sc.col.help'), get: (r) => r.help_education || 0 },
    { key: 'visits', label: t('db.sc.col.visits'), get: (r) => r.visits || 0 },
    { key: 'publicity', label: t('db.sc.col.publicity'), get: (r) => r.publicity_sessions || 0 },
    { key: 'hb', label: t('db.sc.col.hb'), get: (r) => r.household_submitted || 0 },
    { key: 'cases', label: t('db.sc.col.cases'), get: (r) => r.cases_assisted || 0 },
    { key: 'score', label: t('db.sc.col.score'), get: (r) => Number(r.score) || 0 },
  ];
  // Rank by score (ties share a rank), independent of the display order.
  const byScore = [...items].sort((a, b) => (Number(b.score) || 0) - (Number(a.score) || 0));
  const rank = new Map();
  byScore.forEach((r, i) => rank.set(r, i > 0 && Number(r.score) === Number(byScore[i - 1].score) ? rank.get(byScore[i - 1]) : i + 1));
  const LIMIT = 15;
  let sortKey = 'score';
  let dir = 'descending';
  let expanded = false;
  const headRow = h('tr');
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'btn btn-secondary btn-small', hidden: items.length <= LIMIT });
  const wrap = h('div', null,
    h('div', { class: 'table-wrap' }, h('table', { class: 'data-table db-table db-sc-table' }, h('caption', { class: 'sr-only' }, t('db.sc.title')), h('thead', null, headRow), tbody)),
    h('div', { class: 'list-actions' }, h('p', { class: 'muted list-foot' }, t('common.total', { n: items.length })), more));
  more.addEventListener('click', () => { expanded = !expanded; draw(); });
  function draw() {
    headRow.replaceChildren(h('th', { scope: 'col', class: 'num db-rank' }, t('db.sc.col.rank')), ...cols.map((c) => {
      const active = c.key === sortKey;
      return h('th', { scope: 'col', class: c.text ? '' : 'num', 'aria-sort': active ? dir : null },
        h('button', { type: 'button', class: `db-sort ${active ? 'active' : ''}`.trim(), 'aria-label': t('db.sc.sort', { col: c.label }), onclick: () => {
          if (sortKey === c.key) dir = dir === 'descending' ? 'ascending' : 'descending';
          else { sortKey = c.key; dir = c.text ? 'ascending' : 'descending'; }
          draw();
        } }, c.label, h('span', { class: 'db-sort-icon', 'aria-hidden': 'true' }, sortIcon(active ? dir : null))));
    }));
    const col = cols.find((c) => c.key === sortKey);
    const sorted = [...items].sort((a, b) => {
      const x = col.get(a);
      const y = col.get(b);
      const c = col.text ? String(x).localeCompare(String(y), 'zh-CN') : x - y;
      return (dir === 'ascending' ? c : -c) || (Number(b.score) || 0) - (Number(a.score) || 0);
    });
    const shown = expanded ? sorted : sorted.slice(0, LIMIT);
    tbody.replaceChildren(...shown.map((r) => h('tr', { class: r.low_volume ? 'db-low' : '' },
      h('td', { class: 'num db-rank', 'data-label': t('db.sc.col.rank') }, String(rank.get(r))),
      cols.map((c) => h('td', { class: c.key === 'name' ? 'db-sc-name' : c.text ? '' : 'num', 'data-label': c.label },
        c.key === 'name' ? [h('strong', null, r.name || ''), r.low_volume ? h('span', { class: 'tag tag-low', title: t('db.sc.low.title') }, t('db.sc.low')) : null]
          : c.key === 'score' ? h('span', { class: 'db-score' }, (Number(r.score) || 0).toFixed(1))
            : c.text ? c.get(r) : num(c.get(r)))))));
    more.textContent = expanded ? t('db.sc.less') : t('db.sc.more', { n: items.length });
  }
  draw();
  return wrap;
}

// ---------------------------------------------------------------- charts

const AXIS = { axisLine: { lineStyle: { color: '#c4ccd8' } }, axisLabel: { color: '#55606e' }, splitLine: { lineStyle: { color: '#eef1f5' } } };
const TOOLTIP = { trigger: 'axis', backgroundColor: 'rgba(255,255,255,.97)', borderColor: '#dfe3ea', textStyle: { color: '#1f2329' }, confine: true };

function monthLabel(p) { return getLang() === 'zh' ? `${Number(p.slice(5, 7))}月` : p.slice(2).replace('-', '/'); }
function yearSpans(periods) { return new Set(periods.map((p) => p.slice(0, 4))).size > 1; }

function drawTrendDisputes(box, periods, by) {
  const labels = periods.map((p) => (yearSpans(periods) ? `${p.slice(2, 4)}/${p.slice(5, 7)}` : monthLabel(p)));
  const vals = (k) => (by[k] || []).map((p) => p.value);
  chartIn(box, {
    grid: { left: 40, right: 48, top: 36, bottom: 28 },
    legend: { top: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 8, textStyle: { color: '#3d4754' } },
    tooltip: { ...TOOLTIP, valueFormatter: undefined, formatter: (ps) => tooltipHtml(ps) },
    xAxis: { type: 'category', data: labels, ...AXIS, splitLine: { show: false } },
    yAxis: [
      { type: 'value', minInterval: 1, ...AXIS },
      { type: 'value', min: 0, max: 100, axisLabel: { color: '#55606e', formatter: '{value}%' }, splitLine: { show: false } },
    ],
    series: [
      { name: t('db.m.disputes.screened'), type: 'bar', barMaxWidth: 18, data: vals('disputes.screened'), itemStyle: { color: '#9db7e0', borderRadius: [3, 3, 0, 0] } },
      { name: t('db.m.disputes.resolved'), type: 'bar', barMaxWidth: 18, data: vals('disputes.resolved'), itemStyle: { color: '#1a4fa0', borderRadius: [3, 3, 0, 0] } },
      { name: t('db.m.disputes.mediation_rate'), type: 'line', yAxisIndex: 1, connectNulls: true, symbolSize: 6, data: vals('disputes.mediation_rate').map((v) => (v === null ? null : Math.round(v * 1000) / 10)), itemStyle: { color: '#e39b1b' }},
    ],
  });
}

function tooltipHtml(ps) {
  // ECharts renders this string as markup inside its tooltip; every part is a number or one of our own labels.
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const head = ps.length ? esc(ps[0].axisValueLabel) : '';
  return [head, ...ps.map((p) => `${p.marker}${esc(p.seriesName)}&nbsp;&nbsp;<b>${p.value === null || p.value === undefined ? '—' : esc(p.value)}${p.seriesName === t('db.m.disputes.mediation_rate') ? '%' : ''}</b>`)].join('<br>');
}

function drawTrendWork(box, periods, by) {
  const labels = periods.map((p) => (yearSpans(periods) ? `${p.slice(2, 4)}/${p.slice(5, 7)}` : monthLabel(p)));
  const line = (k, color) => ({ name: t(`db.m.${k}`), type: 'line', symbolSize: 6, data: (by[k] || []).map((p) => p.value), itemStyle: { color }, lineStyle: { width: 2 } });
  chartIn(box, {
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    legend: { top: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 8, textStyle: { color: '#3d4754' } },
    tooltip: { ...TOOLTIP, formatter: (ps) => tooltipHtml(ps) },
    xAxis: { type: 'category', data: labels, boundaryGap: false, ...AXIS, splitLine: { show: false } },
    yAxis: { type: 'value', minInterval: 1, ...AXIS },
    series: [line('intel.valid', '#7b5bc4'), line('help_education', '#2e9d6a'), line('visits', '#2a8fb8'), line('household.completed', '#e39b1b')],
  });
}

async function drawComparison(cmp, rows, drill) {
  const key = cmp.metric;
  const rate = METRICS[key].rate;
  const data = rows.map((r) => ({ name: shortName(r.area.name), areaId: r.area.id, value: metricValue(key, r.s) }))
    .map((d) => ({ ...d, value: d.value === null ? null : rate ? Math.round(d.value * 1000) / 10 : d.value }))
    .sort((a, b) => (a.value ?? -1) - (b.value ?? -1));
  // The height follows the number of bars, through size classes (no inline styles under our CSP).
  const size = data.length <= 6 ? 's' : data.length <= 12 ? 'm' : data.length <= 20 ? 'l' : 'xl';
  for (const x of ['s', 'm', 'l', 'xl']) cmp.chart.classList.toggle(`chart-h-${x}`, x === size);
  const existing = [...charts].find((c) => c.getDom() === cmp.chart && !c.isDisposed());
  if (existing) { charts.delete(existing); existing.dispose(); }
  const color = METRICS[key].bad ? '#d2553f' : '#1a4fa0';
  const chart = await chartIn(cmp.chart, {
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', confine: true, backgroundColor: 'rgba(255,255,255,.97)', borderColor: '#dfe3ea', textStyle: { color: '#1f2329' },
      formatter: (p) => `${String(p.name).replace(/[&<>"']/g, '')}<br><b>${p.value === null || p.value === undefined ? '—' : p.value}${rate ? '%' : ''}</b>` },
    xAxis: { type: 'value', minInterval: rate ? 0 : 1, max: rate ? 100 : null, ...AXIS, axisLabel: { color: '#55606e', formatter: rate ? '{value}%' : '{value}' } },
    yAxis: { type: 'category', data: data.map((d) => d.name), axisTick: { show: false }, axisLine: { lineStyle: { color: '#c4ccd8' } }, axisLabel: { color: '#1f2329', fontSize: 13 }, triggerEvent: true },
    series: [{
      type: 'bar', barMaxWidth: 16, cursor: 'pointer',
      data: data.map((d) => ({ value: d.value, areaId: d.areaId })),
      itemStyle: { color, borderRadius: [0, 3, 3, 0] },
      emphasis: { itemStyle: { color: METRICS[key].bad ? '#a63a27' : '#0e2f63' } },
      label: { show: true, position: 'right', color: '#3d4754', formatter: (p) => (p.value === null || p.value === undefined ? '—' : `${p.value}${rate ? '%' : ''}`) },
      showBackground: true, backgroundStyle: { color: '#f3f5f9', borderRadius: [0, 3, 3, 0] },
    }],
  });
  if (!chart) return;
  chart.on('click', (p) => {
    if (p.componentType === 'series' && p.data && p.data.areaId) drill(p.data.areaId);
    else if (p.componentType === 'yAxis') {
      const d = data.find((x) => x.name === p.value);
      if (d) drill(d.areaId);
    }
  });
}

// A sequential blue scale from light to deep.
const HEAT = ['#eef3fb', '#c9d8f0', '#93b2e2', '#5b86c9', '#2d5fae', '#133c7c'];
function heatColor(v, max) {
  if (v === null || v === undefined) return '#f1f2f4';
  if (max <= 0) return HEAT[0];
  const i = Math.min(HEAT.length - 1, Math.max(0, Math.ceil((v / max) * (HEAT.length - 1))));
  return HEAT[i];
}

function drawHeat(heat, area, villages, sums, childrenOf, drill) {
  const key = heat.metric;
  const rate = METRICS[key].rate;
  const values = villages.map((v) => metricValue(key, sums.get(v.id))).filter((x) => x !== null);
  const max = rate ? 1 : Math.max(0, ...values);
  const leafNode = (v) => {
    const val = metricValue(key, sums.get(v.id));
    const color = heatColor(val, max);
    const dark = HEAT.indexOf(color) >= 3;
    return {
      name: shortName(v.name), value: 1, figure: val, areaId: v.id,
      itemStyle: { color },
      label: { color: dark ? '#ffffff' : '#1f2329' },
    };
  };
  const ids = new Set(villages.map((v) => v.id));
  let data;
  const groups = childrenOf(area).filter((c) => !LEAF_LEVELS.has(c.level));
  if (groups.length) {
    data = groups.map((g) => {
      const vs = villages.filter((v) => v.parent_id === g.id && ids.has(v.id));
      return { name: shortName(g.name), areaId: g.id, value: vs.length, children: vs.map(leafNode) };
    }).filter((g) => g.children.length);
  } else {
    data = villages.map(leafNode);
  }
  heat.legend.replaceChildren(
    h('span', null, t('db.heat.low')),
    h('span', { class: 'heat-scale' }, HEAT.map((c, i) => h('span', { class: `heat-step heat-step-${i}` }))),
    h('span', null, t('db.heat.high')),
    h('span', { class: 'heat-range' }, `${fmtMetric(key, 0)} – ${fmtMetric(key, max)}`));
  const existing = [...charts].find((c) => c.getDom() === heat.chart && !c.isDisposed());
  if (existing) { charts.delete(existing); existing.dispose(); }
  chartIn(heat.chart, {
    tooltip: { confine: true, backgroundColor: 'rgba(255,255,255,.97)', borderColor: '#dfe3ea', textStyle: { color: '#1f2329' },
      formatter: (p) => {
        const d = p.data || {};
        const esc = (s) => String(s).replace(/[&<>"']/g, '');
        if (d.children) return `${esc(d.name)}`;
        return `${esc(d.name)}<br>${esc(t(`db.m.${key}`))}&nbsp;&nbsp;<b>${esc(fmtMetric(key, d.figure))}</b>`;
      } },
    series: [{
      type: 'treemap', roam: false, nodeClick: false, breadcrumb: { show: false },
      width: '100%', height: '100%', top: 0, left: 0, right: 0, bottom: 0, squareRatio: 0.6,
      label: { show: true, fontSize: 12, formatter: (p) => `${p.name}\n${fmtMetric(key, p.data.figure)}`, lineHeight: 16 },
      upperLabel: { show: true, height: 24, color: '#ffffff', fontWeight: 'bold', fontSize: 13 },
      levels: groups.length
        ? [{ itemStyle: { borderColor: '#ffffff', borderWidth: 0, gapWidth: 4 } },
          { itemStyle: { borderColor: '#0e2f63', borderWidth: 3, gapWidth: 1 }, upperLabel: { show: true } },
          { itemStyle: { borderColor: '#ffffff', borderWidth: 1, gapWidth: 0 } }]
        : [{ itemStyle: { borderColor: '#ffffff', borderWidth: 0, gapWidth: 2 } }, { itemStyle: { borderColor: '#ffffff', borderWidth: 1 } }],
      data,
    }],
  }).then((chart) => {
    if (!chart) return;
    chart.on('click', (p) => { if (p.data && p.data.areaId) drill(p.data.areaId); });
  });
}

function drawGauge(box, rate) {
  const v = rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10;
  const color = v === null ? '#c4ccd8' : v >= 95 ? '#2e9d6a' : v >= 80 ? '#e39b1b' : '#d2553f';
  chartIn(box, {
    series: [{
      type: 'gauge', startAngle: 210, endAngle: -30, min: 0, max: 100, radius: '92%', center: ['50%', '58%'],
      progress: { show: true, width: 14, roundCap: true, itemStyle: { color } },
      axisLine: { lineStyle: { width: 14, color: [[1, '#eef1f5']] }, roundCap: true },
      axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false }, pointer: { show: false }, anchor: { show: false },
      title: { show: false },
      detail: { valueAnimation: false, offsetCenter: [0, '8%'], fontSize: 26, fontWeight: 800, color: '#1f2329', formatter: () => (v === null ? '—' : `${v.toFixed(1)}%`) },
      data: [{ value: v === null ? 0 : v }],
    }],
  });
}
