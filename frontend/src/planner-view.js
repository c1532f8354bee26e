// planner-view.js renders the planner's workspace from its state.
import {apiURL} from './api.js';
import {append, clear, h} from './dom.js';
import {count} from './format.js';
import {lang, t} from './i18n.js';
import {refusal} from './notice.js';
import {accessSteps, gapIndicators} from './planner-layers.js';
import {openLoginDialog} from './session.js';

// maxGapRows is how many gaps the table lists; the exports hold all.
const maxGapRows = 30;

// mainKeys are the indicators of the per-unit table, one per plan number.
const mainKeys = ['shelter_per_capita', 'fire_coverage', 'warning_coverage', 'relief_reach'];

// comparisons are the targets' relations as signs.
const comparisons = {'>=': '≥', '<=': '≤', '>': '>', '<': '<'};

// value words an indicator's value with its unit: shares as percentages.
function value(ind, v = ind.value) {
  if (v === null || v === undefined) return '—';
  if (ind.unit === 'share') return `${(v * 100).toFixed(1)}%`;
  const unit = lang() === 'en' ? ind.unit.replace('/人', '/resident') : ind.unit;
  return `${Number(v).toLocaleString(lang(), {maximumFractionDigits: 2})} ${unit}`;
}

// renderPlanner draws the workspace.
export function renderPlanner(el, state, actions, {session}) {
  const top = el.scrollTop;
  const can = session.can('analyse');
  append(clear(el), [
    h('div', {class: 'card-head'},
      h('h2', {class: 'panel-title'}, t('planner.title')),
      h('div', {class: 'spacer'}),
      h('button', {type: 'button', class: 'small', id: 'planner-print', onclick: actions.print}, `⎙ ${t('planner.print')}`)),
    h('p', {class: 'muted'}, t('planner.intro')),
    can ? null : h('div', {class: 'callout'}, h('p', {}, t('planner.login')),
      session.me.authenticated ? null : h('button', {type: 'button', class: 'primary', id: 'planner-login', onclick: () => openLoginDialog(session)}, t('session.login'))),
    indicators(state),
    can ? gaps(state, actions) : null,
    can ? access(state, actions) : null,
    can ? sites(state, actions) : null,
  ]);
  el.scrollTop = top;
}

// gauge is one district indicator against its target.
function gauge(ind) {
  const lower = ind.comparison === '<=';
  const share = ind.target ? Math.max(0, Math.min(1, lower ? ind.target / Math.max(ind.value, 1e-9) : ind.value / ind.target)) : 0;
  return h('div', {class: `gauge ${ind.pass ? 'pass' : 'fail'}`, dataset: {key: ind.key}},
    h('div', {class: 'gauge-head'},
      h('span', {class: 'gauge-number'}, `#${ind.number}`),
      h('span', {class: 'gauge-title'}, ind.title),
      h('span', {class: 'gauge-state'}, ind.pass ? t('planner.pass') : t('planner.fail'))),
    h('div', {class: 'gauge-value'}, value(ind), h('small', {}, ` ${t('planner.target', {t: `${comparisons[ind.comparison] ?? ind.comparison} ${value(ind, ind.target)}`})}`)),
    h('div', {class: 'gauge-track'}, h('div', {class: 'gauge-fill', style: {width: `${(share * 100).toFixed(1)}%`}})));
}

// indicators are the district gauges and the per-unit table.
function indicators(state) {
  if (state.indicatorsError) return refusal(state.indicatorsError);
  if (!state.indicators) return h('p', {class: 'muted'}, t('planner.loading'));
  const {district, units} = state.indicators;
  const byKey = (u) => new Map((u.indicators ?? []).map((i) => [i.key, i]));
  const head = byKey(district ?? {});
  return [
    h('section', {class: 'census-section'},
      h('h3', {}, t('planner.indicators')),
      h('div', {class: 'gauges', id: 'planner-gauges'}, (district?.indicators ?? []).map(gauge))),
    h('section', {class: 'census-section'},
      h('h3', {}, t('planner.units')),
      h('div', {class: 'scroll-x'}, h('table', {class: 'data-table', id: 'planner-units'},
        h('thead', {}, h('tr', {}, h('th', {}, t('planner.unit')),
          mainKeys.map((k) => h('th', {class: 'num', title: head.get(k)?.title ?? k}, `#${head.get(k)?.number ?? ''} ${t(`planner.short.${k}`)}`)))),
        h('tbody', {}, units.map((u) => {
          const m = byKey(u);
          return h('tr', {dataset: {code: u.code}}, h('td', {class: 'nowrap'}, u.name),
            mainKeys.map((k) => {
              const ind = m.get(k);
              return h('td', {class: `num ${ind ? (ind.pass ? 'pass' : 'fail') : ''}`}, ind ? value(ind) : '—');
            }));
        }))))),
  ];
}

// gaps are the selected indicator's gaps, with exports.
function gaps(state, actions) {
  const ind = state.gapIndicator;
  const g = state.gaps[ind];
  let body;
  if (!g || g.status === 'loading') body = h('p', {class: 'muted'}, t('planner.loading'));
  else if (g.status === 'error') body = refusal(g.error);
  else body = gapTable(g.result, actions);
  const link = (format, label) => h('a', {class: 'button-link', id: `planner-export-${format}`,
    href: apiURL('api/gaps', {indicator: ind, format}).href, download: `gaps-${ind}.${format === 'csv' ? 'csv' : 'geojson'}`}, label);
  return h('section', {class: 'census-section', id: 'planner-gaps'},
    h('h3', {}, t('planner.gaps')),
    h('div', {class: 'segmented'}, gapIndicators.map((i) => h('label', {class: `seg${i === ind ? ' on' : ''}`},
      h('input', {type: 'radio', name: 'planner-gap', value: i, checked: i === ind, id: `planner-gap-${i}`, onchange: () => actions.setGapIndicator(i)}),
      h('span', {}, t(`planner.gaps.${i}`))))),
    h('div', {class: 'row'}, link('csv', t('planner.export.csv')), link('geojson', t('planner.export.geojson'))),
    body);
}

// gapTable lists gap areas (fire, warning) or census units below target
// (shelters), most residents first.
function gapTable(r, actions) {
  if (r.areas) {
    const rows = [...r.areas].sort((a, b) => b.population - a.population);
    return [
      h('p', {class: 'muted'}, t('planner.gaps.total', {area: r.total_area_km2?.toFixed(1), pop: count(Math.round(r.total_population ?? 0))})),
      h('table', {class: 'data-table', id: 'planner-gap-table'},
        h('thead', {}, h('tr', {}, h('th', {}, t('planner.gaps.rank')), h('th', {}, t('planner.gaps.where')),
          h('th', {class: 'num'}, t('planner.gaps.area')), h('th', {class: 'num'}, t('planner.gaps.population')))),
        h('tbody', {}, rows.slice(0, maxGapRows).map((a) => h('tr', {class: 'clickable', dataset: {population: String(a.population)}, onclick: () => actions.focus(a.centroid)},
          h('td', {class: 'num'}, String(a.rank)),
          h('td', {}, [a.town, a.census_unit ?? a.built_up].filter(Boolean).join(' · ')),
          h('td', {class: 'num'}, a.area_km2.toFixed(2)),
          h('td', {class: 'num'}, count(Math.round(a.population))))))),
      rows.length > maxGapRows ? h('p', {class: 'muted small-text'}, t('planner.gaps.more', {n: rows.length - maxGapRows})) : null,
    ];
  }
  const rows = [...(r.units ?? [])].sort((a, b) => b.population - a.population);
  return [
    h('p', {class: 'muted'}, t('planner.gaps.deficit', {m2: count(Math.round(r.total_deficit_m2 ?? 0)), pop: count(Math.round(r.total_population ?? 0))})),
    h('p', {class: 'muted small-text'}, t('planner.gaps.overloaded', {n: (r.shelters ?? []).length})),
    h('table', {class: 'data-table', id: 'planner-gap-table'},
      h('thead', {}, h('tr', {}, h('th', {}, t('planner.gaps.where')), h('th', {class: 'num'}, t('planner.gaps.population')),
        h('th', {class: 'num'}, t('planner.gaps.access')))),
      h('tbody', {}, rows.slice(0, maxGapRows).map((u) => h('tr', {dataset: {population: String(u.population)}},
        h('td', {}, `${u.town} · ${u.name}`),
        h('td', {class: 'num'}, count(Math.round(u.population))),
        h('td', {class: 'num fail'}, u.access_m2.toFixed(2)))))),
    rows.length > maxGapRows ? h('p', {class: 'muted small-text'}, t('planner.gaps.more', {n: rows.length - maxGapRows})) : null,
  ];
}

// access switches the 2SFCA surface and says what it shows.
function access(state, actions) {
  const a = state.access;
  return h('section', {class: 'census-section', id: 'planner-access'},
    h('h3', {}, t('planner.access')),
    h('label', {class: 'switch'},
      h('input', {type: 'checkbox', id: 'planner-access-toggle', checked: state.showAccess, onchange: (e) => actions.toggleAccess(e.target.checked)}),
      h('span', {}, t('planner.access.show'))),
    state.accessError ? refusal(state.accessError) : null,
    a && state.showAccess ? [
      h('p', {class: 'muted'}, t('planner.access.summary', {below: (a.units ?? []).filter((u) => u.below_target).length, target: a.target,
        over: (a.shelters ?? []).filter((s) => s.overloaded).length})),
      h('div', {class: 'legend'}, h('div', {class: 'legend-title'}, t('planner.access.legend')),
        h('ul', {class: 'legend-items'}, accessSteps.map(([v, c], i) => h('li', {},
          h('span', {class: 'legend-symbol'}, h('span', {class: 'swatch swatch-square', style: {background: c, width: '14px', height: '14px'}})),
          h('span', {}, i + 1 < accessSteps.length ? `${v}–${accessSteps[i + 1][0]}` : `≥ ${v}`)))))] : null);
}

// sites asks for suggested sites and shows them, with the what-if.
function sites(state, actions) {
  const f = state.sitesForm;
  const s = state.sites;
  const select = (id, key, options) => h('select', {id, onchange: (e) => actions.setSitesForm({[key]: e.target.value})},
    options.map((o) => h('option', {value: o, selected: f[key] === o}, t(`planner.sites.${o}`))));
  return h('section', {class: 'census-section', id: 'planner-sites'},
    h('h3', {}, t('planner.sites')),
    h('div', {class: 'grid3'},
      h('label', {class: 'field'}, h('span', {}, t('planner.sites.facility')), select('planner-facility', 'facility', ['fire_station', 'shelter'])),
      h('label', {class: 'field'}, h('span', {}, t('planner.sites.model')), select('planner-model', 'model', ['mclp', 'lscp', 'pmedian'])),
      h('label', {class: 'field'}, h('span', {}, t('planner.sites.p')),
        h('input', {type: 'number', id: 'planner-p', min: 1, max: 20, value: f.p, oninput: (e) => actions.setSitesForm({p: e.target.value})}))),
    h('button', {type: 'button', class: 'primary', id: 'planner-sites-run', disabled: s?.status === 'loading', onclick: actions.runSites},
      s?.status === 'loading' ? t('planner.sites.running') : t('planner.sites.run')),
    s?.status === 'error' ? refusal(s.error) : null,
    s?.status === 'ok' ? [
      h('p', {class: 'muted'}, t('planner.sites.result', {before: count(Math.round(s.result.covered_population_before ?? 0)),
        after: count(Math.round(s.result.covered_population_after ?? 0)), method: s.result.method ?? '', gap: `${((s.result.gap ?? 0) * 100).toFixed(2)}%`})),
      h('ol', {class: 'sites', id: 'planner-site-list'}, (s.result.sites ?? []).map((x, i) => h('li', {},
        h('button', {type: 'button', class: 'link', onclick: () => actions.focus(x.point)},
          h('strong', {}, t('planner.sites.site', {n: i + 1})),
          h('span', {class: 'coords muted'}, `${x.point[0].toFixed(4)}°E ${x.point[1].toFixed(4)}°N`),
          x.covers_population !== undefined ? h('span', {}, t('planner.sites.covers', {pop: count(Math.round(x.covers_population))})) : null)))),
      (s.result.notes ?? []).map((n) => h('p', {class: 'note'}, n)),
      (s.result.sites ?? []).length ? h('button', {type: 'button', id: 'planner-whatif', onclick: actions.whatIf}, t('planner.whatif')) : null,
      whatIf(state)] : null);
}

// whatIf compares the district's indicators now and with the sites built.
function whatIf(state) {
  const w = state.whatIf;
  if (!w) return null;
  if (w.status === 'loading') return h('p', {class: 'muted'}, t('planner.loading'));
  if (w.status === 'error') return refusal(w.error);
  const before = new Map((state.indicators?.district?.indicators ?? []).map((i) => [i.key, i]));
  const after = w.result.units?.[0]?.indicators ?? [];
  return h('div', {class: 'report-block'},
    h('h4', {}, t('planner.whatif.result')),
    h('table', {class: 'data-table', id: 'planner-whatif-table'},
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {class: 'num'}, t('planner.whatif.before')), h('th', {class: 'num'}, t('planner.whatif.after')))),
      h('tbody', {}, after.map((i) => h('tr', {dataset: {key: i.key}},
        h('td', {}, `#${i.number} ${i.title}`),
        h('td', {class: `num ${before.get(i.key)?.pass ? 'pass' : 'fail'}`}, before.has(i.key) ? value(before.get(i.key)) : '—'),
        h('td', {class: `num ${i.pass ? 'pass' : 'fail'}`}, value(i)))))));
}
