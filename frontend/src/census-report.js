// census-report.js renders an import's validation report: the state and
// what to do next, the counts, the encoding and coordinate system chosen
// and why (with the guesses when the file did not say), the decoded source
// fields with sample values, the field mapping (editable), the repaired,
// rejected and skipped records with their reasons, a preview, and the
// actions: run again with other options, publish, roll back.
import {h} from './dom.js';
import {count} from './format.js';
import {t} from './i18n.js';
import {crsInput, encodings, rollbackControl} from './census-controls.js';

// maxIssues is how many repaired/rejected/skipped records are listed.
const maxIssues = 50;

// stateBadge shows an import's state in words.
export function stateBadge(s) {
  return h('span', {class: `badge state-${s}`, dataset: {state: s}}, t(`census.state.${s}`));
}

// renderReport draws the current upload.
export function renderReport(state, actions, {session, messages}) {
  const u = state.upload;
  const r = u.report;
  return h('section', {class: 'report', id: 'census-report', dataset: {state: u.state, id: u.id}},
    h('div', {class: 'report-head'},
      h('h3', {}, t('census.report')),
      stateBadge(u.state)),
    h('dl', {class: 'facts'},
      h('dt', {}, t('census.report.file')), h('dd', {}, `${u.name} · ${u.id}`),
      h('dt', {}, t('census.report.layer')), h('dd', {}, `${r?.target?.layer?.title ?? ''} (${u.layer})${r?.target?.new ? ' ' + t('census.report.new') : ''}`)),
    u.message || u.error ? h('p', {class: u.state === 'failed' ? 'report-error' : 'report-message', id: 'census-message'}, u.error || u.message) : null,
    r ? counts(r.counts) : null,
    r ? decisions(state, actions, r) : null,
    r?.bbox ? extent(r.bbox, actions) : null,
    r?.fields?.length ? fields(r.fields) : null,
    r?.mapping?.length ? mapping(state, actions, r) : null,
    r ? issues('census.repaired', r.repaired, r.counts?.repaired, 'repaired') : null,
    r ? issues('census.rejected', r.rejected, r.counts?.rejected, 'rejected') : null,
    r ? issues('census.skipped', r.skipped, r.counts?.skipped, 'skipped') : null,
    r?.warnings?.length ? h('div', {class: 'report-block'}, h('h4', {}, t('census.warnings')),
      h('ul', {class: 'issues warnings'}, r.warnings.map((w) => h('li', {}, w)))) : null,
    r?.preview?.length ? preview(r) : null,
    state.draft && u.state !== 'processing' && session.can('upload') ? overrides(state, actions) : null,
    publishing(state, actions, session),
    messages);
}

// counts are the record counts as tiles.
function counts(c) {
  const keys = ['read', 'imported', 'repaired', 'rejected', 'skipped', 'derived'];
  return h('div', {class: 'counts', id: 'census-counts'}, keys.filter((k) => k !== 'derived' || c?.derived).map((k) =>
    h('div', {class: `count count-${k}`, dataset: {key: k}},
      h('span', {class: 'count-n'}, count(c?.[k] ?? 0)),
      h('span', {class: 'count-label'}, t(`census.counts.${k}`)))));
}

// decisions are the encoding and the CRS with their reasons; when the
// file did not say its CRS, the guesses to choose from.
function decisions(state, actions, r) {
  const crs = r.crs ?? {};
  return h('div', {class: 'report-block', id: 'census-decisions'},
    r.encoding ? h('div', {class: 'decision'},
      h('span', {class: 'decision-label'}, t('census.encoding.chosen')),
      h('strong', {id: 'census-encoding-chosen'}, r.encoding.name),
      h('span', {class: 'muted'}, r.encoding.reason)) : null,
    h('div', {class: 'decision'},
      h('span', {class: 'decision-label'}, t('census.crs.chosen')),
      crs.name ? h('strong', {id: 'census-crs-chosen'}, `${crs.name}${crs.epsg ? ` (EPSG:${crs.epsg})` : ''}`) : h('strong', {class: 'warn'}, '?'),
      crs.reason ? h('span', {class: 'muted'}, crs.reason) : null,
      crs.area ? h('span', {class: 'muted small-text'}, `${t('census.crs.area')}: ${crs.area}`) : null,
      crs.warning ? h('span', {class: 'warn'}, crs.warning.zh ?? crs.warning.en ?? '') : null),
    crs.guesses?.length ? guesses(state, actions, crs.guesses) : null);
}

// guesses lists the candidate systems, likeliest first, to confirm one.
function guesses(state, actions, list) {
  const chosen = state.draft?.crs || `EPSG:${list[0].epsg}`;
  const zh = document.documentElement.lang !== 'en';
  return h('div', {class: 'guesses', id: 'census-guesses'},
    h('p', {}, t('census.crs.guesses')),
    h('ol', {}, list.map((g) => {
      const code = `EPSG:${g.epsg}`;
      return h('li', {},
        h('label', {},
          h('input', {type: 'radio', name: 'census-guess', value: code, checked: code === chosen,
            onchange: () => actions.setDraft({crs: code, gcj02: !!g.gcj02})}),
          h('strong', {}, `${g.name} (${code})`),
          h('span', {class: 'confidence'}, `${Math.round(g.confidence * 100)}%`)),
        h('div', {class: 'muted small-text'}, (zh ? g.reason?.zh : g.reason?.en) ?? ''),
        g.centre ? h('div', {class: 'muted small-text'}, t('census.crs.lands', {lon: g.centre[0].toFixed(4), lat: g.centre[1].toFixed(4)})) : null);
    })),
    h('button', {type: 'button', class: 'primary', id: 'census-crs-confirm', onclick: () => actions.rerun()}, t('census.crs.confirm')));
}

// extent is the data's bbox with a button to show it.
function extent(bbox, actions) {
  return h('div', {class: 'decision'},
    h('span', {class: 'decision-label'}, t('census.bbox')),
    h('span', {class: 'coords'}, `${bbox[0].toFixed(4)}, ${bbox[1].toFixed(4)} — ${bbox[2].toFixed(4)}, ${bbox[3].toFixed(4)}`),
    h('button', {type: 'button', class: 'small', id: 'census-zoom', onclick: () => actions.zoomTo(bbox)}, t('census.zoom')));
}

// fields are the decoded source columns with sample values.
function fields(list) {
  return h('div', {class: 'report-block'},
    h('h4', {}, t('census.fields')),
    h('table', {class: 'data-table', id: 'census-fields'},
      h('thead', {}, h('tr', {}, h('th', {}, t('census.fields.name')), h('th', {}, t('census.fields.type')), h('th', {}, t('census.fields.samples')))),
      h('tbody', {}, list.map((f) => h('tr', {},
        h('td', {class: 'field-name'}, f.name, f.original && f.original !== f.name ? h('small', {class: 'muted'}, ` ← ${f.original}`) : null),
        h('td', {class: 'muted'}, f.source_type ?? f.type),
        h('td', {class: 'samples'}, (f.samples ?? []).map((v) => h('span', {class: 'sample'}, String(v)))))))));
}

// mapping shows which source column feeds each target field and why, each
// changeable.
function mapping(state, actions, r) {
  const sources = (r.fields ?? []).map((f) => f.name);
  const editable = state.draft && state.upload.state !== 'published' && state.upload.state !== 'processing';
  return h('div', {class: 'report-block'},
    h('h4', {}, t('census.mapping')),
    h('table', {class: 'data-table', id: 'census-mapping'},
      h('thead', {}, h('tr', {}, h('th', {}, t('census.mapping.target')), h('th', {}, t('census.mapping.source')), h('th', {}, t('census.mapping.reason')))),
      h('tbody', {}, r.mapping.map((m) => h('tr', {class: m.required && !m.source ? 'missing' : '', dataset: {target: m.target}},
        h('td', {}, h('strong', {}, m.title || m.target), h('small', {class: 'muted'}, ` ${m.target}`),
          m.required ? h('span', {class: 'badge required'}, t('census.mapping.required')) : null),
        h('td', {}, editable
          ? h('select', {onchange: (e) => actions.setMapping(m.target, e.target.value)},
            h('option', {value: ''}, t('census.mapping.none')),
            sources.map((s) => h('option', {value: s, selected: s === (state.draft.mapping[m.target] ?? m.source)}, s)))
          : (m.source || '—'),
        m.unit ? h('small', {class: 'muted'}, ` ${m.unit}${m.factor && m.factor !== 1 ? ` ×${m.factor}` : ''}`) : null),
        h('td', {class: 'muted small-text'}, m.reason ?? ''))))),
    r.unmapped_columns?.length ? h('p', {class: 'muted small-text'}, t('census.unmapped', {list: r.unmapped_columns.join('、')})) : null,
    r.missing_required?.length ? h('p', {class: 'warn'}, t('census.missing', {list: r.missing_required.join('、')})) : null);
}

// issues lists records with their reasons.
function issues(title, list, total, cls) {
  if (!list?.length) return null;
  return h('div', {class: 'report-block'},
    h('h4', {}, `${t(title)} (${count(total ?? list.length)})`),
    h('ul', {class: `issues ${cls}`, id: `census-${cls}`}, list.slice(0, maxIssues).map((i) =>
      h('li', {}, h('span', {class: 'record'}, t('census.record', {n: i.record})), h('span', {}, i.reason)))),
    (total ?? list.length) > Math.min(list.length, maxIssues) ? h('p', {class: 'muted small-text'}, t('census.more', {n: (total ?? list.length) - Math.min(list.length, maxIssues)})) : null);
}

// preview shows the first rows as they will be stored.
function preview(r) {
  const rows = r.preview.slice(0, 5);
  const cols = [...new Set(rows.flatMap((p) => Object.keys(p.properties ?? {})))];
  const titles = new Map((r.mapping ?? []).map((m) => [m.target, m.title || m.target]));
  return h('div', {class: 'report-block'},
    h('h4', {}, t('census.preview', {n: rows.length})),
    h('div', {class: 'scroll-x'}, h('table', {class: 'data-table', id: 'census-preview'},
      h('thead', {}, h('tr', {}, h('th', {}, '#'), cols.map((c) => h('th', {}, titles.get(c) ?? c)))),
      h('tbody', {}, rows.map((p) => h('tr', {},
        h('td', {class: 'num'}, String(p.record)),
        cols.map((c) => h('td', {}, p.properties?.[c] === undefined || p.properties?.[c] === null ? '—' : String(p.properties[c])))))))));
}

// overrides change encoding, CRS and GCJ-02 and run the import again (the
// mapping edits above go along).
function overrides(state, actions) {
  const d = state.draft;
  return h('details', {class: 'report-block overrides', id: 'census-overrides', open: state.upload.state === 'needs_mapping' || undefined},
    h('summary', {}, t('census.override')),
    h('div', {class: 'grid2'},
      h('label', {class: 'field'}, h('span', {}, t('census.encoding')),
        h('select', {id: 'census-rerun-encoding', onchange: (e) => actions.setDraft({encoding: e.target.value})},
          encodings.map(([v, label]) => h('option', {value: v, selected: v === d.encoding}, v ? label : t(label))))),
      h('label', {class: 'field'}, h('span', {}, t('census.crs')), crsInput('census-rerun-crs', d.crs, (v) => actions.setDraft({crs: v})))),
    h('label', {class: 'switch'},
      h('input', {type: 'checkbox', checked: d.gcj02, onchange: (e) => actions.setDraft({gcj02: e.target.checked})}),
      h('span', {}, t('census.gcj02'))),
    h('button', {type: 'button', class: 'primary', id: 'census-rerun', onclick: () => actions.rerun()}, t('census.rerun')));
}

// publishing offers publish and rollback to those who may.
function publishing(state, actions, session) {
  const u = state.upload;
  const published = u.state === 'published' || (u.publications ?? []).length > 0;
  return h('div', {class: 'report-actions'},
    u.state === 'ready' ? (session.can('publish')
      ? [h('p', {class: 'muted small-text'}, t('census.publish.hint', {layer: u.layer})),
        h('button', {type: 'button', class: 'primary', id: 'census-publish', onclick: actions.publish}, t('census.publish'))]
      : h('p', {class: 'muted small-text'}, t('census.publish.need'))) : null,
    published && session.can('rollback') ? rollbackControl(state, actions, u.layer) : null,
    h('button', {type: 'button', class: 'small', id: 'census-versions-open', onclick: () => actions.loadVersions(u.layer)}, t('census.versions')),
    u.state === 'ready' ? h('p', {class: 'muted small-text staged-note'}, t('census.staged.note'), ' ', stagedCount(state.staged?.fc)) : null);
}

// stagedCount says how many staged features the map draws, and how many
// there are when it draws only the first.
function stagedCount(fc) {
  if (!fc) return '';
  return fc.numberMatched > fc.numberReturned
    ? t('census.staged.partial', {n: fc.numberReturned, total: fc.numberMatched})
    : t('census.staged.count', {n: fc.numberReturned});
}
