// census.js is the census workspace: a clerk uploads a zipped shapefile
// (or GeoJSON, CSV), watches it being processed, reads the validation
// report, corrects encoding, coordinate system or field mapping and runs it
// again; a data steward publishes it, rolls it back and browses the
// layer's versions. The server does the work (/api/imports…, docs/import.md);
// this module keeps the form, asks and shows. Nothing typed or chosen is
// lost when the server refuses: the state lives here, not in the DOM.
import {getJSON, sendJSON, uploadForm} from './api.js';
import './census-texts.js';
import {renderCensus} from './census-view.js';
import {t} from './i18n.js';
import {setOverlay} from './overlays.js';

// pollMs is how often a running import is read again.
const pollMs = 400;

// stagedLimit is the most staged features drawn; the report says when an
// upload has more.
const stagedLimit = 5000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// bboxPolygon is the outline of [w, s, e, n] as a GeoJSON Polygon.
function bboxPolygon([w, s, e, n]) {
  return {type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]]};
}

// createCensus renders the workspace into el. catalog maps layer names to
// catalog entries (for the "existing layer" choice); onPublished(layer)
// is told after a publish or rollback changed a layer.
export function createCensus(el, map, {session, catalog, onPublished}) {
  const state = {
    form: {target: 'new', layer: '', name: '', title: '', encoding: '', crs: '', gcj02: false, files: []},
    phase: 'idle', // idle, sending, processing
    sent: 0,
    total: 0,
    error: null, // the last refusal, shown where the action was
    failedUpload: false, // the error belongs to the upload form
    notice: '',
    upload: null,
    draft: null,
    imports: null,
    importsError: null,
    versions: null, // {layer, list, error}
    confirmRollback: null, // the layer whose rollback awaits confirmation
    active: false,
    // staged holds the staged features of the upload shown, read once per
    // run: {key, fc} (fc null while reading).
    staged: null,
  };

  let shown = null;
  const render = () => {
    renderCensus(el, state, actions, {session, catalog});
    showExtent();
    // A new message is brought into view once: the reader scrolled the
    // report to the buttons, or the form is long.
    const message = state.error ?? state.notice;
    if (message && message !== shown) el.querySelector('#census-error, #census-notice')?.scrollIntoView({block: 'nearest'});
    shown = message || null;
  };

  // showExtent draws the staged data — its features and its extent — over
  // the published layers while this view is shown and the upload waits to
  // be published.
  const showExtent = () => {
    const u = state.upload;
    const r = u?.report;
    const staged = state.active && r?.bbox && u.state === 'ready';
    const [w, , e, n] = r?.bbox ?? [];
    setOverlay(map, 'staged-extent', staged
      ? [{type: 'Feature', properties: {}, geometry: bboxPolygon(r.bbox)},
        {type: 'Feature', properties: {label: t('census.staged')}, geometry: {type: 'Point', coordinates: [(w + e) / 2, n]}}]
      : []);
    if (!staged) {
      setOverlay(map, 'staged-features', []);
      return;
    }
    // Each run stages its own features: read them once per run.
    const key = `${u.id}/${u.run}`;
    if (state.staged?.key === key) {
      if (state.staged.fc) setOverlay(map, 'staged-features', state.staged.fc);
      return;
    }
    state.staged = {key, fc: null};
    setOverlay(map, 'staged-features', []);
    getJSON(`api/imports/${encodeURIComponent(u.id)}/features`, {params: {limit: stagedLimit}}).then((fc) => {
      if (state.staged?.key !== key) return;
      state.staged.fc = fc;
      render();
    }, (err) => {
      // Kept with its key, so that the refusal is shown once, not asked
      // again at every render.
      if (state.staged?.key !== key) return;
      state.staged.error = err;
      fail(err);
    });
  };

  const zoomTo = (bbox) => {
    if (!bbox) return;
    map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], {padding: 80, maxZoom: 15, duration: 500});
  };

  const fail = (err, {form = false} = {}) => {
    state.error = err;
    state.failedUpload = form;
    render();
  };

  // follow reads a running import until it stops processing.
  const follow = async (u) => {
    state.upload = u;
    state.phase = u.state === 'processing' ? 'processing' : 'idle';
    render();
    while (state.upload?.id === u.id && state.upload.state === 'processing') {
      await sleep(pollMs);
      try {
        const next = await getJSON(`api/imports/${encodeURIComponent(u.id)}`);
        if (state.upload?.id !== u.id) return;
        next.duplicate = state.upload.duplicate;
        state.upload = next;
      } catch (err) {
        state.phase = 'idle';
        fail(err);
        return;
      }
      render();
    }
    state.phase = 'idle';
    state.draft = draftOf(state.upload);
    render();
    zoomTo(state.upload?.report?.bbox);
    refreshImports();
  };

  // draftOf starts the options editor from what the import used.
  const draftOf = (u) => {
    const mapping = {};
    for (const m of u?.report?.mapping ?? []) mapping[m.target] = m.source ?? '';
    // Stopped for the coordinate system: the likeliest guess is preselected.
    const guess = u?.state === 'needs_crs' && !u?.options?.crs ? u?.report?.crs?.guesses?.[0] : null;
    return {
      encoding: u?.options?.encoding ?? '',
      crs: guess ? `EPSG:${guess.epsg}` : u?.options?.crs ?? '',
      gcj02: guess ? !!guess.gcj02 : !!u?.options?.gcj02,
      mapping, mappingChanged: false,
    };
  };

  const refreshImports = async () => {
    if (!session.can('upload') && !session.can('publish')) {
      state.imports = null;
      return;
    }
    try {
      state.imports = (await getJSON('api/imports')).imports ?? [];
      state.importsError = null;
    } catch (err) {
      state.importsError = err;
    }
    render();
  };

  const loadVersions = async (layer) => {
    state.versions = {layer, list: null, error: null};
    render();
    try {
      state.versions.list = (await getJSON(`api/layers/${encodeURIComponent(layer)}/versions`)).versions ?? [];
    } catch (err) {
      state.versions.error = err;
    }
    render();
  };

  const actions = {
    // setForm changes the form without drawing it again (typing keeps focus).
    setForm(patch, redraw = false) {
      Object.assign(state.form, patch);
      if (redraw) render();
    },
    setFiles(files) {
      state.form.files = [...files];
      state.error = null;
      render();
    },
    async submit() {
      const f = state.form;
      state.notice = '';
      if (f.files.length === 0) return fail(new Error(t('census.need.file')), {form: true});
      if (f.target === 'new' ? !(f.name && f.title) : !f.layer) return fail(new Error(t('census.need.name')), {form: true});
      const form = new FormData();
      if (f.target === 'new') {
        form.append('new_layer', f.name.trim());
        form.append('title', f.title.trim());
      } else {
        form.append('layer', f.layer);
      }
      if (f.encoding) form.append('encoding', f.encoding);
      if (f.crs.trim()) form.append('crs', f.crs.trim());
      if (f.gcj02) form.append('gcj02', 'true');
      for (const file of f.files) form.append('file', file, file.name);
      Object.assign(state, {phase: 'sending', sent: 0, total: f.files.reduce((n, x) => n + x.size, 0), error: null});
      render();
      let u;
      try {
        u = await uploadForm('api/imports', form, {onProgress: (sent, total) => {
          Object.assign(state, {sent, total: total || state.total});
          render();
        }});
      } catch (err) {
        state.phase = 'idle';
        return fail(err, {form: true});
      }
      state.notice = u.duplicate ? t('census.duplicate') : '';
      state.versions = null;
      await follow(u);
    },
    async open(id) {
      state.error = null;
      state.notice = '';
      try {
        const u = await getJSON(`api/imports/${encodeURIComponent(id)}`);
        state.versions = null;
        await follow(u);
      } catch (err) {
        fail(err);
      }
    },
    setDraft(patch) {
      Object.assign(state.draft, patch);
    },
    setMapping(target, source) {
      state.draft.mapping[target] = source;
      state.draft.mappingChanged = true;
    },
    async rerun(extra = {}) {
      const d = state.draft;
      const body = {encoding: d.encoding, crs: d.crs.trim(), gcj02: d.gcj02, ...extra};
      if (d.mappingChanged) body.mapping = d.mapping;
      state.error = null;
      state.notice = '';
      try {
        const u = await sendJSON('PUT', `api/imports/${encodeURIComponent(state.upload.id)}/options`, body);
        await follow(u);
      } catch (err) {
        fail(err);
      }
    },
    async publish() {
      state.error = null;
      try {
        const u = await sendJSON('POST', `api/imports/${encodeURIComponent(state.upload.id)}/publish`);
        state.upload = u;
        const p = u.publications?.[u.publications.length - 1];
        state.notice = t('census.published', {layer: p?.layer ?? u.layer, version: p?.version ?? '', n: p?.features ?? ''});
        render();
        await onPublished(u.layer, u.report?.bbox);
        loadVersions(u.layer);
        refreshImports();
      } catch (err) {
        fail(err);
      }
    },
    // askRollback shows the confirmation of a rollback (null hides it).
    askRollback(layer) {
      state.confirmRollback = layer;
      render();
    },
    async rollback(layer) {
      state.confirmRollback = null;
      state.error = null;
      try {
        const rb = await sendJSON('POST', `api/layers/${encodeURIComponent(layer)}/rollback`);
        state.notice = t('census.rolledback', {layer, version: rb.version, restored: rb.restored, n: rb.features});
        render();
        await onPublished(layer, null);
        loadVersions(layer);
      } catch (err) {
        fail(err);
      }
    },
    loadVersions,
    zoomTo,
    newImport() {
      Object.assign(state, {upload: null, draft: null, error: null, notice: '', versions: null});
      render();
    },
  };

  session.onChange(() => {
    // What the last user was shown is not for the next one.
    if (!session.can('upload') && !session.can('publish')) {
      Object.assign(state, {upload: null, draft: null, imports: null, versions: null, notice: '', error: null});
    }
    render();
    refreshImports();
  });

  render();
  return {
    render,
    actions,
    // activate shows the workspace's overlays and reads the imports list.
    activate() {
      state.active = true;
      render();
      refreshImports();
    },
    deactivate() {
      state.active = false;
      showExtent();
    },
  };
}
