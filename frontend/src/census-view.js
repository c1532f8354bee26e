// census-view.js renders the census workspace from its state: who may do
// what, the upload form, progress, the server's refusals, the report (in
// census-report.js), the layer's versions and the recent imports.
import {append, clear, h} from './dom.js';
import {count} from './format.js';
import {layerTitle, t} from './i18n.js';
import {refusal} from './notice.js';
import {crsInput, encodings} from './census-controls.js';
import {renderReport, stateBadge} from './census-report.js';
import {openLoginDialog} from './session.js';

// size words a byte count.
function size(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// renderCensus draws the workspace.
export function renderCensus(el, state, actions, {session, catalog}) {
  const top = el.scrollTop;
  const canUpload = session.can('upload');
  append(clear(el), [
    h('h2', {class: 'panel-title'}, t('census.title')),
    h('p', {class: 'muted'}, t('census.intro')),
    access(session),
    canUpload && !state.upload ? form(state, actions, catalog) : null,
    progress(state),
    state.upload ? [
      h('div', {class: 'row'}, canUpload ? h('button', {type: 'button', class: 'small', id: 'census-new', onclick: actions.newImport}, `＋ ${t('census.new')}`) : null),
      renderReport(state, actions, {session, messages: messages(state)})] : messages(state),
    state.versions ? versions(state, actions, session) : null,
    imports(state, actions),
  ]);
  // Drawing again must not move what the reader was looking at.
  el.scrollTop = top;
}

// messages are the last refusal and the last success, shown where the
// action was taken: under the form, or among the report's actions.
function messages(state) {
  return [
    state.error ? h('div', {class: 'census-error', id: 'census-error'},
      refusal(state.error),
      state.failedUpload ? h('p', {class: 'muted'}, t('census.failed.keep')) : null) : null,
    state.notice ? h('p', {class: 'census-notice', id: 'census-notice', role: 'status'}, state.notice) : null,
  ];
}

// access says what the user may do here and offers the login.
function access(session) {
  const me = session.me;
  if (!me.authenticated) {
    return h('div', {class: 'callout'},
      h('p', {}, t('census.login')),
      h('button', {type: 'button', class: 'primary', id: 'census-login', onclick: () => openLoginDialog(session)}, t('census.login.button')));
  }
  if (!session.can('upload')) {
    return h('div', {class: 'callout'}, t('census.readonly', {roles: (me.roles ?? []).map((r) => t(`role.${r}`)).join('、')}));
  }
  return null;
}

// form is the upload form. Inputs write into state.form as they change, so
// a refused upload keeps everything.
function form(state, actions, catalog) {
  const f = state.form;
  const layers = [...catalog.values()].filter((l) => !['roads', 'admin_units'].includes(l.name));
  const busy = state.phase !== 'idle';
  const fileInput = h('input', {type: 'file', id: 'census-file', multiple: true, class: 'visually-hidden',
    accept: '.zip,.shp,.shx,.dbf,.prj,.cpg,.geojson,.json,.csv,.txt',
    onchange: (e) => actions.setFiles(e.target.files)});
  const drop = h('label', {class: `dropzone${f.files.length ? ' has-files' : ''}`, id: 'census-drop', for: 'census-file',
    ondragover: (e) => {
      e.preventDefault();
      drop.classList.add('over');
    },
    ondragleave: () => drop.classList.remove('over'),
    ondrop: (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      if (e.dataTransfer?.files?.length) actions.setFiles(e.dataTransfer.files);
    }},
  h('strong', {}, t('census.drop')),
  h('small', {}, t('census.drop.formats')),
  f.files.length ? h('ul', {class: 'file-list', id: 'census-files'},
    f.files.map((x) => h('li', {}, `${x.name} (${size(x.size)})`)),
    h('li', {class: 'muted'}, t('census.files', {n: f.files.length, size: size(f.files.reduce((n, x) => n + x.size, 0))}))) : null);

  return h('form', {class: 'census-form', id: 'census-form', onsubmit: (e) => {
    e.preventDefault();
    actions.submit();
  }},
  h('fieldset', {disabled: busy},
    h('legend', {}, t('census.target')),
    h('div', {class: 'segmented'},
      radio('census-target', 'new', f.target === 'new', t('census.target.new'), () => actions.setForm({target: 'new'}, true)),
      radio('census-target', 'existing', f.target === 'existing', t('census.target.existing'), () => actions.setForm({target: 'existing'}, true))),
    f.target === 'new' ? h('div', {class: 'grid2'},
      field(t('census.new.name'), h('input', {id: 'census-name', value: f.name, placeholder: 'risk_zones',
        title: t('census.new.name.hint'), oninput: (e) => actions.setForm({name: e.target.value})})),
      field(t('census.new.title'), h('input', {id: 'census-title', value: f.title, placeholder: '风险区划',
        oninput: (e) => actions.setForm({title: e.target.value})})))
      : field(t('census.existing'), h('select', {id: 'census-layer', onchange: (e) => actions.setForm({layer: e.target.value})},
        h('option', {value: ''}, '—'),
        layers.map((l) => h('option', {value: l.name, selected: l.name === f.layer}, `${layerTitle(l)} (${l.name})`)))),
    h('div', {class: 'grid2'},
      field(t('census.encoding'), h('select', {id: 'census-encoding', onchange: (e) => actions.setForm({encoding: e.target.value})},
        encodings.map(([v, label]) => h('option', {value: v, selected: v === f.encoding}, v ? label : t(label))))),
      field(t('census.crs'), crsInput('census-crs', f.crs, (v) => actions.setForm({crs: v})))),
    h('label', {class: 'switch'},
      h('input', {type: 'checkbox', id: 'census-gcj02', checked: f.gcj02, onchange: (e) => actions.setForm({gcj02: e.target.checked})}),
      h('span', {}, t('census.gcj02'))),
    h('legend', {class: 'sub'}, t('census.file')),
    fileInput,
    drop,
    h('button', {type: 'submit', class: 'primary wide', id: 'census-upload'}, t('census.upload'))));
}

function radio(name, value, checked, label, onchange) {
  return h('label', {class: `seg${checked ? ' on' : ''}`},
    h('input', {type: 'radio', name, value, checked, onchange, id: `${name}-${value}`}), h('span', {}, label));
}

function field(label, input) {
  return h('label', {class: 'field'}, h('span', {}, label), input);
}

// progress shows the bytes sent, then the records read.
function progress(state) {
  if (state.phase === 'sending') {
    const pct = state.total ? Math.min(100, Math.round((state.sent / state.total) * 100)) : 0;
    return h('div', {class: 'progress', id: 'census-progress'},
      h('div', {class: 'progress-label'}, t('census.uploading', {pct: `${pct}%`})),
      h('div', {class: 'progress-track'}, h('div', {class: 'progress-fill', style: {width: `${pct}%`}})));
  }
  if (state.phase === 'processing' || state.upload?.state === 'processing') {
    return h('div', {class: 'progress', id: 'census-progress'},
      h('div', {class: 'progress-label'}, t('census.processing', {n: count(state.upload?.progress?.records ?? 0)})),
      h('div', {class: 'progress-track indeterminate'}, h('div', {class: 'progress-fill'})));
  }
  return null;
}

// versions lists a layer's committed changes, newest first.
function versions(state, actions, session) {
  const v = state.versions;
  let body;
  if (v.error) body = refusal(v.error);
  else if (!v.list) body = h('p', {class: 'muted'}, '…');
  else {
    body = h('table', {class: 'data-table', id: 'census-versions'},
      h('thead', {}, h('tr', {},
        h('th', {}, t('census.versions.version')), h('th', {}, t('census.versions.time')),
        h('th', {}, t('census.versions.change')), h('th', {}, t('census.versions.note')))),
      h('tbody', {}, v.list.slice(0, 12).map((x) => h('tr', {dataset: {version: String(x.version)}},
        h('td', {class: 'num'}, `v${x.version}`),
        h('td', {}, new Date(x.created_at).toLocaleString()),
        h('td', {}, x.replaced ? `${t('census.versions.replaced')} ${count(x.inserted)}` : t('census.versions.diff', {i: x.inserted, u: x.updated, d: x.deleted})),
        h('td', {class: 'note-cell'}, x.note ?? '')))));
  }
  return h('section', {class: 'census-section'},
    h('h3', {}, t('census.versions.of', {layer: v.layer})),
    body);
}

// imports lists recent uploads for whoever may see them.
function imports(state, actions) {
  if (state.importsError) return h('section', {class: 'census-section'}, h('h3', {}, t('census.imports')), refusal(state.importsError));
  if (!state.imports) return null;
  return h('section', {class: 'census-section'},
    h('h3', {}, t('census.imports')),
    state.imports.length === 0 ? h('p', {class: 'muted'}, t('census.imports.none')) : h('ul', {class: 'imports', id: 'census-imports'},
      state.imports.slice(0, 10).map((u) => h('li', {class: state.upload?.id === u.id ? 'current' : '', dataset: {id: u.id}},
        h('button', {type: 'button', class: 'link', onclick: () => actions.open(u.id)},
          h('span', {class: 'import-name'}, u.name),
          h('span', {class: 'muted'}, u.layer),
          stateBadge(u.state),
          h('span', {class: 'muted small-text'}, new Date(u.created_at).toLocaleString()))))));
}
